package org.opsim.validation;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.opsim.graph.Elementwise;
import org.opsim.graph.Embedding;
import org.opsim.graph.Gelu;
import org.opsim.graph.LayerNorm;
import org.opsim.graph.MatMul;
import org.opsim.graph.Op;
import org.opsim.graph.Precision;
import org.opsim.graph.RmsNorm;
import org.opsim.graph.Rope;
import org.opsim.graph.SiluAndMul;
import org.opsim.graph.Softmax;
import org.opsim.io.InputException;

/**
 * Reads measured operator latencies in the format of {@code shared/validation/*-ops.csv}:
 * {@code hardware, model, tp, tokens, op, kind, dtype, m, n, k, rows, cols, median_ms, ...}.
 * A malformed file is an {@link InputException} naming the file, the row ({@code $[17]}, 1-based
 * data rows) and the column.
 */
public final class Measurements {

    static final List<String> REQUIRED = List.of("kind", "dtype", "m", "n", "k", "rows", "cols", "median_ms");

    private Measurements() {
    }

    public static List<MeasuredCase> read(Path file) {
        String label = file.toString();
        try (BufferedReader in = Files.newBufferedReader(file)) {
            String header = in.readLine();
            if (header == null || header.isBlank()) {
                throw new InputException(label, "$", "empty file: expected a header line with " + REQUIRED);
            }
            String[] names = header.split(",", -1);
            Map<String, Integer> col = new HashMap<>();
            for (int i = 0; i < names.length; i++) {
                col.put(names[i].trim(), i);
            }
            for (String r : REQUIRED) {
                if (!col.containsKey(r)) {
                    throw new InputException(label, "$[header]", "missing column '" + r + "'");
                }
            }
            List<MeasuredCase> out = new ArrayList<>();
            String line;
            int row = 0;
            while ((line = in.readLine()) != null) {
                row++;
                if (line.isBlank()) {
                    continue;
                }
                String[] cells = line.split(",", -1);
                if (cells.length < names.length) {
                    throw new InputException(label, "$[" + row + "]", "has " + cells.length + " cells, the header has " + names.length);
                }
                out.add(parse(label, row, cells, col));
            }
            if (out.isEmpty()) {
                throw new InputException(label, "$", "no data rows");
            }
            return out;
        } catch (NoSuchFileException e) {
            throw new InputException(label, "$", "file not found");
        } catch (IOException e) {
            throw new InputException(label, "$", "cannot read: " + e.getMessage(), e);
        }
    }

    private static MeasuredCase parse(String label, int row, String[] cells, Map<String, Integer> col) {
        Cell c = new Cell(label, row, cells, col);
        String kind = c.text("kind");
        Precision p;
        try {
            p = Precision.parse(c.text("dtype"));
        } catch (IllegalArgumentException e) {
            throw c.error("dtype", e.getMessage());
        }
        String name = col.containsKey("op") ? c.optionalText("op", kind) : kind;
        Op op;
        try {
            op = switch (kind) {
                case "matmul" -> new MatMul(name, c.whole("m"), c.whole("n"), c.whole("k"), p);
                case "rmsnorm" -> new RmsNorm(name, c.whole("rows"), c.whole("cols"), p);
                case "layernorm" -> new LayerNorm(name, c.whole("rows"), c.whole("cols"), p);
                case "softmax" -> new Softmax(name, c.whole("rows"), c.whole("cols"), p);
                case "add" -> Elementwise.add(name, c.whole("rows") * c.whole("cols"), p);
                case "mul" -> Elementwise.mul(name, c.whole("rows") * c.whole("cols"), p);
                case "silu_and_mul" -> new SiluAndMul(name, c.whole("rows"), c.whole("cols"), p);
                case "gelu" -> new Gelu(name, c.whole("rows") * c.whole("cols"), p);
                case "rope" -> new Rope(name, c.whole("rows"), c.whole("cols"), ropeHeadDim(c.whole("cols")), p);
                // The table size does not enter the cost of a lookup; 1 stands for "unknown".
                case "embedding" -> new Embedding(name, c.whole("rows"), c.whole("cols"), 1, p);
                default -> throw c.error("kind", "unknown kind '" + kind
                        + "' (expected matmul, rmsnorm, layernorm, softmax, add, mul, silu_and_mul, gelu, rope or embedding)");
            };
        } catch (IllegalArgumentException e) {
            throw new InputException(label, "$[" + row + "]", e.getMessage());
        }
        double ms = c.number("median_ms");
        if (!(ms > 0)) {
            throw c.error("median_ms", "must be > 0, got " + ms);
        }
        return new MeasuredCase(row, c.optionalText("hardware", ""), c.optionalText("model", ""), op, ms / 1e3);
    }

    /** Head size for a rope row: the largest even divisor of the width up to 128. */
    static long ropeHeadDim(long width) {
        for (long d = Math.min(128, width); d >= 2; d--) {
            if (d % 2 == 0 && width % d == 0) {
                return d;
            }
        }
        throw new IllegalArgumentException("rope width " + width + " has no even head size");
    }

    private record Cell(String label, int row, String[] cells, Map<String, Integer> col) {
        InputException error(String column, String problem) {
            return new InputException(label, "$[" + row + "]." + column, problem);
        }

        String text(String column) {
            String v = cells[col.get(column)].trim();
            if (v.isEmpty()) {
                throw error(column, "empty");
            }
            return v;
        }

        String optionalText(String column, String fallback) {
            Integer i = col.get(column);
            return i == null || cells[i].isBlank() ? fallback : cells[i].trim();
        }

        double number(String column) {
            String v = text(column);
            try {
                double d = Double.parseDouble(v);
                if (Double.isNaN(d) || Double.isInfinite(d)) {
                    throw error(column, "not a finite number: '" + v + "'");
                }
                return d;
            } catch (NumberFormatException e) {
                throw error(column, "not a number: '" + v + "'");
            }
        }

        long whole(String column) {
            double d = number(column);
            if (d != Math.rint(d) || d <= 0) {
                throw error(column, "must be a whole number > 0, got " + v(column));
            }
            return (long) d;
        }

        private String v(String column) {
            return cells[col.get(column)].trim();
        }
    }
}
