package org.opsim.validation;

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
                .computeUnits(100, s).matmulTile(128, 128, s)
                .efficiency(EfficiencyTable.uniform(0.8, 0.85, s));
    }

    /** The truth: matmul at 0.7 of peak with a 5 µs overhead; rmsnorm capped at 4 GB/s per unit (400 GB/s), 4 µs. */
    private static HardwareProfile truth() {
        String s = "truth";
        EfficiencyRule mm = new EfficiencyRule(OpKind.MATMUL, Optional.empty(), Optional.of(EfficiencyCurve.constant(0.7, s)),
                Optional.of(EfficiencyCurve.constant(0.85, s)), Optional.of(new Figure(5e-6, s)));
        EfficiencyRule norm = new EfficiencyRule(OpKind.RMSNORM, Optional.empty(), Optional.empty(),
                Optional.of(EfficiencyCurve.constant(0.85, s)), Optional.of(new Figure(4e-6, s)), Optional.of(new Figure(4e9, s)));
        return chip().efficiency(new EfficiencyTable(EfficiencyCurve.constant(0.8, s), EfficiencyCurve.constant(0.85, s),
                List.of(mm, norm))).build();
    }

    private static List<MeasuredCase> synthetic(HardwareProfile truth) {
        List<MeasuredCase> out = new ArrayList<>();
        int row = 0;
        // ~100 rows per kind, as a real profile run gives thousands: the fit's weak priors (which pick
        // "per-unit cap" over "low bandwidth share" when the data cannot tell) must not outweigh the data.
        for (long m : new long[] {1, 2, 4, 8, 16, 32, 64, 100, 128, 256, 384, 512, 1000, 1536, 2048, 3000, 4096, 6000, 8192, 12000}) {
            for (long n : new long[] {1024, 2048, 4096, 8192, 14336}) {
                MatMul op = new MatMul("mm", m, n, 4096, Precision.FP16);
                out.add(new MeasuredCase(++row, "synthetic", "m" + (row % 2), op, CostModel.cost(op, truth).latencySeconds()));
            }
            for (long h : new long[] {1024, 2048, 4096, 5120, 8192}) {
                RmsNorm op = new RmsNorm("norm", m * 8, h, Precision.FP16);
                out.add(new MeasuredCase(++row, "synthetic", "m" + (row % 2), op, CostModel.cost(op, truth).latencySeconds()));
            }
        }
        return out;
    }

    @Test
    void calibrationRecoversTheParametersThatGeneratedTheData() {
        HardwareProfile truth = truth();
        List<MeasuredCase> cases = synthetic(truth);
        // Start from the plain chip (0.8 compute, 0.85 memory, 3 µs, no caps) and fit.
        HardwareProfile fitted = Calibrator.fit(chip().build(), cases, "synthetic").profile();
        double[] predicted = Validation.predict(cases, fitted);
        for (int i = 0; i < cases.size(); i++) {
            double err = Math.abs(predicted[i] - cases.get(i).medianSeconds()) / cases.get(i).medianSeconds();
            assertTrue(err < 0.01, cases.get(i).op() + ": " + 100 * err + "% off");
        }
        EfficiencyTable t = fitted.efficiency();
        assertEquals(5e-6, t.overhead(OpKind.MATMUL, Precision.FP16).orElseThrow().value(), 0.25e-6);
        assertEquals(4e-6, t.overhead(OpKind.RMSNORM, Precision.FP16).orElseThrow().value(), 0.2e-6);
        // Compute efficiency 0.7 at the sizes where matmuls are compute-bound (≥ 1e11 FLOPs).
        assertEquals(0.7, t.compute(OpKind.MATMUL, Precision.FP16).at(2e11), 0.02);
        // The rmsnorm slowness is recovered as the per-unit cap (4 GB/s × 100 units), not as a low bandwidth share.
        assertEquals(4e9, t.unitBytesPerSecond(OpKind.RMSNORM, Precision.FP16).orElseThrow().value(), 0.1e9);
    }

    @Test
    void transferKeepsTheTargetsDatasheetFigures() {
        HardwareProfile fitted = Calibrator.fit(chip().build(), synthetic(truth()), "synthetic").profile();
        HardwareProfile other = chip().name("other").memory(48e9, 0.7e12, "other").computeUnits(84, "other").build();
        HardwareProfile moved = Calibrator.transfer(fitted, other);
        assertEquals(0.7e12, moved.memory().bandwidthBytesPerSecond().value());
        assertEquals(84, moved.computeUnits().orElseThrow().value());
        // The fitted kinds come from the fit; the target keeps its own defaults.
        assertEquals(fitted.efficiency().overhead(OpKind.RMSNORM, Precision.FP16), moved.efficiency().overhead(OpKind.RMSNORM, Precision.FP16));
        assertEquals(fitted.efficiency().compute(OpKind.MATMUL, Precision.FP16), moved.efficiency().compute(OpKind.MATMUL, Precision.FP16));
        assertEquals(other.efficiency().defaultMemory(), moved.efficiency().defaultMemory());
    }
}
