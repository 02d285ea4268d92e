package org.opsim.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.opsim.Opsim;
import org.opsim.cli.report.ValidationReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code opsim validation-report}: regenerates docs/validation.md and its plots. */
@Command(name = "validation-report", mixinStandardHelpOptions = true,
        description = "Regenerate docs/validation.md: datasheet-only and calibrated errors of the A100 and A40 profiles "
                + "against the shared measurements, fitted and scored on disjoint rows, with scatter plots.")
final class ValidationReportCommand implements Callable<Integer> {

    @Option(names = "--data", defaultValue = "../shared/validation", paramLabel = "DIR",
            description = "folder with a100-ops.csv, a40-ops.csv, a100-llmcompass-ops.csv (default: ${DEFAULT-VALUE})")
    Path data;

    @Option(names = "--out", defaultValue = "docs/validation.md", paramLabel = "FILE", description = "(default: ${DEFAULT-VALUE})")
    Path out;

    @Option(names = "--a100", defaultValue = "nvidia-a100-sxm", paramLabel = "CHIP",
            description = "the A100 profile: a catalogue name or a file (default: ${DEFAULT-VALUE})")
    String a100;

    @Option(names = "--a40", defaultValue = "nvidia-a40", paramLabel = "CHIP",
            description = "the A40 profile: a catalogue name or a file (default: ${DEFAULT-VALUE})")
    String a40;

    @Option(names = "--a100-system", defaultValue = "nvidia-dgx-a100-x2", paramLabel = "SYSTEM",
            description = "the system the measured all-reduces ran on (default: ${DEFAULT-VALUE})")
    String a100System;

    @Option(names = "--no-progress", description = "no progress bar (it is only drawn on a terminal anyway)")
    boolean noProgress;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        // ValidationReport.write is one call with no progress callback: a bar of unknown length shows it is
        // working and for how long.
        try (Progress bar = Progress.start("validation-report", -1, !noProgress)) {
            bar.step("fitting and scoring A100 and A40");
            long start = System.nanoTime();
            ValidationReport.write(
                    new ValidationReport.Chip("A100", Opsim.profile(a100), a100, data.resolve("a100-ops.csv")),
                    new ValidationReport.Chip("A40", Opsim.profile(a40), a40, data.resolve("a40-ops.csv")),
                    data.resolve("a100-llmcompass-ops.csv"), a100System, out,
                    "java -jar src/cli/target/opsim-cli-0.1.0-SNAPSHOT.jar validation-report");
            org.slf4j.LoggerFactory.getLogger(ValidationReportCommand.class).info("validation report written in {} ms",
                    (System.nanoTime() - start) / 1_000_000);
        }
        spec.commandLine().getOut().println("wrote " + out);
        spec.commandLine().getOut().flush();
        return 0;
    }
}
