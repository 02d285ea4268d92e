package org.opsim.internal.load;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.opsim.graph.Precision;

/**
 * The bundled models' Hugging Face repository ids ({@code models/hf/huggingface-ids.tsv}) and the rules that
 * read the ids users write for the same architectures (docs/catalogue.md, "Hugging Face ids"): the
 * organisation is ignored (a publisher's quantised checkpoint, a renamed organisation), case is folded,
 * {@code Meta-Llama-3.1-} reads as {@code Llama-3.1-}, and trailing {@code -Instruct}, {@code -Chat},
 * {@code -Base}, {@code -it}, {@code -pt}, {@code -hf}, {@code -Dynamic}, a four-digit release date
 * ({@code -2507}) and a precision ({@code -FP8}, {@code -NVFP4}, {@code -FP4}, {@code -MXFP4}, {@code -BF16},
 * {@code -FP16}, which sets the weights) are dropped, until none is left. Immutable.
 */
public final class HuggingFaceIds {

    /** An id read: the bundled model, the weights its name sets (if any), and why it maps there. */
    public record Match(String id, String model, Optional<Precision> weights, String why) {
    }

    private record Row(String repo, String model, String why) {
    }

    private static final Map<String, Precision> PRECISIONS = Map.of("fp8", Precision.FP8, "nvfp4", Precision.NVFP4,
            "fp4", Precision.NVFP4, "mxfp4", Precision.MXFP4, "bf16", Precision.BF16, "fp16", Precision.FP16);
    private static final List<String> VARIANTS = List.of("instruct", "chat", "base", "it", "pt", "hf", "dynamic");

    /** By the name each row's repo reads as. */
    private final Map<String, Row> byName;

    private HuggingFaceIds(Map<String, Row> byName) {
        this.byName = byName;
    }

    /** Parses the table's text ({@code label} names it in errors): comment lines, a header, then repo, model, why. */
    public static HuggingFaceIds parse(String text, String label) {
        Map<String, Row> rows = new LinkedHashMap<>();
        boolean header = true;
        int line = 0;
        for (String l : text.split("\n", -1)) {
            line++;
            if (l.isBlank() || l.startsWith("#")) {
                continue;
            }
            String[] c = l.split("\t", -1);
            if (header) {
                header = false;
                continue;
            }
            if (c.length != 3 || c[0].isBlank() || c[1].isBlank() || c[2].isBlank()) {
                throw new IllegalArgumentException(label + ", line " + line + ": needs repo, model and why, tab-separated");
            }
            Name n = read(c[0].trim());
            if (rows.put(n.key(), new Row(c[0].trim(), c[1].trim(), c[2].trim())) != null) {
                throw new IllegalArgumentException(label + ", line " + line + ": " + c[0].trim() + " reads as '" + n.key()
                        + "', which an earlier row already has");
            }
        }
        return new HuggingFaceIds(rows);
    }

    /** The rows, repo to model, in the table's order. */
    public Map<String, String> repos() {
        Map<String, String> out = new LinkedHashMap<>();
        byName.values().forEach(r -> out.put(r.repo(), r.model()));
        return out;
    }

    /** What {@code id} reads as, to match a row (docs/catalogue.md: the organisation, case and suffixes dropped). */
    public static String key(String id) {
        return read(id.trim()).key();
    }

    /** Each row by what its repo reads as: {@code llama-3.1-70b} → {@code meta-llama/Llama-3.1-70B (llama-3.1-70b)}. */
    public Map<String, String> byKey() {
        Map<String, String> out = new LinkedHashMap<>();
        byName.forEach((k, r) -> out.put(k, r.repo() + " (" + r.model() + ")"));
        return out;
    }

    /** The bundled model {@code id} reads as, or empty. */
    public Optional<Match> resolve(String id) {
        Name n = read(id.trim());
        Row r = byName.get(n.key());
        if (r == null) {
            return Optional.empty();
        }
        List<String> notes = new ArrayList<>();
        String org = organisation(id.trim());
        if (!org.isEmpty() && !org.equalsIgnoreCase(organisation(r.repo()))) {
            notes.add("organisation " + org + " read as " + organisation(r.repo()));
        }
        notes.addAll(n.dropped());
        String how = notes.isEmpty() ? "" : "; read as " + r.repo() + " (" + String.join(", ", notes) + ")";
        return Optional.of(new Match(id.trim(), r.model(), n.weights(), r.why() + how));
    }

    private static String organisation(String id) {
        int slash = id.lastIndexOf('/');
        return slash < 0 ? "" : id.substring(0, slash);
    }

    /** What an id reads as: its key, the weights a precision suffix sets, and what was dropped to get there. */
    record Name(String key, Optional<Precision> weights, List<String> dropped) {
    }

    static Name read(String id) {
        String name = id.substring(id.lastIndexOf('/') + 1).toLowerCase(Locale.ROOT);
        List<String> dropped = new ArrayList<>();
        if (name.startsWith("meta-llama-3.1-")) {
            name = "llama-3.1-" + name.substring("meta-llama-3.1-".length());
            dropped.add("Meta-Llama-3.1- read as Llama-3.1-");
        }
        Precision weights = null;
        boolean changed = true;
        while (changed) {
            changed = false;
            int dash = name.lastIndexOf('-');
            if (dash <= 0) {
                break;
            }
            String last = name.substring(dash + 1);
            if (PRECISIONS.containsKey(last)) {
                if (weights == null) {
                    weights = PRECISIONS.get(last);
                    dropped.add("weights " + weights.id() + " from -" + last);
                } else {
                    dropped.add("-" + last + " dropped");
                }
            } else if (VARIANTS.contains(last) || last.matches("\\d{4}")) {
                dropped.add("-" + last + " dropped");
            } else {
                break;
            }
            name = name.substring(0, dash);
            changed = true;
        }
        return new Name(name, Optional.ofNullable(weights), List.copyOf(dropped));
    }
}
