package org.opsim.hardware;

import java.util.List;
import org.opsim.io.InvalidValueException;

/**
 * Achieved fraction of a peak rate as a function of problem size: a constant (one point) or a
 * piecewise-linear curve in log10(size), held flat beyond its first and last points.
 *
 * <p>Size is the op's FLOPs for a compute curve and its bytes for a memory (or link) curve.
 * Every efficiency lies in (0, 1]. {@link #at} is the one interpolation opsim has: the object API
 * and the compiled plan both read curves through it.
 */
public record EfficiencyCurve(List<Point> points, String source) {

    /**
     * One point of a curve: at {@code size} the op reaches {@code efficiency} of peak. In a file a
     * point is {@code [size, efficiency]}, so its fields are {@code [0]} and {@code [1]}.
     */
    public record Point(double size, double efficiency) {
        public Point {
            if (!(size > 0) || Double.isInfinite(size)) {
                throw new InvalidValueException("[0]", "a curve size must be a finite number > 0, got " + size);
            }
            if (!(efficiency > 0 && efficiency <= 1)) {
                throw new InvalidValueException("[1]", "efficiency must be in (0, 1], got " + efficiency);
            }
        }
    }

    public EfficiencyCurve {
        if (points == null || points.isEmpty()) {
            throw new InvalidValueException("curve", "needs at least one [size, efficiency] point");
        }
        points = List.copyOf(points);
        for (int i = 1; i < points.size(); i++) {
            if (!(points.get(i).size() > points.get(i - 1).size())) {
                throw new InvalidValueException("curve[" + i + "][0]", "sizes must increase strictly; "
                        + Checks.fmt(points.get(i).size()) + " follows " + Checks.fmt(points.get(i - 1).size()));
            }
        }
        Checks.text("source", source);
    }

    /** A size-independent efficiency. */
    public static EfficiencyCurve constant(double efficiency, String source) {
        Point p;
        try {
            p = new Point(1.0, efficiency);
        } catch (InvalidValueException e) {
            throw new InvalidValueException("value", e.problem());
        }
        return new EfficiencyCurve(List.of(p), source);
    }

    public boolean isConstant() {
        return points.size() == 1;
    }

    /** Efficiency at {@code size} (FLOPs or bytes); sizes ≤ 0 take the first point's value. */
    public double at(double size) {
        Point first = points.get(0);
        if (points.size() == 1 || !(size > first.size())) {
            return first.efficiency();
        }
        Point last = points.get(points.size() - 1);
        if (size >= last.size()) {
            return last.efficiency();
        }
        double lx = Math.log10(size);
        for (int i = 1; i < points.size(); i++) {
            Point hi = points.get(i);
            if (size <= hi.size()) {
                Point lo = points.get(i - 1);
                double x0 = Math.log10(lo.size());
                double x1 = Math.log10(hi.size());
                double t = (lx - x0) / (x1 - x0);
                return lo.efficiency() + t * (hi.efficiency() - lo.efficiency());
            }
        }
        return last.efficiency();
    }
}
