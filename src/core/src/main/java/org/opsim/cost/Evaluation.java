package org.opsim.cost;

import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.opsim.graph.OpKind;
import org.opsim.graph.Stage;

/**
 * The cost of one graph execution on one chip, broken down per op, per op kind, per block, per
 * stage and per bound. Immutable.
 *
 * @param ops every costed op in graph order (composites such as unfused attention appear as their parts)
 * @param byKind totals per op kind, in {@link OpKind} order, kinds that did not occur left out
 * @param byBound totals per limiting bound
 * @param byStage totals per stage of the workload (prefill, decode, forward, ...), stages that did not occur left out
 * @param notes distinct precision and native-support fallbacks that applied anywhere, in the order they first occurred
 */
public record Evaluation(String graph, String profile, List<OpResult> ops, List<BlockResult> blocks,
                         Map<OpKind, Totals> byKind, Map<Bound, Totals> byBound, Map<Stage, Totals> byStage,
                         Totals total, List<Note> notes) {

    public Evaluation {
        ops = List.copyOf(ops);
        blocks = List.copyOf(blocks);
        byKind = Collections.unmodifiableMap(copy(byKind, OpKind.class));
        byBound = Collections.unmodifiableMap(copy(byBound, Bound.class));
        byStage = Collections.unmodifiableMap(copy(byStage, Stage.class));
        notes = List.copyOf(notes);
    }

    private static <K extends Enum<K>> EnumMap<K, Totals> copy(Map<K, Totals> m, Class<K> type) {
        EnumMap<K, Totals> out = new EnumMap<>(type);
        out.putAll(m);
        return out;
    }

    /** Share of total latency spent in ops of {@code kind}, in [0, 1]. */
    public double timeShare(OpKind kind) {
        return share(byKind.get(kind));
    }

    /** Share of total latency spent in ops limited by {@code bound}, in [0, 1]. */
    public double timeShare(Bound bound) {
        return share(byBound.get(bound));
    }

    /** Share of total latency spent in blocks of {@code stage}, in [0, 1]. */
    public double timeShare(Stage stage) {
        return share(byStage.get(stage));
    }

    /** Seconds spent in blocks of {@code stage} (all repeats); 0 when the graph has none. */
    public double seconds(Stage stage) {
        Totals t = byStage.get(stage);
        return t == null ? 0.0 : t.latencySeconds();
    }

    private double share(Totals t) {
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
