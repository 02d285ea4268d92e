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

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "the calibrated profile (.yaml or .json)")
    Path out;

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
        HardwareProfile base = Opsim.profile(profile);
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
        List<ErrorStats> before;
        List<ErrorStats> after;
        try (bar) {
            bar.step("scoring " + base.name());
            before = Validation.validate(score, base);
            bar.step("fitting " + fit.size() + " rows");
            long start = System.nanoTime();
            calibrated = Calibrator.fit(base, fit, cases.toString()).profile();
            LOG.info("fitted {} rows in {} ms", fit.size(), (System.nanoTime() - start) / 1_000_000);
            bar.step("scoring the calibrated profile");
            after = Validation.validate(score, calibrated);
        }
        Opsim.writeProfile(calibrated, out);
        var o = spec.commandLine().getOut();
        o.println("Calibrated " + base.name() + " on " + cases + ": " + what);
        o.println();
        o.println("before:");
        o.print(ValidationReport.table(before));
        o.println();
        o.println("after:");
        o.print(ValidationReport.table(after));
        o.println();
        o.println("wrote " + out);
        o.flush();
        return 0;
    }
}
