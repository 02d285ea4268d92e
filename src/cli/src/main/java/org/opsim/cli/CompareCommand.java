package org.opsim.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import org.opsim.Catalogue;
import org.opsim.cost.Bound;
import org.opsim.cost.Note;
import org.opsim.deploy.SystemProfile;
import org.opsim.hardware.HardwareProfile;
import org.opsim.model.ImportedModel;
import org.opsim.model.Model;
import org.opsim.model.Workload;
import org.opsim.report.ChipResult;
import org.opsim.report.Comparison;
import org.opsim.report.OpCategory;
import org.opsim.serve.Pool;
import org.opsim.serve.RequestLoad;
import org.opsim.serve.ServingDeployment;
import org.opsim.serve.ServingResult;
import org.opsim.serve.ServingSimulator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;

/** {@code opsim compare}: one model and workload across several chips; the main job. */
@Command(name = "compare", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Cost one model and workload on several chips side by side: chips needed to hold the model, "
                + "time to first token, time per output token, tokens/s (per deployment and per chip), $ per million "
                + "tokens, joules per token, and the share of time per bound and per op kind.",
            "Without arguments: Llama-3.1-70B (" + CompareCommand.DEFAULT_MODEL + ") serving a batch of "
                + CompareCommand.DEFAULT_BATCH + " (2048-token prompts, 256 new tokens, bf16) on H100, B200, MI300X, "
                + "TPU v6e and Trainium2. Without --tp each chip runs at the smallest tensor-parallel degree that holds "
                + "the model; the workload defaults to --phase generation --batch " + CompareCommand.DEFAULT_BATCH + "."})
final class CompareCommand implements Callable<Integer> {

    static final String DEFAULT_MODEL = "llama-3.1-70b";
    static final long DEFAULT_BATCH = 32;
    /** The five chips of the default comparison, by catalogue name. */
    static final List<String> DEFAULT_PROFILES = List.of("nvidia-h100-sxm", "nvidia-b200", "amd-mi300x",
            "google-tpu-v6e", "aws-trainium2");

    @Mixin
    ModelOptions modelOptions;

    @Mixin
    Inputs inputs;

    @Mixin
    Output output;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    /** A comparison and the lines that describe it. */
    record Job(Comparison comparison, List<String> header) {
    }

    /** What compare and report cost: the -m model (default Llama-3.1-70B) at the workload options, or a fixed graph. */
    static Job job(ModelOptions modelOptions, Inputs inputs) {
        List<HardwareProfile> profiles = inputs.profilesOr(DEFAULT_PROFILES);
        if (profiles.isEmpty()) {
            throw new IllegalArgumentException("no profiles to compare");
        }
        List<String> header = new ArrayList<>();
        Comparison cmp;
        ImportedModel imported = modelOptions.load(inputs.catalogue(), DEFAULT_MODEL);
        if (imported instanceof ImportedModel.Fixed fixed) {
            cmp = Comparison.of(modelOptions.fixedGraph(fixed), 1, profiles);
            header.add(cmp.title());
        } else {
            Model m = imported.requireModel("compare");
            Workload w = modelOptions.workload(Workload.Phase.GENERATION, DEFAULT_BATCH, 1);
            boolean auto = modelOptions.tensorParallel == null;
            cmp = Comparison.of(m, w, auto, profiles);
            header.addAll(describe(m, w, auto));
        }
        return new Job(cmp, header);
    }

    @Override
    public Integer call() {
        Job job = job(modelOptions, inputs);
        Comparison cmp = job.comparison();
        List<String> header = job.header();
        if (output.format == Table.Format.JSON) {
            output.emit(json(cmp), spec.commandLine().getOut());
            return 0;
        }
        StringBuilder sb = new StringBuilder();
        if (output.format == Table.Format.TABLE) {
            header.forEach(h -> sb.append(h).append('\n'));
            sb.append('\n');
        }
        sb.append(table(cmp).render(output.format));
        Optional<Serving> serving = output.format == Table.Format.TABLE ? serving(modelOptions, inputs, cmp) : Optional.empty();
        serving.ifPresent(sv -> sb.append('\n').append(sv.title()).append('\n').append(sv.table().render(output.format)));
        if (output.format == Table.Format.TABLE) {
            serving.ifPresent(sv -> sv.notes().forEach(n -> sb.append("note: ").append(n).append('\n')));
            List<String> notes = new ArrayList<>();
            cmp.results().forEach(r -> r.notice().ifPresent(notes::add));
            List<Note> fallbacks = new ArrayList<>();
            cmp.results().forEach(r -> fallbacks.addAll(r.notes()));
            notes.addAll(grouped(fallbacks));
            if (!notes.isEmpty()) {
                sb.append('\n');
                notes.forEach(n -> sb.append("note: ").append(n).append('\n'));
            }
        }
        output.emit(sb.toString(), spec.commandLine().getOut());
        return 0;
    }

    /** The serving table: each costed chip's deployment simulated request by request (docs/serving.md). */
    record Serving(String title, Table table, List<String> notes) {
    }

    /**
     * A generation compared: each chip's deployment (its chips at the comparison's TP) served under its vendor's
     * serving engine, the batch as concurrent clients, 10 requests each, the prompt and new tokens as ISL and OSL.
     */
    static Optional<Serving> serving(ModelOptions modelOptions, Inputs inputs, Comparison cmp) {
        Catalogue catalogue = inputs.catalogue();
        ImportedModel imported = modelOptions.load(catalogue, DEFAULT_MODEL);
        if (!(imported instanceof ImportedModel.Parametric p)) {
            return Optional.empty();
        }
        Workload w = modelOptions.workload(Workload.Phase.GENERATION, DEFAULT_BATCH, 1);
        if (w.phase() != Workload.Phase.GENERATION || w.batch() > Integer.MAX_VALUE || w.sequenceLength() > 1_000_000
                || w.generatedTokens() > 1_000_000) {
            return Optional.empty();
        }
        int clients = (int) w.batch();
        int isl = (int) w.sequenceLength();
        int osl = (int) w.generatedTokens();
        Table t = new Table(List.of("chip", "chips", "engine", "TTFT ms", "TTFT p90 ms", "TPOT ms", "TPOT p90 ms",
                "tokens/s/chip", "tokens/s/user", "$/M tokens", "J/token"));
        List<String> notes = new ArrayList<>();
        for (ChipResult r : cmp.results()) {
            if (!r.costed()) {
                continue;
            }
            HardwareProfile chip = r.profile();
            try {
                Catalogue.ServingStack st = catalogue.defaultServingStack(chip.vendor());
                HardwareProfile served = chip.withStack(st.stack());
                SystemProfile node = SystemProfile.ofChip(served, r.chips());
                ServingDeployment d = ServingDeployment.aggregated(node, st.stack().serving().orElseThrow(), new Pool(1, r.chips()));
                ServingSimulator sim = ServingSimulator.prepare(p.model(), w, d, isl, osl, Optional.empty());
                ServingResult s = sim.run(RequestLoad.closed(clients, isl, osl, RequestLoad.defaultRequests(clients))
                        .withStart(RequestLoad.Start.BENCHMARK));
                t.add(List.of(chip.name(), Integer.toString(r.chips()), st.stack().id(), ms(s.ttft().mean()), ms(s.ttft().p90()),
                        ms(s.tpot().mean()), ms(s.tpot().p90()), sig(s.tokensPerSecondPerChip()), sig(s.tokensPerSecondPerUser()),
                        sig(s.usdPerMillionTokens()), sig(s.joulesPerToken())));
                for (String n : s.notes()) {
                    if (!n.startsWith("ITL") && !n.startsWith("benchmark start") && !n.startsWith("the time series")
                            && !notes.contains(n)) {
                        notes.add(n);
                    }
                }
                if (s.preemptions() > 0) {
                    notes.add(chip.name() + ": " + s.preemptions() + " preemptions (the KV cache ran full)");
                }
            } catch (RuntimeException e) {
                t.add(List.of(chip.name(), Integer.toString(r.chips()), "-", "-", "-", "-", "-", "-", "-", "-", "-"));
                notes.add(chip.name() + ": not served: " + e.getMessage());
            }
        }
        String title = "serving (simulated, docs/serving.md): " + clients + " concurrent clients, " + RequestLoad.defaultRequests(clients)
                + " requests of " + isl + " + " + osl + " tokens (the first wave together, the rest spread), continuous batching"
                + " under each vendor's serving engine;"
                + " TTFT and TPOT per request";
        return Optional.of(new Serving(title, t, notes));
    }

    private static List<String> describe(Model m, Workload w, boolean auto) {
        double weightsBytes = m.parameterCount() * w.precisions().weights().bytesPerElement();
        String format = w.precisions().weights().id();
        String workload = m.describe(auto ? w.withTensorParallel(1) : w);
        if (m instanceof org.opsim.model.transformer.TransformerModel tm && tm.quantization().isPresent()) {
            weightsBytes = tm.weightBytes(w.precisions().weights());
            format = "checkpoint-format";
        }
        List<String> lines = new ArrayList<>();
        lines.add(String.format(Locale.ROOT, "%s (%s B parameters, %s GB of %s weights): %s", m.name(),
                Numbers.sig(m.parameterCount() / 1e9), Numbers.sig(weightsBytes / 1e9), format, workload));
        lines.add("model: " + m.describe());
        lines.add(auto
                ? "chips: the smallest tensor-parallel degree (1, 2, 4, ... " + Comparison.TP_DEGREES.get(Comparison.TP_DEGREES.size() - 1)
                    + ") whose weights, KV cache and activations fit one chip; $ and J count every chip"
                : "chips: tensor-parallel degree " + w.tensorParallel() + " on every chip (--tp); $ and J count every chip");
        if (w.phase() == Workload.Phase.GENERATION) {
            lines.add("static batch: batch TTFT = prefill of the whole batch at once, batch TPOT = one decode step; "
                    + "tokens/s: new tokens. Per request under continuous batching: the serving table below");
        }
        if (w.phase() == Workload.Phase.PREFILL && w.cachedTokens() > 0) {
            lines.add("TTFT: this prefill chunk of the whole batch (" + w.sequenceLength() + " new tokens after "
                    + w.cachedTokens() + " cached), not a request's time to first token; tokens/s: new tokens");
        }
        return lines;
    }

    private static Table table(Comparison cmp) {
        List<ChipResult> rs = cmp.results();
        List<Bound> bounds = new ArrayList<>();
        for (Bound b : Bound.values()) {
            if (rs.stream().anyMatch(r -> r.timeShare(b).orElse(0) > 0)) {
                bounds.add(b);
            }
        }
        List<OpCategory> cats = categories(rs);
        boolean ttft = rs.stream().anyMatch(r -> r.ttftSeconds().isPresent());
        boolean tpot = rs.stream().anyMatch(r -> r.tpotSeconds().isPresent());
        List<String> header = new ArrayList<>(List.of("chip", "chips"));
        if (ttft) {
            header.add("batch TTFT ms");
        }
        if (tpot) {
            header.add("batch TPOT ms");
        }
        header.addAll(List.of("ms/run", "tokens/s", "tokens/s/chip", "$/M tokens", "J/token", "% peak"));
        bounds.forEach(b -> header.add(boundLabel(b)));
        cats.forEach(c -> header.add(c.label()));
        Table t = new Table(header);
        for (ChipResult r : rs) {
            List<String> row = new ArrayList<>();
            row.add(r.chip());
            row.add(r.costed() ? Integer.toString(r.chips()) : "> " + r.chips());
            if (ttft) {
                row.add(ms(nan(r.ttftSeconds())));
            }
            if (tpot) {
                row.add(ms(nan(r.tpotSeconds())));
            }
            row.add(ms(nan(r.latencySeconds())));
            row.add(sig(nan(r.tokensPerSecond())));
            row.add(sig(nan(r.tokensPerSecondPerChip())));
            row.add(sig(nan(r.usdPerMillionTokens())));
            row.add(sig(nan(r.joulesPerToken())));
            row.add(r.costed() ? Numbers.percent(r.total().fractionOfPeak()) : "-");
            bounds.forEach(b -> row.add(percent(nan(r.timeShare(b)))));
            cats.forEach(c -> row.add(percent(nan(r.timeShare(c)))));
            t.add(row);
        }
        return t;
    }

    static List<OpCategory> categories(List<ChipResult> rs) {
        List<OpCategory> cats = new ArrayList<>();
        for (OpCategory c : OpCategory.values()) {
            if (rs.stream().anyMatch(r -> r.timeShare(c).orElse(0) > 0)) {
                cats.add(c);
            }
        }
        return cats;
    }

    static String boundLabel(Bound b) {
        return (b == Bound.INTERCONNECT ? "link" : b.id()) + "-bound";
    }

    private static String sig(double v) {
        return Double.isNaN(v) ? "-" : Numbers.sig(v);
    }

    private static String ms(double seconds) {
        return Double.isNaN(seconds) ? "-" : Numbers.ms(seconds);
    }

    private static String percent(double v) {
        return Double.isNaN(v) ? "-" : Numbers.percent(v);
    }

    /**
     * Precision fallbacks of one engine of one chip from one precision to another become one line
     * listing the op kinds ("vector unit of X has no bf16: rmsnorm, add ran at fp32"), in the order
     * they first occur; so do a chip's fused kinds; every other note is its own line. Lines are sorted.
     */
    static List<String> grouped(List<Note> notes) {
        Map<List<Object>, List<String>> kinds = new LinkedHashMap<>();
        Map<List<Object>, Note> first = new LinkedHashMap<>();
        Set<String> out = new LinkedHashSet<>();
        for (Note n : notes) {
            if (n.kind() == Note.Kind.PRECISION_FALLBACK) {
                List<Object> key = List.of(n.chip(), n.engine().get(), n.from().get(), n.to().get());
                first.putIfAbsent(key, n);
                List<String> ks = kinds.computeIfAbsent(key, k -> new ArrayList<>());
                if (!ks.contains(n.opKind().id())) {
                    ks.add(n.opKind().id());
                }
            } else if (n.kind() == Note.Kind.FUSED) {
                List<Object> key = List.of(n.chip(), "fused");
                first.putIfAbsent(key, n);
                List<String> ks = kinds.computeIfAbsent(key, k -> new ArrayList<>());
                if (!ks.contains(n.opKind().id())) {
                    ks.add(n.opKind().id());
                }
            } else {
                out.add(n.message());
            }
        }
        kinds.forEach((key, ks) -> {
            Note n = first.get(key);
            if (n.kind() == Note.Kind.FUSED) {
                out.add(String.join(", ", ks) + (ks.size() == 1 ? " is" : " are") + " fused into their producers on "
                        + n.chip() + ": no launch, and of their memory traffic only a binary op's other operand");
                return;
            }
            out.add(n.engine().get().id() + " unit of " + n.chip() + " has no " + n.from().get().id() + ": "
                    + String.join(", ", ks) + " ran at " + n.to().get().id());
        });
        List<String> sorted = new ArrayList<>(out);
        java.util.Collections.sort(sorted);
        return sorted;
    }

    private static void put(Map<String, Object> m, String key, ChipResult r,
                            java.util.function.Function<ChipResult, java.util.OptionalDouble> f) {
        f.apply(r).ifPresent(v -> m.put(key, v));
    }

    /** The table prints "-" for a figure that does not apply; NaN stays inside this formatting code. */
    private static double nan(java.util.OptionalDouble v) {
        return v.orElse(Double.NaN);
    }

    private static String json(Comparison cmp) {
        List<Object> rows = new ArrayList<>();
        List<OpCategory> cats = categories(cmp.results());
        long tokens = 0;
        for (ChipResult r : cmp.results()) {
            tokens = r.tokens();
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("chip", r.chip());
            m.put("chips", r.chips());
            r.chipsNeeded().ifPresent(n -> m.put("chipsNeeded", n));
            r.bytesPerChip().ifPresent(b -> {
                m.put("bytesPerChip", b);
                m.put("fitsInMemory", b <= r.profile().memory().capacityBytes().value());
            });
            m.put("costed", r.costed());
            if (r.costed()) {
                m.put("latencySeconds", r.total().latencySeconds());
                put(m, "ttftSeconds", r, ChipResult::ttftSeconds);
                put(m, "tpotSeconds", r, ChipResult::tpotSeconds);
                m.put("flops", r.total().flops());
                m.put("bytes", r.total().bytes());
                m.put("energyJoules", r.total().energyJoules());
                m.put("costUsd", r.total().costUsd());
                m.put("averageWattsPerChip", r.total().averageWatts());
                m.put("fractionOfPeak", r.total().fractionOfPeak());
                put(m, "tokensPerSecond", r, ChipResult::tokensPerSecond);
                put(m, "tokensPerSecondPerChip", r, ChipResult::tokensPerSecondPerChip);
                put(m, "usdPerMillionTokens", r, ChipResult::usdPerMillionTokens);
                put(m, "joulesPerToken", r, ChipResult::joulesPerToken);
                m.put("dominantBound", r.evaluation().get().dominantBound().id());
                Map<String, Object> bounds = new LinkedHashMap<>();
                for (Bound b : Bound.values()) {
                    bounds.put(b.id(), r.timeShare(b).orElseThrow());
                }
                m.put("boundShare", bounds);
                Map<String, Object> shares = new LinkedHashMap<>();
                for (OpCategory c : cats) {
                    shares.put(c.label(), r.timeShare(c).orElseThrow());
                }
                m.put("timeShare", shares);
            }
            r.notice().ifPresent(n -> m.put("notice", n));
            List<Object> notes = new ArrayList<>();
            for (Note n : r.notes()) {
                Map<String, Object> j = new LinkedHashMap<>();
                j.put("kind", n.kind().id());
                j.put("chip", n.chip());
                j.put("opKind", n.opKind().id());
                n.engine().ifPresent(e -> j.put("engine", e.id()));
                n.from().ifPresent(p -> j.put("from", p.id()));
                n.to().ifPresent(p -> j.put("to", p.id()));
                n.penaltyFactor().ifPresent(p -> j.put("penaltyFactor", p));
                j.put("message", n.message());
                notes.add(j);
            }
            m.put("notes", notes);
            rows.add(m);
        }
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("model", cmp.title());
        root.put("tokensPerExecution", tokens);
        root.put("results", rows);
        try {
            return JsonMapper.builder().build().writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n";
        } catch (JsonProcessingException ex) {
            throw new UncheckedIOException(ex);
        }
    }
}
