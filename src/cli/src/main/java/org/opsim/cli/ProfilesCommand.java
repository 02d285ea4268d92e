package org.opsim.cli;

import java.util.List;
import java.util.concurrent.Callable;
import org.opsim.graph.Engine;
import org.opsim.graph.Precision;
import org.opsim.hardware.HardwareProfile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;

/** {@code opsim profiles}: the chips available, with headline figures. */
@Command(name = "profiles", mixinStandardHelpOptions = true, description = "List hardware profiles with headline figures.")
final class ProfilesCommand implements Callable<Integer> {

    @Mixin
    Inputs inputs;

    @Mixin
    Output output;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        Table t = new Table(List.of("chip", "kind", "vendor", "bf16 TFLOP/s", "vector fp32 TFLOP/s", "memory GB",
                "TB/s", "link GB/s/dir", "TDP W", "$/chip-h"));
        for (HardwareProfile p : inputs.profiles()) {
            t.add(List.of(p.name(), p.kind().id(), p.vendor(),
                    p.peak(Engine.MATRIX, Precision.BF16).map(f -> Numbers.sig(f.value() / 1e12)).orElse("-"),
                    p.peak(Engine.VECTOR, Precision.FP32).map(f -> Numbers.sig(f.value() / 1e12)).orElse("-"),
                    Numbers.sig(p.memory().capacityBytes().value() / 1e9),
                    Numbers.sig(p.memory().bandwidthBytesPerSecond().value() / 1e12),
                    Numbers.sig(p.interconnect().bandwidthBytesPerSecond().value() / 1e9),
                    Numbers.sig(p.power().tdpWatts().value()), Numbers.sig(p.pricePerChipHourUsd().value())));
        }
        if (output.format == Table.Format.JSON) {
            throw new IllegalArgumentException("profiles supports --format table, markdown or csv");
        }
        output.emit(t.render(output.format), spec.commandLine().getOut());
        return 0;
    }
}
