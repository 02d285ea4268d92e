package org.opsim.validation;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
import org.opsim.internal.io.CsvTable;
import org.opsim.io.InputException;
import org.opsim.io.InvalidValueException;

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
        CsvTable t = CsvTable.read(file).require(REQUIRED.toArray(String[]::new));
        List<MeasuredCase> out = new ArrayList<>(t.rows().size());
        for (CsvTable.Row r : t.rows()) {
            out.add(parse(r, t.has("op")));
        }
        return out;
    }

    private static MeasuredCase parse(CsvTable.Row c, boolean named) {
        String kind = c.text("kind");
        Precision p;
        try {
            p = Precision.parse(c.text("dtype"));
        } catch (IllegalArgumentException e) {
            throw c.error("dtype", e.getMessage());
        }
        String name = named ? c.text("op", kind) : kind;
        Op op;
        try {
            op = switch (kind) {
                case "matmul" -> new MatMul(name, c.whole("m"), c.whole("n"), c.whole("k"), p);
                case "rmsnorm" -> new RmsNorm(name, c.whole("rows"), c.whole("cols"), p);
                case "layernorm" -> new LayerNorm(name, c.whole("rows"), c.whole("cols"), p);
                case "softmax" -> new Softmax(name, c.whole("rows"), c.whole("cols"), p);
                case "add" -> Elementwise.add(name, elements(c), p);
                case "mul" -> Elementwise.mul(name, elements(c), p);
                case "silu_and_mul" -> new SiluAndMul(name, c.whole("rows"), c.whole("cols"), p);
                case "gelu" -> new Gelu(name, elements(c), p);
                case "rope" -> new Rope(name, c.whole("rows"), c.whole("cols"), ropeHeadDim(c.whole("cols")), p);
                // The table size does not enter the cost of a lookup; 1 stands for "unknown".
                case "embedding" -> new Embedding(name, c.whole("rows"), c.whole("cols"), 1, p);
                default -> throw c.error("kind", "unknown kind '" + kind
                        + "' (expected matmul, rmsnorm, layernorm, softmax, add, mul, silu_and_mul, gelu, rope or embedding)");
            };
        } catch (InvalidValueException e) {
            throw c.error(column(e.field()), e.problem());
        } catch (IllegalArgumentException e) {
            throw c.error("", e.getMessage());
        }
        double ms = c.positive("median_ms");
        return new MeasuredCase(c.number(), c.text("hardware", ""), c.text("model", ""), op, ms / 1e3);
    }

    /**
     * rows × cols of an elementwise row: the op sees only the product, so the factors are checked here
     * (two negative factors would make a positive count).
     */
    private static long elements(CsvTable.Row c) {
        long rows = c.whole("rows");
        long cols = c.whole("cols");
        for (String col : new String[] {"rows", "cols"}) {
            if ((col.equals("rows") ? rows : cols) <= 0) {
                throw c.error(col, "must be > 0, got " + (col.equals("rows") ? rows : cols));
            }
        }
        try {
            return Math.multiplyExact(rows, cols);
        } catch (ArithmeticException e) {
            throw c.error("cols", "rows × cols overflows a 64-bit count");
        }
    }

    /** The CSV column an op's field came from (an op's {@code hidden} is the file's {@code cols}). */
    private static String column(String field) {
        return switch (field) {
            case "hidden", "width", "elements", "headDim" -> "cols";
            case "tokens" -> "rows";
            default -> field;
        };
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
}
