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
    private final HardwareProfile profile;
    private Graph graph;
    private LoweredOps ops;

    private Plan(Graph graph, HardwareProfile p) {
        this.profile = p;
        this.graph = graph;
        this.ops = LoweredOps.lower(graph, p);
    }

    /**
     * Lowers {@code graph} onto {@code profile}: an {@code InputException} for a precision the chip has
     * neither natively nor by fallback.
     */
    public static Plan compile(Graph graph, HardwareProfile profile) {
        return new Plan(Objects.requireNonNull(graph, "graph"), Objects.requireNonNull(profile, "profile"));
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
            fresh = LoweredOps.lower(next, profile);
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
        final LoweredOps o = ops;
        final OpCost s = out.scratch;
        final double[] bound = out.boundSeconds;
        final double[] kind = out.kindSeconds;
        final double[] stage = out.stageSeconds;
        out.clear();
        double tLatency = 0;
        double tFlops = 0;
        double tBytes = 0;
        double tEnergy = 0;
        double tCapacity = 0;
        int i = 0;
        for (int b = 0; b < o.blocks; b++) {
            final int end = o.blockEnd[b];
            final double repeat = o.repeat[b];
            double latencySum = 0;
            double flopsSum = 0;
            double bytesSum = 0;
            double energySum = 0;
            double capacitySum = 0;
            for (; i < end; i++) {
                Kernel.cost(o, i, s);
                final double latency = s.latencySeconds;
                latencySum += latency;
                flopsSum += o.flops[i];
                bytesSum += o.bytes[i];
                energySum += s.energyJoules;
                capacitySum += latency * s.peakFlopsPerSecond;
                bound[s.bound.ordinal()] += latency * repeat;
                kind[o.kind[i].ordinal()] += latency * repeat;
            }
            stage[o.blockStage[b].ordinal()] += latencySum * repeat;
            tLatency += latencySum * repeat;
            tFlops += flopsSum * repeat;
            tBytes += bytesSum * repeat;
            tEnergy += energySum * repeat;
            tCapacity += capacitySum * repeat;
        }
        double tCost = CostFormulas.dollars(tLatency, o.pricePerHour);
        if (!(Double.isFinite(tLatency) && Double.isFinite(tFlops) && Double.isFinite(tBytes)
                && Double.isFinite(tEnergy) && Double.isFinite(tCost) && Double.isFinite(tCapacity))) {
            throw new ArithmeticException(graph.name() + " on " + profile.name()
                    + ": a total is not a finite number: inputs out of range");
        }
        out.latencySeconds = tLatency;
        out.flops = tFlops;
        out.bytes = tBytes;
        out.energyJoules = tEnergy;
        out.costUsd = tCost;
        out.peakFlopCapacity = tCapacity;
    }

    /**
     * The rich evaluation of the current graph: the kernel's cost of every op recorded as an
     * {@link OpResult}, with per-kind, per-bound, per-stage and per-block totals (allocates).
     */
    public Evaluation evaluation() {
        final LoweredOps o = ops;
        OpCost s = new OpCost();
        List<OpResult> results = new ArrayList<>(o.size);
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
            double[] boundSeconds = new double[Bound.values().length];
            for (; i < o.blockEnd[b]; i++) {
                Kernel.cost(o, i, s);
                OpResult r = new OpResult(o.blockName[b], o.blockStage[b], o.op[i], repeat, o.engine[i],
                        Optional.ofNullable(o.precision[i]), s.bound, s.computeSeconds, s.memorySeconds, s.linkSeconds,
                        s.overheadSeconds, s.latencySeconds, s.energyJoules,
                        CostFormulas.dollars(s.latencySeconds, o.pricePerHour), s.peakFlopsPerSecond,
                        o.mode[i] == LoweredOps.NATIVE || o.mode[i] == LoweredOps.COLLECTIVE, o.notes.get(i));
                results.add(r);
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
        final LoweredOps o = ops;
        OpCost s = new OpCost();
        for (int i = 0; i < o.size; i++) {
            Kernel.cost(o, i, s);
            out[i] = s.latencySeconds;
        }
    }
}
