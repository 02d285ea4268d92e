package org.opsim.cost;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.opsim.Opsim;
import org.opsim.hardware.HardwareProfile;
import org.opsim.model.Model;
import org.opsim.model.Workload;

/** The workload-parametric plan against the graph it stands for: built at the same point, compiled, evaluated. */
class ParametricPlanTest {

    private static void assertSame(PlanTotals want, PlanTotals got, String where) {
        assertEquals(want.latencySeconds(), got.latencySeconds(), 1e-12 * want.latencySeconds(), where + " latency");
        assertEquals(want.energyJoules(), got.energyJoules(), 1e-12 * want.energyJoules(), where + " energy");
        assertEquals(want.flops(), got.flops(), 1e-12 * want.flops(), where + " FLOPs");
        assertEquals(want.bytes(), got.bytes(), 1e-12 * want.bytes(), where + " bytes");
    }

    @Test
    void aDecodeStepAtAnyBatchAndContextCostsWhatItsGraphDoes() {
        Model llama = Opsim.model("llama-3.1-70b");
        Workload like = Workload.decode(1, 1).withTensorParallel(8);
        for (String chip : List.of("h100", "trn2", "tpu-v6e", "a100")) {
            HardwareProfile p = Opsim.profile(chip);
            ParametricPlan plan = Opsim.decodePlan(llama, like, p, 512, 32768);
            SplittableRandom r = new SplittableRandom(7);
            PlanTotals got = new PlanTotals();
            PlanTotals want = new PlanTotals();
            for (int t = 0; t < 40; t++) {
                long b = 1 + r.nextLong(512);
                long k = 1 + r.nextLong(32768);
                plan.evaluate(b, k, got);
                Plan.compile(llama.graph(Opsim.decodeStep(like, b, k)), p).evaluate(want);
                assertSame(want, got, chip + " batch " + b + " context " + k);
            }
        }
    }

    @Test
    void aPointOutsideTheDomainIsRefused() {
        ParametricPlan plan = Opsim.decodePlan(Opsim.model("llama-3.1-8b"), Workload.decode(1, 1), Opsim.profile("h100"), 64, 4096);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> plan.evaluate(65, 10, new PlanTotals()));
        assertTrue(e.getMessage().contains("domain"), e.getMessage());
    }

    /**
     * Every bundled model with a decode phase, on a GPU under its stack, a TPU, a Trainium and an AMD part:
     * the plan equals its graph at random batches and contexts (windows, sinks, sparse indexers, MoE and
     * recurrent layers included), or the model is refused by name (none is today).
     */
    @Test
    void everyBundledDecoderIsClosedFormOverItsContext() {
        org.opsim.Catalogue cat = Opsim.catalogue();
        List<HardwareProfile> chips = List.of(cat.profile("h100").withStack(cat.defaultStack("NVIDIA")), cat.profile("tpu-v6e"),
                cat.profile("trn2"), cat.profile("mi300x"));
        SplittableRandom r = new SplittableRandom(11);
        PlanTotals got = new PlanTotals();
        PlanTotals want = new PlanTotals();
        int models = 0;
        java.util.Set<String> refusedModels = new java.util.TreeSet<>();
        for (org.opsim.Catalogue.ModelEntry e : cat.modelEntries()) {
            Model m = e.model() instanceof org.opsim.model.ImportedModel.Parametric pm ? pm.model() : null;
            if (m == null || !m.phases().contains(Workload.Phase.DECODE)) {
                continue;
            }
            models++;
            for (HardwareProfile p : chips) {
                ParametricPlan plan;
                try {
                    plan = Opsim.decodePlan(m, Workload.decode(1, 1), p, 256, 65536);
                } catch (IllegalArgumentException refused) {
                    refusedModels.add(e.name());
                    assertTrue(refused.getMessage().contains(m.name()), refused.getMessage());
                    continue;
                }
                for (int t = 0; t < 6; t++) {
                    long b = 1 + r.nextLong(256);
                    long k = 1 + r.nextLong(65536);
                    plan.evaluate(b, k, got);
                    Plan.compile(m.graph(Opsim.decodeStep(Workload.decode(1, 1), b, k)), p).evaluate(want);
                    assertSame(want, got, e.name() + " on " + p.name() + " batch " + b + " context " + k);
                }
            }
        }
        assertTrue(models > 20, "models: " + models);
        // DeepSeek-V4's compressed-attention indexer reads floor(context / ratio) entries: a step every ratio
        // tokens, more pieces than a plan holds, so it is refused (named) and costed by building its graph.
        assertEquals(java.util.Set.of("deepseek-v4-flash"), refusedModels);
    }

    /** x·min(y, 100) elements added, a 64×4096×4096 GEMM per x, and beyond y = 1000 a second block. */
    private static org.opsim.graph.Graph windowed(long x, long y) {
        org.opsim.graph.Precision p = org.opsim.graph.Precision.BF16;
        org.opsim.graph.Graph.Builder b = org.opsim.graph.Graph.builder("windowed")
                .block("a", 2, org.opsim.graph.Elementwise.add("add", x * Math.min(y, 100), p),
                        new org.opsim.graph.MatMul("mm", 64 * x, 4096, 4096, p));
        if (y > 1000) {
            b.block("long", 1, org.opsim.graph.Elementwise.add("extra", x * y, p));
        }
        return b.build();
    }

    /**
     * Pieces and regions by hand: the add's elements are x·y up to y = 100 and 100·x after (two pieces,
     * the first ending at y = 100); the graph gains a block past y = 1000 (two regions, the first ending
     * at 1000). At (3, 50) the add has 150 elements, at (3, 4000) 300 and the extra block 12,000.
     */
    @Test
    void piecesAndStructureRegionsAreFoundWhereTheGraphChanges() {
        HardwareProfile h100 = Opsim.profile("h100");
        ParametricPlan plan = ParametricPlan.compile(ParametricPlanTest::windowed, h100, 64, 4096);
        assertEquals(2, plan.regionCount());
        PlanTotals got = new PlanTotals();
        PlanTotals want = new PlanTotals();
        for (long[] pt : new long[][] {{3, 50}, {3, 100}, {3, 101}, {3, 1000}, {3, 1001}, {64, 4096}, {1, 1}}) {
            plan.evaluate(pt[0], pt[1], got);
            Plan.compile(windowed(pt[0], pt[1]), h100).evaluate(want);
            assertSame(want, got, "(" + pt[0] + ", " + pt[1] + ")");
        }
        // bytes at (3, 50): 2 × (150 · 3 · 2 B + GEMM (192·4096 + 4096² + 192·4096)·2 B) = 2 × (900 + 36,700,160)
        plan.evaluate(3, 50, got);
        assertEquals(2 * (900 + 36_700_160.0), got.bytes(), 1e-6);
        // (3, 4000): the add at 300 elements (1,800 B) twice, the extra block 12,000 elements (72,000 B) once.
        plan.evaluate(3, 4000, got);
        assertEquals(2 * (1800 + 36_700_160.0) + 72_000, got.bytes(), 1e-6);
    }

    /** A number quadratic in y (x·y² elements) is no set of bilinear pieces: refused, op named. */
    @Test
    void aFamilyThatIsNotPiecewiseBilinearIsRefusedByName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ParametricPlan.compile(
                (x, y) -> org.opsim.graph.Graph.builder("quadratic").block("a", 1,
                        org.opsim.graph.Elementwise.add("square", x * y * y, org.opsim.graph.Precision.BF16)).build(),
                Opsim.profile("h100"), 8, 4096));
        assertTrue(e.getMessage().contains("square"), e.getMessage());
    }
}
