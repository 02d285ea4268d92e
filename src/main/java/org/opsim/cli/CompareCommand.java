package org.opsim.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import org.opsim.Opsim;
import org.opsim.cost.Evaluation;
import org.opsim.cost.Totals;
import org.opsim.hardware.HardwareProfile;
import org.opsim.importer.GraphFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code opsim compare}: one model across several chips. */
@Command(name = "compare", mixinStandardHelpOptions = true,
        description = "Cost one model on several chips side by side: latency, tokens/s, $ per million tokens, "
                + "joules per token, limiting bound and where the time goes.")
final class CompareCommand implements Callable<Integer> {

    @Mixin
    ModelOptions modelOptions;

    @Mixin
    Inputs inputs;

    @Mixin
    Output output;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        GraphFile gf = modelOptions.load();
        List<HardwareProfile> profiles = inputs.profiles();
        if (profiles.isEmpty()) {
            throw new IllegalArgumentException("no profiles to compare");
        }
        List<Evaluation> evals = new ArrayList<>();
        for (HardwareProfile p : profiles) {
            evals.add(Opsim.evaluate(gf.graph(), p));
        }
        long tokens = gf.tokensPerExecution().orElse(0);
        int chips = modelOptions.chips();
        List<Categories> cats = new ArrayList<>();
        for (Categories c : Categories.values()) {
            if (evals.stream().anyMatch(e -> c.share(e) > 0)) {
                cats.add(c);
            }
        }
        if (output.format == Table.Format.JSON) {
            output.emit(json(gf, profiles, evals, tokens, chips, cats), spec.commandLine().getOut());
            return 0;
        }
        List<String> header = new ArrayList<>(List.of("chip", "chips", "ms/step", "tokens/s", "$/M tokens", "J/token",
                "avg W/chip", "% peak", "bound"));
        for (Categories c : cats) {
            header.add(c.label);
        }
        Table t = new Table(header);
        for (int i = 0; i < evals.size(); i++) {
            Evaluation e = evals.get(i);
            Totals tot = e.total();
            List<String> row = new ArrayList<>();
            row.add(profiles.get(i).name());
            row.add(Integer.toString(chips));
            row.add(Numbers.ms(tot.latencySeconds()));
            row.add(tokens > 0 ? Numbers.sig(tokens / tot.latencySeconds()) : "-");
            // The graph is one chip's share: dollars and joules per token count every chip of the deployment.
            row.add(tokens > 0 ? Numbers.sig(chips * tot.costUsd() / tokens * 1e6) : "-");
            row.add(tokens > 0 ? Numbers.sig(chips * tot.energyJoules() / tokens) : "-");
            row.add(Numbers.sig(tot.averageWatts()));
            row.add(Numbers.percent(tot.fractionOfPeak()));
            row.add(e.dominantBound().id() + " " + Numbers.percent(e.timeShare(e.dominantBound())));
            for (Categories c : cats) {
                row.add(Numbers.percent(c.share(e)));
            }
            t.add(row);
        }
        StringBuilder sb = new StringBuilder();
        if (output.format == Table.Format.TABLE) {
            sb.append(gf.graph().name()).append('\n');
            sb.append(String.format(java.util.Locale.ROOT, "%s GFLOP and %s MB per step%s%n%n",
                    Numbers.sig(gf.graph().totalFlops() / 1e9), Numbers.sig(gf.graph().totalBytes() / 1e6),
                    tokens > 0 ? ", " + tokens + " tokens per step" : ""));
        }
        sb.append(t.render(output.format));
        if (output.format == Table.Format.TABLE) {
            Set<String> notes = new LinkedHashSet<>();
            evals.forEach(e -> notes.addAll(e.notes()));
            if (!notes.isEmpty()) {
                sb.append('\n');
                grouped(notes).forEach(n -> sb.append("note: ").append(n).append('\n'));
            }
        }
        output.emit(sb.toString(), spec.commandLine().getOut());
        return 0;
    }

    private static final java.util.regex.Pattern FALLBACK =
            java.util.regex.Pattern.compile("(.+ has no \\w+): (\\w+) ran at (\\w+)");

    /** "X has no bf16: rmsnorm ran at fp32", "… add ran at fp32" → "X has no bf16: rmsnorm, add ran at fp32". */
    static List<String> grouped(Set<String> notes) {
        java.util.Map<String, List<String>> kinds = new java.util.LinkedHashMap<>();
        List<String> out = new ArrayList<>();
        for (String n : notes) {
            java.util.regex.Matcher m = FALLBACK.matcher(n);
            if (m.matches()) {
                kinds.computeIfAbsent(m.group(1) + "\u0000" + m.group(3), k -> new ArrayList<>()).add(m.group(2));
            } else {
                out.add(n);
            }
        }
        kinds.forEach((key, list) -> {
            String[] parts = key.split("\u0000");
            out.add(0, parts[0] + ": " + String.join(", ", list) + " ran at " + parts[1]);
        });
        java.util.Collections.sort(out);
        return out;
    }

    private static String json(GraphFile gf, List<HardwareProfile> profiles, List<Evaluation> evals, long tokens,
                               int chips, List<Categories> cats) {
        List<Object> rows = new ArrayList<>();
        for (int i = 0; i < evals.size(); i++) {
            Evaluation e = evals.get(i);
            Totals tot = e.total();
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("chip", profiles.get(i).name());
            m.put("chips", chips);
            m.put("latencySeconds", tot.latencySeconds());
            m.put("flops", tot.flops());
            m.put("bytes", tot.bytes());
            m.put("energyJoules", tot.energyJoules());
            m.put("costUsd", tot.costUsd());
            m.put("fractionOfPeak", tot.fractionOfPeak());
            if (tokens > 0) {
                m.put("tokensPerSecond", tokens / tot.latencySeconds());
                m.put("usdPerMillionTokens", chips * tot.costUsd() / tokens * 1e6);
                m.put("joulesPerToken", chips * tot.energyJoules() / tokens);
            }
            m.put("dominantBound", e.dominantBound().id());
            Map<String, Object> shares = new LinkedHashMap<>();
            for (Categories c : cats) {
                shares.put(c.label, c.share(e));
            }
            m.put("timeShare", shares);
            m.put("notes", e.notes());
            rows.add(m);
        }
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("model", gf.graph().name());
        root.put("tokensPerExecution", tokens);
        root.put("results", rows);
        try {
            return JsonMapper.builder().build().writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n";
        } catch (JsonProcessingException ex) {
            throw new UncheckedIOException(ex);
        }
    }
}
