package org.opsim.cli.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.opsim.io.InputException;

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

    /** Reads {@code file}; a file that is not a search's JSON is refused naming the field. */
    public static SearchPoints read(Path file) {
        String label = file.toString();
        JsonNode root;
        try {
            if (!Files.isRegularFile(file)) {
                throw new InputException(label, "$", "file not found");
            }
            root = JsonMapper.builder().build().readTree(file.toFile());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new InputException(label, "$", "not JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new InputException(label, "$", "cannot be read: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject() || root.path("schemaVersion").asInt() != 1) {
            throw new InputException(label, "$.schemaVersion", "expected 1 (opsim serve --search --format json)");
        }
        JsonNode sys = root.get("systems");
        if (sys == null || !sys.isArray()) {
            throw new InputException(label, "$.systems", "expected a list of systems");
        }
        List<SystemPoints> out = new ArrayList<>();
        for (int i = 0; i < sys.size(); i++) {
            String at = "$.systems[" + i + "]";
            JsonNode s = sys.get(i);
            JsonNode cands = s.get("candidates");
            if (cands == null || !cands.isArray()) {
                throw new InputException(label, at + ".candidates", "expected a list of candidates");
            }
            List<Point> pts = new ArrayList<>();
            for (int j = 0; j < cands.size(); j++) {
                String ct = at + ".candidates[" + j + "]";
                JsonNode c = cands.get(j);
                pts.add(new Point(text(label, c, ct, "deployment"), (long) number(label, c, ct, "chips"),
                        (int) number(label, c, ct, "concurrency"), number(label, c, ct, "outputTokensPerSecondPerUser"),
                        number(label, c, ct, "outputTokensPerSecondPerChip"), number(label, c, ct, "usdPerMillionOutputTokens"),
                        number(label, c.path("ttftSeconds"), ct + ".ttftSeconds", "p90"),
                        number(label, c.path("tpotSeconds"), ct + ".tpotSeconds", "mean"),
                        flag(label, c, ct, "meetsTargets"), flag(label, c, ct, "cheapest"), flag(label, c, ct, "frontier")));
            }
            out.add(new SystemPoints(text(label, s, at, "system"), text(label, s, at, "engine"), pts));
        }
        JsonNode t = root.path("targets");
        return new SearchPoints(text(label, root, "$", "model"), number(label, t, "$.targets", "ttftP90Seconds"),
                number(label, t, "$.targets", "tpotSeconds"), out);
    }

    private static String text(String file, JsonNode n, String at, String field) {
        JsonNode v = n.get(field);
        if (v == null || !v.isTextual()) {
            throw new InputException(file, at + "." + field, "expected text");
        }
        return v.asText();
    }

    private static double number(String file, JsonNode n, String at, String field) {
        JsonNode v = n.get(field);
        if (v == null || !v.isNumber() || !Double.isFinite(v.asDouble()) || v.asDouble() < 0) {
            throw new InputException(file, at + "." + field, "expected a finite number >= 0");
        }
        return v.asDouble();
    }

    private static boolean flag(String file, JsonNode n, String at, String field) {
        JsonNode v = n.get(field);
        if (v == null || !v.isBoolean()) {
            throw new InputException(file, at + "." + field, "expected true or false");
        }
        return v.asBoolean();
    }
}
