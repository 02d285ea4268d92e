package org.opsim.validation;

import java.util.Arrays;

/**
 * Absolute percentage errors |predicted − measured| / measured over a set of cases: mean (MAPE),
 * median and 90th percentile, in percent.
 */
public record ErrorStats(String label, int cases, double mapePercent, double medianPercent, double p90Percent) {

    public static ErrorStats of(String label, double[] apePercent) {
        if (apePercent.length == 0) {
            return new ErrorStats(label, 0, 0, 0, 0);
        }
        double[] s = apePercent.clone();
        Arrays.sort(s);
        double sum = 0;
        for (double x : s) {
            sum += x;
        }
        return new ErrorStats(label, s.length, sum / s.length, quantile(s, 0.5), quantile(s, 0.9));
    }

    /** Linear-interpolated quantile of sorted values (the "type 7" definition of R and NumPy). */
    static double quantile(double[] sorted, double q) {
        double pos = q * (sorted.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(sorted.length - 1, lo + 1);
        return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
    }
}
