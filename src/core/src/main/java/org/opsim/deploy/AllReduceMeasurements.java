package org.opsim.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.opsim.io.InputException;

/**
 * Reads measured all-reduce times in the format of {@code shared/validation/a100-dgx-allreduce.csv}:
 * {@code network, collective, num_workers, elements, dtype, bytes, median_ms, ...}. Errors name the
 * file, the row (1 = first data row) and the column.
 */
public final class AllReduceMeasurements {

    private AllReduceMeasurements() {
    }

    /** One measured all-reduce of {@code bytes} over {@code workers} chips. */
    public record Row(int row, int workers, double bytes, double medianSeconds) {
    }

    public static List<Row> read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (NoSuchFileException e) {
            throw new InputException(file.toString(), "$", "file not found");
        } catch (IOException e) {
            throw new InputException(file.toString(), "$", "cannot read file: " + e.getMessage(), e);
        }
        if (lines.isEmpty()) {
            throw new InputException(file.toString(), "$", "empty file: expected a header row");
        }
        List<String> header = Arrays.stream(lines.get(0).split(",", -1)).map(String::trim).toList();
        int workers = column(file, header, "num_workers");
        int bytes = column(file, header, "bytes");
        int median = column(file, header, "median_ms");
        int collective = header.indexOf("collective");
        List<Row> out = new ArrayList<>();
        for (int i = 1; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank()) {
                continue;
            }
            String[] cells = line.split(",", -1);
            if (cells.length != header.size()) {
                throw new InputException(file.toString(), "row " + i, "expected " + header.size() + " columns, got " + cells.length);
            }
            if (collective >= 0 && !cells[collective].trim().equals("all_reduce")) {
                throw new InputException(file.toString(), "row " + i + ", column collective",
                        "only all_reduce rows are supported, got '" + cells[collective].trim() + "'");
            }
            double g = number(file, i, "num_workers", cells[workers]);
            if (g < 1 || g != Math.rint(g)) {
                throw new InputException(file.toString(), "row " + i + ", column num_workers", "must be a whole number >= 1, got " + cells[workers]);
            }
            double b = positive(file, i, "bytes", cells[bytes]);
            double ms = positive(file, i, "median_ms", cells[median]);
            out.add(new Row(i, (int) g, b, ms / 1e3));
        }
        if (out.isEmpty()) {
            throw new InputException(file.toString(), "$", "no data rows");
        }
        return out;
    }

    private static int column(Path file, List<String> header, String name) {
        int i = header.indexOf(name);
        if (i < 0) {
            throw new InputException(file.toString(), "header", "missing column '" + name + "' (have " + header + ")");
        }
        return i;
    }

    private static double positive(Path file, int row, String col, String text) {
        double v = number(file, row, col, text);
        if (!(v > 0)) {
            throw new InputException(file.toString(), "row " + row + ", column " + col, "must be > 0, got " + text.trim());
        }
        return v;
    }

    private static double number(Path file, int row, String col, String text) {
        try {
            double v = Double.parseDouble(text.trim());
            if (Double.isNaN(v) || Double.isInfinite(v)) {
                throw new NumberFormatException();
            }
            return v;
        } catch (NumberFormatException e) {
            throw new InputException(file.toString(), "row " + row + ", column " + col, "not a number: '" + text.trim() + "'");
        }
    }
}
