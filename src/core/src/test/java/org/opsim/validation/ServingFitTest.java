package org.opsim.validation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.opsim.Opsim;
import org.opsim.cost.CostModel;
import org.opsim.cost.TestChips;
import org.opsim.graph.MatMul;
import org.opsim.graph.OpKind;
import org.opsim.graph.Precision;
import org.opsim.hardware.EfficiencyCurve;
import org.opsim.hardware.EfficiencyTable;
import org.opsim.hardware.HardwareProfile;
import org.opsim.hardware.KernelRule;
import org.opsim.hardware.SoftwareStack;

/** The serving fit: its five parameters set on a stack, and a fit recovering parameters chosen by hand. */
class ServingFitTest {

    /** vLLM's serving version, the per-kernel launch time 0 so a single op's time is its roofline alone. */
    private static SoftwareStack vllm(double gemmMemoryFactor) {
        SoftwareStack s = Opsim.catalogue().servingStack("vllm").stack();
        return ServingFit.apply(s, new ServingFit.Parameters(0, 0, 0, 0, gemmMemoryFactor), "test");
    }

    @Test
    void theGemmMemoryFactorSlowsAWeightBoundGemmByItsInverse() {
        // The test GPU (2 TB/s, no launch time) with a memory efficiency of 0.85 and compute 0.7: the factor multiplies
        // the chip's efficiency (0.85 · 0.8 = 0.68), it does not replace it.
        HardwareProfile gpu = TestChips.gpu().efficiency(EfficiencyTable.uniform(0.7, 0.85, "test")).build();
        // A decode GEMV: 1 × 8192 × 8192 in bf16. Bytes: weights 8192 · 8192 · 2 = 134,217,728, input and output
        // 8192 · 2 each: 134,250,496 B. At a factor 1: / (2e12 · 0.85) = 78.971 µs; at 0.8: / (2e12 · 0.68) = 98.714 µs.
        // Its arithmetic (even padded to 128 rows: 2 · 128 · 8192² / (989.4e12 · 0.7) = 24.8 µs) stays below.
        MatMul gemv = new MatMul("gemv", 1, 8192, 8192, Precision.BF16);
        assertEquals(78.971e-6, CostModel.cost(gemv, gpu.withStack(vllm(1.0))).latencySeconds(), 1e-9);
        assertEquals(98.714e-6, CostModel.cost(gemv, gpu.withStack(vllm(0.8))).latencySeconds(), 1e-9);
        // A compute-bound GEMM does not feel it: 8192³ in bf16 is 2 · 8192³ = 1.0995e12 FLOP / (989.4e12 · 0.7)
        // = 1.5876 ms at both factors (its 402,653,184 B take 0.296 ms even at 0.68 of 2 TB/s).
        MatMul square = new MatMul("square", 8192, 8192, 8192, Precision.BF16);
        assertEquals(1.5876e-3, CostModel.cost(square, gpu.withStack(vllm(1.0))).latencySeconds(), 1e-7);
        assertEquals(1.5876e-3, CostModel.cost(square, gpu.withStack(vllm(0.8))).latencySeconds(), 1e-7);
        assertEquals(0.8, vllm(0.8).kernel(OpKind.MATMUL).orElseThrow().memoryFactor().orElseThrow().at(1e9), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> new ServingFit.Parameters(0, 0, 0, 0, 1.2));
    }

    @Test
    void aStackWithoutAMatmulRuleGetsOneOnlyWhenTheFactorIsBelowOne() {
        // The JetStream-style serving version has no matmul rule: a factor of 1 leaves it so, 0.8 adds a rule that
        // sets nothing but the memory factor.
        SoftwareStack jax = Opsim.catalogue().servingStack("jax-xla").stack();
        assertTrue(jax.kernel(OpKind.MATMUL).isEmpty(), "the fixture assumes no matmul rule");
        ServingFit.Parameters at1 = new ServingFit.Parameters(0, 0, 0, 0, 1.0);
        ServingFit.Parameters at08 = new ServingFit.Parameters(0, 0, 0, 0, 0.8);
        assertTrue(ServingFit.apply(jax, at1, "test").kernel(OpKind.MATMUL).isEmpty());
        KernelRule added = ServingFit.apply(jax, at08, "test").kernel(OpKind.MATMUL).orElseThrow();
        assertEquals(0.8, added.memoryFactor().orElseThrow().at(1e6), 1e-12);
        assertTrue(added.computeFactor().isEmpty() && added.gemv().isEmpty() && added.overheadSeconds().isEmpty());
        // A matmul rule with a memory-factor curve would be flattened by a single factor: refused, not overwritten.
        SoftwareStack curved = jax.with(KernelRule.memoryFactorOnly(OpKind.MATMUL, new EfficiencyCurve(List.of(
                new EfficiencyCurve.Point(1e6, 0.5), new EfficiencyCurve.Point(1e9, 0.9)), "test")));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ServingFit.apply(curved, at08, "test"));
        assertTrue(e.getMessage().contains("memory-factor curve"), e.getMessage());
    }

    @Test
    void aFitRecoversParametersChosenByHandFromExactRows() {
        // Truth: launch 3 µs, step 0.2 ms, per sequence 20 µs, per request 40 ms, GEMM memory factor 0.8 (a slowdown
        // 1 / 0.8 − 1 = 0.25). Each row's TTFT and TPOT are linear in them from the base point (1.5 µs, 0.5 ms, 10 µs,
        // 20 ms, factor 1) with slopes picked by hand, and "measured" is that line at the truth, so the loss is 0 there.
        double[] truth = {3e-6, 2e-4, 2e-5, 4e-2, 0.25};
        double[] base = {1.5e-6, 5e-4, 1e-5, 2e-2, 0};
        double[][] slopesTtft = {
            {2000, 3, 40, 1, 0.02}, {500, 1, 8, 1, 0.005}, {8000, 10, 200, 1, 0.05},
            {1200, 2, 16, 1, 0.01}, {300, 1, 4, 1, 0.001}, {4000, 6, 64, 1, 0.03}};
        double[][] slopesTpot = {
            {800, 1, 16, 0, 0.004}, {200, 1, 2, 0, 0.012}, {1600, 1, 128, 0, 0.002},
            {400, 1, 32, 0, 0.008}, {100, 1, 1, 0, 0.001}, {1200, 1, 64, 0, 0.006}};
        double[] ttft0 = {0.08, 0.05, 0.3, 0.1, 0.04, 0.2};
        double[] tpot0 = {0.01, 0.006, 0.03, 0.012, 0.004, 0.02};
        List<ServingFit.Linear> rows = new ArrayList<>();
        for (int r = 0; r < 6; r++) {
            double f = ttft0[r];
            double t = tpot0[r];
            for (int k = 0; k < 5; k++) {
                f += slopesTtft[r][k] * (truth[k] - base[k]);
                t += slopesTpot[r][k] * (truth[k] - base[k]);
            }
            ServingCases.Case row = new ServingCases.Case(r + 1, List.of("silicon_ttft_ms", "silicon_tpot_ms"),
                    List.of(String.format(Locale.ROOT, "%.12f", f * 1e3), String.format(Locale.ROOT, "%.12f", t * 1e3)));
            rows.add(new ServingFit.Linear(row, ttft0[r], tpot0[r], slopesTtft[r], slopesTpot[r]));
        }
        ServingFit.Parameters p = ServingFit.fit(rows, 1.0);
        assertEquals(3e-6, p.launchSeconds(), 3e-9);
        assertEquals(2e-4, p.stepSeconds(), 2e-7);
        assertEquals(2e-5, p.sequenceSeconds(), 2e-8);
        assertEquals(4e-2, p.requestSeconds(), 4e-5);
        assertEquals(0.8, p.gemmMemoryFactor(), 1e-3);
        assertTrue(ServingFit.loss(rows, p, 1.0) < 1e-8);
    }
}
