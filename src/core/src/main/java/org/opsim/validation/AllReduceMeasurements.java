package org.opsim.validation;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.opsim.internal.io.CsvTable;

/**
 * Reads measured all-reduce times in the format of {@code shared/validation/a100-dgx-allreduce.csv}:
 * {@code network, collective, num_workers, elements, dtype, bytes, median_ms, ...}. Errors name the
 * file and the cell as {@code $[row].column} (row 1 = the first data row).
 */
public final class AllReduceMeasurements {

    private AllReduceMeasurements() {
    }

    /** One measured all-reduce of {@code bytes} over {@code workers} chips. */
    public record Row(int row, int workers, double bytes, double medianSeconds) {
    }

    public static List<Row> read(Path file) {
        CsvTable t = CsvTable.read(file).require("num_workers", "bytes", "median_ms");
        List<Row> out = new ArrayList<>();
        for (CsvTable.Row r : t.rows()) {
            if (t.has("collective") && !r.text("collective").equals("all_reduce")) {
                throw r.error("collective", "only all_reduce rows are supported, got '" + r.text("collective") + "'");
            }
            long g = r.whole("num_workers");
            if (g > Integer.MAX_VALUE) {
                throw r.error("num_workers", "must be at most " + Integer.MAX_VALUE + ", got " + g);
            }
            out.add(new Row(r.number(), (int) g, r.positive("bytes"), r.positive("median_ms") / 1e3));
        }
        return out;
    }
}
