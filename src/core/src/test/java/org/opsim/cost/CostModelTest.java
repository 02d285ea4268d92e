package org.opsim.cost;

import org.opsim.hardware.OnChipMemory;
import org.opsim.hardware.SoftwareStack;
import org.opsim.hardware.GemmConfig;
import org.opsim.hardware.Gemv;
import org.opsim.hardware.KernelRule;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.opsim.graph.Attention;
import org.opsim.graph.Elementwise;
import org.opsim.graph.Engine;
import org.opsim.graph.Gelu;
import org.opsim.graph.MatMul;
import org.opsim.graph.OpKind;
import org.opsim.graph.Precision;
import org.opsim.graph.RmsNorm;
import org.opsim.graph.Softmax;
import org.opsim.hardware.EfficiencyCurve;
import org.opsim.hardware.EfficiencyRule;
import org.opsim.hardware.EfficiencyTable;
import org.opsim.hardware.Figure;
import org.opsim.hardware.HardwareProfile;
import org.opsim.hardware.Power;
import org.opsim.io.InputException;

/** Single-op costs on the fixture chips, each expectation derived by hand from docs/cost-model.md. */
class CostModelTest {

    private static final double REL = 1e-12;

    private static void close(double expected, double actual) {
        assertEquals(expected, actual, Math.abs(expected) * REL + 1e-300);
    }

    @Test
    void bigBf16MatmulIsComputeBoundAtPeakTimesEfficiency() {
        HardwareProfile gpu = TestChips.gpu().build();
        OpResult r = CostModel.cost(new MatMul("gemm", 4096, 4096, 4096, Precision.BF16), gpu);
        // FLOPs = 2·4096³ = 137,438,953,472; at 989.4e12 FLOP/s × 0.7 → 1.9845e-4 s.
        double compute = 2.0 * 4096 * 4096 * 4096 / (989.4e12 * 0.7);
        // Bytes = (4096·4096 A + 4096·4096 B + 4096·4096 C)·2 B = 100,663,296 → /2e12 = 5.03e-5 s < compute.
        double memory = 3.0 * 4096 * 4096 * 2 / 2e12;
        close(compute, r.latencySeconds());
        close(memory, r.memorySeconds());
        assertEquals(Bound.COMPUTE, r.bound());
        assertEquals(Engine.MATRIX, r.engine());
        assertEquals(Optional.of(Precision.BF16), r.precision());
        // Achieved = FLOPs / t = 0.7 × peak, so fraction of peak is the efficiency.
        close(0.7, r.fractionOfPeak());
        close(0.7 * 989.4e12, r.achievedFlopsPerSecond());
        // No energy coefficients: P = idle + (TDP − idle)·u, u = max(0.7, 5.03e-5/1.98e-4 = 0.25) = 0.7 → 520 W.
        close(520.0 * compute, r.energyJoules());
        // $3.60 per hour = $0.001 per second.
        close(0.001 * compute, r.costUsd());
        assertTrue(r.isNative());
        assertTrue(r.notes().isEmpty());
    }

    @Test
    void softmaxIsMemoryBoundAtBytesOverBandwidth() {
        HardwareProfile gpu = TestChips.gpu().build();
        OpResult r = CostModel.cost(new Softmax("softmax", 4096, 4096, Precision.FP16), gpu);
        // Bytes = read + write 4096·4096 fp16 = 2·16,777,216·2 = 67,108,864 B; /2e12 B/s (efficiency 1) = 33.55 µs.
        double memory = 67_108_864 / 2e12;
        // Vector FLOPs = 5·16,777,216 = 83,886,080 at 100e12 × 0.7 → 1.2 µs: far below the memory time.
        double compute = 83_886_080 / (100e12 * 0.7);
        close(memory, r.latencySeconds());
        close(compute, r.computeSeconds());
        assertEquals(Bound.MEMORY, r.bound());
        assertEquals(Engine.VECTOR, r.engine());
    }

    @Test
    void tinyOpIsOverheadBound() {
        HardwareProfile gpu = TestChips.gpu().dispatchOverheadSeconds(5e-6, TestChips.SRC).build();
        OpResult r = CostModel.cost(Elementwise.add("add", 1024, Precision.BF16), gpu);
        // Bytes = 3·1024·2 = 6,144 B → 3.072 ns at 2e12 B/s; the 5 µs launch dominates.
        close(5e-6 + 6144 / 2e12, r.latencySeconds());
        assertEquals(Bound.OVERHEAD, r.bound());
    }

    @Test
    void fp8WeightsWithBf16ActivationsComputeInBf16ButReadHalfTheWeights() {
        HardwareProfile gpu = TestChips.gpu().build();
        MatMul mm = new MatMul("wq", 16, 8192, 8192, Precision.BF16, Precision.FP8, Precision.BF16);
        OpResult r = CostModel.cost(mm, gpu);
        // Bytes = 16·8192·2 (A) + 8192·8192·1 (fp8 B) + 16·8192·2 (C) = 262,144 + 67,108,864 + 262,144 = 67,633,152.
        close(67_633_152 / 2e12, r.memorySeconds());
        // Compute runs at the bf16 rate: 2·16·8192·8192 / (989.4e12·0.7).
        close(2.0 * 16 * 8192 * 8192 / (989.4e12 * 0.7), r.computeSeconds());
        assertEquals(Optional.of(Precision.BF16), r.precision());
        assertEquals(Bound.MEMORY, r.bound());
    }

    @Test
    void flashAttentionTakesTheSlowerOfMatrixAndVectorWork() {
        // A chip whose vector unit is weak (5 TFLOP/s bf16): the softmax inside attention dominates.
        HardwareProfile weakVector = TestChips.gpu().peak(Engine.VECTOR, Precision.BF16, 5e12, TestChips.SRC).build();
        Attention a = new Attention("attn", 1, 32, 8, 4096, 4096, 128, true, Attention.Form.FLASH, Precision.BF16);
        OpResult r = CostModel.cost(a, weakVector);
        // Causal pairs P = 4096·4097/2 = 8,390,656 per head.
        double pairs = 4096.0 * 4097 / 2;
        double matrix = 4.0 * 32 * 128 * pairs / (989.4e12 * 0.7);
        double vector = 5.0 * 32 * pairs / (5e12 * 0.7);
        // vector/matrix = (5/5e12)/(512/989.4e12) = 1.93 > 1.
        assertTrue(vector > matrix);
        close(vector, r.computeSeconds());
        // Bytes = (2·32·4096·128 + 2·8·4096·128)·2 = 83,886,080 → 41.9 µs, below the compute time.
        close(83_886_080 / 2e12, r.memorySeconds());
        assertEquals(Bound.COMPUTE, r.bound());
        // Fraction of peak is against both engines the op used: 989.4 + 5 TFLOP/s.
        close(a.flops() / (r.latencySeconds() * (989.4e12 + 5e12)), r.fractionOfPeak());
    }

    @Test
    void missingVectorPrecisionRunsAtTheNextOneAndSaysSo() {
        HardwareProfile asic = TestChips.asic();
        // bf16 add on a vector unit that only has fp32: 4e6 elements → 4e6 FLOPs at 10e12 = 0.4 µs;
        // bytes 3·4e6·2 = 24e6 at 1e12 = 24 µs; + 1 µs dispatch.
        OpResult r = CostModel.cost(Elementwise.add("add", 4_000_000, Precision.BF16), asic);
        assertEquals(Optional.of(Precision.FP32), r.precision());
        close(24e-6 + 1e-6, r.latencySeconds());
        assertEquals(List.of(Note.precisionFallback("test-asic", OpKind.ADD, Engine.VECTOR, Precision.BF16, Precision.FP32)),
                r.notes());
        assertEquals("vector unit of test-asic has no bf16: add ran at fp32", r.notes().get(0).message());
    }

    @Test
    void missingMatrixPrecisionWithNoFallbackIsANamedError() {
        HardwareProfile asic = TestChips.asic();
        InputException e = assertThrows(InputException.class,
                () -> CostModel.cost(new MatMul("fp32_gemm", 64, 64, 64, Precision.FP32), asic));
        assertEquals("test-asic", e.file());
        assertEquals("$.engines.matrix.peakFlopsPerSecond", e.path());
        assertTrue(e.problem().contains("no fp32 rate"), e.problem());
        assertTrue(e.problem().contains("fp32_gemm"), e.problem());
    }

    @Test
    void unsupportedOpOnTheVectorFallbackCostsPenaltyTimesRooflinePlusOverhead() {
        HardwareProfile asic = TestChips.asic();
        OpResult r = CostModel.cost(new Gelu("gelu", 1_000_000, Precision.BF16), asic);
        // GELU is not native: runs on the vector unit (fp32 only there). FLOPs 9e6 / 10e12 = 0.9 µs;
        // bytes 2·1e6·2 = 4e6 / 1e12 = 4 µs; roofline 4 µs × penalty 3 = 12 µs; + 1 µs dispatch = 13 µs.
        close(3 * 4e-6 + 1e-6, r.latencySeconds());
        assertEquals(Bound.MEMORY, r.bound());
        assertEquals(Engine.VECTOR, r.engine());
        assertFalse(r.isNative());
        assertEquals(Note.fallback(Note.Kind.VECTOR_FALLBACK, "test-asic", OpKind.GELU, 3), r.notes().get(0));
        assertEquals("gelu is not native on test-asic: runs on the vector unit, time ×3", r.notes().get(0).message());
    }

    @Test
    void unsupportedOpOnTheHostFallbackPaysTransferHostComputeAndLatency() {
        HardwareProfile asic = TestChips.asic();
        OpResult r = CostModel.cost(new Softmax("softmax", 1000, 1000, Precision.BF16), asic);
        // Bytes 2·1e6·2 = 4e6: to and from the host 2·4e6 / 50e9 = 160 µs; host compute 5e6 / 1e12 = 5 µs;
        // × penalty 2 = 330 µs; + dispatch 1 µs + host latency 10 µs = 341 µs.
        close(2 * (2 * 4e6 / 50e9 + 5e6 / 1e12) + 1e-6 + 10e-6, r.latencySeconds());
        assertEquals(Bound.HOST, r.bound());
        assertEquals(Engine.HOST, r.engine());
    }

    @Test
    void ringAllReduceAndAllGatherFollowTheAlphaBetaFormulas() {
        HardwareProfile gpu = TestChips.gpu().build();
        double s = 1e9;
        OpResult ar = CostModel.cost(new org.opsim.graph.AllReduce("ar", s, 8), gpu);
        // 2(g−1) = 14 steps × 2 µs + 2·(7/8)·1e9 B / 400e9 B/s = 28 µs + 4.375 ms.
        close(14 * 2e-6 + 2 * 7.0 / 8 * s / 400e9, ar.latencySeconds());
        assertEquals(Bound.INTERCONNECT, ar.bound());
        OpResult ag = CostModel.cost(new org.opsim.graph.AllGather("ag", s, 8), gpu);
        // g−1 = 7 steps × 2 µs + (7/8)·1e9 / 400e9 = 14 µs + 2.1875 ms.
        close(7 * 2e-6 + 7.0 / 8 * s / 400e9, ag.latencySeconds());
    }

    @Test
    void aSmallAllReduceTakesTheTreeWhichNeedsFewerLatencySteps() {
        HardwareProfile gpu = TestChips.gpu().build();
        OpResult small = CostModel.cost(new org.opsim.graph.AllReduce("ar", 1e6, 8), gpu);
        // Ring: 14 steps × 2 µs + 2·(7/8)·1e6 / 400e9 = 28 µs + 4.375 µs = 32.4 µs.
        // Tree: 2·log2(8) = 6 steps × 2 µs + 2·1e6 / 400e9 = 12 µs + 5 µs = 17 µs: faster, so taken.
        close(6 * 2e-6 + 2 * 1e6 / 400e9, small.latencySeconds());
        // At 1 GB the ring's 4.403 ms beats the tree's 12 µs + 5 ms (the ring test above).
    }

    /** A stack whose collective library has the serving engines' peer-memory all-reduce kernels for up to 8 chips. */
    private static HardwareProfile withPeerAllReduce(HardwareProfile chip) {
        org.opsim.hardware.AllReduceAlgorithms a = new org.opsim.hardware.AllReduceAlgorithms(java.util.EnumSet.allOf(
                org.opsim.hardware.AllReduceAlgorithms.Algorithm.class), 8, "test");
        KernelRule r = new KernelRule(OpKind.ALL_REDUCE, Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                List.of(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.of(a));
        return chip.withStack(stack(r));
    }

    @Test
    void aServingStacksPeerAllReduceTakesOneShotForSmallAndTwoShotForLargerMessages() {
        HardwareProfile gpu = withPeerAllReduce(TestChips.gpu().build());
        // 64 KB over 8 chips (a decode step's 4 tokens × 8,192 × 2 B), α = 2 µs, B = 400 GB/s:
        // one-shot 2 × 2 µs + 7 × 65,536 / 400e9 = 4 µs + 1.147 µs = 5.147 µs; two-shot 3 × 2 µs + 2·(7/8)·65,536 / 400e9
        // = 6.287 µs; tree 6 × 2 µs + 2·65,536 / 400e9 = 12.33 µs; ring 28 µs + 0.287 µs. One-shot is taken.
        close(2 * 2e-6 + 7 * 65536 / 400e9, CostModel.cost(new org.opsim.graph.AllReduce("ar", 65536, 8), gpu).latencySeconds());
        // 1 MB: one-shot 4 µs + 17.5 µs = 21.5 µs; two-shot 6 µs + 4.375 µs = 10.375 µs; tree 17 µs. Two-shot.
        close(3 * 2e-6 + 2 * 7.0 / 8 * 1e6 / 400e9, CostModel.cost(new org.opsim.graph.AllReduce("ar", 1e6, 8), gpu).latencySeconds());
        // 16 chips are beyond the peer kernels' 8: NCCL's tree, 2·4 steps × 2 µs + 2·65,536 / 400e9 = 16.33 µs.
        close(8 * 2e-6 + 2 * 65536 / 400e9, CostModel.cost(new org.opsim.graph.AllReduce("ar", 65536, 16), gpu).latencySeconds());
        // The compiled plan makes the same choice (one formula): 64 KB over 8 chips, one-shot.
        org.opsim.graph.Graph g = new org.opsim.graph.Graph("ar", List.of(new org.opsim.graph.Block("b", 1,
                new org.opsim.graph.AllReduce("ar", 65536, 8))));
        PlanTotals t = new PlanTotals();
        Plan.compile(g, gpu).evaluate(t);
        close(2 * 2e-6 + 7 * 65536 / 400e9, t.latencySeconds());
    }

    @Test
    void aCollectiveWhoseOverheadExceedsItsLinkTimeIsOverheadBound() {
        // All-reduce of 1,024 B over 2 chips with a 50 µs overhead per all-reduce: ring 2·1 step × 2 µs +
        // 2·(1/2)·1,024 / 400e9 = 4.00256 µs; tree 2·1 × 2 µs + 2·1,024 / 400e9 = 4.00512 µs; the ring wins.
        // 50 µs > 4.003 µs: overhead-bound, latency 54.00256 µs.
        String s = TestChips.SRC;
        EfficiencyTable table = new EfficiencyTable(EfficiencyCurve.constant(0.7, s), EfficiencyCurve.constant(1.0, s),
                List.of(new EfficiencyRule(OpKind.ALL_REDUCE, Optional.empty(), Optional.empty(), Optional.empty(),
                        Optional.of(new Figure(50e-6, s)))));
        OpResult r = CostModel.cost(new org.opsim.graph.AllReduce("ar", 1024, 2), TestChips.gpu().efficiency(table).build());
        assertEquals(Bound.OVERHEAD, r.bound());
        close(54.00256e-6, r.latencySeconds());
        // Without the overhead the same collective is link-bound.
        assertEquals(Bound.INTERCONNECT, CostModel.cost(new org.opsim.graph.AllReduce("ar", 1024, 2), TestChips.gpu().build()).bound());
    }

    @Test
    void equalComputeAndMemoryTimesCountAsComputeBound() {
        // 1 TFLOP/s, 1 TB/s, efficiencies 1, no overhead, no wave model: a 3×3×3 bf16 matmul does 2·27 = 54 FLOPs
        // and moves (9 + 9 + 9)·2 = 54 bytes, so both terms are exactly 54 ps: a tie, which counts as compute.
        String s = TestChips.SRC;
        HardwareProfile even = TestChips.gpu().peak(org.opsim.graph.Engine.MATRIX, Precision.BF16, 1e12, s)
                .memory(80e9, 1e12, s).efficiency(EfficiencyTable.uniform(1.0, 1.0, s)).build();
        OpResult r = CostModel.cost(new MatMul("mm", 3, 3, 3, Precision.BF16), even);
        assertEquals(r.computeSeconds(), r.memorySeconds());
        assertEquals(Bound.COMPUTE, r.bound());
    }

    @Test
    void aCollectiveOverOneChipCostsNothingAndStaysFinite() {
        OpResult r = CostModel.cost(new org.opsim.graph.AllReduce("solo", 1e6, 1), TestChips.gpu().build());
        assertEquals(0.0, r.latencySeconds());
        assertEquals(0.0, r.achievedFlopsPerSecond());
        assertEquals(0.0, r.fractionOfPeak());
        assertEquals(0.0, r.energyJoules());
        assertTrue(Double.isFinite(r.totals().fractionOfPeak()));
    }

    @Test
    void energyCoefficientsReplaceThePowerModelWhenGiven() {
        String s = TestChips.SRC;
        Power power = new Power(new Figure(700, s), new Figure(100, s),
                Map.of(Precision.BF16, new Figure(1e-12, s), Precision.FP16, new Figure(1e-12, s),
                        Precision.FP8, new Figure(0.5e-12, s), Precision.FP32, new Figure(2e-12, s)),
                Optional.of(new Figure(1e-11, s)));
        HardwareProfile gpu = TestChips.gpu().power(power).build();
        OpResult r = CostModel.cost(new MatMul("gemm", 4096, 4096, 4096, Precision.BF16), gpu);
        double t = 2.0 * 4096 * 4096 * 4096 / (989.4e12 * 0.7);
        // E = FLOPs·1 pJ + bytes·10 pJ + idle·t = 0.1374 J + 0.00101 J + 100 W · 1.98e-4 s ≈ 0.158 J.
        close(2.0 * 4096 * 4096 * 4096 * 1e-12 + 3.0 * 4096 * 4096 * 2 * 1e-11 + 100 * t, r.energyJoules());
    }

    private static HardwareProfile gpuWithEnergyCoefficients() {
        String s = TestChips.SRC;
        Power power = new Power(new Figure(700, s), new Figure(100, s),
                Map.of(Precision.BF16, new Figure(1e-12, s), Precision.FP16, new Figure(1e-12, s),
                        Precision.FP8, new Figure(0.5e-12, s), Precision.FP32, new Figure(2e-12, s)),
                Optional.of(new Figure(1e-11, s)));
        return TestChips.gpu().power(power).build();
    }

    @Test
    void aFlopFreeOpNeedsNoEnergyPerFlopAtItsPrecision() {
        // fp4 embedding: the chip has no fp4 rate and no fp4 J/FLOP, but a lookup does no arithmetic.
        HardwareProfile gpu = gpuWithEnergyCoefficients();
        OpResult r = CostModel.cost(new org.opsim.graph.Embedding("embed", 16, 4096, 128_256, Precision.FP4), gpu);
        // Bytes = 2·16·4096·0.5 + 4·16 = 65,600 → 32.8 ns at 2e12; E = 65,600·1e-11 + 100 W·t.
        double t = 65_600 / 2e12;
        close(t, r.latencySeconds());
        close(65_600 * 1e-11 + 100 * t, r.energyJoules());
    }

    @Test
    void eachEngineIsChargedEnergyAtThePrecisionItRan() {
        // bf16 flash attention on a chip whose vector unit lacks bf16: the softmax FLOPs run, and are
        // charged, at fp32 (2 pJ) while the matmul FLOPs are charged at bf16 (1 pJ).
        HardwareProfile base = gpuWithEnergyCoefficients();
        HardwareProfile noVectorBf16 = HardwareProfile.builder("no-vector-bf16").vendor("test")
                .peak(org.opsim.graph.Engine.MATRIX, Precision.BF16, 989.4e12, TestChips.SRC)
                .peak(org.opsim.graph.Engine.MATRIX, Precision.FP16, 989.4e12, TestChips.SRC)
                .peak(org.opsim.graph.Engine.MATRIX, Precision.FP8, 1978.8e12, TestChips.SRC)
                .peak(org.opsim.graph.Engine.VECTOR, Precision.FP32, 50e12, TestChips.SRC)
                .memory(base.memory()).onChipSramBytes(50e6, TestChips.SRC).dispatchOverheadSeconds(0, TestChips.SRC)
                .interconnect(base.interconnect()).power(base.power()).pricePerChipHourUsd(3.6, TestChips.SRC)
                .efficiency(base.efficiency()).build();
        Attention a = new Attention("attn", 1, 8, 8, 1024, 1024, 64, false, Attention.Form.FLASH, Precision.BF16);
        OpResult r = CostModel.cost(a, noVectorBf16);
        // Non-causal pairs P = 1024² = 1,048,576; matrix FLOPs 4·8·64·P, vector FLOPs 5·8·P.
        double pairs = 1024.0 * 1024;
        double matrixFlops = 4.0 * 8 * 64 * pairs;
        double vectorFlops = 5.0 * 8 * pairs;
        // Bytes = (2·8·1024·64 + 2·8·1024·64)·2 = 4,194,304.
        double bytes = 4_194_304;
        close(matrixFlops * 1e-12 + vectorFlops * 2e-12 + bytes * 1e-11 + 100 * r.latencySeconds(), r.energyJoules());
    }

    @Test
    void efficiencyRulesApplyMostSpecificFirst() {
        String s = TestChips.SRC;
        EfficiencyTable table = new EfficiencyTable(EfficiencyCurve.constant(0.7, s), EfficiencyCurve.constant(1.0, s),
                List.of(new EfficiencyRule(OpKind.MATMUL, Optional.of(Precision.FP8), Optional.of(EfficiencyCurve.constant(0.5, s)), Optional.empty()),
                        EfficiencyRule.of(OpKind.MATMUL, EfficiencyCurve.constant(0.6, s), null)));
        HardwareProfile gpu = TestChips.gpu().efficiency(table).build();
        // fp8 matmul: the (matmul, fp8) rule, 0.5 of 1978.8e12.
        OpResult fp8 = CostModel.cost(new MatMul("a", 4096, 4096, 4096, Precision.FP8), gpu);
        close(2.0 * 4096 * 4096 * 4096 / (1978.8e12 * 0.5), fp8.computeSeconds());
        // bf16 matmul: the kind-wide rule, 0.6.
        OpResult bf16 = CostModel.cost(new MatMul("b", 4096, 4096, 4096, Precision.BF16), gpu);
        close(2.0 * 4096 * 4096 * 4096 / (989.4e12 * 0.6), bf16.computeSeconds());
        // batched matmul: no rule, the default 0.7.
        OpResult bmm = CostModel.cost(new org.opsim.graph.BatchedMatMul("c", 8, 1024, 1024, 1024, Precision.BF16), gpu);
        close(2.0 * 8 * 1024 * 1024 * 1024 / (989.4e12 * 0.7), bmm.computeSeconds());
    }

    @Test
    void efficiencyCurvesAreReadAtTheOpsSize() {
        String s = TestChips.SRC;
        // Compute efficiency 0.1 at 1e6 FLOPs rising to 0.9 at 1e12 (log-linear).
        EfficiencyCurve curve = new EfficiencyCurve(List.of(new EfficiencyCurve.Point(1e6, 0.1), new EfficiencyCurve.Point(1e12, 0.9)), s);
        EfficiencyTable table = new EfficiencyTable(curve, EfficiencyCurve.constant(1.0, s), List.of());
        HardwareProfile gpu = TestChips.gpu().efficiency(table).build();
        // 2·1024³ = 2,147,483,648 FLOPs: log10 = 9.331930; fraction of the way from 6 to 12 = 0.555322;
        // efficiency = 0.1 + 0.555322·0.8 = 0.544257; time = 2.147483648e9 / (989.4e12 · 0.544257)
        // = 3.98799e-6 s (no wave model: the test chip has no compute units).
        OpResult r = CostModel.cost(new MatMul("m", 1024, 1024, 1024, Precision.BF16), gpu);
        assertEquals(3.98799e-6, r.computeSeconds(), 1e-11);
        // Outside the curve's ends it is flat: 2·16³ = 8,192 FLOPs < 1e6 reads the first point, 0.1.
        close(8192 / (989.4e12 * 0.1), CostModel.cost(new MatMul("s", 16, 16, 16, Precision.BF16), gpu).computeSeconds());
    }

    private static KernelRule rule(OpKind kind, Double blockThreads, Double fixedCycles, Double cyclesPerIteration,
                                   Double unitBytesPerCycle, Double overheadSeconds, Double floorSeconds) {
        String s = "test";
        java.util.function.Function<Double, Optional<Figure>> f = v -> v == null ? Optional.empty() : Optional.of(new Figure(v, s));
        return new KernelRule(kind, f.apply(blockThreads), f.apply(fixedCycles), f.apply(cyclesPerIteration),
                f.apply(unitBytesPerCycle), f.apply(overheadSeconds), f.apply(floorSeconds), Optional.empty(),
                Optional.empty(), Optional.empty());
    }

    private static SoftwareStack stack(KernelRule... rules) {
        return new SoftwareStack("test", "1", Optional.empty(), Optional.empty(), Optional.empty(), List.of(rules));
    }

    /**
     * The per-unit cap is in bytes per unit-cycle and counts only the units a row-wise kernel can
     * occupy (docs/cost-model.md §8.2): 100 units at 1 GHz, κ = 4 B per unit-cycle (4 GB/s per unit),
     * memory 2 TB/s at efficiency 1.0, 4 µs overhead for rmsnorm. RMSNorm bytes = (2·rows·hidden + hidden) · 2.
     */
    @Test
    void rowWiseKernelsUseAtMostOneUnitPerRow() {
        HardwareProfile gpu = TestChips.gpu().computeUnits(100, "test").clock(1e9, 1e9, "test")
                .stack(stack(rule(OpKind.RMSNORM, null, null, null, 4.0, 4e-6, null), rule(OpKind.ADD, null, null, null, 4.0, null, null)))
                .build();
        // 10 rows of 4096: bytes = (2·10·4096 + 4096)·2 = 172,032; cap = min(100, 10)·4·1e9 = 40e9 B/s
        // (below 2e12); t_m = 172,032 / 40e9 = 4.3008 µs; t = 4.3008 + 4 = 8.3008 µs.
        OpResult few = CostModel.cost(new RmsNorm("norm", 10, 4096, Precision.FP16), gpu);
        close(4.3008e-6, few.memorySeconds());
        close(8.3008e-6, few.latencySeconds());
        // 1000 rows: bytes = (2·1000·4096 + 4096)·2 = 16,392,192; cap = min(100, 1000)·4e9 = 400e9;
        // t_m = 16,392,192 / 400e9 = 40.98048 µs.
        close(40.98048e-6, CostModel.cost(new RmsNorm("norm", 1000, 4096, Precision.FP16), gpu).memorySeconds());
        // An elementwise add of the same 10×4096 is not row-limited: 40,960 elements · 3 · 2 B =
        // 245,760 B at min(2e12, 100·4e9 = 400e9) = 0.6144 µs.
        close(0.6144e-6, CostModel.cost(new Elementwise("add", OpKind.ADD, 40960, Precision.FP16), gpu).memorySeconds());
        // The same cap on a chip at twice the clock moves twice the bytes per second: 8 GB/s per unit.
        HardwareProfile fast = gpu.toBuilder().clock(2e9, 2e9, "test").build();
        close(4.3008e-6 / 2, CostModel.cost(new RmsNorm("norm", 10, 4096, Precision.FP16), fast).memorySeconds());
    }

    /**
     * The row chain (docs/cost-model.md §8.3), by hand: 10 units at 1 GHz, 2048 threads per unit;
     * rmsnorm blocks of min(hidden, 1024) threads, 300 fixed cycles + 100 per iteration.
     * hidden 4096: T = 1024, b = 2048/1024 = 2 blocks per unit, 20 rows at once; 4 iterations
     * → 300 + 400 = 700 cycles = 0.7 µs per wave.
     */
    @Test
    void rowWiseKernelsAreChainsOfCyclesOverWavesOfRows() {
        HardwareProfile gpu = TestChips.gpu().computeUnits(10, "test").threadsPerUnit(2048, "test").clock(1e9, 1e9, "test")
                .stack(stack(rule(OpKind.RMSNORM, 1024.0, 300.0, 100.0, null, null, null))).build();
        // 20 rows: 1 wave = 0.7 µs; bytes (2·20·4096 + 4096)·2 = 335,872 B at 2 TB/s = 0.168 µs < 0.7.
        close(0.7e-6, CostModel.cost(new RmsNorm("n", 20, 4096, Precision.FP16), gpu).memorySeconds());
        // 21 rows: 2 waves = 1.4 µs.
        close(1.4e-6, CostModel.cost(new RmsNorm("n", 21, 4096, Precision.FP16), gpu).memorySeconds());
        // hidden 512: T = 512, b = 4, 40 rows at once; 1 iteration → 400 cycles; 100 rows → 3 waves = 1.2 µs.
        close(1.2e-6, CostModel.cost(new RmsNorm("n", 100, 512, Precision.FP16), gpu).memorySeconds());
        // Without a thread count each unit holds one block: 100 rows of 512 over 10 units = 10 waves = 4 µs.
        HardwareProfile noThreads = TestChips.gpu().computeUnits(10, "test").clock(1e9, 1e9, "test")
                .stack(gpu.stack().orElseThrow()).build();
        close(4.0e-6, CostModel.cost(new RmsNorm("n", 100, 512, Precision.FP16), noThreads).memorySeconds());
        // A large op is still bandwidth-bound: 100,000 rows of 4096: 5000 waves · 0.7 µs = 3.5 ms, bytes
        // (2·1e5·4096 + 4096)·2 = 1,638,408,192 B at 2e12 = 0.819 ms < 3.5 ms, so the chain: 3.5 ms.
        close(3.5e-3, CostModel.cost(new RmsNorm("n", 100_000, 4096, Precision.FP16), gpu).memorySeconds());
    }

    /**
     * A row chain's cap (docs/cost-model.md §8.3) is its rate at full residency, U·b·κ·f, however few the
     * rows: 10 units at 1 GHz, 2048 threads per unit, rmsnorm blocks of 1024 threads (b = 2 at hidden
     * 4096), 300 + 4·100 = 700 cycles per row, κ = 4 B per block-cycle: cap = 10·2·4·1e9 = 80 GB/s
     * (DRAM 2 TB/s at 1.0 does not bind). RMSNorm bytes = (2·rows·hidden + hidden)·2.
     */
    @Test
    void fewRowsOfARowChainAreBoundByTheirChainNotByAShareOfTheCap() {
        HardwareProfile gpu = TestChips.gpu().computeUnits(10, "test").threadsPerUnit(2048, "test").clock(1e9, 1e9, "test")
                .stack(stack(rule(OpKind.RMSNORM, 1024.0, 300.0, 100.0, 4.0, null, null))).build();
        // 1 row: 24,576 B at 80e9 = 0.3072 µs < the chain's 0.7 µs, so 0.7 µs (a cap of one block's
        // 4 GB/s would give 6.144 µs).
        close(0.7e-6, CostModel.cost(new RmsNorm("n", 1, 4096, Precision.FP16), gpu).memorySeconds());
        // 15 rows (more than the units, fewer than the 20 slots): 253,952 B at 80e9 = 3.1744 µs > 0.7 µs.
        close(3.1744e-6, CostModel.cost(new RmsNorm("n", 15, 4096, Precision.FP16), gpu).memorySeconds());
        // 1000 rows: 16,392,192 B at 80e9 = 204.9024 µs, above the chain's 50 waves · 0.7 = 35 µs.
        close(204.9024e-6, CostModel.cost(new RmsNorm("n", 1000, 4096, Precision.FP16), gpu).memorySeconds());
        // hidden 512: T = 512, b = 4, cap = 10·4·4e9 = 160 GB/s; 1000 rows: (2·1000·512 + 512)·2 = 2,049,024 B
        // → 12.8064 µs, above the chain's ceil(1000/40) = 25 waves · (300 + 100) cycles = 10 µs.
        close(12.8064e-6, CostModel.cost(new RmsNorm("n", 1000, 512, Precision.FP16), gpu).memorySeconds());
    }

    /**
     * Two-level memory (docs/cost-model.md §8.4), by hand: 1 MB of L2 at 10 TB/s, efficiency 0.5
     * (5 TB/s); DRAM 2 TB/s at 1.0. An op's footprint F (its bytes less what streams) is on chip in the
     * share min(1, C/F)².
     */
    @Test
    void operandsThatFitOnChipMoveAtItsRate() {
        HardwareProfile gpu = TestChips.gpu().onChip(new OnChipMemory("L2", new Figure(1e6, "t"), new Figure(10e12, "t"),
                new Figure(1e-7, "t"), Optional.of(new Figure(0.5, "t")))).build();
        // add of 100,000 fp16 elements: 600,000 B ≤ 1 MB, all on chip: 0.6e6 / 5e12 = 0.12 µs.
        Elementwise small = new Elementwise("add", OpKind.ADD, 100_000, Precision.FP16);
        close(0.12e-6, CostModel.cost(small, gpu).memorySeconds());
        // 400,000 elements: F = 2.4e6 B, share (1/2.4)² = 0.173611…; on chip 416,666.7 B at 5e12 = 83.333 ns,
        // the other 1,983,333.3 B at 2e12 = 991.667 ns; total 1.075 µs.
        close(1.075e-6, CostModel.cost(new Elementwise("add", OpKind.ADD, 400_000, Precision.FP16), gpu).memorySeconds());
        // A GEMM's weights always stream: 1×1024×256 fp16, weights 524,288 B from DRAM (0.262144 µs), the rest
        // (1024 + 256)·2 = 2,560 B on chip (0.512 ns): 0.262656 µs.
        close(0.262656e-6, CostModel.cost(new MatMul("mm", 1, 256, 1024, Precision.FP16), gpu).memorySeconds());
    }

    /** The stack's per-call floor (docs/cost-model.md §8.5): a call takes at least the floor, 13 µs. */
    @Test
    void aCallTakesAtLeastTheStacksFloor() {
        HardwareProfile gpu = TestChips.gpu().stack(stack(rule(OpKind.SOFTMAX, null, null, null, null, 1e-6, 13e-6))).build();
        // 32 × 4096 softmax: 2·32·4096·2 = 524,288 B at 2 TB/s = 0.262 µs + 1 µs < 13 µs → 13 µs, bound overhead.
        OpResult r = CostModel.cost(new Softmax("s", 32, 4096, Precision.FP16), gpu);
        close(13e-6, r.latencySeconds());
        assertEquals(Bound.OVERHEAD, r.bound());
        // A large one is above the floor: 2·32768·4096·2 = 536,870,912 B at 2e12 = 268.435 µs + 1 µs.
        close(269.435456e-6, CostModel.cost(new Softmax("s", 32768, 4096, Precision.FP16), gpu).latencySeconds());
    }

    /** A stack in cycles on a chip without a clock is refused, naming the field. */
    @Test
    void aStackInCyclesNeedsTheChipsClock() {
        org.opsim.io.InvalidValueException e = assertThrows(org.opsim.io.InvalidValueException.class,
                () -> TestChips.gpu().computeUnits(10, "t").stack(stack(rule(OpKind.RMSNORM, 1024.0, 1.0, 1.0, null, null, null))).build());
        assertTrue(e.getMessage().contains("clock"), e.getMessage());
        assertThrows(org.opsim.io.InvalidValueException.class, () -> TestChips.gpu().matmulTile(128, 128, "t").build());
        assertThrows(org.opsim.io.InvalidValueException.class, () -> TestChips.gpu().threadsPerUnit(2048, "t").build());
    }

    /**
     * GEMM kernel choice (docs/cost-model.md §8.6), by hand: 10 units, fp16 989.4 TFLOP/s at chip
     * efficiency 0.7. Configurations: A 128×128 split-K (factor 1), B 64×64 split-K (factor 0.5),
     * C 128×128 stream-K with 64-deep iterations (factor 0.9). 256×256×4096:
     * A: 4 tiles < 10 units → 2 splits, 1 wave: 10·128·128·2·2048 = 671,088,640 FLOPs at 0.7 → 0.96897 µs;
     * B: 16 tiles, 2 waves: 2·10·64·64·2·4096 = 671,088,640 at 0.35 → 1.93794 µs;
     * C: 4 tiles × 64 iterations = 256 over 10 units → 26 rounds: 26·10·128·128·2·64 = 545,259,520 at
     * 0.63 → 0.874764 µs. The fastest, C, is taken; without C, A.
     */
    @Test
    void aGemmRunsWithTheFastestOfTheLibrarysConfigurations() {
        GemmConfig a = new GemmConfig(128, 128, GemmConfig.Decomposition.SPLIT_K, Optional.empty(), Optional.of(new Figure(1.0, "t")), "t");
        GemmConfig b = new GemmConfig(64, 64, GemmConfig.Decomposition.SPLIT_K, Optional.empty(), Optional.of(new Figure(0.5, "t")), "t");
        GemmConfig c = new GemmConfig(128, 128, GemmConfig.Decomposition.STREAM_K, Optional.of(64L), Optional.of(new Figure(0.9, "t")), "t");
        HardwareProfile three = TestChips.gpu().computeUnits(10, "t").stack(stack(gemm(List.of(a, b, c), Optional.empty()))).build();
        MatMul mm = new MatMul("mm", 256, 256, 4096, Precision.FP16);
        assertEquals(0.8747638e-6, CostModel.cost(mm, three).computeSeconds(), 1e-12);
        HardwareProfile two = TestChips.gpu().computeUnits(10, "t").stack(stack(gemm(List.of(a, b), Optional.empty()))).build();
        assertEquals(0.9689691e-6, CostModel.cost(mm, two).computeSeconds(), 1e-12);
        HardwareProfile onlyB = TestChips.gpu().computeUnits(10, "t").stack(stack(gemm(List.of(b), Optional.empty()))).build();
        assertEquals(1.9379383e-6, CostModel.cost(mm, onlyB).computeSeconds(), 1e-12);
        // The compiled plan reads the same configurations.
        org.opsim.graph.Graph g = new org.opsim.graph.Graph("g", List.of(new org.opsim.graph.Block("b", org.opsim.graph.Stage.PREFILL, 1, mm)));
        PlanTotals totals = new PlanTotals();
        Plan.compile(g, three).evaluate(totals);
        assertEquals(CostModel.cost(mm, three).latencySeconds(), totals.latencySeconds(), 1e-18);
    }

    /**
     * The skinny path (docs/cost-model.md §8.6): GEMMs of at most 16 rows stream at 0.5 of the chip's
     * memory efficiency (1.0 × 0.5 of 2 TB/s) with a 3 µs overhead; the rule's own overhead is 5 µs.
     * 8×4096×4096: bytes (8·4096·2 + 4096·4096)·2 = 33,685,504 at 1e12 = 33.685504 µs (compute 7.75 µs:
     * 32 tiles of 128×128, 4 waves) + 3 µs = 36.685504 µs. 17 rows leave the path: (17·4096·2 +
     * 4096²)·2 = 33,832,960 B at 2e12 = 16.91648 µs + 5 µs = 21.91648 µs.
     */
    @Test
    void fewRowGemmsStreamTheirWeightsOnTheGemvPath() {
        GemmConfig a = new GemmConfig(128, 128, GemmConfig.Decomposition.SPLIT_K, Optional.empty(), Optional.empty(), "t");
        Gemv gemv = new Gemv(16, Optional.of(new Figure(0.5, "t")), Optional.of(new Figure(3e-6, "t")), "t");
        KernelRule r = gemm(List.of(a), Optional.of(gemv));
        HardwareProfile gpu = TestChips.gpu().computeUnits(10, "t").stack(stack(r)).build();
        assertEquals(36.685504e-6, CostModel.cost(new MatMul("d", 8, 4096, 4096, Precision.FP16), gpu).latencySeconds(), 1e-12);
        assertEquals(21.91648e-6, CostModel.cost(new MatMul("p", 17, 4096, 4096, Precision.FP16), gpu).latencySeconds(), 1e-12);
        // On the path the tiles are at most 16 rows: 8×4096×4096 in 16×128 tiles, 32 tiles over 10 units,
        // 4 waves: 4·10·16·128·2·4096 = 671,088,640 FLOPs at 0.7 of 989.4e12 = 0.968969 µs (128-row tiles: 7.75 µs).
        assertEquals(0.9689691e-6, CostModel.cost(new MatMul("d", 8, 4096, 4096, Precision.FP16), gpu).computeSeconds(), 1e-12);
    }

    /**
     * The GEMV path's threshold is inclusive (docs/cost-model.md §8.6: "GEMMs of at most maxRows rows"):
     * a GEMM of exactly maxRows = 16 rows takes the path, for its memory factor, its overhead and its tile
     * height alike. Same chip and rule as above (10 units, fp16 989.4 TFLOP/s at 0.7, 2 TB/s at 1.0; a
     * 128×128 split-K tile, rule overhead 5 µs; path: ≤ 16 rows, memory factor 0.5, 3 µs). 16×4096×4096:
     * bytes (16·4096 + 4096·4096 + 16·4096)·2 = 33,816,576 B at 2e12·1.0·0.5 = 1e12 B/s → 33.816576 µs;
     * tiles at most 16 rows tall: ceil(16/16)·ceil(4096/128) = 32 tiles of 16×128 ≥ 10 units, no split,
     * ceil(32/10) = 4 waves: 4·10·16·128·2·4096 = 671,088,640 FLOPs / (989.4e12·0.7) = 0.9689691 µs
     * (with 128-row tiles it would be 8× that, 7.7517530 µs); memory-bound, so t = 33.816576 + 3 =
     * 36.816576 µs (off the path it would be 33,816,576 / 2e12 + 5 µs = 21.908288 µs).
     */
    @Test
    void aGemmOfExactlyMaxRowsRowsTakesTheGemvPath() {
        GemmConfig a = new GemmConfig(128, 128, GemmConfig.Decomposition.SPLIT_K, Optional.empty(), Optional.empty(), "t");
        Gemv gemv = new Gemv(16, Optional.of(new Figure(0.5, "t")), Optional.of(new Figure(3e-6, "t")), "t");
        HardwareProfile gpu = TestChips.gpu().computeUnits(10, "t").stack(stack(gemm(List.of(a), Optional.of(gemv)))).build();
        OpResult r = CostModel.cost(new MatMul("d", 16, 4096, 4096, Precision.FP16), gpu);
        assertEquals(33.816576e-6, r.memorySeconds(), 1e-12);
        assertEquals(3e-6, r.overheadSeconds(), 1e-15);
        assertEquals(36.816576e-6, r.latencySeconds(), 1e-12);
        assertEquals(0.9689691e-6, r.computeSeconds(), 1e-12);
    }

    /**
     * Partial overlap of loads and MMAs (docs/cost-model.md §8.6): a GEMM rule's overlap exponent p turns
     * the roof into (t_c^p + t_m^p)^(1/p). Chip: 10 units, fp16 989.4 TFLOP/s at 0.7, 2 TB/s at 1.0; one
     * 128×128 split-K configuration (factor 1), overhead 5 µs. 256×256×4096: 4 tiles < 10 units → 2 splits,
     * 1 wave: 10·128·128·2·2048 = 671,088,640 FLOPs / 692.58e12 = 0.9689691 µs; bytes (256·4096 + 4096·256
     * + 256·256)·2 = 4,325,376 B / 2e12 = 2.162688 µs (a GEMM streams its operands, no on-chip share).
     * p = 2: √(0.9689691² + 2.162688²) = √(0.9389012 + 4.6772194) = √5.6161206 = 2.3698356 µs + 5 µs =
     * 7.3698356 µs; p = 1 (no overlap): 0.9689691 + 2.162688 + 5 = 8.1316571 µs; none: max = 2.162688 + 5 µs.
     * The compiled plan agrees.
     */
    @Test
    void aGemmRulesOverlapExponentTakesThePNormOfComputeAndMemory() {
        GemmConfig a = new GemmConfig(128, 128, GemmConfig.Decomposition.SPLIT_K, Optional.empty(), Optional.empty(), "t");
        MatMul mm = new MatMul("mm", 256, 256, 4096, Precision.FP16);
        KernelRule base = gemm(List.of(a), Optional.empty());
        HardwareProfile p2 = TestChips.gpu().computeUnits(10, "t").stack(stack(withOverlap(base, 2))).build();
        OpResult r = CostModel.cost(mm, p2);
        assertEquals(0.9689691e-6, r.computeSeconds(), 1e-12);
        assertEquals(2.162688e-6, r.memorySeconds(), 1e-12);
        assertEquals(7.3698356e-6, r.latencySeconds(), 1e-12);
        // The 5 µs overhead exceeds the 2.3698 µs roof: overhead-bound (§8).
        assertEquals(Bound.OVERHEAD, r.bound());
        HardwareProfile p1 = TestChips.gpu().computeUnits(10, "t").stack(stack(withOverlap(base, 1))).build();
        assertEquals(8.1316571e-6, CostModel.cost(mm, p1).latencySeconds(), 1e-12);
        HardwareProfile none = TestChips.gpu().computeUnits(10, "t").stack(stack(base)).build();
        assertEquals(7.162688e-6, CostModel.cost(mm, none).latencySeconds(), 1e-12);
        org.opsim.graph.Graph g = new org.opsim.graph.Graph("g", List.of(new org.opsim.graph.Block("b", org.opsim.graph.Stage.PREFILL, 1, mm)));
        PlanTotals totals = new PlanTotals();
        Plan.compile(g, p2).evaluate(totals);
        assertEquals(7.3698356e-6, totals.latencySeconds(), 1e-12);
    }

    /** An overlap exponent below 1 (faster than perfect overlap) or on a kind that is not a GEMM is refused, the field named. */
    @Test
    void anOverlapExponentBelowOneOrOffAGemmIsRefused() {
        org.opsim.io.InvalidValueException low = assertThrows(org.opsim.io.InvalidValueException.class,
                () -> withOverlap(gemm(List.of(), Optional.empty()), 0.5));
        assertTrue(low.getMessage().startsWith("overlapExponent.value"), low.getMessage());
        org.opsim.io.InvalidValueException off = assertThrows(org.opsim.io.InvalidValueException.class,
                () -> new KernelRule(OpKind.RMSNORM, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                        Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), List.of(),
                        Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.of(new Figure(2, "t"))));
        assertTrue(off.getMessage().startsWith("overlapExponent"), off.getMessage());
    }

    private static KernelRule withOverlap(KernelRule r, double p) {
        return new KernelRule(r.kind(), r.blockThreads(), r.fixedCycles(), r.cyclesPerIteration(), r.unitBytesPerCycle(),
                r.overheadSeconds(), r.floorSeconds(), r.kernelsPerOp(), r.computeFactor(), r.memoryFactor(), r.gemmConfigs(),
                r.gemv(), r.overheadCycles(), r.fused(), r.allReduce(), Optional.of(new Figure(p, "t")));
    }

    /**
     * A kernel's fixed time per call is in seconds or in cycles, not both (docs/hardware-profile-format.md,
     * software stacks): a rule giving both is refused, naming the fields.
     */
    @Test
    void anOverheadInSecondsAndInCyclesTogetherIsRefused() {
        org.opsim.io.InvalidValueException e = assertThrows(org.opsim.io.InvalidValueException.class,
                () -> new KernelRule(OpKind.ADD, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                        Optional.of(new Figure(2e-6, "t")), Optional.empty(), Optional.empty(), Optional.empty(),
                        Optional.empty(), List.of(), Optional.empty(), Optional.of(new Figure(3000, "t")), Optional.empty()));
        assertTrue(e.getMessage().contains("overheadCycles") && e.getMessage().contains("overheadSeconds"), e.getMessage());
    }

    /** GEMM configurations need the chip's compute units; a non-GEMM kind cannot have them. */
    @Test
    void gemmConfigurationsNeedComputeUnitsAndAGemmKind() {
        GemmConfig a = new GemmConfig(128, 128, GemmConfig.Decomposition.SPLIT_K, Optional.empty(), Optional.empty(), "t");
        org.opsim.io.InvalidValueException e = assertThrows(org.opsim.io.InvalidValueException.class,
                () -> TestChips.gpu().stack(stack(gemm(List.of(a), Optional.empty()))).build());
        assertTrue(e.getMessage().contains("computeUnits"), e.getMessage());
        assertThrows(org.opsim.io.InvalidValueException.class, () -> new KernelRule(OpKind.ADD, Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), List.of(a), Optional.empty(), Optional.empty(), Optional.empty()));
        assertThrows(org.opsim.io.InvalidValueException.class, () -> new GemmConfig(128, 128,
                GemmConfig.Decomposition.STREAM_K, Optional.empty(), Optional.empty(), "t"));
    }

    /** A per-call overhead in cycles follows the clock: 3,000 cycles are 2 µs at 1.5 GHz and 3 µs at 1 GHz. */
    @Test
    void anOverheadInCyclesScalesWithTheClock() {
        KernelRule add = new KernelRule(OpKind.ADD, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), List.of(),
                Optional.empty(), Optional.of(new Figure(3000, "t")), Optional.empty());
        Elementwise op = new Elementwise("add", OpKind.ADD, 1000, Precision.FP16);
        HardwareProfile fast = TestChips.gpu().computeUnits(10, "t").clock(1.5e9, 1.5e9, "t").stack(stack(add)).build();
        HardwareProfile slow = fast.toBuilder().clock(1e9, 1e9, "t").build();
        assertEquals(2e-6, CostModel.cost(op, fast).overheadSeconds(), 1e-15);
        assertEquals(3e-6, CostModel.cost(op, slow).overheadSeconds(), 1e-15);
        // Cycles without a clock are refused, naming the field.
        org.opsim.io.InvalidValueException e = assertThrows(org.opsim.io.InvalidValueException.class,
                () -> TestChips.gpu().computeUnits(10, "t").stack(stack(add)).build());
        assertTrue(e.getMessage().contains("clock"), e.getMessage());
    }

    /**
     * A kind the stack fuses into its producer (docs/cost-model.md §8.7) costs its arithmetic on the
     * vector unit and, for a binary op, the read of its other operand: the test ASIC's vector unit is
     * fp32 only at 10 TFLOP/s, efficiency 1, memory 1 TB/s at 1. An add of 1e6 bf16 elements: 1e6 FLOPs
     * → 0.1 µs; the second operand 2e6 B → 2 µs; not the whole 6e6-byte pass (6 µs) and no 1 µs
     * dispatch. A fused SiLU of 1e6 elements (both ends in its neighbours' kernels): its FLOPs only. The
     * op says so in a note.
     */
    @Test
    void aFusedKindCostsOnlyItsArithmetic() {
        KernelRule add = new KernelRule(OpKind.ADD, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), List.of(),
                Optional.empty(), Optional.empty(), Optional.of("XLA fuses element-wise ops (test)"));
        HardwareProfile asic = TestChips.asic().withStack(stack(add));
        OpResult r = CostModel.cost(new Elementwise("add", OpKind.ADD, 1_000_000, Precision.BF16), asic);
        assertEquals(2e-6, r.latencySeconds(), 1e-15);
        assertEquals(2e-6, r.memorySeconds(), 1e-15);
        assertEquals(0, r.overheadSeconds());
        assertTrue(r.notes().stream().anyMatch(n -> n.kind() == Note.Kind.FUSED), r.notes().toString());
        // SiLU: 4 FLOPs per element (graph.Silu) · 1e6 = 4e6 at 10e12 = 0.4 µs, nothing else.
        KernelRule silu = new KernelRule(OpKind.SILU, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), List.of(),
                Optional.empty(), Optional.empty(), Optional.of("test"));
        assertEquals(0.4e-6, CostModel.cost(new org.opsim.graph.Silu("s", 1_000_000, Precision.BF16),
                TestChips.asic().withStack(stack(silu))).latencySeconds(), 1e-15);
        // A fused rule with a figure of its own is refused, naming the field.
        org.opsim.io.InvalidValueException both = assertThrows(org.opsim.io.InvalidValueException.class,
                () -> new KernelRule(OpKind.ADD, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                        Optional.of(new Figure(1e-6, "t")), Optional.empty(), Optional.empty(), Optional.empty(),
                        Optional.empty(), List.of(), Optional.empty(), Optional.empty(), Optional.of("x")));
        assertTrue(both.getMessage().startsWith("fused"), both.getMessage());
        // Without the stack: max(0.1 µs, 6e6 B / 1e12 B/s = 6 µs) + 1 µs = 7 µs.
        assertEquals(7e-6, CostModel.cost(new Elementwise("add", OpKind.ADD, 1_000_000, Precision.BF16),
                TestChips.asic()).latencySeconds(), 1e-15);
        // A GEMM cannot be fused into anything.
        assertThrows(org.opsim.io.InvalidValueException.class, () -> new KernelRule(OpKind.MATMUL, Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), List.of(), Optional.empty(), Optional.empty(), Optional.of("x")));
    }

    private static KernelRule gemm(List<GemmConfig> configs, Optional<Gemv> gemv) {
        return new KernelRule(OpKind.MATMUL, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.of(new Figure(5e-6, "t")), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                configs, gemv, Optional.empty(), Optional.empty());
    }
}
