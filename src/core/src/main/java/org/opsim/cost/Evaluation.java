package org.opsim.cost;

import java.util.List;
import java.util.Map;
import org.opsim.graph.OpKind;

/**
 * The cost of one graph execution on one chip, broken down per op, per op kind, per block and per
 * bound. Immutable.
 *
 * @param ops every costed op in graph order (composites such as unfused attention appear as their parts)
 * @param byKind totals per op kind, in {@link OpKind} order, kinds that did not occur left out
 * @param byBound totals per limiting bound
 * @param notes distinct precision and native-support fallbacks that applied anywhere
 */
public record Evaluation(String graph, String profile, List<OpResult> ops, List<BlockResult> blocks,
                         Map<OpKind, Totals> byKind, Map<Bound, Totals> byBound, Totals total, List<String> notes) {

    public Evaluation {
        ops = List.copyOf(ops);
        blocks = List.copyOf(blocks);
        byKind = java.util.Collections.unmodifiableMap(new java.util.EnumMap<>(byKind.isEmpty() ? new java.util.EnumMap<OpKind, Totals>(OpKind.class) : byKind));
        byBound = java.util.Collections.unmodifiableMap(new java.util.EnumMap<>(byBound.isEmpty() ? new java.util.EnumMap<Bound, Totals>(Bound.class) : byBound));
        notes = List.copyOf(notes);
    }

    /** Share of total latency spent in ops of {@code kind}, in [0, 1]. */
    public double timeShare(OpKind kind) {
        Totals t = byKind.get(kind);
        return t == null || total.latencySeconds() == 0 ? 0.0 : t.latencySeconds() / total.latencySeconds();
    }

    /** Share of total latency spent in ops limited by {@code bound}, in [0, 1]. */
    public double timeShare(Bound bound) {
        Totals t = byBound.get(bound);
        return t == null || total.latencySeconds() == 0 ? 0.0 : t.latencySeconds() / total.latencySeconds();
    }

    /** The bound that accounts for the most time. */
    public Bound dominantBound() {
        double[] seconds = new double[Bound.values().length];
        byBound.forEach((b, t) -> seconds[b.ordinal()] = t.latencySeconds());
        return Bound.mostTime(seconds);
    }

    /** The bound that accounts for the most of the time spent in ops of {@code kind}. */
    public Bound dominantBound(OpKind kind) {
        double[] seconds = new double[Bound.values().length];
        for (OpResult r : ops) {
            if (r.op().kind() == kind) {
                seconds[r.bound().ordinal()] += r.totals().latencySeconds();
            }
        }
        return Bound.mostTime(seconds);
    }
}
