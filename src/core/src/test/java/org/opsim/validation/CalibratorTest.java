package org.opsim.validation;

import org.opsim.graph.Op;
import org.opsim.graph.Elementwise;
import org.opsim.hardware.OnChipMemory;
import org.opsim.hardware.SoftwareStack;
import org.opsim.hardware.GemmConfig;
import org.opsim.hardware.Gemv;
import org.opsim.hardware.KernelRule;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.opsim.cost.CostModel;
import org.opsim.graph.Engine;
import org.opsim.graph.MatMul;
import org.opsim.graph.OpKind;
import org.opsim.graph.Precision;
import org.opsim.graph.RmsNorm;
import org.opsim.hardware.DeviceKind;
import org.opsim.hardware.EfficiencyCurve;
import org.opsim.hardware.EfficiencyRule;
import org.opsim.hardware.EfficiencyTable;
import org.opsim.hardware.Figure;
import org.opsim.hardware.HardwareProfile;

/** Calibration recovers parameters from synthetic measurements generated with them. */
class CalibratorTest {

    private static HardwareProfile.Builder chip() {
        String s = "test";
        return HardwareProfile.builder("synthetic").kind(DeviceKind.GPU).vendor("test")
                .peak(Engine.MATRIX, Precision.FP16, 300e12, s).peak(Engine.VECTOR, Precision.FP16, 80e12, s)
                .peak(Engine.VECTOR, Precision.FP32, 20e12, s)
                .memory(80e9, 2e12, s).onChipSramBytes(40e6, s).dispatchOverheadSeconds(3e-6, s)
                .interconnect(300e9, 2e-6, s).power(400, 60, s).pricePerChipHourUsd(2, s)
                .computeUnits(100, s).matmulTile(128, 128, s).clock(1.5e9, 1.5e9, s).threadsPerUnit(2048, s)
                .efficiency(EfficiencyTable.uniform(0.8, 0.85, s));
    }

    /**
     * The truth, chip and stack apart. Chip: streaming efficiency 0.8 (start: 0.85), L2 of 4 MB at
     * 8 TB/s with efficiency 0.4, clock 1.5 GHz, 100 units, 2048 threads per unit. Stack: matmul 5 µs
     * per call, the library's 128×128 tiles at 0.875 × the chip's 0.8 = 0.7 of peak and 64×64 tiles
     * at 0.6 ×, GEMMs of ≤ 16 rows streaming at 0.9 × the chip's streaming efficiency with 3 µs per
     * call, its loads and MMAs overlapping as the p-norm of p = 2; rmsnorm a row chain of 1,024-thread blocks, 1,500 fixed cycles + 600 per iteration; every
     * small kernel (add, rmsnorm) 2,250 cycles per call (1.5 µs at 1.5 GHz).
     */
    private static final String T = "truth";

    private static HardwareProfile chipTruth() {
        return chip().efficiency(new EfficiencyTable(EfficiencyCurve.constant(0.8, T), EfficiencyCurve.constant(0.8, T), List.of()))
                .onChip(new OnChipMemory("L2", new Figure(4e6, T), new Figure(8e12, T), new Figure(2e-7, T),
                        Optional.of(new Figure(0.4, T)))).build();
    }

    private static SoftwareStack stackTruth() {
        return new SoftwareStack("s", "truth", Optional.empty(), Optional.empty(), Optional.empty(), List.of(
                new KernelRule(OpKind.MATMUL, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                        Optional.of(new Figure(5e-6, T)), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                        List.of(config(128, Optional.of(new Figure(0.875, T))), config(64, Optional.of(new Figure(0.6, T)))),
                        Optional.of(new Gemv(16, Optional.of(new Figure(0.9, T)), Optional.of(new Figure(3e-6, T)), T)), Optional.empty(), Optional.empty(),
                        Optional.empty(), Optional.of(new Figure(2.0, T))),
                normChain(2250), addWithOverhead(2250)));
    }

    /** The truth's rmsnorm: a chain of 1,024-thread blocks, 1,500 fixed cycles + 600 per iteration, the given overhead. */
    private static KernelRule normChain(double overheadCycles) {
        return new KernelRule(OpKind.RMSNORM, Optional.of(new Figure(1024, T)), Optional.of(new Figure(1500, T)),
                Optional.of(new Figure(600, T)), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), List.of(), Optional.empty(), Optional.of(new Figure(overheadCycles, T)),
                Optional.empty());
    }

    /** The truth's add: only an overhead per call, in cycles. */
    private static KernelRule addWithOverhead(double overheadCycles) {
        return new KernelRule(OpKind.ADD, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), List.of(),
                Optional.empty(), Optional.of(new Figure(overheadCycles, T)), Optional.empty());
    }

    private static GemmConfig config(long tile, Optional<Figure> factor) {
        return new GemmConfig(tile, tile, GemmConfig.Decomposition.SPLIT_K, Optional.empty(), factor, "library");
    }

    /**
     * The stack the fit starts from: only its structure (rmsnorm's block size, from the kernel's source;
     * the library's GEMM tiles and its skinny path's threshold, no factors).
     */
    private static SoftwareStack stackStart() {
        return new SoftwareStack("s", "start", Optional.empty(), Optional.empty(), Optional.empty(), List.of(
                new KernelRule(OpKind.MATMUL, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                        Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                        List.of(config(128, Optional.empty()), config(64, Optional.empty())),
                        Optional.of(new Gemv(16, Optional.empty(), Optional.empty(), "library")), Optional.empty(), Optional.empty()),
                new KernelRule(OpKind.RMSNORM, Optional.of(new Figure(1024, "source")), Optional.empty(), Optional.empty(),
                        Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty())));
    }

    private static HardwareProfile.Builder chipStart() {
        return chip().onChip(new OnChipMemory("L2", new Figure(4e6, "d"), new Figure(8e12, "d"), new Figure(2e-7, "d")));
    }

    private static List<MeasuredCase> synthetic(HardwareProfile truth) {
        List<MeasuredCase> out = new ArrayList<>();
        int row = 0;
        List<Op> ops = new ArrayList<>();
        for (long m : new long[] {1, 2, 4, 8, 16, 32, 64, 100, 128, 256, 384, 512, 1000, 1536, 2048, 3000, 4096, 6000, 8192, 12000}) {
            for (long n : new long[] {1024, 2048, 4096, 8192, 14336}) {
                ops.add(new MatMul("mm", m, n, 4096, Precision.FP16));
            }
            for (long h : new long[] {1024, 2048, 4096, 5120, 8192}) {
                ops.add(new RmsNorm("norm", m * 8, h, Precision.FP16));
                ops.add(Elementwise.add("add", m * h, Precision.FP16));
            }
        }
        double[] t = Validation.predict(ops.stream().map(o -> new MeasuredCase(1, "", "", o, 1)).toList(), truth);
        for (int i = 0; i < ops.size(); i++) {
            out.add(new MeasuredCase(++row, "synthetic", "m" + (row % 2), ops.get(i), t[i]));
        }
        return out;
    }

    @Test
    void calibrationRecoversChipAndStackParametersSeparately() {
        HardwareProfile truth = chipTruth().withStack(stackTruth());
        List<MeasuredCase> cases = synthetic(truth);
        Calibrator.Result fit = Calibrator.fit(chipStart().build(), stackStart(), cases, "synthetic rows", true);
        double[] predicted = Validation.predict(cases, fit.profile());
        for (int i = 0; i < cases.size(); i++) {
            double err = Math.abs(predicted[i] - cases.get(i).medianSeconds()) / cases.get(i).medianSeconds();
            assertTrue(err < 0.03, cases.get(i).op() + ": " + 100 * err + "% off");
        }
        // The chip's figures land in the chip profile …
        assertEquals(0.8, fit.chip().efficiency().defaultMemory().at(1), 0.01);
        assertEquals(0.4, fit.chip().onChip().orElseThrow().efficiency().orElseThrow().value(), 0.02);
        assertTrue(fit.chip().stack().isEmpty());
        // … and the stack's in the stack, with their rows named.
        KernelRule norm = fit.stack().kernel(OpKind.RMSNORM).orElseThrow();
        assertEquals(1500, norm.fixedCycles().orElseThrow().value(), 75);
        assertEquals(600, norm.cyclesPerIteration().orElseThrow().value(), 30);
        assertEquals(2250, norm.overheadCycles().orElseThrow().value(), 150);
        assertEquals(2250, fit.stack().kernel(OpKind.ADD).orElseThrow().overheadCycles().orElseThrow().value(), 150);
        assertTrue(norm.cyclesPerIteration().orElseThrow().source().contains("rmsnorm rows of synthetic rows"));
        KernelRule mm = fit.stack().kernel(OpKind.MATMUL).orElseThrow();
        assertEquals(5e-6, mm.overheadSeconds().orElseThrow().value(), 0.25e-6);
        // The 128×128 tiles' factor (what the large compute-bound GEMMs run with), and the skinny path's.
        assertEquals(0.875, mm.gemmConfigs().get(0).factor(), 0.025);
        assertEquals(0.9, mm.gemv().orElseThrow().factor(), 0.03);
        assertEquals(3e-6, mm.gemv().orElseThrow().overheadSeconds().orElseThrow().value(), 0.2e-6);
        // How well loads and MMAs overlap: the shapes near the ridge pin it.
        assertEquals(2.0, mm.overlapExponent().orElseThrow().value(), 0.15);
    }

    /**
     * Row chains share the plain add's per-call overhead (Calibrator.fit; docs/cost-model.md §8.3, §8.5):
     * on one chip a chain's fixed cycles and a per-call overhead are otherwise the same number. Truth: the
     * chip above; add and rmsnorm 4,500 cycles per call (3 µs at 1.5 GHz, not the fit's start of half the
     * 3 µs dispatch); rmsnorm a chain of 1,024-thread blocks, 1,500 fixed cycles + 600 per iteration.
     * Every rmsnorm row here runs in one wave: hidden ≥ 1024 gives T = 1024, b = floor(2048 / 1024) = 2
     * blocks per unit, 100 · 2 = 200 rows at once ≥ the 200 rows at most; so its time is
     * (1500 + (hidden / 1024) · 600) / 1.5e9 + o (the chain binds: e.g. 200 × 8192, 4.2 µs of chain against
     * (2·200·8192 + 8192)·2 = 6,569,984 B, of which (4e6 / 6,569,984)² = 37% at 8e12·0.4 and the rest at
     * 2e12·0.8: 0.76 + 2.58 = 3.34 µs), and only fixedCycles + o = 6,000 cycles is in the data. The adds
     * (1,088 to 103,424 elements: ≤ 0.63 MB, in L2) are nearly all overhead and pin o = 4,500 cycles; shared,
     * the chain's fixed part is what is left: 1,500 cycles.
     */
    @Test
    void rowChainsShareTheAddsOverheadPerCall() {
        SoftwareStack truth = new SoftwareStack("s", "truth", Optional.empty(), Optional.empty(), Optional.empty(), List.of(
                normChain(4500), addWithOverhead(4500)));
        HardwareProfile profile = chipTruth().withStack(truth);
        List<Op> ops = new ArrayList<>();
        for (long rows : new long[] {1, 2, 4, 8, 16, 32, 64, 100, 128, 200}) {
            for (long h : new long[] {1024, 2048, 4096, 5120, 8192}) {
                ops.add(new RmsNorm("norm", rows, h, Precision.FP16));
                ops.add(Elementwise.add("add", rows * h / 16 + 1024, Precision.FP16));
            }
        }
        double[] t = Validation.predict(ops.stream().map(o -> new MeasuredCase(1, "", "", o, 1)).toList(), profile);
        List<MeasuredCase> cases = new ArrayList<>();
        for (int i = 0; i < ops.size(); i++) {
            cases.add(new MeasuredCase(i + 1, "synthetic", "m0", ops.get(i), t[i]));
        }
        SoftwareStack start = new SoftwareStack("s", "start", Optional.empty(), Optional.empty(), Optional.empty(), List.of(
                new KernelRule(OpKind.RMSNORM, Optional.of(new Figure(1024, "source")), Optional.empty(), Optional.empty(),
                        Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty())));
        Calibrator.Result fit = Calibrator.fit(chipStart().build(), start, cases, "synthetic rows", true);
        KernelRule add = fit.stack().kernel(OpKind.ADD).orElseThrow();
        KernelRule norm = fit.stack().kernel(OpKind.RMSNORM).orElseThrow();
        assertEquals(4500, add.overheadCycles().orElseThrow().value(), 225);
        // The chain's overhead is the add's figure itself (its value and the rows it came from) …
        assertEquals(add.overheadCycles().orElseThrow(), norm.overheadCycles().orElseThrow());
        // … so the chain's fixed part is the truth's, not a split of the 6,000 cycles the rmsnorm rows alone allow.
        assertEquals(1500, norm.fixedCycles().orElseThrow().value(), 150);
        assertEquals(600, norm.cyclesPerIteration().orElseThrow().value(), 30);
    }

    @Test
    void transferRunsTheFittedStackOnTheTargetsDatasheetFigures() {
        Calibrator.Result fit = Calibrator.fit(chipStart().build(), stackStart(), synthetic(chipTruth().withStack(stackTruth())),
                "synthetic", true);
        HardwareProfile other = chip().name("other").memory(48e9, 0.7e12, "other").computeUnits(84, "other").build();
        HardwareProfile moved = Calibrator.transfer(fit, other);
        assertEquals(0.7e12, moved.memory().bandwidthBytesPerSecond().value());
        assertEquals(84, moved.computeUnits().orElseThrow().value());
        assertEquals(fit.stack(), moved.stack().orElseThrow());
        // The target keeps its own chip figures: not the fitted streaming efficiency.
        assertEquals(other.efficiency(), moved.efficiency());
    }
}
