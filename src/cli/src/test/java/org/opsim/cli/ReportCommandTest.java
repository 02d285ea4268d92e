package org.opsim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** opsim report: one HTML file that opens offline, with every chart present and drawn. */
class ReportCommandTest {

    private static final Pattern FIGURE = Pattern.compile(
            "<figure id=\"([^\"]+)\"><img alt=\"[^\"]*\" src=\"data:image/png;base64,([A-Za-z0-9+/=]+)\">");

    @Test
    void theReportIsOneOfflineHtmlFileWithEveryChartDrawn(@TempDir Path dir) throws Exception {
        Path csv = dir.resolve("sweep.csv");
        CliRun sweep = CliRun.run("sweep", "-m", "llama-3.1-8b", "--batch", "1,8,64", "--context", "1024,4096",
                "--profile", "nvidia-h100-sxm", "--profile", "aws-trainium2",
                "--out", csv.toString(), "--no-progress");
        assertEquals(0, sweep.code(), sweep.err());

        Path html = dir.resolve("report.html");
        CliRun r = CliRun.run("report", "--sweep-csv", csv.toString(), "--out", html.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("wrote " + html), r.out());
        String page = Files.readString(html);

        assertTrue(page.startsWith("<!DOCTYPE html>"), page.substring(0, 40));
        assertTrue(page.contains("<html") && page.strip().endsWith("</html>"));
        assertTrue(balanced(page), "unbalanced tags");
        // Nothing fetched: no URL of any kind, no external script, stylesheet or image.
        assertFalse(page.contains("http://") || page.contains("https://"), "a network reference");
        assertFalse(page.contains("<script") || page.contains("<link"), "an external resource");

        Map<String, BufferedImage> charts = new LinkedHashMap<>();
        Matcher m = FIGURE.matcher(page);
        while (m.find()) {
            BufferedImage img = ImageIO.read(new ByteArrayInputStream(Base64.getDecoder().decode(m.group(2))));
            assertNotNull(img, m.group(1) + " is not a PNG");
            charts.put(m.group(1), img);
        }
        assertEquals(page.split("<img ", -1).length - 1, charts.size(), "every <img> is an inline PNG");
        // Five default chips: five rooflines; then time per op category, $ and J per million tokens, the frontier.
        List<String> ids = new ArrayList<>(charts.keySet());
        assertEquals(9, ids.size(), ids.toString());
        assertEquals(5, ids.stream().filter(id -> id.startsWith("roofline-")).count(), ids.toString());
        assertTrue(ids.containsAll(List.of("roofline-nvidia-h100-sxm5-80gb", "roofline-aws-trainium2", "time-by-category",
                "usd-per-million-tokens", "energy-per-million-tokens", "pareto")), ids.toString());
        for (Map.Entry<String, BufferedImage> c : charts.entrySet()) {
            assertTrue(c.getValue().getWidth() >= 400 && c.getValue().getHeight() >= 300, c.getKey());
            assertTrue(colours(c.getValue()) > 5, c.getKey() + " looks blank");
        }
        assertTrue(page.contains("Pareto frontier"), "the sweep section");
    }

    /**
     * A deployment search's JSON becomes a chart (candidates, each system's frontier, the cheapest) and a table of the
     * frontier; a file that is no search's JSON is refused naming the field.
     */
    @Test
    void aServingSearchIsChartedWithItsFrontier(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("search.json");
        CliRun s = CliRun.run("serve", "-m", "llama-3.1-8b", "--system", "hgx-h100", "--search", "--isl", "128", "--osl", "16",
                "--max-concurrency", "4", "--no-disagg", "--format", "json", "--out", json.toString());
        assertEquals(0, s.code(), s.err());
        Path html = dir.resolve("report.html");
        CliRun r = CliRun.run("report", "--profile", "nvidia-h100-sxm", "--search-json", json.toString(), "--out", html.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("candidates)"), r.out());
        String page = Files.readString(html);
        assertTrue(balanced(page), "unbalanced tags");
        Matcher m = FIGURE.matcher(page);
        BufferedImage chart = null;
        while (m.find()) {
            if (m.group(1).equals("serving-search")) {
                chart = ImageIO.read(new ByteArrayInputStream(Base64.getDecoder().decode(m.group(2))));
            }
        }
        assertNotNull(chart, "the search chart");
        assertTrue(colours(chart) > 5, "the search chart looks blank");
        assertTrue(page.contains("Serving: deployments under latency targets") && page.contains("cheapest"), "the search table");
        Path bad = dir.resolve("bad.json");
        Files.writeString(bad, "{\"schemaVersion\": 1, \"systems\": [{\"system\": \"x\", \"candidates\": 3}]}");
        CliRun b = CliRun.run("report", "--profile", "nvidia-h100-sxm", "--search-json", bad.toString(), "--out",
                dir.resolve("b.html").toString());
        assertEquals(2, b.code(), b.err());
        assertTrue(b.err().contains("bad.json: $.systems[0].candidates"), b.err());
        assertFalse(Files.exists(dir.resolve("b.html")));
    }

    @Test
    void aMissingSweepFileExitsWithTwoAndNamesIt(@TempDir Path dir) {
        CliRun r = CliRun.run("report", "--profile", "nvidia-h100-sxm", "--sweep-csv", "no-such-sweep.csv",
                "--out", dir.resolve("r.html").toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("no-such-sweep.csv: $: file not found"), r.err());
        assertFalse(Files.exists(dir.resolve("r.html")));
    }

    /** Distinct colours in a coarse sample: a drawn chart has axes, text and series in several. */
    private static int colours(BufferedImage img) {
        Set<Integer> seen = new HashSet<>();
        for (int y = 0; y < img.getHeight(); y += 3) {
            for (int x = 0; x < img.getWidth(); x += 3) {
                seen.add(img.getRGB(x, y));
            }
        }
        return seen.size();
    }

    /** Every element opened among html, head, body, table, figure, h1, h2, p, ul is closed. */
    private static boolean balanced(String page) {
        for (String tag : new String[] {"html", "head", "body", "table", "figure", "h1", "h2", "ul", "style", "title"}) {
            int open = page.split("<" + tag + "[ >]", -1).length - 1;
            int close = page.split("</" + tag + ">", -1).length - 1;
            if (open != close) {
                return false;
            }
        }
        return true;
    }
}
