package org.opsim.cost;

import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.opsim.graph.Engine;
import org.opsim.graph.OpKind;
import org.opsim.graph.Precision;
import org.opsim.hardware.DeviceKind;
import org.opsim.hardware.EfficiencyTable;
import org.opsim.hardware.Fallback;
import org.opsim.hardware.Figure;
import org.opsim.hardware.HardwareProfile;
import org.opsim.hardware.HostLink;
import org.opsim.hardware.OpSupport;

/** Profiles with round numbers, so expected costs can be worked out by hand in the tests. */
public final class TestChips {
    public static final String SRC = "test fixture";

    private TestChips() {
    }

    /**
     * An H100-like GPU: matrix bf16/fp16 989.4 TFLOP/s, fp8 1978.8; vector fp32 50, bf16 100 TFLOP/s;
     * 2 TB/s memory; efficiencies 0.7 compute, 1.0 memory; no dispatch overhead; link 400 GB/s/dir,
     * 2 µs per step; TDP 700 W, idle 100 W; $3.60 per chip-hour (= $0.001 per second).
     */
    public static HardwareProfile.Builder gpu() {
        return HardwareProfile.builder("test-gpu").kind(DeviceKind.GPU).vendor("test")
                .peak(Engine.MATRIX, Precision.BF16, 989.4e12, SRC)
                .peak(Engine.MATRIX, Precision.FP16, 989.4e12, SRC)
                .peak(Engine.MATRIX, Precision.FP8, 1978.8e12, SRC)
                .peak(Engine.VECTOR, Precision.FP32, 50e12, SRC)
                .peak(Engine.VECTOR, Precision.BF16, 100e12, SRC)
                .peak(Engine.VECTOR, Precision.FP16, 100e12, SRC)
                .memory(80e9, 2e12, SRC)
                .onChipSramBytes(50e6, SRC)
                .dispatchOverheadSeconds(0, SRC)
                .interconnect(400e9, 2e-6, SRC)
                .power(700, 100, SRC)
                .pricePerChipHourUsd(3.6, SRC)
                .efficiency(EfficiencyTable.uniform(0.7, 1.0, SRC));
    }

    /**
     * An ASIC without native GELU (vector fallback ×3) or softmax (host fallback ×2, host link
     * 50 GB/s, 10 µs, host 1 TFLOP/s); vector unit fp32 only (10 TFLOP/s), matrix bf16 500 TFLOP/s;
     * 1 TB/s memory; efficiencies 1.0; dispatch 1 µs.
     */
    public static HardwareProfile asic() {
        EnumSet<OpKind> nativeOps = EnumSet.allOf(OpKind.class);
        nativeOps.remove(OpKind.GELU);
        nativeOps.remove(OpKind.SOFTMAX);
        OpSupport support = new OpSupport(nativeOps,
                Optional.of(new Fallback(Fallback.Mode.VECTOR, new Figure(3, SRC))),
                Map.of(OpKind.SOFTMAX, new Fallback(Fallback.Mode.HOST, new Figure(2, SRC))),
                Optional.of(new HostLink(new Figure(50e9, SRC), new Figure(10e-6, SRC), new Figure(1e12, SRC))));
        return HardwareProfile.builder("test-asic").kind(DeviceKind.ASIC).vendor("test")
                .peak(Engine.MATRIX, Precision.BF16, 500e12, SRC)
                .peak(Engine.VECTOR, Precision.FP32, 10e12, SRC)
                .memory(32e9, 1e12, SRC)
                .onChipSramBytes(100e6, SRC)
                .dispatchOverheadSeconds(1e-6, SRC)
                .interconnect(100e9, 1e-6, SRC)
                .power(300, 60, SRC)
                .pricePerChipHourUsd(1.8, SRC)
                .efficiency(EfficiencyTable.uniform(1.0, 1.0, SRC))
                .support(support)
                .build();
    }

    static List<String> none() {
        return List.of();
    }
}
