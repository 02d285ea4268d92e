package org.opsim.cli.report;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.opsim.internal.io.Documents;
import org.opsim.internal.io.Node;

/**
 * The candidates of a deployment search, read from {@code opsim serve --search --format json}: per system, each
 * candidate's tokens/s per user and per chip, $ per million output tokens, and whether it meets the targets, is the
 * cheapest or lies on the Pareto frontier.
 */
public record SearchPoints(String model, double ttftP90Seconds, double tpotSeconds, List<SystemPoints> systems) {

    public SearchPoints {
        systems = List.copyOf(systems);
    }

    /** One system's candidates. */
    public record SystemPoints(String system, String engine, List<Point> points) {
        public SystemPoints {
            points = List.copyOf(points);
        }
    }

    /** One candidate. */
    public record Point(String deployment, long chips, int concurrency, double perUser, double perChip, double usdPerMillion,
                        double ttftP90Seconds, double tpotSeconds, boolean meets, boolean cheapest, boolean frontier) {
    }

    /** Reads {@code file}; a file that is not a search's JSON is refused naming the field (the project's document reader). */
    public static SearchPoints read(Path file) {
        Node root = Documents.read(file);
        if (root.field("schemaVersion").wholeInt() != 1) {
            throw root.field("schemaVersion").error("expected 1 (opsim serve --search --format json)");
        }
        List<SystemPoints> out = new ArrayList<>();
        for (Node s : root.field("systems").elements()) {
            List<Point> pts = new ArrayList<>();
            for (Node c : s.field("candidates").elements()) {
                pts.add(new Point(c.field("deployment").text(), c.field("chips").whole(), c.field("concurrency").wholeInt(),
                        c.field("outputTokensPerSecondPerUser").nonNegative(), c.field("outputTokensPerSecondPerChip").nonNegative(),
                        c.field("usdPerMillionOutputTokens").nonNegative(), c.field("ttftSeconds").field("p90").nonNegative(),
                        c.field("tpotSeconds").field("mean").nonNegative(), c.field("meetsTargets").bool(),
                        c.field("cheapest").bool(), c.field("frontier").bool()));
            }
            out.add(new SystemPoints(s.field("system").text(), s.field("engine").text(), pts));
        }
        Node t = root.field("targets");
        return new SearchPoints(root.field("model").text(), t.field("ttftP90Seconds").nonNegative(),
                t.field("tpotSeconds").nonNegative(), out);
    }
}
