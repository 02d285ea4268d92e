package org.opsim.cost;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.opsim.graph.Attention;
import org.opsim.graph.Block;
import org.opsim.graph.Elementwise;
import org.opsim.graph.Graph;
import org.opsim.graph.MatMul;
import org.opsim.graph.Op;
import org.opsim.graph.OpKind;
import org.opsim.graph.Precision;
import org.opsim.graph.RmsNorm;
import org.opsim.hardware.HardwareProfile;

/** Whole-graph evaluation: frequencies, breakdowns and their invariants. */
class EvaluationTest {

    private static final Op[] LAYER = {
        new RmsNorm("norm", 16, 4096, Precision.BF16),
        new MatMul("proj", 16, 4096, 4096, Precision.BF16),
        Elementwise.add("residual", 16 * 4096, Precision.BF16),
    };

    @Test
    void aBlockRepeatedEightyTimesCostsEightyTimesOneBlock() {
        HardwareProfile gpu = TestChips.gpu().dispatchOverheadSeconds(4e-6, TestChips.SRC).build();
        Evaluation once = CostModel.evaluate(new Graph("one", List.of(new Block("layer", 1, LAYER))), gpu);
        Evaluation eighty = CostModel.evaluate(new Graph("eighty", List.of(new Block("layer", 80, LAYER))), gpu);
        // One layer by hand (bandwidth 2e12, efficiency 1; 4 µs dispatch per op):
        //  norm: bytes (2·16·4096 + 4096)·2 = 270,336 → 0.135 µs  (FLOPs 4·65,536 tiny)
        //  proj: bytes (16·4096 + 4096·4096 + 16·4096)·2 = 33,816,576 → 16.91 µs;
        //        FLOPs 2·16·4096·4096 = 536,870,912 / (989.4e12·0.7) = 0.775 µs → memory-bound
        //  add:  bytes 3·65,536·2 = 393,216 → 0.197 µs
        double layer = (270_336 / 2e12 + 4e-6) + (33_816_576 / 2e12 + 4e-6) + (393_216 / 2e12 + 4e-6);
        assertEquals(layer, once.total().latencySeconds(), layer * 1e-12);
        assertEquals(80 * layer, eighty.total().latencySeconds(), 80 * layer * 1e-12);
        assertEquals(80 * once.total().flops(), eighty.total().flops(), 1e-3);
        assertEquals(80, eighty.ops().get(0).count());
        assertEquals(80, eighty.blocks().get(0).repeat());
        // Each op's memory time exceeds its compute time, but the 4 µs dispatch exceeds the norm's
        // 0.135 µs and the add's 0.197 µs; the projection's 16.9 µs beats its 4 µs dispatch. So the
        // block spends 2 × 4.1 µs overhead-bound and 20.9 µs memory-bound: memory dominates.
        assertEquals(Bound.MEMORY, eighty.blocks().get(0).dominantBound());
        assertEquals(Bound.OVERHEAD, eighty.dominantBound(OpKind.RMSNORM));
        assertEquals(Bound.MEMORY, eighty.dominantBound(OpKind.MATMUL));
        assertEquals(layer, eighty.blocks().get(0).perRepeat().latencySeconds(), layer * 1e-12);
    }

    @Test
    void breakdownsAddUpToTheTotal() {
        HardwareProfile gpu = TestChips.gpu().dispatchOverheadSeconds(4e-6, TestChips.SRC).build();
        Graph g = Graph.builder("g")
                .block("embed", 1, new org.opsim.graph.Embedding("embed", 16, 4096, 128_256, Precision.BF16))
                .block("layer", 32, LAYER)
                .block("attn", 32, new Attention("attn", 16, 32, 8, 1, 4096, 128, true, Attention.Form.UNFUSED, Precision.BF16))
                .build();
        Evaluation e = CostModel.evaluate(g, gpu);
        double t = e.total().latencySeconds();
        double byKind = e.byKind().values().stream().mapToDouble(Totals::latencySeconds).sum();
        double byBound = e.byBound().values().stream().mapToDouble(Totals::latencySeconds).sum();
        double byOp = e.ops().stream().mapToDouble(r -> r.totals().latencySeconds()).sum();
        double byBlock = e.blocks().stream().mapToDouble(b -> b.total().latencySeconds()).sum();
        assertEquals(t, byKind, t * 1e-12);
        assertEquals(t, byBound, t * 1e-12);
        assertEquals(t, byOp, t * 1e-12);
        assertEquals(t, byBlock, t * 1e-12);
        // The unfused attention appears as its three parts, costed under their own kinds.
        assertTrue(e.byKind().containsKey(OpKind.BATCHED_MATMUL));
        assertTrue(e.byKind().containsKey(OpKind.SOFTMAX));
        assertTrue(!e.byKind().containsKey(OpKind.ATTENTION));
        assertEquals(1 + 3 + 3, e.ops().size());
        double shares = 0;
        for (OpKind k : e.byKind().keySet()) {
            shares += e.timeShare(k);
        }
        assertEquals(1.0, shares, 1e-12);
        assertEquals(g.totalFlops(), e.total().flops(), g.totalFlops() * 1e-12);
    }

    @Test
    void evaluationFromManyThreadsGivesIdenticalResults() throws Exception {
        HardwareProfile gpu = TestChips.gpu().build();
        Graph g = new Graph("g", List.of(new Block("layer", 80, LAYER)));
        Evaluation reference = CostModel.evaluate(g, gpu);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Evaluation>> futures = new ArrayList<>();
            for (int i = 0; i < 64; i++) {
                futures.add(pool.submit(() -> CostModel.evaluate(g, gpu)));
            }
            for (Future<Evaluation> f : futures) {
                assertEquals(reference, f.get());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void decodeOnAnAsicReportsEachFallbackOnce() {
        HardwareProfile asic = TestChips.asic();
        Graph g = Graph.builder("g").block("layer", 32,
                new org.opsim.graph.Gelu("act", 65_536, Precision.BF16),
                new org.opsim.graph.Gelu("act2", 65_536, Precision.BF16)).build();
        Evaluation e = CostModel.evaluate(g, asic);
        // Two distinct notes (not native; no bf16 on the vector unit), each once despite 64 executions.
        assertEquals(List.of(Note.fallback(Note.Kind.VECTOR_FALLBACK, "test-asic", org.opsim.graph.OpKind.GELU, 3),
                Note.precisionFallback("test-asic", org.opsim.graph.OpKind.GELU, org.opsim.graph.Engine.VECTOR, Precision.BF16,
                        Precision.FP32)), e.notes());
    }
}
