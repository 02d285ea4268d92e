package org.opsim.cost;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.opsim.graph.Graph;
import org.opsim.graph.OpKind;
import org.opsim.graph.Stage;
import org.opsim.hardware.HardwareProfile;
import org.opsim.internal.cost.CostFormulas;

/**
 * A graph compiled onto one chip: every op lowered once into flat primitive arrays (FLOPs per
 * engine, bytes, resolved peaks, efficiencies, overheads, caps, penalties, energy coefficients,
 * block repeats), costed by one kernel. {@link #evaluate} runs it in a tight loop that allocates
 * nothing; {@link #evaluation} runs the same kernel and records every op, for the per-op, per-kind,
 * per-block and per-stage breakdown.
 *
 * <pre>{@code
 * Plan plan = Plan.compile(graph, h100);
 * PlanTotals t = new PlanTotals();
 * plan.evaluate(t);                       // no allocation: t is overwritten
 * double seconds = t.latencySeconds();
 * Evaluation rich = plan.evaluation();    // per op, per kind, per block: on demand
 * plan.update(nextGraph);                 // a sweep's next point: same ops, new shapes
 * }</pre>
 *
 * <p>Totals are summed per block, then × repeat. The loop takes dollars once from the total latency
 * (every op costs the chip's hourly price for its time, so the dollars of the sum are the sum of the
 * dollars, to rounding); the rich evaluation prices each op.
 *
 * <p>{@link #evaluate} and {@link #evaluation} only read the plan, so many threads may evaluate one
 * plan, each with its own {@link PlanTotals}; {@link #update} changes it, so a plan that is updated
 * belongs to one thread.
 */
public final class Plan {
    private static final Bound[] BOUNDS = Bound.values();
    private final HardwareProfile profile;
    private final MemoryState state;
    private Graph graph;
    private LoweredOps ops;

    private Plan(Graph graph, HardwareProfile p, MemoryState state) {
        this.profile = p;
        this.state = state;
        this.graph = graph;
        this.ops = LoweredOps.lower(graph, p, state);
    }

    /**
     * Lowers {@code graph} onto {@code profile}: an {@code InputException} for a precision the chip has
     * neither natively nor by fallback.
     */
    public static Plan compile(Graph graph, HardwareProfile profile) {
        return compile(graph, profile, MemoryState.IN_GRAPH);
    }

    /**
     * As {@link #compile(Graph, HardwareProfile)}, for ops that run in {@code state}: {@link MemoryState#WARM}
     * for ops timed one at a time in a loop, as a microbenchmark does.
     */
    public static Plan compile(Graph graph, HardwareProfile profile, MemoryState state) {
        return new Plan(Objects.requireNonNull(graph, "graph"), Objects.requireNonNull(profile, "profile"),
                Objects.requireNonNull(state, "state"));
    }

    /** One plan per profile, in order. */
    public static List<Plan> compile(Graph graph, List<HardwareProfile> profiles) {
        List<Plan> plans = new ArrayList<>(profiles.size());
        for (HardwareProfile p : profiles) {
            plans.add(compile(graph, p));
        }
        return plans;
    }

    public HardwareProfile profile() {
        return profile;
    }

    /** The graph the plan currently holds the shapes of. */
    public Graph graph() {
        return graph;
    }

    /** Ops the loop costs: the graph's ops after lowering (a block's ops once, whatever its repeat). */
    public int operationCount() {
        return ops.size;
    }

    /**
     * Points the plan at {@code next}. When {@code next} has the same structure (the same ops by kind,
     * precision and engine, in blocks of the same stages: e.g. the same model at another batch size or
     * context length) only the shape arrays are rewritten, in place, and this returns true; otherwise
     * the plan is lowered afresh and this returns false. If lowering afresh fails the plan is unchanged.
     */
    public boolean update(Graph next) {
        Objects.requireNonNull(next, "graph");
        if (ops.refill(next)) {
            graph = next;
            return true;
        }
        LoweredOps fresh;
        try {
            fresh = LoweredOps.lower(next, profile, state);
        } catch (RuntimeException e) {
            ops.refill(graph);
            throw e;
        }
        ops = fresh;
        graph = next;
        return false;
    }

    /**
     * Costs one execution of the graph into {@code out}, allocating nothing.
     *
     * @throws ArithmeticException if a total is not finite (inputs out of range), as the rich
     *     results refuse NaN and Infinity
     */
    public void evaluate(PlanTotals out) {
        Kernel.run(ops, out, null, graph.name());
    }

    /**
     * {@link #evaluate(PlanTotals)} with the chip's figures multiplied by {@code scales} (an uncertainty
     * sample, a what-if), without recompiling; null or {@link FigureScales#NONE} gives the same totals.
     */
    public void evaluate(PlanTotals out, FigureScales scales) {
        Kernel.run(ops, out, null, graph.name(), null, null, 0, 0, scales);
    }

    /**
     * The rich evaluation of the current graph: the kernel's cost of every op recorded as an
     * {@link OpResult}, with per-kind, per-bound, per-stage and per-block totals (allocates).
     */
    public Evaluation evaluation() {
        final LoweredOps o = ops;
        List<OpResult> results = new ArrayList<>(o.size);
        Kernel.run(o, new PlanTotals(), (b, i, latency, energy, peak, bound, compute, memory, link, overhead) ->
                results.add(new OpResult(o.blockName[b], o.blockStage[b], o.op[i], o.repeatCount[b], o.engine[i],
                        Optional.ofNullable(o.precision[i]), BOUNDS[bound], compute, memory, link, overhead, latency,
                        energy, CostFormulas.dollars(latency, o.pricePerHour), peak,
                        o.mode[i] == LoweredOps.NATIVE || o.mode[i] == LoweredOps.COLLECTIVE, o.notes.get(i))),
                graph.name());
        List<BlockResult> blocks = new ArrayList<>(o.blocks);
        Map<OpKind, Totals> byKind = new EnumMap<>(OpKind.class);
        Map<Bound, Totals> byBound = new EnumMap<>(Bound.class);
        Map<Stage, Totals> byStage = new EnumMap<>(Stage.class);
        Set<Note> notes = new LinkedHashSet<>();
        Totals total = Totals.ZERO;
        int i = 0;
        for (int b = 0; b < o.blocks; b++) {
            long repeat = o.repeatCount[b];
            Totals perRepeat = Totals.ZERO;
            double[] boundSeconds = new double[BOUNDS.length];
            for (; i < o.blockEnd[b]; i++) {
                OpResult r = results.get(i);
                boundSeconds[r.bound().ordinal()] += r.latencySeconds();
                notes.addAll(r.notes());
                Totals one = r.perExecution();
                perRepeat = perRepeat.plus(one);
                Totals all = one.times(repeat);
                byKind.merge(o.kind[i], all, Totals::plus);
                byBound.merge(r.bound(), all, Totals::plus);
            }
            Totals blockTotal = perRepeat.times(repeat);
            blocks.add(new BlockResult(o.blockName[b], o.blockStage[b], repeat, perRepeat, blockTotal,
                    Bound.mostTime(boundSeconds)));
            byStage.merge(o.blockStage[b], blockTotal, Totals::plus);
            total = total.plus(blockTotal);
        }
        return new Evaluation(graph.name(), profile.name(), results, blocks, byKind, byBound, byStage, total,
                new ArrayList<>(notes));
    }

    /** Each lowered op's latency of one execution into {@code out} (length {@link #operationCount()}). */
    void latencies(double[] out) {
        Kernel.run(ops, new PlanTotals(), (b, i, latency, energy, peak, bound, compute, memory, link, overhead) ->
                out[i] = latency, graph.name());
    }
}
