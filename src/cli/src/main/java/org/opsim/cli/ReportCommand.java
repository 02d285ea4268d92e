package org.opsim.cli;

import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.opsim.cli.report.HtmlReport;
import org.opsim.internal.io.AtomicFiles;
import org.opsim.sweep.Metric;
import org.opsim.sweep.SweepPoints;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code opsim report}: the comparison of {@code compare} as one self-contained HTML page with charts. */
@Command(name = "report", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Write one self-contained HTML file (opens offline; charts inlined as PNG) for the comparison "
                + "compare would print: a summary table, a roofline per chip with every op on it, stacked time per op "
                + "category per chip, $ and joules per million tokens per chip, and, given a sweep CSV, its Pareto frontier.",
            "Takes the model, workload and profile options of compare (same defaults)."})
final class ReportCommand implements Callable<Integer> {

    @Mixin
    ModelOptions modelOptions;

    @Mixin
    Inputs inputs;

    @Option(names = "--sweep-csv", paramLabel = "FILE", description = "rows of opsim sweep --format csv: chart their Pareto frontier")
    Path sweepCsv;

    @Option(names = "--search-json", paramLabel = "FILE",
            description = "the candidates of opsim serve --search --format json: chart them and each system's frontier")
    Path searchJson;

    @Option(names = "--pareto-metrics", defaultValue = "usd-per-million-tokens,seconds-per-token", paramLabel = "X,Y",
            description = "the frontier's two metrics, as for sweep (default: ${DEFAULT-VALUE})")
    String paretoMetrics;

    @Option(names = "--out", defaultValue = "report.html", paramLabel = "FILE", description = "the HTML file (default: ${DEFAULT-VALUE})")
    Path out;

    @Option(names = "--no-progress", description = "no progress bar (it is only drawn on a terminal anyway)")
    boolean noProgress;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        String[] m = paretoMetrics.split(",", -1);
        if (m.length != 2) {
            throw new IllegalArgumentException("--pareto-metrics: give two metrics, got '" + paretoMetrics + "'");
        }
        Metric x = Metric.parse(m[0]);
        Metric y = Metric.parse(m[1]);
        CompareCommand.Job job = CompareCommand.job(modelOptions, inputs);
        Optional<SweepPoints> sweep = Optional.ofNullable(sweepCsv).map(f -> SweepPoints.read(f, x, y));
        Optional<org.opsim.cli.report.SearchPoints> search = Optional.ofNullable(searchJson).map(org.opsim.cli.report.SearchPoints::read);
        String html;
        try (Progress p = Progress.start("report", HtmlReport.chartCount(job.comparison(), sweep.isPresent(), search.isPresent()),
                !noProgress)) {
            html = HtmlReport.render(job.comparison(), job.header(), sweep, search, p::step);
        }
        AtomicFiles.writeString(out, html);
        var o = spec.commandLine().getOut();
        o.println("wrote " + out + " (" + job.comparison().results().size() + " chips"
                + sweep.map(s -> ", sweep of " + s.points().size() + " rows").orElse("")
                + search.map(s -> ", search of " + s.systems().stream().mapToInt(sp -> sp.points().size()).sum() + " candidates")
                        .orElse("") + ")");
        o.flush();
        return 0;
    }
}
