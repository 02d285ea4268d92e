package org.opsim.cost;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.opsim.Opsim;
import org.opsim.graph.Attention;
import org.opsim.graph.Graph;
import org.opsim.graph.MatMul;
import org.opsim.graph.Precision;
import org.opsim.hardware.HardwareProfile;
import org.opsim.model.Model;
import org.opsim.model.Workload;

/** Prefill chunks compiled once, against the graph of each chunk: built at the same point, compiled, evaluated. */
class ChunkPlanTest {

    private static void assertSame(PlanTotals want, PlanTotals got, String where) {
        ParametricPlanTest.assertSame(want, got, where);
    }

    /** 8 heads of 128 attending causally to the cache and the chunk, then a 4096×4096 GEMM over the chunk's rows. */
    private static Graph chunk(long chunk, long cached) {
        return Graph.builder("chunk").block("layer", 2,
                new Attention("attention", 1, 8, 8, chunk, cached + chunk, 128, true, Attention.Form.FLASH, Precision.BF16),
                new MatMul("proj", chunk, 4096, 4096, Precision.BF16)).build();
    }

    /**
     * Pairs per head = chunk·cached + chunk·(chunk + 1)/2: at (100, 900) 90,000 + 5,050 = 95,050; (4·128 + 5) FLOPs
     * per pair and head, 8 heads: 393,126,800; the GEMM 2·100·4096² = 3,355,443,200; two layers. A chunk of one
     * token after 900 (its own plan): 901 pairs, 3,726,536 + 33,554,432 FLOPs per layer.
     */
    @Test
    void aChunksAttentionGrowsWithTheCacheAndWithTheSquareOfTheChunk() {
        ChunkPlan plan = ChunkPlan.compile(ChunkPlanTest::chunk, Opsim.profile("h100"), 1024, 8192);
        PlanTotals got = new PlanTotals();
        plan.evaluate(100, 900, got);
        assertEquals(2 * (393_126_800.0 + 3_355_443_200.0), got.flops(), 1e-3);
        plan.evaluate(1, 900, got);
        assertEquals(2 * (3_726_536.0 + 33_554_432.0), got.flops(), 1e-3);
        // Bytes at (100, 0): Q and O 8·100·256·2 B, K and V 8·100·256·2 B; the GEMM 2·(100·4096 + 4096² + 100·4096) B.
        plan.evaluate(100, 0, got);
        assertEquals(2 * (2 * 409_600.0 + 2 * (2 * 409_600.0 + 16_777_216.0)), got.bytes(), 1e-3);
        assertEquals(1024, plan.maxChunk());
        assertEquals(8192, plan.maxCached());
        assertThrows(IllegalArgumentException.class, () -> plan.evaluate(1025, 0, got));
        assertThrows(IllegalArgumentException.class, () -> plan.evaluate(1, -1, got));
        assertThrows(IllegalArgumentException.class, () -> plan.evaluate(0, 5, got));
    }

    /** {@link #chunk} with a sliding window of 100 keys. */
    private static Graph windowed(long chunk, long cached) {
        return Graph.builder("windowed").block("layer", 1,
                new Attention("attention", 1, 8, 8, chunk, cached + chunk, 128, 128, false, true, Attention.Form.FLASH,
                        Attention.Pass.FORWARD, Precision.BF16, Precision.BF16, Attention.Limit.WINDOW, 100, false, 1),
                new MatMul("proj", chunk, 4096, 4096, Precision.BF16)).build();
    }

    /**
     * A window of L = 100: query at position p sees min(p + 1, 100) keys, so a chunk of c after k sees
     * Σ_{v=k+1}^{k+c} min(v, 100) pairs per head, in three regions whose ends move with the chunk:
     * (50, 20): k + c ≤ 100, 50·20 + 50·51/2 = 2,275; (50, 80): Σ_{81}^{100} v + 30·100 = 1,810 + 3,000 = 4,810;
     * (50, 500): 50·100 = 5,000; (300, 10): Σ_{11}^{100} v + 210·100 = 4,995 + 21,000 = 25,995. FLOPs (4·128 + 5)
     * per pair and head, 8 heads, plus the GEMM 2·c·4096².
     */
    @Test
    void aWindowsEndsMoveWithTheChunk() {
        ChunkPlan plan = ChunkPlan.compile(ChunkPlanTest::windowed, Opsim.profile("h100"), 512, 4096);
        PlanTotals got = new PlanTotals();
        // (3, 5), in the corner read point by point: 3·5 + 3·4/2 = 21.
        long[][] points = {{50, 20, 2_275}, {50, 80, 4_810}, {50, 500, 5_000}, {300, 10, 25_995}, {3, 5, 21}};
        for (long[] p : points) {
            plan.evaluate(p[0], p[1], got);
            assertEquals(8 * 517.0 * p[2] + 2.0 * p[0] * 4096 * 4096, got.flops(), 1e-3, p[0] + " after " + p[1]);
        }
        PlanTotals want = new PlanTotals();
        SplittableRandom r = new SplittableRandom(3);
        for (int t = 0; t < 200; t++) {
            long c = 1 + r.nextLong(512);
            long k = t % 2 == 0 ? r.nextLong(4097) : Math.max(0, 100 - c + r.nextLong(5) - 2);
            plan.evaluate(c, k, got);
            Plan.compile(windowed(c, k), Opsim.profile("h100")).evaluate(want);
            assertSame(want, got, "chunk " + c + " after " + k);
        }
    }

    /**
     * Every bundled decoder's prefill chunk, on a GPU under its stack, a TPU or a Trainium (one per model, in
     * turn): the plan equals the chunk's graph at random chunks and caches, at a chunk of one and two tokens
     * and with nothing cached (windows and Llama 4's chunked attention: regions between lines that move with the
     * chunk; DeepSeek-V3.2 and GLM-5's indexer top-k, ⌈log₂ min(k, keys)⌉ passes, steps one to four keys wide
     * at the smallest contexts, read point by point there), or it is refused with the op named: DeepSeek-V4 (its
     * indexer's steps).
     */
    @Test
    void everyBundledChunkIsClosedFormOrRefusedByName() {
        org.opsim.Catalogue cat = Opsim.catalogue();
        List<HardwareProfile> chips = List.of(cat.profile("h100").withStack(cat.defaultStack("NVIDIA")), cat.profile("tpu-v6e"),
                cat.profile("trn2"));
        SplittableRandom r = new SplittableRandom(15);
        PlanTotals got = new PlanTotals();
        PlanTotals want = new PlanTotals();
        java.util.Set<String> closed = new java.util.TreeSet<>();
        java.util.Set<String> refused = new java.util.TreeSet<>();
        int turn = 0;
        Workload like = Workload.prefill(2, 1);
        for (org.opsim.Catalogue.ModelEntry e : cat.modelEntries()) {
            Model m = e.model() instanceof org.opsim.model.ImportedModel.Parametric pm ? pm.model() : null;
            if (m == null || !m.phases().contains(Workload.Phase.DECODE)) {
                continue;
            }
            HardwareProfile p = chips.get(turn++ % chips.size());
            ChunkPlan plan;
            try {
                plan = Opsim.chunkPlan(m, like, p, 2048, 16384);
            } catch (IllegalArgumentException no) {
                assertTrue(no.getMessage().contains(m.name()) && no.getMessage().contains("op "), no.getMessage());
                refused.add(e.name());
                continue;
            }
            closed.add(e.name());
            for (int t = 0; t < 8; t++) {
                long c = switch (t) {
                    case 0 -> 1;
                    case 1 -> 2;
                    case 2 -> 2048;
                    default -> 1 + r.nextLong(2048);
                };
                long k = switch (t) {
                    case 3 -> 0;
                    case 4 -> 1;
                    case 2 -> 16384;
                    default -> r.nextLong(16385);
                };
                plan.evaluate(c, k, got);
                Plan.compile(m.graph(Opsim.prefillChunk(like, 2, c, k)), p).evaluate(want);
                assertSame(want, got, e.name() + " on " + p.name() + " chunk " + c + " after " + k);
            }
        }
        assertTrue(closed.containsAll(List.of("llama-3.1-70b", "deepseek-r1", "deepseek-v3", "kimi-k2.5", "minimax-m2.5",
                "qwen3-235b-a22b", "mixtral-8x7b", "qwen3.5-397b-a17b", "nemotron-h-56b", "gpt-oss-120b", "gemma-3-27b",
                "mistral-7b", "llama-4-scout", "mimo-v2-flash", "deepseek-v3.2", "glm-5")), closed.toString());
        assertEquals(java.util.Set.of("deepseek-v4-flash"), refused);
    }

    /**
     * A copy evaluates as the original; with the chip's figures scaled (HBM bandwidth ×2, matrix peak ×0.5) a chunk
     * costs what the chunk's own graph costs compiled and evaluated with the same scales (docs/cost-model.md §17.4).
     */
    @Test
    void aChunkPlanCopiesAndTakesScaledFigures() {
        Model m = Opsim.model("llama-3.1-8b");
        HardwareProfile h100 = Opsim.profile("h100");
        Workload like = Workload.prefill(1, 1);
        ChunkPlan plan = Opsim.chunkPlan(m, like, h100, 1024, 8192);
        ChunkPlan copy = plan.copy();
        FigureScales scales = FigureScales.NONE.withMemoryBandwidth(2).withMatrixPeak(0.5);
        PlanTotals got = new PlanTotals();
        PlanTotals want = new PlanTotals();
        for (long[] p : new long[][] {{1, 0}, {1, 5000}, {512, 3584}, {1024, 8192}, {77, 0}}) {
            plan.evaluate(p[0], p[1], got);
            copy.evaluate(p[0], p[1], want);
            assertSame(got, want, "copy at " + p[0] + " after " + p[1]);
            plan.evaluate(p[0], p[1], scales, got);
            Plan.compile(m.graph(Opsim.prefillChunk(like, 1, p[0], p[1])), h100).evaluate(want, scales);
            assertSame(want, got, "scaled at " + p[0] + " after " + p[1]);
        }
        assertThrows(IllegalArgumentException.class, () -> plan.evaluation(1025, 0));
        // A whole-prompt plan refuses a template with cached tokens rather than ignore them.
        Workload chunkLike = Workload.prefillChunk(1, 64, 100);
        for (Runnable r : List.<Runnable>of(() -> Opsim.decodePlan(m, chunkLike, h100, 8, 1024),
                () -> Opsim.prefillPlan(m, chunkLike, h100, 8, 1024), () -> Opsim.generationPlan(m, chunkLike, h100, 8, 512, 512))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::run);
            assertTrue(e.getMessage().contains("100 cached tokens"), e.getMessage());
        }
    }

    @Test
    void aChunkPlanNeedsADomain() {
        assertThrows(IllegalArgumentException.class, () -> ChunkPlan.compile(ChunkPlanTest::chunk, Opsim.profile("h100"), 2, 100));
        assertThrows(IllegalArgumentException.class, () -> ChunkPlan.compile(ChunkPlanTest::chunk, Opsim.profile("h100"), 100, 2));
    }
}
