package org.opsim.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Function;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.opsim.graph.Attention;
import org.opsim.graph.Precision;
import org.opsim.hardware.HardwareProfile;
import org.opsim.model.Model;
import org.opsim.model.Workload;
import org.opsim.sweep.Metric;
import org.opsim.sweep.NumberLists;
import org.opsim.sweep.RowFormat;
import org.opsim.sweep.Sweep;
import org.opsim.sweep.SweepRow;
import org.opsim.sweep.SweepSpace;
import org.opsim.sweep.SweepSummary;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code opsim sweep}: the cartesian product of workloads × chips, streamed, with its Pareto frontier. */
@Command(name = "sweep", mixinStandardHelpOptions = true,
        description = "Cost every combination of profiles × batch sizes × lengths × precisions × tensor-parallel "
                + "degrees (× phases, generated tokens, attention forms, recompute) of a Hugging Face config, in "
                + "parallel, streaming one CSV or JSON row per combination; skip what a chip cannot run; keep the "
                + "Pareto frontier. Lists take commas and ranges: 1,8,64 or 1..512 or 256..32768:256.")
final class SweepCommand implements Callable<Integer> {

    @Option(names = {"-m", "--model", "-c", "--config"}, required = true, paramLabel = "MODEL",
            description = "a bundled model (llama-3.1-70b; see opsim models) or a model file that takes a workload")
    String model;

    @Option(names = "--phase", defaultValue = "decode", paramLabel = "LIST",
            description = "prefill, decode, generation, training (default: ${DEFAULT-VALUE})")
    String phases;

    @Option(names = "--batch", defaultValue = "1", paramLabel = "LIST", description = "sequences per batch (default: ${DEFAULT-VALUE})")
    String batches;

    @Option(names = {"--context", "--prompt"}, defaultValue = "2048", paramLabel = "LIST",
            description = "prompt length, or tokens already cached for decode (default: ${DEFAULT-VALUE})")
    String lengths;

    @Option(names = "--generate", defaultValue = "256", paramLabel = "LIST", description = "new tokens, for generation (default: ${DEFAULT-VALUE})")
    String generated;

    @Option(names = "--weights", defaultValue = "bf16", paramLabel = "LIST", description = "weight formats, one per "
            + "configuration; a checkpoint's own mixed formats are set aside in a sweep (default: ${DEFAULT-VALUE})")
    String weights;

    @Option(names = "--dim", paramLabel = "NAME=SIZE", description = "bind an ONNX model's symbolic dimension (repeatable; "
            + "an unnamed one as INPUT:INDEX=SIZE)")
    Map<String, Long> dims = new java.util.LinkedHashMap<>();

    @Option(names = "--allow-unmapped", description = "ONNX: cost nodes opsim has no operator for as memory-bound "
            + "elementwise ops (default: refuse the model)")
    boolean allowUnmapped;

    @Option(names = "--activations", defaultValue = "bf16", paramLabel = "LIST", description = "activation precisions (default: ${DEFAULT-VALUE})")
    String activations;

    @Option(names = "--kv", paramLabel = "LIST", description = "KV-cache precisions (default: the activation precision)")
    String kv;

    @Option(names = "--tp", defaultValue = "1", paramLabel = "LIST", description = "tensor-parallel degrees (default: ${DEFAULT-VALUE})")
    String tensorParallel;

    @Option(names = "--attention", defaultValue = "flash", paramLabel = "LIST", description = "flash, unfused (default: ${DEFAULT-VALUE})")
    String attention;

    @Option(names = "--recompute", defaultValue = "false", paramLabel = "LIST",
            description = "for training: false, true or both (default: ${DEFAULT-VALUE})")
    String recompute;

    @Mixin
    Inputs inputs;

    @Option(names = "--out", paramLabel = "FILE", description = "write rows to FILE (streamed, renamed into place when done) instead of standard output")
    Path out;

    @Option(names = "--format", defaultValue = "csv", description = "csv or json (default: ${DEFAULT-VALUE})")
    String format;

    @Option(names = "--pareto", paramLabel = "FILE", description = "write the Pareto frontier's rows to FILE, in --format")
    Path pareto;

    @Option(names = "--pareto-metrics", defaultValue = "usd-per-million-tokens,seconds-per-token", paramLabel = "X,Y",
            description = "two of latency-seconds, seconds-per-token, usd-per-million-tokens, joules-per-token, "
                    + "tokens-per-second (default: ${DEFAULT-VALUE})")
    String paretoMetrics;

    @Option(names = "--threads", paramLabel = "N", description = "worker threads (default: every core)")
    Integer threads;

    @Option(names = "--keep-oversized", description = "also write configurations that do not fit in the chip's memory")
    boolean keepOversized;

    @Option(names = "--no-progress", description = "no progress bar (it is only drawn on a terminal anyway)")
    boolean noProgress;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        RowFormat rowFormat = RowFormat.parse(format);
        List<Metric> metrics = list("--pareto-metrics", paretoMetrics, Metric::parse);
        if (metrics.size() != 2) {
            throw new IllegalArgumentException("--pareto-metrics: give two metrics, got " + metrics.size());
        }
        SweepSpace space = SweepSpace.builder()
                .phases(list("--phase", phases, Workload.Phase::parse))
                .batches(NumberLists.parse("--batch", batches))
                .lengths(NumberLists.parse("--context", lengths))
                .generatedTokens(NumberLists.parse("--generate", generated))
                .weights(list("--weights", weights, Precision::parse))
                .activations(list("--activations", activations, Precision::parse))
                .kvCaches(kv == null ? List.of() : list("--kv", kv, Precision::parse))
                .tensorParallel(NumberLists.parse("--tp", tensorParallel).stream().map(SweepCommand::degree).toList())
                .attentionForms(list("--attention", attention, Attention.Form::parse))
                .recompute(list("--recompute", recompute, SweepCommand::bool))
                .build();
        List<HardwareProfile> profiles = inputs.profiles();
        if (profiles.isEmpty()) {
            throw new IllegalArgumentException("no profiles to sweep");
        }
        Model m = inputs.catalogue().parametricModel(model, "a sweep");
        if (m instanceof org.opsim.model.transformer.TransformerModel tm && tm.quantization().isPresent()) {
            // A sweep's rows name one weight format each: the checkpoint's mixed formats are not one of them.
            System.err.println("opsim: " + model + ": the checkpoint's formats (" + tm.quantization().get().scheme()
                    + ") are set aside; every weight is in the swept --weights format");
            m = tm.unquantized();
        }
        if (!dims.isEmpty() || allowUnmapped) {
            if (!(m instanceof org.opsim.onnx.OnnxWorkloadModel onnx)) {
                throw new IllegalArgumentException("--dim and --allow-unmapped apply to ONNX models; " + model + " is not one");
            }
            org.opsim.onnx.OnnxWorkloadModel bound = onnx.withDimensions(dims);
            m = allowUnmapped ? bound.allowingUnmapped() : bound;
        }
        Sweep.Builder builder = Sweep.builder(m, space, profiles).keepOversized(keepOversized)
                .pareto(metrics.get(0), metrics.get(1));
        if (threads != null) {
            builder.threads(threads);
        }
        long points = Math.multiplyExact(space.workloadCount(), (long) profiles.size());
        ProgressBar bar = !noProgress && System.console() != null ? progressBar(points) : null;
        if (bar != null) {
            builder.progress(bar::stepTo);
        }
        SweepSummary summary;
        try {
            summary = out == null ? toStdout(builder.build(), rowFormat) : toFile(builder.build(), rowFormat, out);
        } finally {
            if (bar != null) {
                bar.close();
            }
        }
        if (pareto != null) {
            StringBuilder sb = new StringBuilder(rowFormat.header());
            for (int i = 0; i < summary.frontier().size(); i++) {
                sb.append(i == 0 ? "" : rowFormat.separator());
                rowFormat.append(sb, summary.frontier().get(i));
            }
            sb.append(rowFormat.footer());
            writeWhole(pareto, sb.toString());
        }
        PrintWriter report = out == null ? spec.commandLine().getErr() : spec.commandLine().getOut();
        report.print(summary(summary, profiles.size(), space.workloadCount()));
        report.flush();
        return 0;
    }

    private SweepSummary toStdout(Sweep sweep, RowFormat rowFormat) throws IOException {
        PrintWriter stdout = spec.commandLine().getOut();
        SweepSummary s = sweep.run(stdout, rowFormat);
        stdout.flush();
        return s;
    }

    /** Streams into a temporary file beside {@code file} and renames it into place only when complete. */
    private static SweepSummary toFile(Sweep sweep, RowFormat rowFormat, Path file) throws IOException {
        Path tmp = org.opsim.internal.io.AtomicFiles.tempBeside(file);
        try {
            SweepSummary s;
            try (Writer w = Files.newBufferedWriter(tmp)) {
                s = sweep.run(w, rowFormat);
            }
            org.opsim.internal.io.AtomicFiles.moveIntoPlace(tmp, file);
            return s;
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static void writeWhole(Path file, String text) {
        org.opsim.internal.io.AtomicFiles.writeString(file, text);
    }

    private static ProgressBar progressBar(long points) {
        return new ProgressBarBuilder().setTaskName("sweep").setInitialMax(points).setStyle(ProgressBarStyle.ASCII)
                .setUpdateIntervalMillis(250).setConsumer(new ConsoleProgressBarConsumer(System.err)).showSpeed()
                .build();
    }

    private String summary(SweepSummary s, int profileCount, long workloads) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "sweep: %,d configurations (%,d workloads × %d profiles): %,d rows written%s, "
                        + "%,d skipped, %.2f s%n", s.points(), workloads, profileCount, s.rowsWritten(),
                out == null ? "" : " to " + out, s.skipped(), s.seconds()));
        for (Map.Entry<String, Long> e : s.skippedByReason().entrySet()) {
            sb.append(String.format(Locale.ROOT, "  skipped %,d: %s%n", e.getValue(), e.getKey()));
        }
        if (!s.costedByGraph().isEmpty()) {
            sb.append(String.format(Locale.ROOT, "variants costed by building each graph (not a workload-parametric plan): %d%n",
                    s.costedByGraph().size()));
            s.costedByGraph().stream().limit(10).forEach(v -> sb.append("  ").append(v).append('\n'));
            if (s.costedByGraph().size() > 10) {
                sb.append("  ...\n");
            }
        }
        sb.append(String.format(Locale.ROOT, "Pareto frontier (%s vs %s): %d configurations%s%n", s.x().id(), s.y().id(),
                s.frontier().size(), pareto == null ? "" : ", written to " + pareto));
        int shown = 0;
        for (SweepRow r : s.frontier()) {
            if (shown++ == 5) {
                sb.append("  ...\n");
                break;
            }
            Workload w = r.workload();
            sb.append(String.format(Locale.ROOT, "  %s: batch %d, length %d, %s weights, TP %d: %s %s, %s %s%n",
                    r.profile(), w.batch(), w.sequenceLength(), w.precisions().weights().id(), w.tensorParallel(),
                    s.x().id(), Numbers.sig(s.x().value(r)), s.y().id(), Numbers.sig(s.y().value(r))));
        }
        return sb.toString();
    }

    private static <T> List<T> list(String option, String spec, Function<String, T> parse) {
        List<T> out = new ArrayList<>();
        for (String item : spec.split(",", -1)) {
            if (item.isBlank()) {
                throw new IllegalArgumentException(option + ": needs a value between commas, got '" + spec + "'");
            }
            try {
                out.add(parse.apply(item.trim()));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(option + ": " + e.getMessage());
            }
        }
        return out;
    }

    private static int degree(long t) {
        if (t > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("--tp: " + t + " is too large");
        }
        return (int) t;
    }

    private static Boolean bool(String s) {
        if (s.equalsIgnoreCase("true") || s.equalsIgnoreCase("on")) {
            return true;
        }
        if (s.equalsIgnoreCase("false") || s.equalsIgnoreCase("off")) {
            return false;
        }
        throw new IllegalArgumentException("'" + s + "' is not true or false");
    }
}
