package org.opsim.hardware;

import java.util.List;
import org.opsim.graph.Engine;
import org.opsim.graph.Precision;

/** A provider registered in src/test/resources/META-INF/services: a chip added without touching opsim. */
public final class TestProfileProvider implements ProfileProvider {
    @Override
    public List<HardwareProfile> profiles() {
        String s = "test provider";
        return List.of(HardwareProfile.builder("Provided Chip").kind(DeviceKind.ASIC).vendor("Example")
                .peak(Engine.MATRIX, Precision.BF16, 400e12, s).peak(Engine.VECTOR, Precision.FP32, 10e12, s)
                .memory(64e9, 2e12, s).onChipSramBytes(100e6, s).dispatchOverheadSeconds(1e-6, s)
                .interconnect(200e9, 2e-6, s).power(350, 50, s).pricePerChipHourUsd(2.5, s)
                .efficiency(EfficiencyTable.uniform(0.75, 0.8, s)).build());
    }
}
