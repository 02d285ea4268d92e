package org.opsim.validation;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.opsim.internal.io.CsvTable;
import org.opsim.io.InvalidValueException;

/**
 * Reads measured all-reduce times in the format of {@code shared/validation/a100-dgx-allreduce.csv}:
 * {@code network, collective, num_workers, elements, dtype, bytes, median_ms, ...}. Errors name the
 * file and the cell as {@code $[row].column} (row 1 = the first data row).
 */
public final class AllReduceMeasurements {

    private AllReduceMeasurements() {
    }

    /**
     * One measured all-reduce of {@code bytes} over {@code workers} chips. Its rules name the file's
     * columns ({@code num_workers}, {@code bytes}, {@code median_ms}).
     */
    public record Row(int row, int workers, double bytes, double medianSeconds) {
        public Row {
            if (workers < 1) {
                throw new InvalidValueException("num_workers", "must be >= 1, got " + workers);
            }
            if (!(bytes > 0) || Double.isInfinite(bytes)) {
                throw new InvalidValueException("bytes", "must be a finite number > 0, got " + bytes);
            }
            if (!(medianSeconds > 0) || Double.isInfinite(medianSeconds)) {
                throw new InvalidValueException("median_ms", "must be a finite number > 0, got " + medianSeconds * 1e3);
            }
        }
    }

    public static List<Row> read(Path file) {
        CsvTable t = CsvTable.read(file).require("num_workers", "bytes", "median_ms");
        List<Row> out = new ArrayList<>();
        for (CsvTable.Row r : t.rows()) {
            if (t.has("collective") && !r.text("collective").equals("all_reduce")) {
                throw r.error("collective", "only all_reduce rows are supported, got '" + r.text("collective") + "'");
            }
            long g = r.whole("num_workers");
            if (g > Integer.MAX_VALUE || g < Integer.MIN_VALUE) {
                throw r.error("num_workers", "must be at most " + Integer.MAX_VALUE + ", got " + g);
            }
            double bytes = r.number("bytes");
            double seconds = r.number("median_ms") / 1e3;
            try {
                out.add(new Row(r.number(), (int) g, bytes, seconds));
            } catch (InvalidValueException e) {
                throw r.error(e.field(), e.problem());
            }
        }
        return out;
    }
}
