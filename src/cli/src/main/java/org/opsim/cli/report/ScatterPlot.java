package org.opsim.cli.report;

import java.awt.Color;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.opsim.internal.io.AtomicFiles;
import org.opsim.validation.MeasuredCase;

/** Predicted-vs-measured latency, log-log, one series per op kind, with the y = x line. */
public final class ScatterPlot {

    static {
        System.setProperty("java.awt.headless", "true");
    }

    private ScatterPlot() {
    }

    /** Writes a PNG to {@code file} (written to a temporary file, then renamed into place). */
    public static void write(Path file, String title, List<MeasuredCase> cases, double[] predictedSeconds) {
        XYChart chart = new XYChartBuilder().width(900).height(700).title(title)
                .xAxisTitle("measured latency (ms)").yAxisTitle("predicted latency (ms)").build();
        chart.getStyler().setXAxisLogarithmic(true);
        chart.getStyler().setYAxisLogarithmic(true);
        chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        chart.getStyler().setMarkerSize(3);
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        Map<String, List<double[]>> byKind = new TreeMap<>();
        double lo = Double.MAX_VALUE;
        double hi = 0;
        for (int i = 0; i < cases.size(); i++) {
            double m = cases.get(i).medianSeconds() * 1e3;
            double p = predictedSeconds[i] * 1e3;
            byKind.computeIfAbsent(cases.get(i).op().kind().id(), k -> new ArrayList<>()).add(new double[] {m, p});
            lo = Math.min(lo, Math.min(m, p));
            hi = Math.max(hi, Math.max(m, p));
        }
        for (Map.Entry<String, List<double[]>> e : byKind.entrySet()) {
            // At most 4000 points per kind keep the image readable; a fixed stride keeps it deterministic.
            List<double[]> pts = e.getValue();
            int stride = Math.max(1, pts.size() / 4000);
            List<Double> x = new ArrayList<>();
            List<Double> y = new ArrayList<>();
            for (int i = 0; i < pts.size(); i += stride) {
                x.add(pts.get(i)[0]);
                y.add(pts.get(i)[1]);
            }
            XYSeries s = chart.addSeries(e.getKey() + " (" + pts.size() + ")", x, y);
            s.setMarker(SeriesMarkers.CIRCLE);
        }
        XYSeries diag = chart.addSeries("predicted = measured", new double[] {lo, hi}, new double[] {lo, hi});
        diag.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        diag.setMarker(SeriesMarkers.NONE);
        diag.setLineColor(Color.BLACK);
        try {
            Path tmp = AtomicFiles.tempBeside(file);
            try {
                Files.write(tmp, BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG));
                AtomicFiles.moveIntoPlace(tmp, file);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
