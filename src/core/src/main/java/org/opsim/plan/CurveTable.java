package org.opsim.plan;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.opsim.hardware.EfficiencyCurve;

/**
 * The efficiency curves a plan uses, flattened: curve {@code c} is points {@code start[c] ..
 * start[c] + length[c] − 1} of parallel arrays of sizes, log10 of sizes, efficiencies and the slope
 * of each segment in log10(size). Reading a curve needs the log10 of the size it is read at, which
 * the plan keeps per op, so a read is a few comparisons and one multiply-add: no logarithm, no
 * division, no allocation.
 *
 * <p>{@link #at} is {@link EfficiencyCurve#at} on arrays (same flat ends, same segment, same
 * piecewise-linear interpolation in log10(size)), with each segment's slope divided out once here
 * instead of per read; the two agree to rounding, and the plan-equals-CostModel test holds them
 * together.
 */
final class CurveTable {
    private int[] start = new int[8];
    private int[] length = new int[8];
    private double[] size = new double[32];
    private double[] logSize = new double[32];
    private double[] efficiency = new double[32];
    private double[] slope = new double[32];
    private int curves;
    private int points;
    private final Map<EfficiencyCurve, Integer> index = new HashMap<>();

    /** The index of {@code curve}, adding it on first sight (equal curves share one index). */
    int add(EfficiencyCurve curve) {
        Integer known = index.get(curve);
        if (known != null) {
            return known;
        }
        int n = curve.points().size();
        if (curves == start.length) {
            start = Arrays.copyOf(start, 2 * curves);
            length = Arrays.copyOf(length, 2 * curves);
        }
        while (points + n > size.length) {
            size = Arrays.copyOf(size, 2 * size.length);
            logSize = Arrays.copyOf(logSize, 2 * logSize.length);
            efficiency = Arrays.copyOf(efficiency, 2 * efficiency.length);
            slope = Arrays.copyOf(slope, 2 * slope.length);
        }
        start[curves] = points;
        length[curves] = n;
        for (EfficiencyCurve.Point p : curve.points()) {
            size[points] = p.size();
            logSize[points] = Math.log10(p.size());
            efficiency[points] = p.efficiency();
            if (points > start[curves]) {
                slope[points] = (efficiency[points] - efficiency[points - 1]) / (logSize[points] - logSize[points - 1]);
            }
            points++;
        }
        index.put(curve, curves);
        return curves++;
    }

    /** Efficiency of curve {@code c} at {@code x} (FLOPs or bytes), given {@code logX = Math.log10(x)}. */
    double at(int c, double x, double logX) {
        int first = start[c];
        if (length[c] == 1 || !(x > size[first])) {
            return efficiency[first];
        }
        int last = first + length[c] - 1;
        if (x >= size[last]) {
            return efficiency[last];
        }
        for (int i = first + 1; i <= last; i++) {
            if (x <= size[i]) {
                return efficiency[i - 1] + (logX - logSize[i - 1]) * slope[i];
            }
        }
        return efficiency[last];
    }
}
