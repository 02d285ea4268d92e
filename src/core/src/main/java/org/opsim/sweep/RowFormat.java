package org.opsim.sweep;

import java.util.Locale;
import org.opsim.internal.io.DoubleText;
import org.opsim.internal.io.Ids;

/**
 * How sweep rows are written: CSV (a header line, one line per row) or JSON (an array with one object
 * per line). Rows are appended to a caller's buffer so that worker threads format in parallel and
 * one writer only copies text. Numbers are written in full, in their shortest round-trip form (as
 * {@code Double.toString} writes them from Java 19 on; {@link DoubleText}, allocation-free), with the
 * same names as {@code opsim compare --format json}.
 */
public enum RowFormat {
    CSV, JSON;

    static final String[] COLUMNS = {"profile", "phase", "batch", "length", "generatedTokens", "weights",
        "activations", "kvCache", "tensorParallel", "attention", "recompute", "tokens", "latencySeconds",
        "secondsPerToken", "tokensPerSecond", "usdPerMillionTokens", "joulesPerToken", "energyJoules", "costUsd",
        "fractionOfPeak", "dominantBound", "memoryBytesPerChip", "fitsInMemory"};

    public static RowFormat parse(String id) {
        return Ids.parse(id, values(), RowFormat::id, "sweep format");
    }

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Text before the first row. */
    public String header() {
        return this == CSV ? String.join(",", COLUMNS) + "\n" : "[\n";
    }

    /** Text between two rows. */
    public String separator() {
        return this == CSV ? "" : ",\n";
    }

    /** Text after the last row. */
    public String footer() {
        return this == CSV ? "" : "\n]\n";
    }

    /** Appends one row (for CSV with its line end, for JSON without the separator). */
    public void append(StringBuilder sb, SweepRow r) {
        append(sb, r, new DoubleText());
    }

    /** {@link #append(StringBuilder, SweepRow)}, numbers put together in {@code numbers} (allocation-free). */
    void append(StringBuilder sb, SweepRow r, DoubleText numbers) {
        var w = r.workload();
        sb.append(this == CSV ? "" : "{");
        name(sb, 0);
        if (this == CSV) {
            csvText(sb, r.profile());
        } else {
            jsonText(sb, r.profile());
        }
        id(sb, 1, w.phase().id());
        name(sb, 2).append(w.batch());
        name(sb, 3).append(w.sequenceLength());
        name(sb, 4).append(w.generatedTokens());
        id(sb, 5, w.precisions().weights().id());
        id(sb, 6, w.precisions().activations().id());
        id(sb, 7, w.precisions().kvCache().id());
        name(sb, 8).append(w.tensorParallel());
        id(sb, 9, w.attentionForm().id());
        name(sb, 10).append(w.activationRecompute());
        name(sb, 11).append(r.tokens());
        numbers.append(name(sb, 12), r.latencySeconds());
        numbers.append(name(sb, 13), r.secondsPerToken());
        numbers.append(name(sb, 14), r.tokensPerSecond());
        numbers.append(name(sb, 15), r.usdPerMillionTokens());
        numbers.append(name(sb, 16), r.joulesPerToken());
        numbers.append(name(sb, 17), r.energyJoules());
        numbers.append(name(sb, 18), r.costUsd());
        numbers.append(name(sb, 19), r.fractionOfPeak());
        id(sb, 20, r.dominantBound().id());
        numbers.append(name(sb, 21), r.memoryBytesPerChip());
        name(sb, 22).append(r.fitsInMemory());
        sb.append(this == CSV ? "\n" : "}");
    }

    /** The separator before column {@code i} and, for JSON, its name. */
    private StringBuilder name(StringBuilder sb, int i) {
        if (this == CSV) {
            return i == 0 ? sb : sb.append(',');
        }
        return sb.append(i == 0 ? "\"" : ",\"").append(COLUMNS[i]).append("\":");
    }

    /** An identifier (an enum id: letters, digits, '-'): never needs escaping, quoted in JSON. */
    private void id(StringBuilder sb, int i, String id) {
        name(sb, i);
        if (this == CSV) {
            sb.append(id);
        } else {
            sb.append('"').append(id).append('"');
        }
    }

    private static StringBuilder csvText(StringBuilder sb, String s) {
        if (s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0) {
            return sb.append(s);
        }
        return sb.append('"').append(s.replace("\"", "\"\"")).append('"');
    }

    private static void jsonText(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                sb.append('\\').append(c);
            } else if (c < 0x20) {
                sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        sb.append('"');
    }
}
