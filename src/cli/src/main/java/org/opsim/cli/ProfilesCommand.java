package org.opsim.cli;

import java.util.List;
import java.util.concurrent.Callable;
import org.opsim.Catalogue;
import org.opsim.graph.Engine;
import org.opsim.graph.Precision;
import org.opsim.hardware.HardwareProfile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;

/** {@code opsim profiles}: the chips of the catalogue, with their names, aliases and headline figures. */
@Command(name = "profiles", mixinStandardHelpOptions = true,
        description = "List the chips of the catalogue (bundled, and --profiles DIR) with the names and aliases -p takes, "
                + "headline figures, and the calibrated variants.")
final class ProfilesCommand implements Callable<Integer> {

    @Mixin
    Inputs inputs;

    @Mixin
    Output output;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        if (output.format == Table.Format.JSON) {
            throw new IllegalArgumentException("profiles supports --format table, markdown or csv");
        }
        Table t = new Table(List.of("name", "aliases", "chip", "kind", "vendor", "bf16 TFLOP/s", "vector fp32 TFLOP/s",
                "memory GB", "TB/s", "link GB/s/dir", "TDP W", "$/chip-h", "calibrated"));
        for (Catalogue.ProfileEntry e : inputs.catalogue().profileEntries()) {
            HardwareProfile p = e.profile();
            t.add(List.of(e.name(), e.aliases().isEmpty() ? "-" : String.join(" ", e.aliases()), p.name(), p.kind().id(),
                    p.vendor(),
                    p.peak(Engine.MATRIX, Precision.BF16).map(f -> Numbers.sig(f.value() / 1e12)).orElse("-"),
                    p.peak(Engine.VECTOR, Precision.FP32).map(f -> Numbers.sig(f.value() / 1e12)).orElse("-"),
                    Numbers.sig(p.memory().capacityBytes().value() / 1e9),
                    Numbers.sig(p.memory().bandwidthBytesPerSecond().value() / 1e12),
                    Numbers.sig(p.interconnect().bandwidthBytesPerSecond().value() / 1e9),
                    Numbers.sig(p.power().tdpWatts().value()), Numbers.sig(p.pricePerChipHourUsd().value()),
                    e.calibrated() ? "yes" : "no"));
        }
        StringBuilder sb = new StringBuilder(t.render(output.format));
        if (output.format == Table.Format.TABLE) {
            sb.append("\nName a chip with -p NAME or an alias (or give a profile file). Systems for opsim deploy --system: ");
            sb.append(String.join(", ", inputs.catalogue().systemEntries().stream().map(s -> s.name()
                    + (s.aliases().isEmpty() ? "" : " (" + String.join(", ", s.aliases()) + ")")).toList()));
            sb.append('\n');
        }
        output.emit(sb.toString(), spec.commandLine().getOut());
        return 0;
    }
}
