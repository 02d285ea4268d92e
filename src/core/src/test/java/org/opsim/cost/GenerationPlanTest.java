package org.opsim.cost;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.opsim.Opsim;
import org.opsim.graph.Elementwise;
import org.opsim.graph.Graph;
import org.opsim.graph.MatMul;
import org.opsim.graph.Precision;
import org.opsim.hardware.HardwareProfile;
import org.opsim.model.Model;
import org.opsim.model.Workload;

/** A generation costed in closed form against its oracle: the prefill plus every decode step, one by one. */
class GenerationPlanTest {

    /** The prefill's totals plus each decode step's at contexts prompt … prompt + generated − 2. */
    private static double[] stepByStep(ParametricPlan prefill, ParametricPlan decode, long b, long p, long g) {
        PlanTotals t = new PlanTotals();
        prefill.evaluate(b, p, t);
        double[] sum = totals(t);
        for (long k = p; k <= p + g - 2; k++) {
            decode.evaluate(b, k, t);
            double[] s = totals(t);
            for (int i = 0; i < sum.length; i++) {
                sum[i] += s[i];
            }
        }
        return sum;
    }

    private static double[] totals(PlanTotals t) {
        double[] out = new double[6 + Bound.values().length];
        out[0] = t.latencySeconds();
        out[1] = t.energyJoules();
        out[2] = t.flops();
        out[3] = t.bytes();
        out[4] = t.costUsd();
        out[5] = t.peakFlopCapacity();
        for (Bound bound : Bound.values()) {
            out[6 + bound.ordinal()] = t.seconds(bound);
        }
        return out;
    }

    private static void assertClose(double[] want, double[] got, double relative, String where) {
        String[] names = {"latency", "energy", "FLOPs", "bytes", "dollars", "capacity"};
        for (int i = 0; i < want.length; i++) {
            // Seconds per bound: relative to the total latency (a bound may hold none of it).
            double scale = i < 6 ? Math.abs(want[i]) : want[0];
            assertEquals(want[i], got[i], relative * scale,
                    where + " " + (i < 6 ? names[i] : Bound.values()[i - 6].name() + " seconds"));
        }
    }

    /**
     * By hand, a family whose decode step adds x·min(y, 100) elements (6 B each: two reads and a write at 2 B)
     * and whose prefill is one 2×x·y-element add. Batch 3, prompt 90, 21 tokens: the prefill adds 540 elements
     * (3,240 B); the 20 decode steps run at contexts 90…109, Σ min(k, 100) = (90 + … + 100) + 9 × 100 = 1,045 + 900
     * = 1,945, so they move 6 · 3 · 1,945 = 35,010 B: 38,250 B in all. One token: the prefill alone.
     */
    @Test
    void aWindowedGenerationSumsItsStepsByHand() {
        HardwareProfile h100 = Opsim.profile("h100");
        ParametricPlan prefill = ParametricPlan.compile(
                (x, y) -> Graph.builder("prefill").block("a", 1, Elementwise.add("p", 2 * x * y, Precision.BF16)).build(), h100, 8, 256);
        ParametricPlan decode = ParametricPlan.compile(
                (x, y) -> Graph.builder("decode").block("a", 1, Elementwise.add("d", x * Math.min(y, 100), Precision.BF16)).build(),
                h100, 8, 512);
        GenerationPlan plan = GenerationPlan.of(prefill, decode);
        PlanTotals got = new PlanTotals();
        plan.evaluate(3, 90, 21, got);
        assertEquals(38_250, got.bytes(), 1e-9);
        assertClose(stepByStep(prefill, decode, 3, 90, 21), totals(got), 1e-12, "by hand");
        // Split after context 100 (the piece's end): 90…100 and 101…109, each linear, each costed at its ends,
        // middle and quarter points: 10 steps costed.
        assertEquals(10, plan.stepsCosted());
        plan.evaluate(3, 90, 1, got);
        assertEquals(3_240, got.bytes(), 1e-9);
    }

    /**
     * A step that changes bound along the way: its GEMM's depth is the context, so it is memory-bound on short
     * contexts and compute-bound on long ones (the seconds move from one bound to the other, a kink in the
     * latency); the sum halves its way to the crossing and still equals the oracle, every bound's seconds too.
     */
    @Test
    void aStepThatChangesBoundIsSummedExactlyAcrossTheCrossing() {
        HardwareProfile h100 = Opsim.profile("h100");
        ParametricPlan prefill = ParametricPlan.compile(
                (x, y) -> Graph.builder("prefill").block("a", 1, Elementwise.add("p", x * y, Precision.BF16)).build(), h100, 8, 8192);
        ParametricPlan decode = ParametricPlan.compile(
                (x, y) -> Graph.builder("decode").block("a", 1, new MatMul("scores", 256 * x, 256, y, Precision.BF16)).build(),
                h100, 8, 16384);
        GenerationPlan plan = GenerationPlan.of(prefill, decode);
        PlanTotals got = new PlanTotals();
        PlanTotals first = new PlanTotals();
        PlanTotals last = new PlanTotals();
        decode.evaluate(8, 1, first);
        decode.evaluate(8, 16384, last);
        assertTrue(first.dominantBound() != last.dominantBound(), first.dominantBound() + " " + last.dominantBound());
        plan.evaluate(8, 1, 16384, got);
        assertClose(stepByStep(prefill, decode, 8, 1, 16384), totals(got), 1e-9, "across the crossing");
        assertTrue(plan.stepsCosted() < 400, "steps costed: " + plan.stepsCosted());
        // Generations whose first or last decode context is the only one on its side of the crossing: the
        // bisection leaves a one-context segment, counted once (it was counted twice: one step too many).
        long c = 1;
        PlanTotals step = new PlanTotals();
        do {
            decode.evaluate(8, ++c, step);
        } while (step.dominantBound() == first.dominantBound());
        for (long start = c - 3; start <= c + 1; start++) {
            for (long generated : new long[] {9, 10, 11, 17, 33}) {
                plan.evaluate(8, start, generated, got);
                assertClose(stepByStep(prefill, decode, 8, start, generated), totals(got), 1e-9,
                        "crossing at " + c + ", contexts " + start + "…" + (start + generated - 2));
            }
        }
    }

    /**
     * Every bundled model whose prefill and decode step are closed-form, on a GPU under its stack, a calibrated
     * A100, a TPU and a Trainium: random generations, and generations that start just before and end just after
     * each context where a decode number changes formula (a window's end), equal the step-by-step sum within
     * 1e-9, and cost far fewer steps than they sum.
     */
    @Test
    void everyClosedFormModelGeneratesAsItsStepsSum() {
        org.opsim.Catalogue cat = Opsim.catalogue();
        List<HardwareProfile> chips = List.of(cat.profile("h100").withStack(cat.defaultStack("NVIDIA")),
                Opsim.profile("nvidia-a100-sxm-vidur"), cat.profile("tpu-v6e"), cat.profile("trn2"));
        SplittableRandom r = new SplittableRandom(15);
        PlanTotals got = new PlanTotals();
        List<String> covered = new ArrayList<>();
        long summed = 0;
        long costed = 0;
        for (org.opsim.Catalogue.ModelEntry e : cat.modelEntries()) {
            Model m = e.model() instanceof org.opsim.model.ImportedModel.Parametric pm ? pm.model() : null;
            if (m == null || !m.phases().contains(Workload.Phase.GENERATION)) {
                continue;
            }
            for (HardwareProfile p : chips) {
                ParametricPlan prefill;
                try {
                    prefill = Opsim.prefillPlan(m, Workload.decode(1, 1), p, 16, 4096);
                } catch (IllegalArgumentException refused) {
                    continue;
                }
                ParametricPlan decode = Opsim.decodePlan(m, Workload.decode(1, 1), p, 16, 8192);
                GenerationPlan plan = GenerationPlan.of(prefill, decode);
                covered.add(e.name());
                List<long[]> cases = new ArrayList<>();
                for (int t = 0; t < 3; t++) {
                    cases.add(new long[] {1 + r.nextLong(16), 1 + r.nextLong(4096), 1 + r.nextLong(4097)});
                }
                long[] ends = java.util.Arrays.stream(decode.breakpoints()).filter(end -> end > 10 && end < 4096).toArray();
                // A staircase along the context (DeepSeek-V4's compressed cache: a breakpoint every 4 contexts) is
                // summed chunk by chunk, as many steps costed as summed: checked, not counted in the speed bound.
                boolean staircase = ends.length > 64;
                for (int i = 0; i < ends.length; i += Math.max(1, ends.length / 12)) {
                    cases.add(new long[] {1 + r.nextLong(16), ends[i] - 10, 200});
                }
                for (long[] c : cases) {
                    plan.evaluate(c[0], c[1], c[2], got);
                    if (!staircase) {
                        summed += c[2] - 1;
                        costed += plan.stepsCosted();
                    }
                    assertClose(stepByStep(prefill, decode, c[0], c[1], c[2]), totals(got), 1e-9,
                            e.name() + " on " + p.name() + " batch " + c[0] + " prompt " + c[1] + " generated " + c[2]);
                }
            }
        }
        assertTrue(covered.containsAll(List.of("llama-3.1-70b", "gemma-3-27b", "mistral-7b", "mixtral-8x7b", "deepseek-v4-flash")),
                covered.toString());
        assertTrue(costed * 20 < summed, "costed " + costed + " of " + summed + " steps");
    }

    /** The plan over a model's graphs: the decode plan's steps are the model's decode workloads at those contexts. */
    @Test
    void aModelsGenerationPlanIsItsPrefillAndDecodeGraphs() {
        Model llama = Opsim.model("llama-3.1-8b");
        HardwareProfile h100 = Opsim.profile("h100");
        Workload like = Workload.decode(1, 1);
        GenerationPlan plan = Opsim.generationPlan(llama, like, h100, 8, 1024, 256);
        PlanTotals got = new PlanTotals();
        plan.evaluate(4, 1000, 5, got);
        PlanTotals t = new PlanTotals();
        double latency = 0;
        Plan.compile(llama.graph(Opsim.prefill(like, 4, 1000)), h100).evaluate(t);
        latency += t.latencySeconds();
        for (long k = 1000; k <= 1003; k++) {
            Plan.compile(llama.graph(Opsim.decodeStep(like, 4, k)), h100).evaluate(t);
            latency += t.latencySeconds();
        }
        assertEquals(latency, got.latencySeconds(), 1e-12 * latency);
        // The model's own generation graph (its context-dependent ops at segment means: exact for ops linear in
        // the context, as every op of this step is) costs the same.
        plan.evaluate(4, 1000, 200, got);
        Plan.compile(llama.graph(Workload.generation(4, 1000, 200)), h100).evaluate(t);
        assertEquals(t.latencySeconds(), got.latencySeconds(), 1e-12 * t.latencySeconds());
        assertEquals(t.energyJoules(), got.energyJoules(), 1e-12 * t.energyJoules());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> plan.evaluate(4, 1024, 258, got));
        assertTrue(e.getMessage().contains("domain"), e.getMessage());
    }
}
