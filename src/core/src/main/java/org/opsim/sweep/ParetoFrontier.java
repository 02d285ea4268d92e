package org.opsim.sweep;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The points not dominated by any other, kept online: memory grows with the frontier, never with
 * the number of points offered. Both coordinates are minimised; a point dominates another when it
 * is no worse in both and better in one. Of equal points the first offered stays. Kept sorted by
 * x, so y falls strictly along it. Not thread-safe.
 *
 * @param <T> what each point carries (a sweep row)
 */
public final class ParetoFrontier<T> {

    private record Point<T>(double y, T item) {
    }

    private final TreeMap<Double, Point<T>> byX = new TreeMap<>();

    /** Offers a point; returns whether it joined the frontier (and drops the points it dominates). */
    public boolean offer(double x, double y, T item) {
        if (Double.isNaN(x) || Double.isNaN(y)) {
            throw new IllegalArgumentException("a Pareto point needs two numbers, got (" + x + ", " + y + ")");
        }
        Map.Entry<Double, Point<T>> left = byX.floorEntry(x);
        if (left != null && left.getValue().y() <= y) {
            return false; // a point with x' <= x and y' <= y: dominated, or equal to one already kept
        }
        Iterator<Point<T>> right = byX.tailMap(x, true).values().iterator();
        while (right.hasNext() && right.next().y() >= y) {
            right.remove();
        }
        byX.put(x, new Point<>(y, item));
        return true;
    }

    /** Offers every point of {@code other}, in its order. */
    public void offerAll(ParetoFrontier<T> other) {
        other.byX.forEach((x, p) -> offer(x, p.y(), p.item()));
    }

    public int size() {
        return byX.size();
    }

    /** The frontier's items by increasing x (so decreasing y). */
    public List<T> items() {
        List<T> out = new ArrayList<>(byX.size());
        byX.values().forEach(p -> out.add(p.item()));
        return out;
    }
}
