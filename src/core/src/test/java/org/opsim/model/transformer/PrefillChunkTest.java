package org.opsim.model.transformer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.opsim.graph.Attention;
import org.opsim.graph.Block;
import org.opsim.graph.Graph;
import org.opsim.graph.Op;
import org.opsim.graph.OpKind;
import org.opsim.graph.Precision;
import org.opsim.model.MemoryFootprint;
import org.opsim.model.Workload;

/**
 * Prefill chunks (new tokens after tokens already cached), checked against hand-derived shapes, FLOPs
 * and bytes, and against the whole prompt they split.
 */
class PrefillChunkTest {

    private static final TransformerModel LLAMA8B = PublishedParameterCountTest.model("llama-3.1-8b");

    private static double sum(Graph g, OpKind kind, boolean bytes) {
        double f = 0;
        for (Block b : g.blocks()) {
            for (Op op : b.ops()) {
                if (op.kind() == kind) {
                    f += b.repeat() * (bytes ? op.bytes() : op.flops());
                }
            }
        }
        return f;
    }

    /** The one op named {@code name} in the graph's layer blocks (each layer kind's first). */
    private static Op first(Graph g, String name) {
        for (Block b : g.blocks()) {
            for (Op op : b.ops()) {
                if (op.name().equals(name)) {
                    return op;
                }
            }
        }
        throw new AssertionError("no op " + name + " in " + g.name());
    }

    @Test
    void aChunkAttendsToTheCachedAndTheNewTokens() {
        // Llama-3.1-8B, 2 sequences, 512 new tokens after 3584 cached: query i (0-based) sees 3584 + i + 1 keys,
        // pairs = 512·3584 + 512·513/2 = 1,835,008 + 131,328 = 1,966,336 per (sequence, head).
        Graph g = LLAMA8B.graph(Workload.prefillChunk(2, 512, 3584));
        Attention a = (Attention) first(g, "attention");
        assertEquals(512, a.queryLength());
        assertEquals(4096, a.kvLength());
        double pairs = 1_966_336;
        // FLOPs: (4·128 matrix + 5 softmax) per pair per head, 32 heads, 2 sequences, 32 layers.
        double flops = 32 * 2 * 32 * (4.0 * 128 + 5) * pairs;
        assertEquals(flops, sum(g, OpKind.ATTENTION, false), flops * 1e-12);
        // Bytes per layer: Q and O of the new tokens (2·32·512·256·2 B) + the whole cache once (2·8·4096·256·2 B).
        double bytes = 32 * (2.0 * 32 * 512 * 256 * 2 + 2.0 * 8 * 4096 * 256 * 2);
        assertEquals(bytes, sum(g, OpKind.ATTENTION, true), bytes * 1e-12);
        // Every weight GEMM sees the 1024 new rows only; the head the 2 last tokens:
        // 2·1024·6,979,321,856 (layer weights, as in WorkloadGraphTest) + 2·2·128256·4096.
        double matmul = 2.0 * 1024 * 6_979_321_856L + 2.0 * 2 * 128_256 * 4096;
        assertEquals(matmul, sum(g, OpKind.MATMUL, false), matmul * 1e-12);
        assertEquals("prefill chunk, batch 2, 512 new tokens after 3584 cached, weights bf16, activations bf16, KV bf16",
                Workload.prefillChunk(2, 512, 3584).describe());
    }

    @Test
    void chunksOfAPromptDoTheWholePromptsAttentionWork() {
        // Causal pairs add up: c(c+1)/2 + (p−c)·c + (p−c)(p−c+1)/2 = p(p+1)/2 for any split c of p tokens.
        Graph whole = LLAMA8B.graph(Workload.prefill(1, 4096));
        double parts = 0;
        long cached = 0;
        for (long chunk : new long[] {1000, 2048, 1048}) {
            parts += sum(LLAMA8B.graph(Workload.prefillChunk(1, chunk, cached)), OpKind.ATTENTION, false);
            cached += chunk;
        }
        double want = sum(whole, OpKind.ATTENTION, false);
        assertEquals(want, parts, want * 1e-12);
    }

    @Test
    void aChunkHoldsTheCacheOfAllItsTokens() {
        // KV per token: 2·32 layers·8 heads·128·2 B = 131,072 B; 2 sequences × (3584 + 512) tokens.
        MemoryFootprint m = LLAMA8B.memoryFootprint(Workload.prefillChunk(2, 512, 3584));
        assertEquals(2 * 4096 * 131_072.0, m.kvCacheBytes());
        // Activations follow the new tokens only: the same as a 512-token prompt's.
        assertEquals(LLAMA8B.memoryFootprint(Workload.prefill(2, 512)).activationBytes(), m.activationBytes());
    }

    @Test
    void aLinearAttentionChunkReadsTheStateTheCachedTokensLeft() {
        // Qwen3.5-27B's Gated DeltaNet: 48 value heads of 128×128 fp32 state = 3,145,728 B per sequence; its conv
        // over 2·16·128 + 48·128 = 10,240 channels keeps 3 inputs in bf16: 61,440 B per sequence. A chunk after
        // cached tokens reads each once more than the same tokens as a whole prompt (3 sequences).
        TransformerModel qwen = PublishedParameterCountTest.model("qwen3.5-27b");
        Graph fresh = qwen.graph(Workload.prefill(3, 256));
        Graph chunk = qwen.graph(Workload.prefillChunk(3, 256, 1000));
        assertEquals(3 * 3_145_728.0, first(chunk, "linear_attention").bytes() - first(fresh, "linear_attention").bytes());
        assertEquals(3 * 61_440.0, first(chunk, "conv1d").bytes() - first(fresh, "conv1d").bytes());
        assertEquals(first(fresh, "linear_attention").flops(), first(chunk, "linear_attention").flops());
    }

    @Test
    void aMambaChunkReadsTheStateTheCachedTokensLeft() {
        // Nemotron-3-Nano's Mamba-2: 64 heads × 64 × 128 state in fp32 = 2,097,152 B per sequence; conv over
        // 4096 + 2·8·128 = 6,144 channels, 3 inputs in bf16 = 36,864 B per sequence.
        TransformerModel nemotron = PublishedParameterCountTest.model("nemotron-3-nano");
        Graph fresh = nemotron.graph(Workload.prefill(1, 300));
        Graph chunk = nemotron.graph(Workload.prefillChunk(1, 300, 5));
        assertEquals(2_097_152.0, first(chunk, "ssm_scan").bytes() - first(fresh, "ssm_scan").bytes());
        assertEquals(36_864.0, first(chunk, "conv1d").bytes() - first(fresh, "conv1d").bytes());
    }

    @Test
    void cachedTokensAreAPrefillsAlone() {
        assertThrows(IllegalArgumentException.class,
                () -> new Workload(Workload.Phase.DECODE, 1, 100, 0, Workload.decode(1, 1).precisions(), 1, false,
                        Attention.Form.FLASH, 10));
        assertThrows(IllegalArgumentException.class, () -> Workload.prefillChunk(1, 100, -1));
        assertThrows(IllegalArgumentException.class, () -> Workload.generation(1, 10, 10).withCachedTokens(5));
        // No tokens cached: the whole prompt, graph for graph.
        assertEquals(LLAMA8B.graph(Workload.prefill(2, 700)), LLAMA8B.graph(Workload.prefillChunk(2, 700, 0)));
        assertTrue(Workload.prefill(1, 8).withPrecision(Precision.FP8).withCachedTokens(4).withTensorParallel(2)
                .cachedTokens() == 4);
    }
}
