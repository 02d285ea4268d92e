package org.opsim.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.opsim.cli.report.ScatterPlot;
import org.opsim.hardware.HardwareProfile;
import org.opsim.validation.ErrorStats;
import org.opsim.validation.MeasuredCase;
import org.opsim.validation.Validation;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code opsim validate}: error report of a profile against measured cases. */
@Command(name = "validate", mixinStandardHelpOptions = true,
        description = "Error of a profile against measured operator latencies: MAPE, median and 90th-percentile "
                + "absolute percentage error per op kind, and optionally a predicted-vs-measured log-log scatter plot.")
final class ValidateCommand implements Callable<Integer> {

    @Mixin
    CasesInput input;

    @Option(names = "--plot", paramLabel = "PNG", description = "write a predicted-vs-measured scatter plot")
    Path plot;

    @Mixin
    Output output;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        CasesInput.Loaded loaded = input.load();
        HardwareProfile p = loaded.profile();
        List<MeasuredCase> rows = loaded.rows();
        double[] predicted = loaded.predictedSeconds();
        List<ErrorStats> stats = Validation.report(rows, predicted);
        Table t = new Table(List.of("kind", "rows", "MAPE %", "median %", "p90 %"));
        for (ErrorStats s : stats) {
            t.add(List.of(s.label(), Integer.toString(s.cases()), String.format(java.util.Locale.ROOT, "%.1f", s.mapePercent()),
                    String.format(java.util.Locale.ROOT, "%.1f", s.medianPercent()),
                    String.format(java.util.Locale.ROOT, "%.1f", s.p90Percent())));
        }
        if (plot != null) {
            ScatterPlot.write(plot, p.name() + " vs " + input.cases.getFileName(), rows, predicted);
        }
        if (output.format == Table.Format.JSON) {
            throw new IllegalArgumentException("validate supports --format table, markdown or csv");
        }
        output.emit(t.render(output.format), spec.commandLine().getOut());
        return 0;
    }
}
