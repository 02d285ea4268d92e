package org.opsim.deploy;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.opsim.graph.Engine;
import org.opsim.graph.Precision;
import org.opsim.hardware.DeviceKind;
import org.opsim.hardware.EfficiencyTable;
import org.opsim.hardware.Figure;
import org.opsim.hardware.HardwareProfile;

/** Round-number chips and systems, so collective times can be worked out by hand. */
final class DeployFixtures {
    static final String SRC = "test fixture";
    static final Path SYSTEMS = Path.of("hardware-profiles/systems");

    private DeployFixtures() {
    }

    /** Efficiencies 1.0 and no dispatch overhead, so a collective's time is its link time alone; idle 100 W. */
    static HardwareProfile chip() {
        return HardwareProfile.builder("test-chip").kind(DeviceKind.GPU).vendor("test")
                .peak(Engine.MATRIX, Precision.BF16, 1e15, SRC)
                .peak(Engine.VECTOR, Precision.BF16, 1e14, SRC)
                .peak(Engine.VECTOR, Precision.FP32, 5e13, SRC)
                .memory(80e9, 2e12, SRC)
                .onChipSramBytes(50e6, SRC)
                .dispatchOverheadSeconds(0, SRC)
                .interconnect(100e9, 1e-6, SRC)
                .power(700, 100, SRC)
                .pricePerChipHourUsd(4, SRC)
                .efficiency(EfficiencyTable.uniform(1.0, 1.0, SRC))
                .build();
    }

    /**
     * 2 nodes × 8 chips; inside a node a switch at B = 100 GB/s per direction, α = 1 µs; between
     * nodes a NIC per chip at 10 GB/s per direction, α = 5 µs.
     */
    static SystemProfile twoNodes() {
        return new SystemProfile("test 2x8", Optional.empty(), chip(), Figure.of(8, SRC), Figure.of(2, SRC),
                Link.switched(100e9, 1e-6, SRC), Optional.of(Link.switched(10e9, 5e-6, SRC)),
                Optional.empty(), Optional.empty(), Optional.empty());
    }

    /** One node of 16 chips in a 4×4 torus, 400 GB/s per chip per direction (100 GB/s per link), α = 1 µs. */
    static SystemProfile torus() {
        Link t = new Link(Figure.of(400e9, SRC), Figure.of(1e-6, SRC), Topology.TORUS, List.of(4, 4));
        return new SystemProfile("test torus", Optional.empty(), chip(), Figure.of(16, SRC), Figure.of(1, SRC), t,
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
    }
}
