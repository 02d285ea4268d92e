package org.opsim.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.opsim.Opsim;
import org.opsim.hardware.HardwareProfile;
import org.opsim.validation.MeasuredCase;
import org.opsim.validation.Measurements;
import org.opsim.validation.Validation;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code opsim predict}: operator cases in, the same rows out with {@code predicted_ms} added. */
@Command(name = "predict", mixinStandardHelpOptions = true,
        description = "Predict a CSV of operator cases (the format of shared/validation/*-ops.csv) on a profile; "
                + "writes the same rows with a predicted_ms column added.")
final class PredictCommand implements Callable<Integer> {

    @Option(names = {"-p", "--profile"}, required = true, paramLabel = "FILE", description = "hardware profile")
    Path profile;

    @Option(names = "--cases", required = true, paramLabel = "CSV", description = "operator cases: kind, dtype, m, n, k, rows, cols, median_ms, ...")
    Path cases;

    @Option(names = "--out", paramLabel = "CSV", description = "output file (default: standard output)")
    Path out;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        HardwareProfile p = Opsim.loadProfile(profile);
        List<MeasuredCase> rows = Measurements.read(cases);
        double[] predicted = Validation.predict(rows, p);
        StringBuilder sb = new StringBuilder();
        try (BufferedReader in = Files.newBufferedReader(cases)) {
            sb.append(in.readLine()).append(",predicted_ms\n");
            String line;
            int dataRow = 0;
            int next = 0;
            while ((line = in.readLine()) != null) {
                dataRow++;
                if (line.isBlank()) {
                    continue;
                }
                if (rows.get(next).row() != dataRow) {
                    throw new IllegalStateException("row mismatch at " + dataRow);
                }
                sb.append(line).append(',').append(String.format(Locale.ROOT, "%.6g", predicted[next++] * 1e3)).append('\n');
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Output o = new Output();
        o.out = out;
        o.emit(sb.toString(), spec.commandLine().getOut());
        return 0;
    }
}
