package org.opsim.cli;

import java.nio.file.Path;
import java.util.List;
import org.opsim.Opsim;
import org.opsim.hardware.HardwareProfile;
import org.opsim.validation.MeasuredCase;
import org.opsim.validation.Measurements;
import org.opsim.validation.Validation;
import picocli.CommandLine.Option;

/** Shared {@code --profile} and {@code --cases} options of predict and validate, and their loading. */
final class CasesInput {
    @Option(names = {"-p", "--profile"}, required = true, paramLabel = "CHIP",
            description = "the chip: a catalogue name or alias (a100) or a profile file")
    String profile;

    @Option(names = "--stack", paramLabel = "STACK",
            description = "the software stack the cases were measured with: a name, name@version or a stack file "
                    + "(default: the vendor's)")
    String stack;

    @Option(names = "--cases", required = true, paramLabel = "CSV",
            description = "operator cases in the shared/validation/*-ops.csv format: kind, dtype, m, n, k, rows, cols, median_ms, ...")
    Path cases;

    /** The profile, the cases, and each case's predicted seconds. */
    record Loaded(HardwareProfile profile, List<MeasuredCase> rows, double[] predictedSeconds) {
    }

    Loaded load() {
        HardwareProfile p = Inputs.withStack(org.opsim.Catalogue.bundled(), Opsim.profile(profile), stack);
        List<MeasuredCase> rows = Measurements.read(cases);
        return new Loaded(p, rows, Validation.predict(rows, p));
    }
}
