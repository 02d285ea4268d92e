package org.opsim.sweep;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.opsim.internal.io.CsvTable;
import org.opsim.io.InputException;
import org.opsim.sweep.Metric;
import org.opsim.sweep.ParetoFrontier;

/**
 * Two metrics of every row of an {@code opsim sweep --format csv} file, with the rows' chips and the
 * Pareto frontier of the two (rows that do not fit in memory are plotted but never join the frontier,
 * as in the sweep itself).
 *
 * @param x the metric on the x axis, {@code y} on the y axis
 * @param points every row that fits in memory
 * @param frontier the non-dominated points, by increasing x
 */
public record SweepPoints(Metric x, Metric y, List<Point> points, List<Point> frontier) {

    /** One sweep row: its chip, a short description of its workload, and the two metrics. */
    public record Point(String profile, String workload, double x, double y) {
    }

    public SweepPoints {
        points = List.copyOf(points);
        frontier = List.copyOf(frontier);
    }

    /** Reads {@code file}; each row must have the sweep's columns (header line first). */
    public static SweepPoints read(Path file, Metric x, Metric y) {
        CsvTable t = CsvTable.read(file);
        String xs = column(x);
        String ys = column(y);
        for (String c : new String[] {"profile", xs, ys}) {
            if (!t.has(c)) {
                throw new InputException(file.toString(), "$[0]", "no column '" + c + "': not an opsim sweep CSV");
            }
        }
        List<Point> points = new ArrayList<>();
        ParetoFrontier<Point> frontier = new ParetoFrontier<>();
        for (CsvTable.Row r : t.rows()) {
            if (t.has("fitsInMemory") && r.text("fitsInMemory").equals("false")) {
                continue;
            }
            String w = String.format(Locale.ROOT, "batch %s, length %s, %s, TP %s", r.text("batch", "?"),
                    r.text("length", "?"), r.text("weights", "?"), r.text("tensorParallel", "?"));
            Point p = new Point(r.text("profile"), w, r.number(xs), r.number(ys));
            points.add(p);
            frontier.offer(x.cost(p.x()), y.cost(p.y()), p);
        }
        return new SweepPoints(x, y, points, frontier.items());
    }

    /** The CSV column of a metric: {@code usd-per-million-tokens} → {@code usdPerMillionTokens}. */
    static String column(Metric m) {
        String[] parts = m.id().split("-");
        StringBuilder sb = new StringBuilder(parts[0]);
        for (int i = 1; i < parts.length; i++) {
            sb.append(Character.toUpperCase(parts[i].charAt(0))).append(parts[i].substring(1));
        }
        return sb.toString();
    }
}
