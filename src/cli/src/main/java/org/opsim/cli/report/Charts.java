package org.opsim.cli.report;

import java.awt.Color;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.opsim.cost.OpResult;
import org.opsim.graph.Engine;
import org.opsim.graph.Precision;
import org.opsim.hardware.HardwareProfile;
import org.opsim.report.ChipResult;
import org.opsim.report.Comparison;
import org.opsim.report.OpCategory;
import org.opsim.sweep.SweepPoints;

/** The report's charts, drawn headless with XChart and encoded as PNG. Units are in the axis titles. */
public final class Charts {
    static final int WIDTH = 900;
    static final int HEIGHT = 520;

    private Charts() {
    }

    /** PNG bytes of a chart. */
    public static byte[] png(Chart<?, ?> chart) {
        System.setProperty("java.awt.headless", "true");
        try {
            return BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Roofline of one chip (log-log): arithmetic intensity (FLOP per byte of memory traffic) against
     * achieved FLOP/s, one point per op (FLOP-free ops such as collectives left out), coloured by op
     * category, under the roofs min(peak, bandwidth × intensity) of the matrix and vector units.
     */
    public static XYChart roofline(ChipResult r) {
        System.setProperty("java.awt.headless", "true");
        HardwareProfile p = r.profile();
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT)
                .title("Roofline: " + p.name() + (r.chips() > 1 ? " (one chip of TP " + r.chips() + ")" : ""))
                .xAxisTitle("arithmetic intensity (FLOP/byte)").yAxisTitle("achieved FLOP/s").build();
        style(chart.getStyler());
        chart.getStyler().setXAxisLogarithmic(true);
        chart.getStyler().setYAxisLogarithmic(true);
        chart.getStyler().setMarkerSize(7);
        Map<OpCategory, List<double[]>> byCategory = new LinkedHashMap<>();
        double lo = Double.MAX_VALUE;
        double hi = 0;
        for (OpResult o : r.evaluation().orElseThrow().ops()) {
            double flops = o.op().flops();
            double bytes = o.op().bytes();
            if (flops <= 0 || bytes <= 0 || o.latencySeconds() <= 0) {
                continue;
            }
            double ai = flops / bytes;
            lo = Math.min(lo, ai);
            hi = Math.max(hi, ai);
            byCategory.computeIfAbsent(OpCategory.of(o.op().kind()), k -> new ArrayList<>())
                    .add(new double[] {ai, o.achievedFlopsPerSecond()});
        }
        if (hi == 0) {
            lo = 0.1;
            hi = 1000;
        }
        double bw = p.memory().bandwidthBytesPerSecond().value();
        double xMin = lo / 4;
        double xMax = hi * 4;
        roof(chart, "roof: matrix " + precisionLabel(p, Engine.MATRIX, Precision.BF16), peak(p, Engine.MATRIX, Precision.BF16),
                bw, xMin, xMax, new Color(0x33, 0x33, 0x33));
        roof(chart, "roof: vector " + precisionLabel(p, Engine.VECTOR, Precision.FP32), peak(p, Engine.VECTOR, Precision.FP32),
                bw, xMin, xMax, new Color(0x99, 0x99, 0x99));
        byCategory.forEach((c, pts) -> {
            double[] x = new double[pts.size()];
            double[] y = new double[pts.size()];
            for (int i = 0; i < x.length; i++) {
                x[i] = pts.get(i)[0];
                y[i] = pts.get(i)[1];
            }
            XYSeries s = chart.addSeries(c.label(), x, y);
            s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
            s.setMarker(SeriesMarkers.CIRCLE);
            s.setMarkerColor(color(c));
        });
        return chart;
    }

    private static double peak(HardwareProfile p, Engine e, Precision wanted) {
        return p.resolve(e, wanted).flatMap(x -> p.peak(e, x)).map(f -> f.value())
                .orElseGet(() -> p.peakFlopsPerSecond().get(e).values().stream().mapToDouble(f -> f.value()).max().orElse(1));
    }

    private static String precisionLabel(HardwareProfile p, Engine e, Precision wanted) {
        Optional<Precision> got = p.resolve(e, wanted);
        return got.map(Precision::id).orElse("peak");
    }

    private static void roof(XYChart chart, String name, double peak, double bw, double xMin, double xMax, Color color) {
        double knee = peak / bw;
        List<Double> xs = new ArrayList<>();
        List<Double> ys = new ArrayList<>();
        xs.add(xMin);
        ys.add(Math.min(peak, bw * xMin));
        if (knee > xMin && knee < xMax) {
            xs.add(knee);
            ys.add(peak);
        }
        xs.add(xMax);
        ys.add(Math.min(peak, bw * xMax));
        XYSeries s = chart.addSeries(name, xs, ys);
        s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        s.setMarker(SeriesMarkers.NONE);
        s.setLineColor(color);
    }

    /** Stacked bars: seconds per execution in each op category, one bar per chip (one chip's share). */
    public static CategoryChart timeByCategory(Comparison c) {
        System.setProperty("java.awt.headless", "true");
        List<ChipResult> costed = c.results().stream().filter(ChipResult::costed).toList();
        CategoryChart chart = new CategoryChartBuilder().width(WIDTH).height(HEIGHT)
                .title("Where the time goes, per chip").xAxisTitle("chip").yAxisTitle("seconds per run, by op category").build();
        style(chart.getStyler());
        chart.getStyler().setStacked(true);
        chart.getStyler().setXAxisLabelRotation(15);
        List<String> names = costed.stream().map(Charts::label).toList();
        for (OpCategory cat : OpCategory.values()) {
            List<Double> s = costed.stream().map(r -> cat.seconds(r.evaluation().get())).toList();
            if (s.stream().anyMatch(v -> v > 0)) {
                chart.addSeries(cat.label(), names, s).setFillColor(color(cat));
            }
        }
        return chart;
    }

    /** Bars: dollars per million tokens per chip, paying for every chip of each deployment. */
    public static CategoryChart dollarsPerMillionTokens(Comparison c) {
        return bars(c, "$ per million tokens (all chips of the deployment)", "$ per million tokens",
                ChipResult::usdPerMillionTokens, 1, new Color(0x2e, 0x7d, 0x32));
    }

    /** Bars: megajoules per million tokens per chip (= joules per token), every chip of each deployment. */
    public static CategoryChart energyPerMillionTokens(Comparison c) {
        return bars(c, "Energy per million tokens (all chips of the deployment)", "MJ per million tokens",
                ChipResult::joulesPerToken, 1, new Color(0xef, 0x6c, 0x00));
    }

    private static CategoryChart bars(Comparison c, String title, String yTitle,
                                      java.util.function.Function<ChipResult, java.util.OptionalDouble> f, double scale,
                                      Color color) {
        System.setProperty("java.awt.headless", "true");
        List<ChipResult> rs = c.results().stream().filter(r -> f.apply(r).isPresent()).toList();
        CategoryChart chart = new CategoryChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle("chip")
                .yAxisTitle(yTitle).build();
        style(chart.getStyler());
        chart.getStyler().setLegendVisible(false);
        chart.getStyler().setXAxisLabelRotation(15);
        chart.addSeries(yTitle, rs.stream().map(Charts::label).toList(),
                rs.stream().map(r -> f.apply(r).getAsDouble() * scale).toList()).setFillColor(color);
        return chart;
    }

    /** Every sweep row that fits (one series per chip) and the Pareto frontier as a line. */
    public static XYChart pareto(SweepPoints s, int maxPointsPerChip) {
        System.setProperty("java.awt.headless", "true");
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT)
                .title("Sweep: Pareto frontier of " + s.x().id() + " and " + s.y().id())
                .xAxisTitle(s.x().id()).yAxisTitle(s.y().id()).build();
        style(chart.getStyler());
        chart.getStyler().setXAxisLogarithmic(true);
        chart.getStyler().setYAxisLogarithmic(true);
        chart.getStyler().setMarkerSize(4);
        Map<String, List<SweepPoints.Point>> byChip = new LinkedHashMap<>();
        s.points().forEach(p -> byChip.computeIfAbsent(p.profile(), k -> new ArrayList<>()).add(p));
        byChip.forEach((chip, pts) -> {
            int step = Math.max(1, (pts.size() + maxPointsPerChip - 1) / maxPointsPerChip);
            List<Double> x = new ArrayList<>();
            List<Double> y = new ArrayList<>();
            for (int i = 0; i < pts.size(); i += step) {
                if (pts.get(i).x() > 0 && pts.get(i).y() > 0) {
                    x.add(pts.get(i).x());
                    y.add(pts.get(i).y());
                }
            }
            if (!x.isEmpty()) {
                XYSeries ser = chart.addSeries(chip, x, y);
                ser.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
                ser.setMarker(SeriesMarkers.CIRCLE);
            }
        });
        List<SweepPoints.Point> f = s.frontier().stream().filter(p -> p.x() > 0 && p.y() > 0).toList();
        if (!f.isEmpty()) {
            XYSeries line = chart.addSeries("Pareto frontier", f.stream().map(SweepPoints.Point::x).toList(),
                    f.stream().map(SweepPoints.Point::y).toList());
            line.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
            line.setMarker(SeriesMarkers.DIAMOND);
            line.setLineColor(Color.BLACK);
            line.setMarkerColor(Color.BLACK);
        }
        return chart;
    }

    /**
     * A deployment search: every candidate of each system (tokens/s per user against tokens/s per chip; hollow where
     * it misses the targets), each system's Pareto frontier as a line, the cheapest under the targets as a diamond.
     */
    public static XYChart searchFrontier(SearchPoints s) {
        System.setProperty("java.awt.headless", "true");
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT)
                .title("Serving search: " + s.model())
                .xAxisTitle("output tokens/s per user").yAxisTitle("output tokens/s per chip").build();
        style(chart.getStyler());
        chart.getStyler().setXAxisLogarithmic(true);
        chart.getStyler().setYAxisLogarithmic(true);
        chart.getStyler().setMarkerSize(6);
        for (SearchPoints.SystemPoints sys : s.systems()) {
            List<SearchPoints.Point> pts = sys.points().stream().filter(p -> p.perUser() > 0 && p.perChip() > 0).toList();
            scatter(chart, sys.system() + " (meets targets)", pts.stream().filter(SearchPoints.Point::meets).toList(),
                    SeriesMarkers.CIRCLE);
            scatter(chart, sys.system() + " (misses)", pts.stream().filter(p -> !p.meets()).toList(), SeriesMarkers.TRIANGLE_DOWN);
            List<SearchPoints.Point> f = pts.stream().filter(SearchPoints.Point::frontier)
                    .sorted(java.util.Comparator.comparingDouble(SearchPoints.Point::perUser)).toList();
            if (!f.isEmpty()) {
                XYSeries line = chart.addSeries(sys.system() + " frontier", f.stream().map(SearchPoints.Point::perUser).toList(),
                        f.stream().map(SearchPoints.Point::perChip).toList());
                line.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
                line.setMarker(SeriesMarkers.NONE);
            }
            List<SearchPoints.Point> best = pts.stream().filter(SearchPoints.Point::cheapest).toList();
            if (!best.isEmpty()) {
                XYSeries b = chart.addSeries(sys.system() + " cheapest", best.stream().map(SearchPoints.Point::perUser).toList(),
                        best.stream().map(SearchPoints.Point::perChip).toList());
                b.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
                b.setMarker(SeriesMarkers.DIAMOND);
                b.setMarkerColor(Color.BLACK);
            }
        }
        return chart;
    }

    private static void scatter(XYChart chart, String name, List<SearchPoints.Point> pts, org.knowm.xchart.style.markers.Marker m) {
        if (pts.isEmpty()) {
            return;
        }
        XYSeries ser = chart.addSeries(name, pts.stream().map(SearchPoints.Point::perUser).toList(),
                pts.stream().map(SearchPoints.Point::perChip).toList());
        ser.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        ser.setMarker(m);
    }

    /** One colour per op category, the same in every chart. */
    static Color color(OpCategory c) {
        return switch (c) {
            case MATMUL -> new Color(0x1f, 0x77, 0xb4);
            case ATTENTION -> new Color(0xff, 0x7f, 0x0e);
            case SOFTMAX -> new Color(0x8c, 0x56, 0x4b);
            case NORMS -> new Color(0x94, 0x67, 0xbd);
            case ACTIVATIONS -> new Color(0x2c, 0xa0, 0x2c);
            case ELEMENTWISE -> new Color(0xd6, 0x27, 0x28);
            case COLLECTIVES -> new Color(0xbc, 0xbd, 0x22);
            case OPTIMIZER -> new Color(0x17, 0xbe, 0xcf);
            case ROUTING -> new Color(0xe3, 0x77, 0xc2);
            case CUSTOM -> new Color(0x7f, 0x7f, 0x7f);
        };
    }

    private static String label(ChipResult r) {
        return r.chip() + (r.chips() > 1 ? " ×" + r.chips() : "");
    }

    private static void style(Styler s) {
        s.setChartBackgroundColor(Color.WHITE);
        s.setLegendPosition(Styler.LegendPosition.OutsideE);
        s.setChartTitleFont(s.getChartTitleFont().deriveFont(15f));
    }
}
