package org.opsim.validation;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.IntPredicate;
import org.opsim.deploy.Collectives;
import org.opsim.deploy.Link;
import org.opsim.deploy.SystemProfile;

/**
 * Predicted against measured all-reduce times (docs/validation.md): the system file as shipped, and
 * after fitting one latency scale and one bandwidth scale (both links) on the rows of some group sizes,
 * scored on the others. The fit is a grid search minimising the mean |ln(predicted / measured)|.
 */
public final class AllReduceValidation {

    private AllReduceValidation() {
    }

    /** Error statistics of one group size, in percent. */
    public record Stats(int workers, int rows, double mapePercent, double medianPercent, double p90Percent) {
    }

    /** The fitted scales and the system they give. */
    public record Fit(double latencyScale, double bandwidthScale, SystemProfile system) {
    }

    public static double predictSeconds(SystemProfile s, AllReduceMeasurements.Row r) {
        return Collectives.allReduce(s, r.bytes(), r.workers(), Math.min(r.workers(), s.chipsPerNodeCount())).seconds();
    }

    /** Per group size, over the rows whose group size passes {@code which}. */
    public static List<Stats> stats(SystemProfile s, List<AllReduceMeasurements.Row> rows, IntPredicate which) {
        Set<Integer> sizes = new TreeSet<>();
        rows.forEach(r -> sizes.add(r.workers()));
        List<Stats> out = new ArrayList<>();
        for (int g : sizes) {
            if (!which.test(g)) {
                continue;
            }
            double[] ape = rows.stream().filter(r -> r.workers() == g)
                    .mapToDouble(r -> 100.0 * Math.abs(predictSeconds(s, r) - r.medianSeconds()) / r.medianSeconds())
                    .sorted().toArray();
            double mean = java.util.Arrays.stream(ape).average().orElse(0);
            out.add(new Stats(g, ape.length, mean, quantile(ape, 0.5), quantile(ape, 0.9)));
        }
        return out;
    }

    /** Fits a latency scale (0.1×–100×) and a bandwidth scale (0.01×–2×) of both links on the rows {@code fitOn} accepts. */
    public static Fit fit(SystemProfile s, List<AllReduceMeasurements.Row> rows, IntPredicate fitOn) {
        List<AllReduceMeasurements.Row> fitRows = rows.stream().filter(r -> fitOn.test(r.workers())).toList();
        double best = Double.POSITIVE_INFINITY;
        double bestL = 1;
        double bestB = 1;
        for (int i = 0; i <= 60; i++) {
            double l = 0.1 * Math.pow(1000, i / 60.0);
            for (int j = 0; j <= 60; j++) {
                double b = 0.01 * Math.pow(200, j / 60.0);
                SystemProfile t = scaled(s, l, b);
                double loss = 0;
                for (AllReduceMeasurements.Row r : fitRows) {
                    loss += Math.abs(Math.log(predictSeconds(t, r) / r.medianSeconds()));
                }
                if (loss < best) {
                    best = loss;
                    bestL = l;
                    bestB = b;
                }
            }
        }
        return new Fit(bestL, bestB, scaled(s, bestL, bestB));
    }

    /** {@code s} with both links' latencies × {@code latencyScale} and bandwidths × {@code bandwidthScale}. */
    public static SystemProfile scaled(SystemProfile s, double latencyScale, double bandwidthScale) {
        String why = "fitted to all-reduce measurements";
        return new SystemProfile(s.name() + " (fitted)", s.description(), s.chip(), s.chipsPerNode(), s.nodes(),
                scale(s.intraNode(), latencyScale, bandwidthScale, why),
                s.interNode().map(l -> scale(l, latencyScale, bandwidthScale, why)),
                s.cloudPricePerChipHourUsd(), s.capex(), s.opex());
    }

    private static Link scale(Link l, double latencyScale, double bandwidthScale, String why) {
        return new Link(l.bandwidthBytesPerSecond().scaled(bandwidthScale, why), l.latencySeconds().scaled(latencyScale, why),
                l.topology(), l.torusDimensions());
    }

    /** A Markdown table of per-group-size errors. */
    public static String table(List<Stats> stats) {
        StringBuilder sb = new StringBuilder("| GPUs | rows | MAPE % | median % | p90 % |\n| ---: | ---: | ---: | ---: | ---: |\n");
        for (Stats s : stats) {
            sb.append(String.format(Locale.ROOT, "| %d | %d | %.1f | %.1f | %.1f |%n", s.workers(), s.rows(), s.mapePercent(),
                    s.medianPercent(), s.p90Percent()));
        }
        return sb.toString();
    }

    private static double quantile(double[] sorted, double q) {
        if (sorted.length == 0) {
            return 0;
        }
        double pos = q * (sorted.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(sorted.length - 1, lo + 1);
        return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
    }
}
