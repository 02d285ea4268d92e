package org.opsim.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Block and graph totals: {@code Σ_blocks repeat × Σ_ops work}, never expanded. */
class GraphTest {

    // matmul m = 2, n = 3, k = 4, bf16: FLOPs 2·2·3·4 = 48; bytes (2·4 + 4·3 + 2·3)·2 = (8 + 12 + 6)·2 = 52
    private static MatMul smallMatmul() {
        return new MatMul("mm", 2, 3, 4, Precision.BF16);
    }

    // add of 6 bf16 elements: FLOPs 6; bytes 3·6·2 = 36
    private static Elementwise smallAdd() {
        return Elementwise.add("residual", 6, Precision.BF16);
    }

    @Test
    void aBlockAddsUpItsOpsForOneRepeat() {
        Block layer = new Block("layer", 80, smallMatmul(), smallAdd());
        // 48 + 6 = 54 FLOPs; 52 + 36 = 88 B
        assertEquals(54.0, layer.flopsPerRepeat());
        assertEquals(88.0, layer.bytesPerRepeat());
    }

    @Test
    void graphTotalForABlockRepeatedEightyTimesIsEightyTimesOneBlock() {
        Graph g = Graph.builder("model").block("layer", 80, smallMatmul(), smallAdd()).build();
        // 80·54 = 4,320 FLOPs; 80·88 = 7,040 B
        assertEquals(4_320.0, g.totalFlops());
        assertEquals(7_040.0, g.totalBytes());
        Graph once = Graph.builder("model").block("layer", 1, smallMatmul(), smallAdd()).build();
        assertEquals(80 * once.totalFlops(), g.totalFlops());
        assertEquals(80 * once.totalBytes(), g.totalBytes());
    }

    @Test
    void graphTotalsSumOverBlocksEachTimesItsRepeat() {
        // embedding: 6 tokens × hidden 4, bf16: 0 FLOPs; 2·6·4·2 + 4·6 = 96 + 24 = 120 B
        Embedding embed = new Embedding("embed", 6, 4, 100, Precision.BF16);
        // all-reduce of 1,024 B over 8 chips: 0 FLOPs; bytes() = payload = 1,024 B
        AllReduce ar = new AllReduce("tp_sum", 1024, 8);
        Graph g = Graph.builder("model")
                .block("embed", 1, embed)
                .block("layer", 80, smallMatmul(), smallAdd(), ar)
                .build();
        // FLOPs: 1·0 + 80·(48 + 6 + 0) = 4,320
        assertEquals(4_320.0, g.totalFlops());
        // bytes: 1·120 + 80·(52 + 36 + 1,024) = 120 + 80·1,112 = 120 + 88,960 = 89,080
        assertEquals(89_080.0, g.totalBytes());
    }

    @Test
    void repeatsAreNeverExpanded() {
        Graph g = Graph.builder("model").block("layer", 1_000_000_000_000L, smallMatmul(), smallAdd()).build();
        // 10^12·54 = 5.4·10^13 FLOPs, 10^12·88 = 8.8·10^13 B: instant, so the ops were not copied 10^12 times
        assertEquals(54_000_000_000_000.0, g.totalFlops());
        assertEquals(88_000_000_000_000.0, g.totalBytes());
        assertEquals(2, g.blocks().get(0).ops().size());
    }

    @Test
    void aBlockCountsUnfusedAttentionAsTheSumOfItsParts() {
        // b = 1, h_q = h_kv = 1, q = kv = 2, d = 4, bf16, unfused:
        // qk: 2·1·2·2·4 = 32; softmax 5·2·2 = 20; pv: 2·1·2·4·2 = 32; total 84 FLOPs
        Attention a = new Attention("attn", 1, 1, 1, 2, 2, 4, true, Attention.Form.UNFUSED, Precision.BF16);
        Block b = new Block("layer", 3, a);
        assertEquals(84.0, b.flopsPerRepeat());
        // qk: (2·4 + 4·2 + 2·2)·2 = 20·2 = 40 B; softmax 2·2·2·2 = 16 B; pv: (2·2 + 2·4 + 2·4)·2 = 40 B; 96 B
        assertEquals(96.0, b.bytesPerRepeat());
        // graph with the block × 3: 3·84 = 252 FLOPs, 3·96 = 288 B
        Graph g = Graph.builder("g").block(b).build();
        assertEquals(252.0, g.totalFlops());
        assertEquals(288.0, g.totalBytes());
    }

    @Test
    void blocksAndGraphsKeepTheirOrderAndAreUnaffectedByLaterChangesToTheInputLists() {
        List<Op> ops = new ArrayList<>(List.of(smallMatmul(), smallAdd()));
        Block b = new Block("layer", 2, ops);
        ops.add(new Gelu("late", 1_000, Precision.BF16));
        assertEquals(2, b.ops().size());
        assertEquals("mm", b.ops().get(0).name());
        assertEquals("residual", b.ops().get(1).name());
        assertThrows(UnsupportedOperationException.class, () -> b.ops().add(smallAdd()));

        List<Block> blocks = new ArrayList<>(List.of(new Block("first", 1, smallAdd()), b));
        Graph g = new Graph("g", blocks);
        blocks.clear();
        assertEquals(List.of("first", "layer"), g.blocks().stream().map(Block::name).toList());
    }

    @Test
    void aBlockRepeatOfZeroIsRejectedNamingTheBlock() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Block("decoder", 0, smallAdd()));
        assertTrue(e.getMessage().contains("decoder"), e.getMessage());
        assertTrue(e.getMessage().contains("repeat"), e.getMessage());
    }

    @Test
    void aNegativeBlockRepeatIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Graph.builder("g").block("decoder", -80, smallAdd()));
        assertTrue(e.getMessage().contains("decoder"), e.getMessage());
        assertTrue(e.getMessage().contains("repeat"), e.getMessage());
    }

    @Test
    void aBlockWithoutOpsIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Block("empty", 1, List.of()));
        assertTrue(e.getMessage().contains("empty"), e.getMessage());
    }

    @Test
    void anEmptyGraphIsRejectedNamingTheGraph() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Graph.builder("llama").build());
        assertTrue(e.getMessage().contains("llama"), e.getMessage());
        assertTrue(e.getMessage().contains("block"), e.getMessage());
    }

    @Test
    void blankGraphAndBlockNamesAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> new Graph(" ", List.of(new Block("b", 1, smallAdd()))));
        assertThrows(IllegalArgumentException.class, () -> new Block("", 1, smallAdd()));
    }
}
