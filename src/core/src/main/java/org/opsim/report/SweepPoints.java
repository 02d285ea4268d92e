package org.opsim.report;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
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
        List<Point> points = new ArrayList<>();
        ParetoFrontier<Point> frontier = new ParetoFrontier<>();
        try (BufferedReader in = Files.newBufferedReader(file)) {
            String headerLine = in.readLine();
            if (headerLine == null) {
                throw new InputException(file.toString(), "$", "empty file: expected the header of an opsim sweep CSV");
            }
            List<String> header = split(headerLine);
            int profile = column(file, header, "profile");
            int xs = column(file, header, column(x));
            int ys = column(file, header, column(y));
            int fits = header.indexOf("fitsInMemory");
            int batch = header.indexOf("batch");
            int length = header.indexOf("length");
            int tp = header.indexOf("tensorParallel");
            int weights = header.indexOf("weights");
            String line;
            int row = 0;
            while ((line = in.readLine()) != null) {
                row++;
                if (line.isBlank()) {
                    continue;
                }
                List<String> cells = split(line);
                if (cells.size() != header.size()) {
                    throw new InputException(file.toString(), "$[" + row + "]",
                            "has " + cells.size() + " columns, the header " + header.size());
                }
                if (fits >= 0 && cells.get(fits).equals("false")) {
                    continue;
                }
                String w = String.format(Locale.ROOT, "batch %s, length %s, %s, TP %s", cell(cells, batch),
                        cell(cells, length), cell(cells, weights), cell(cells, tp));
                Point p = new Point(cells.get(profile), w, number(file, row, header.get(xs), cells.get(xs)),
                        number(file, row, header.get(ys), cells.get(ys)));
                points.add(p);
                frontier.offer(cost(x, p.x()), cost(y, p.y()), p);
            }
        } catch (NoSuchFileException e) {
            throw new InputException(file.toString(), "$", "file not found");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
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

    private static double cost(Metric m, double v) {
        return m == Metric.TOKENS_PER_SECOND ? -v : v;
    }

    private static String cell(List<String> cells, int i) {
        return i >= 0 ? cells.get(i) : "?";
    }

    private static int column(Path file, List<String> header, String name) {
        int i = header.indexOf(name);
        if (i < 0) {
            throw new InputException(file.toString(), "$[0]", "no column '" + name + "': not an opsim sweep CSV");
        }
        return i;
    }

    private static double number(Path file, int row, String column, String s) {
        try {
            double v = Double.parseDouble(s);
            if (!Double.isFinite(v)) {
                throw new NumberFormatException();
            }
            return v;
        } catch (NumberFormatException e) {
            throw new InputException(file.toString(), "$[" + row + "]." + column, "not a finite number: '" + s + "'");
        }
    }

    /** One CSV line: commas separate, double quotes quote (with "" for a quote). */
    static List<String> split(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    cur.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    cur.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                out.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        out.add(cur.toString());
        return out;
    }
}
