package org.opsim.cli.report;

import java.time.LocalDate;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.knowm.xchart.internal.chartpart.Chart;
import org.opsim.report.ChipResult;
import org.opsim.report.Comparison;
import org.opsim.sweep.SweepPoints;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One self-contained HTML page for a {@link Comparison} (and optionally a sweep): a summary table and
 * PNG charts inlined as base64 {@code data:} URIs, with inline CSS; it references nothing outside
 * itself, so it opens offline and can be mailed as one file.
 */
public final class HtmlReport {
    private static final Logger LOG = LoggerFactory.getLogger(HtmlReport.class);

    /** Points drawn per chip in the sweep chart (rows beyond are thinned evenly; the frontier is always whole). */
    static final int MAX_SWEEP_POINTS_PER_CHIP = 4000;

    private HtmlReport() {
    }

    /** Charts {@link #render} draws, for a progress bar. */
    public static int chartCount(Comparison c, boolean sweep) {
        return chartCount(c, sweep, false);
    }

    /** Charts drawn, with a sweep's and a deployment search's. */
    public static int chartCount(Comparison c, boolean sweep, boolean search) {
        return (int) c.results().stream().filter(ChipResult::costed).count() + 3 + (sweep ? 1 : 0) + (search ? 1 : 0);
    }

    /**
     * The page. {@code header} lines describe the workload; {@code progress} is told the name of each
     * chart as it is drawn.
     */
    public static String render(Comparison c, List<String> header, Optional<SweepPoints> sweep, Consumer<String> progress) {
        return render(c, header, sweep, Optional.empty(), progress);
    }

    /** The page, with a deployment search's candidates and frontier (from {@code serve --search --format json}). */
    public static String render(Comparison c, List<String> header, Optional<SweepPoints> sweep, Optional<SearchPoints> search,
                                Consumer<String> progress) {
        StringBuilder h = new StringBuilder(64 * 1024);
        h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>opsim report: ")
                .append(esc(c.title())).append("</title>\n<style>\n")
                .append("body{font-family:system-ui,sans-serif;margin:2em auto;max-width:1000px;color:#222}\n")
                .append("table{border-collapse:collapse;font-size:0.9em}td,th{padding:3px 8px;border-bottom:1px solid #ddd}\n")
                .append("td.n{text-align:right}figure{margin:1.5em 0}img{max-width:100%;border:1px solid #eee}\n")
                .append("figcaption{color:#555;font-size:0.9em}.note{color:#8a4b00}\n</style>\n</head>\n<body>\n");
        h.append("<h1>opsim report</h1>\n<p><strong>").append(esc(c.title())).append("</strong></p>\n");
        for (String line : header) {
            h.append("<p>").append(esc(line)).append("</p>\n");
        }
        summary(h, c);

        h.append("<h2>Rooflines</h2>\n<p>Each op of one execution on one chip, placed by its arithmetic intensity "
                + "(FLOPs ÷ bytes of memory traffic) and the FLOP/s it achieves; the roofs are min(peak, memory "
                + "bandwidth × intensity) of the matrix and vector units. Ops far below a roof lose time to overheads, "
                + "efficiencies or a fallback.</p>\n");
        for (ChipResult r : c.results()) {
            if (r.costed()) {
                progress.accept("roofline " + r.chip());
                figure(h, "roofline-" + slug(r.chip()), Charts.roofline(r), "Roofline of " + r.chip());
            }
        }
        h.append("<h2>Where the time goes</h2>\n");
        progress.accept("time by op category");
        figure(h, "time-by-category", Charts.timeByCategory(c),
                "Seconds per run in each op category, one chip of each deployment (the chips of a deployment run in parallel).");
        h.append("<h2>Dollars and energy per million tokens</h2>\n");
        progress.accept("dollars per million tokens");
        figure(h, "usd-per-million-tokens", Charts.dollarsPerMillionTokens(c),
                "Dollars per million tokens at each profile's price per chip-hour, paying for every chip of the deployment.");
        progress.accept("energy per million tokens");
        figure(h, "energy-per-million-tokens", Charts.energyPerMillionTokens(c),
                "Megajoules per million tokens (numerically, joules per token), every chip of the deployment.");
        if (sweep.isPresent()) {
            SweepPoints s = sweep.get();
            h.append("<h2>Sweep: Pareto frontier</h2>\n<p>").append(String.format(Locale.ROOT,
                    "%,d configurations that fit in memory; %d on the frontier of %s and %s (both minimised%s).",
                    s.points().size(), s.frontier().size(), s.x().id(), s.y().id(),
                    s.x().id().equals("tokens-per-second") || s.y().id().equals("tokens-per-second")
                            ? ", but tokens per second maximised" : "")).append("</p>\n");
            progress.accept("Pareto frontier");
            figure(h, "pareto", Charts.pareto(s, MAX_SWEEP_POINTS_PER_CHIP), "Every fitting configuration of the sweep, "
                    + "by chip, and the Pareto frontier (black).");
            h.append("<table>\n<tr><th>chip</th><th>workload</th><th>").append(esc(s.x().id())).append("</th><th>")
                    .append(esc(s.y().id())).append("</th></tr>\n");
            for (SweepPoints.Point p : s.frontier()) {
                h.append("<tr><td>").append(esc(p.profile())).append("</td><td>").append(esc(p.workload()))
                        .append("</td><td class=\"n\">").append(sig(p.x())).append("</td><td class=\"n\">")
                        .append(sig(p.y())).append("</td></tr>\n");
            }
            h.append("</table>\n");
        }
        search.ifPresent(s -> search(h, s, progress));
        Set<String> notes = new LinkedHashSet<>();
        c.results().forEach(r -> r.notice().ifPresent(notes::add));
        c.results().forEach(r -> r.notes().forEach(n -> notes.add(n.message())));
        if (!notes.isEmpty()) {
            h.append("<h2>Notes</h2>\n<ul>\n");
            notes.forEach(n -> h.append("<li class=\"note\">").append(esc(n)).append("</li>\n"));
            h.append("</ul>\n");
        }
        h.append("<p><small>Generated by opsim 0.1.0 on ").append(LocalDate.now())
                .append(". Self-contained: every chart is inlined, nothing is fetched.</small></p>\n</body>\n</html>\n");
        return h.toString();
    }

    private static void search(StringBuilder h, SearchPoints s, Consumer<String> progress) {
        h.append("<h2>Serving: deployments under latency targets</h2>\n<p>").append(esc(s.model())).append(String.format(Locale.ROOT,
                ": targets p90 TTFT ≤ %s s, mean TPOT ≤ %s ms. Each candidate is a request-level simulation (docs/serving.md): "
                        + "its tokens/s per user against tokens/s per chip; the line is each system's Pareto frontier, "
                        + "the diamond the cheapest deployment meeting the targets.", sig(s.ttftP90Seconds()),
                sig(s.tpotSeconds() * 1e3))).append("</p>\n");
        progress.accept("serving search");
        figure(h, "serving-search", Charts.searchFrontier(s), "Every simulated deployment and concurrency of the search, by system.");
        h.append("<table>\n<tr><th>system</th><th>deployment</th><th>chips</th><th>clients</th><th>TTFT p90 ms</th>"
                + "<th>TPOT ms</th><th>tokens/s/user</th><th>tokens/s/chip</th><th>$/M tokens</th><th>meets</th><th>best</th></tr>\n");
        for (SearchPoints.SystemPoints sys : s.systems()) {
            for (SearchPoints.Point p : sys.points()) {
                if (!p.frontier() && !p.cheapest()) {
                    continue;
                }
                h.append("<tr><td>").append(esc(sys.system())).append("</td><td>").append(esc(p.deployment()))
                        .append("</td><td class=\"n\">").append(p.chips()).append("</td><td class=\"n\">").append(p.concurrency())
                        .append("</td><td class=\"n\">").append(sig(p.ttftP90Seconds() * 1e3))
                        .append("</td><td class=\"n\">").append(sig(p.tpotSeconds() * 1e3))
                        .append("</td><td class=\"n\">").append(sig(p.perUser()))
                        .append("</td><td class=\"n\">").append(sig(p.perChip()))
                        .append("</td><td class=\"n\">").append(sig(p.usdPerMillion()))
                        .append("</td><td>").append(p.meets() ? "yes" : "no").append("</td><td>")
                        .append(p.cheapest() ? "cheapest " : "").append(p.frontier() ? "frontier" : "").append("</td></tr>\n");
            }
        }
        h.append("</table>\n");
    }

    private static void summary(StringBuilder h, Comparison c) {
        h.append("<table>\n<tr><th>chip</th><th>chips</th><th>TTFT ms</th><th>TPOT ms</th><th>tokens/s</th>"
                + "<th>tokens/s/chip</th><th>$/M tokens</th><th>J/token</th><th>bound</th></tr>\n");
        for (ChipResult r : c.results()) {
            h.append("<tr><td>").append(esc(r.chip())).append("</td><td class=\"n\">")
                    .append(r.costed() ? Integer.toString(r.chips()) : "&gt; " + r.chips()).append("</td>");
            // A figure that does not apply prints as "-" (sig of NaN); NaN never leaves this table.
            for (double v : new double[] {ms(r.ttftSeconds()), ms(r.tpotSeconds()), r.tokensPerSecond().orElse(Double.NaN),
                r.tokensPerSecondPerChip().orElse(Double.NaN), r.usdPerMillionTokens().orElse(Double.NaN),
                r.joulesPerToken().orElse(Double.NaN)}) {
                h.append("<td class=\"n\">").append(sig(v)).append("</td>");
            }
            h.append("<td>").append(r.costed() ? esc(r.evaluation().get().dominantBound().id()) : "-").append("</td></tr>\n");
        }
        h.append("</table>\n");
    }

    private static void figure(StringBuilder h, String id, Chart<?, ?> chart, String caption) {
        long start = System.nanoTime();
        byte[] png = Charts.png(chart);
        LOG.debug("chart {}: {} bytes of PNG in {} ms", id, png.length,
                String.format(Locale.ROOT, "%.0f", (System.nanoTime() - start) / 1e6));
        h.append("<figure id=\"").append(id).append("\"><img alt=\"").append(esc(chart.getTitle()))
                .append("\" src=\"data:image/png;base64,").append(Base64.getEncoder().encodeToString(png))
                .append("\"><figcaption>").append(esc(caption)).append("</figcaption></figure>\n");
    }

    static String slug(String s) {
        return s.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("(^-|-$)", "");
    }

    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    static String sig(double v) {
        if (Double.isNaN(v)) {
            return "-";
        }
        double a = Math.abs(v);
        if (a == 0) {
            return "0";
        }
        if (a >= 1e6 || a < 1e-3) {
            return String.format(Locale.ROOT, "%.3g", v);
        }
        return String.format(Locale.ROOT, a >= 100 ? "%,.0f" : a >= 10 ? "%.1f" : a >= 1 ? "%.2f" : "%.3f", v);
    }

    private static double ms(java.util.OptionalDouble seconds) {
        return seconds.isPresent() ? seconds.getAsDouble() * 1e3 : Double.NaN;
    }
}
