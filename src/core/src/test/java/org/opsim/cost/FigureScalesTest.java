package org.opsim.cost;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.opsim.Opsim;
import org.opsim.graph.Engine;
import org.opsim.graph.Graph;
import org.opsim.graph.Precision;
import org.opsim.hardware.Clock;
import org.opsim.hardware.HardwareProfile;
import org.opsim.hardware.Interconnect;
import org.opsim.model.Model;
import org.opsim.model.Workload;

/**
 * A compiled plan evaluated with its chip's figures scaled, against the oracle of a profile whose
 * figures were scaled before compiling (or, for price and power, the factor by hand).
 */
class FigureScalesTest {
    private static final Model LLAMA = Opsim.model("llama-3.1-70b");
    private static final Workload LIKE = Workload.decode(1, 1).withTensorParallel(8);
    private static final List<String> CHIPS = List.of("h100", "trn2", "tpu-v6e", "a100");

    private static void assertClose(PlanTotals want, PlanTotals got, String where) {
        assertEquals(want.latencySeconds(), got.latencySeconds(), 1e-12 * want.latencySeconds(), where + " latency");
        assertEquals(want.energyJoules(), got.energyJoules(), 1e-12 * want.energyJoules(), where + " energy");
        assertEquals(want.costUsd(), got.costUsd(), 1e-12 * want.costUsd(), where + " dollars");
        assertEquals(want.peakFlopCapacity(), got.peakFlopCapacity(), 1e-12 * want.peakFlopCapacity(), where + " FLOP capacity");
        for (Bound b : Bound.values()) {
            assertEquals(want.seconds(b), got.seconds(b), 1e-12 * want.latencySeconds(), where + " " + b);
        }
    }

    /** Decode steps at random points: the plan of {@code chip} with {@code scales} = the plan of {@code scaled(chip)}. */
    private static void sameAsScaledProfile(FigureScales scales, UnaryOperator<HardwareProfile> scaled) {
        for (String name : CHIPS) {
            HardwareProfile chip = Opsim.profile(name);
            HardwareProfile oracle = scaled.apply(chip);
            ParametricPlan plan = Opsim.decodePlan(LLAMA, LIKE, chip, 256, 32768);
            SplittableRandom r = new SplittableRandom(5);
            PlanTotals got = new PlanTotals();
            PlanTotals want = new PlanTotals();
            for (int t = 0; t < 12; t++) {
                long b = 1 + r.nextLong(256);
                long c = 1 + r.nextLong(32768);
                Graph g = LLAMA.graph(Opsim.decodeStep(LIKE, b, c));
                Plan.compile(g, oracle).evaluate(want);
                plan.evaluate(b, c, scales, got);
                assertClose(want, got, name + " batch " + b + " context " + c + " parametric");
                // The same step as a batch by its sum and by each context, scaled the same way.
                plan.evaluateSum(b, b * c, scales, got);
                assertClose(want, got, name + " batch " + b + " context " + c + " by the sum");
                long[] each = new long[(int) b];
                java.util.Arrays.fill(each, c);
                plan.evaluate(1 + r.nextLong(256), 1 + r.nextLong(32768), scales, new PlanTotals());
                plan.evaluateContexts(each, (int) b, scales, got);
                assertClose(want, got, name + " batch " + b + " context " + c + " by each context");
                Plan.compile(g, chip).evaluate(got, scales);
                assertClose(want, got, name + " batch " + b + " context " + c + " plan");
                // The same batch at another context, after an evaluation as profiled: the plan reuses the
                // batch-only ops it derived for this batch and must still agree.
                long c2 = 1 + r.nextLong(32768);
                plan.evaluate(1 + r.nextLong(256), c2, got);
                plan.evaluate(b, c2, scales, got);
                Plan.compile(LLAMA.graph(Opsim.decodeStep(LIKE, b, c2)), oracle).evaluate(want);
                assertClose(want, got, name + " batch " + b + " context " + c2 + " parametric, same batch again");
            }
        }
    }

    @Test
    void noScaleGivesTheProfiledTotalsExactly() {
        HardwareProfile h100 = Opsim.profile("h100");
        ParametricPlan plan = Opsim.decodePlan(LLAMA, LIKE, h100, 64, 8192);
        PlanTotals a = new PlanTotals();
        PlanTotals b = new PlanTotals();
        plan.evaluate(17, 3000, a);
        plan.evaluate(17, 3000, FigureScales.NONE, b);
        assertEquals(a.latencySeconds(), b.latencySeconds(), 1e-15 * a.latencySeconds());
        assertEquals(a.energyJoules(), b.energyJoules(), 1e-15 * a.energyJoules());
        Plan p = Plan.compile(LLAMA.graph(Opsim.decodeStep(LIKE, 17, 3000)), h100);
        p.evaluate(a);
        p.evaluate(b, FigureScales.NONE);
        assertEquals(a.latencySeconds(), b.latencySeconds(), 0.0, "the kernel with scales 1 is the kernel");
        assertEquals(a.energyJoules(), b.energyJoules(), 0.0);
        assertEquals(a.boundSignature, b.boundSignature);
    }

    @Test
    void memoryBandwidthScaledEqualsAProfileWithThatBandwidth() {
        sameAsScaledProfile(FigureScales.NONE.withMemoryBandwidth(1.7), p -> p.withMemoryBandwidthScaled(1.7));
    }

    @Test
    void peaksScaledEqualAProfileWithThosePeaks() {
        sameAsScaledProfile(FigureScales.NONE.withMatrixPeak(0.6).withVectorPeak(1.4), p -> {
            HardwareProfile.Builder b = p.toBuilder();
            for (Engine e : Engine.values()) {
                double f = e == Engine.MATRIX ? 0.6 : 1.4;
                for (Precision q : Precision.values()) {
                    p.peak(e, q).ifPresent(v -> b.peak(e, q, v.value() * f, "test: ×" + f));
                }
            }
            return b.build();
        });
    }

    @Test
    void clockScaledEqualsAProfileWithThatClock() {
        // The sustained clock sets per-unit caps (bytes per unit-cycle), row chains and overheads in cycles.
        sameAsScaledProfile(FigureScales.NONE.withClock(0.8), p -> p.clock().isEmpty() ? p
                : p.toBuilder().clock(new Clock(p.clock().get().maxBoostHz().scaled(0.8, "test"),
                        p.clock().get().sustainedHz().scaled(0.8, "test"))).build());
    }

    @Test
    void linkScaledEqualsAProfileWithThatLink() {
        // TP 8: three all-reduces per layer; a link of a fiftieth the latency moves small all-reduces from tree to ring.
        sameAsScaledProfile(FigureScales.NONE.withLinkBandwidth(0.25).withLinkLatency(0.02), p -> {
            Interconnect i = p.interconnect();
            return p.toBuilder().interconnect(new Interconnect(i.bandwidthBytesPerSecond().scaled(0.25, "test"),
                    i.latencySeconds().scaled(0.02, "test"), i.energyPerByteJoules())).build();
        });
    }

    @Test
    void priceAndPowerScaleDollarsAndJoulesAlone() {
        // Dollars are price × seconds, joules Σ power × seconds (or coefficients × work): × the factor, the time unchanged.
        HardwareProfile trn2 = Opsim.profile("trn2");
        GenerationPlan gen = Opsim.generationPlan(LLAMA, LIKE, trn2, 16, 2048, 512);
        PlanTotals a = new PlanTotals();
        PlanTotals b = new PlanTotals();
        gen.evaluate(8, 1024, 256, a);
        gen.evaluate(8, 1024, 256, FigureScales.NONE.withPrice(0.5).withPower(1.3), b);
        assertEquals(a.latencySeconds(), b.latencySeconds(), 1e-12 * a.latencySeconds());
        assertEquals(0.5 * a.costUsd(), b.costUsd(), 1e-12 * a.costUsd());
        assertEquals(1.3 * a.energyJoules(), b.energyJoules(), 1e-12 * a.energyJoules());
    }

    @Test
    void overheadScalesAnOverheadBoundOp() {
        // A one-element add on H100 moves 6 bytes: its time is its fixed cost (overhead or the stack's floor),
        // so ×3 on every overhead and floor is ×3 on the op, less at most twice its roofline time (under 1e-6 of it here).
        HardwareProfile h100 = Opsim.profile("h100");
        Graph tiny = Graph.builder("tiny").block("b", 1, org.opsim.graph.Elementwise.add("add", 1, Precision.BF16)).build();
        Plan plan = Plan.compile(tiny, h100);
        PlanTotals a = new PlanTotals();
        PlanTotals b = new PlanTotals();
        plan.evaluate(a);
        plan.evaluate(b, FigureScales.NONE.withOverhead(3));
        assertEquals(a.seconds(Bound.OVERHEAD), a.latencySeconds(), 0.0, "overhead-bound");
        assertEquals(3 * a.latencySeconds(), b.latencySeconds(), 1e-6 * a.latencySeconds());
        assertTrue(b.latencySeconds() <= 3 * a.latencySeconds());
    }

    @Test
    void efficienciesScaleTimeAndStopAtOne() {
        // A mostly memory-bound step: memory efficiency ×0.5 doubles its memory time (not its overheads and
        // all-reduces), so the step grows by more than 30% and at most doubles; ×1000 cannot beat the bandwidth (e ≤ 1).
        HardwareProfile h100 = Opsim.profile("h100");
        ParametricPlan plan = Opsim.decodePlan(LLAMA, LIKE, h100, 64, 8192);
        PlanTotals a = new PlanTotals();
        PlanTotals b = new PlanTotals();
        plan.evaluate(8, 4096, a);
        plan.evaluate(8, 4096, FigureScales.NONE.withMemoryEfficiency(0.5), b);
        assertTrue(b.latencySeconds() > 1.3 * a.latencySeconds() && b.latencySeconds() <= 2 * a.latencySeconds(),
                a.latencySeconds() + " -> " + b.latencySeconds());
        assertTrue(a.seconds(Bound.MEMORY) > 0.5 * a.latencySeconds(), "memory-bound: " + a.seconds(Bound.MEMORY));
        plan.evaluate(8, 4096, FigureScales.NONE.withMemoryEfficiency(1000), b);
        // Every byte at the full bandwidth: no faster than bytes ÷ bandwidth.
        double floor = a.bytes() / h100.memory().bandwidthBytesPerSecond().value();
        assertTrue(b.latencySeconds() >= floor && b.latencySeconds() < a.latencySeconds(), floor + " " + b.latencySeconds());
    }

    @Test
    void aScaleThatIsNotAPositiveNumberIsRefusedByName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FigureScales.NONE.withPrice(Double.NaN));
        assertTrue(e.getMessage().contains("price"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> FigureScales.NONE.withMemoryBandwidth(0));
        assertThrows(IllegalArgumentException.class, () -> FigureScales.NONE.withClock(Double.POSITIVE_INFINITY));
    }
}
