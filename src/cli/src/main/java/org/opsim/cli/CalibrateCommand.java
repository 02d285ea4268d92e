package org.opsim.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.opsim.Opsim;
import org.opsim.cli.report.ValidationReport;
import org.opsim.hardware.HardwareProfile;
import org.opsim.validation.Calibrator;
import org.opsim.validation.ErrorStats;
import org.opsim.validation.MeasuredCase;
import org.opsim.validation.Measurements;
import org.opsim.validation.Split;
import org.opsim.validation.Validation;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code opsim calibrate}: fit a profile's efficiencies to measurements, write a new profile. */
@Command(name = "calibrate", mixinStandardHelpOptions = true,
        description = "Fit a profile's per-op efficiency curves, overheads and per-unit caps to measured latencies "
                + "(Levenberg-Marquardt, Apache Commons Math) and write the calibrated profile as a new file. "
                + "Prints the error before and after.")
final class CalibrateCommand implements Callable<Integer> {

    @Option(names = {"-p", "--profile"}, required = true, paramLabel = "CHIP",
            description = "the profile to start from: a catalogue name or alias (a100) or a profile file")
    String profile;

    @Option(names = "--cases", required = true, paramLabel = "CSV", description = "measured cases")
    Path cases;

    @Option(names = "--out", required = true, paramLabel = "FILE",
            description = "the calibrated chip profile (.yaml or .json): the datasheet figures and the fitted chip figures")
    Path out;

    @Option(names = "--stack", paramLabel = "STACK",
            description = "the stack the cases were measured with, whose structure the fit starts from (default: the vendor's)")
    String stack;

    @Option(names = "--stack-out", paramLabel = "FILE",
            description = "where to write the fitted stack version (default: beside --out, <out-name>-stack.yaml)")
    Path stackOut;

    @Option(names = "--stack-version", paramLabel = "NAME", description = "the fitted version's name (default: <stack version>-fitted-<date>)")
    String stackVersion;

    @Option(names = "--holdout", description = "fit on half the models (alternating by name) and report on the other half")
    boolean holdout;

    @Option(names = "--no-progress", description = "no progress bar (it is only drawn on a terminal anyway)")
    boolean noProgress;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(CalibrateCommand.class);

    @Override
    public Integer call() {
        Progress bar = Progress.start("calibrate", 4, !noProgress);
        bar.step("reading " + cases);
        HardwareProfile base = Inputs.withStack(org.opsim.Catalogue.bundled(), Opsim.profile(profile), stack);
        List<MeasuredCase> all = Measurements.read(cases);
        LOG.info("read {} measured cases from {}", all.size(), cases);
        List<MeasuredCase> fit = all;
        List<MeasuredCase> score = all;
        String what = "all " + all.size() + " rows (fitted and scored on the same rows)";
        if (holdout) {
            Split s = Split.byModel(all);
            fit = s.fit();
            score = s.score();
            what = "fitted on " + s.fitModels() + ", scored on " + s.scoreModels();
        }
        HardwareProfile calibrated;
        Calibrator.Result result;
        List<ErrorStats> before;
        List<ErrorStats> after;
        try (bar) {
            bar.step("scoring " + base.name());
            before = Validation.validate(score, base);
            bar.step("fitting " + fit.size() + " rows");
            long start = System.nanoTime();
            String label = cases.getFileName() + (holdout ? " models " + Split.byModel(all).fitModels() : " (all rows)");
            result = Calibrator.fit(base, base.stackOrNone(), fit, label, true);
            calibrated = result.profile();
            LOG.info("fitted {} rows in {} ms", fit.size(), (System.nanoTime() - start) / 1_000_000);
            bar.step("scoring the calibrated profile");
            after = Validation.validate(score, calibrated);
        }
        org.opsim.hardware.SoftwareStack fitted = result.stack().withVersion(stackVersion != null ? stackVersion
                : result.stack().version() + "-fitted-" + java.time.LocalDate.now(), "Fitted by opsim calibrate on " + cases.getFileName()
                + " (" + what + ") from the chip " + base.name() + ".");
        Path stackFile = stackOut != null ? stackOut : (out.toAbsolutePath().getParent() == null ? Path.of(".")
                : out.toAbsolutePath().getParent()).resolve(out.getFileName().toString().replaceFirst("\\.[^.]+$", "") + "-stack.yaml");
        Opsim.writeProfile(result.chip().toBuilder().name(base.name() + " (calibrated)").build(), out);
        Opsim.writeStack(fitted, stackFile);
        var o = spec.commandLine().getOut();
        o.println("Calibrated " + base.name() + " on " + cases + ": " + what);
        o.println();
        o.println("before:");
        o.print(ValidationReport.table(before));
        o.println();
        o.println("after:");
        o.print(ValidationReport.table(after));
        o.println();
        o.println("wrote " + out + " (the chip) and " + stackFile + " (stack " + fitted.id() + ")");
        o.flush();
        return 0;
    }
}
