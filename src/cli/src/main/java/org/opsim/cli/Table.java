package org.opsim.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.opsim.internal.io.Ids;

/** A small text table rendered as aligned text, Markdown or CSV. Numbers right-aligned. */
final class Table {
    private final List<String> header;
    private final List<List<String>> rows = new ArrayList<>();

    Table(List<String> header) {
        this.header = List.copyOf(header);
    }

    void add(List<String> row) {
        if (row.size() != header.size()) {
            throw new IllegalArgumentException("row has " + row.size() + " cells, header " + header.size());
        }
        rows.add(List.copyOf(row));
    }

    String render(Format format) {
        return switch (format) {
            case TABLE -> text();
            case MARKDOWN -> markdown();
            case CSV -> csv();
            case JSON -> throw new IllegalArgumentException("JSON is written by the command, not the table");
        };
    }

    private int[] widths() {
        int[] w = new int[header.size()];
        for (int i = 0; i < w.length; i++) {
            w[i] = header.get(i).length();
            for (List<String> r : rows) {
                w[i] = Math.max(w[i], r.get(i).length());
            }
        }
        return w;
    }

    private String text() {
        int[] w = widths();
        StringBuilder sb = new StringBuilder();
        line(sb, header, w, "  ");
        StringBuilder rule = new StringBuilder();
        for (int i = 0; i < w.length; i++) {
            rule.append(i == 0 ? "" : "  ").append("-".repeat(w[i]));
        }
        sb.append(rule).append('\n');
        for (List<String> r : rows) {
            line(sb, r, w, "  ");
        }
        return sb.toString();
    }

    private String markdown() {
        int[] w = widths();
        StringBuilder sb = new StringBuilder("| ");
        line(sb, header, w, " | ");
        sb.setLength(sb.length() - 1);
        sb.append(" |\n|");
        for (int i = 0; i < w.length; i++) {
            sb.append(' ').append("-".repeat(Math.max(3, w[i]))).append(" |");
        }
        sb.append('\n');
        for (List<String> r : rows) {
            sb.append("| ");
            line(sb, r, w, " | ");
            sb.setLength(sb.length() - 1);
            sb.append(" |\n");
        }
        return sb.toString();
    }

    private String csv() {
        StringBuilder sb = new StringBuilder();
        csvLine(sb, header);
        for (List<String> r : rows) {
            csvLine(sb, r);
        }
        return sb.toString();
    }

    private static void csvLine(StringBuilder sb, List<String> cells) {
        for (int i = 0; i < cells.size(); i++) {
            String c = cells.get(i);
            if (c.contains(",") || c.contains("\"") || c.contains("\n")) {
                c = '"' + c.replace("\"", "\"\"") + '"';
            }
            sb.append(i == 0 ? "" : ",").append(c);
        }
        sb.append('\n');
    }

    private static void line(StringBuilder sb, List<String> cells, int[] w, String sep) {
        for (int i = 0; i < cells.size(); i++) {
            String c = cells.get(i);
            // Numbers, "-" (no figure) and "> 64" (more than) line up on the right.
            boolean numeric = !c.isEmpty() && (Character.isDigit(c.charAt(0)) || c.charAt(0) == '-' || c.startsWith("> "))
                    && i > 0;
            String pad = " ".repeat(w[i] - c.length());
            sb.append(i == 0 ? "" : sep).append(numeric ? pad + c : c + (i == cells.size() - 1 ? "" : pad));
        }
        sb.append('\n');
    }

    /** Output formats of the CLI. */
    enum Format {
        TABLE, CSV, JSON, MARKDOWN;

        String id() {
            return name().toLowerCase(Locale.ROOT);
        }

        static Format parse(String s) {
            return Ids.parse(s, values(), Format::id, "format");
        }
    }
}
