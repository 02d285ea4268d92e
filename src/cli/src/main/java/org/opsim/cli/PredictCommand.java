package org.opsim.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.opsim.validation.MeasuredCase;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code opsim predict}: operator cases in, the same rows out with {@code predicted_ms} added. */
@Command(name = "predict", mixinStandardHelpOptions = true,
        description = "Predict a CSV of operator cases (the format of shared/validation/*-ops.csv) on a profile; "
                + "writes the same rows with a predicted_ms column added.")
final class PredictCommand implements Callable<Integer> {

    @picocli.CommandLine.Mixin
    CasesInput input;

    @Option(names = "--out", paramLabel = "CSV", description = "output file (default: standard output)")
    Path out;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        CasesInput.Loaded loaded = input.load();
        List<MeasuredCase> rows = loaded.rows();
        double[] predicted = loaded.predictedSeconds();
        StringBuilder sb = new StringBuilder();
        try (BufferedReader in = Files.newBufferedReader(input.cases)) {
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
