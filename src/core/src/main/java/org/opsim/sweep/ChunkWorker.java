package org.opsim.sweep;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.opsim.cost.GenerationPlan;
import org.opsim.cost.ParametricPlan;
import org.opsim.cost.Plan;
import org.opsim.cost.PlanTotals;
import org.opsim.graph.Graph;
import org.opsim.hardware.HardwareProfile;
import org.opsim.internal.io.DoubleText;
import org.opsim.io.InputException;
import org.opsim.model.Model;
import org.opsim.model.Workload;

/**
 * Costs a run of consecutive workloads on every profile, on one thread. Per (variant, profile) it
 * keeps a workload-parametric plan (decode: {@link ParametricPlan} over batch × context; prefill: over
 * batch × prompt; generation: a {@link GenerationPlan} at the variant's generated tokens), copied from
 * the sweep's shared one, so a workload is costed without building its graph; where the model's graphs
 * are not closed-form over the space (refused by name at compile), or for training, it builds each
 * workload's graph once and rewrites a compiled {@link Plan}'s shapes, as before. For decode and prefill
 * both give the same totals (to 1e-12; the parametric plans are checked against built graphs,
 * docs/cost-model.md §17); for a generation the plan sums the decode steps by §17.3's rule (within 1e-9 of
 * the step-by-step sum) where the graph sums 16 context segments at their means. The rows come
 * back as text (numbers by {@code DoubleText}, allocation-free), with the chunk's skips and its own Pareto
 * frontier.
 */
final class ChunkWorker {

    /**
     * A chunk's output: {@code points} configurations, {@code rows} of them written as {@code text}, or,
     * for a sink (no format), kept as {@code kept}.
     */
    record Chunk(long points, long rows, CharSequence text, List<SweepRow> kept, Map<String, Long> skipped,
                 ParetoFrontier<SweepRow> frontier) {
    }

    static final String OVERSIZED = "does not fit in the chip's memory";
    private static final int MAX_PLANS = 4096;

    private final Model model;
    private final SweepSpace space;
    private final List<HardwareProfile> profiles;
    private final double[] capacity;
    private final boolean keepOversized;
    /** How rows are written; null: kept as records for a sink. */
    private final RowFormat format;
    private final Metric x;
    private final Metric y;
    /** Per (variant × profiles + profile): a Plan, or the reason the chip cannot run that variant. */
    private final Map<Long, Object> plans = new HashMap<>();
    /** Per (variant × profiles + profile): this thread's copy of the sweep's parametric plan, if any. */
    private final Map<Long, Object> parametric = new HashMap<>();
    private final SharedPlans shared;
    private final PlanTotals totals = new PlanTotals();
    private final DoubleText numbers = new DoubleText();

    ChunkWorker(Model model, SweepSpace space, List<HardwareProfile> profiles, boolean keepOversized,
                RowFormat format, Metric x, Metric y, SharedPlans shared) {
        this.shared = shared;
        this.model = model;
        this.space = space;
        this.profiles = profiles;
        this.keepOversized = keepOversized;
        this.format = format;
        this.x = x;
        this.y = y;
        capacity = new double[profiles.size()];
        for (int p = 0; p < capacity.length; p++) {
            capacity[p] = profiles.get(p).memory().capacityBytes().value();
        }
    }

    Chunk run(long from, long to) {
        int n = profiles.size();
        StringBuilder text = format == null ? null : new StringBuilder((int) Math.min(1 << 20, (to - from) * n * 280));
        List<SweepRow> kept = format == null ? new ArrayList<>((int) Math.min(1 << 16, (to - from) * n)) : null;
        Map<String, Long> skipped = new LinkedHashMap<>();
        ParetoFrontier<SweepRow> frontier = new ParetoFrontier<>();
        long rows = 0;
        for (long i = from; i < to; i++) {
            Workload w = space.workload(i);
            long variant = space.variantOf(i);
            double memory;
            Graph graph = null;
            try {
                memory = model.memoryFootprint(w).totalBytes();
                if (!keepOversized && !fitsAnywhere(memory)) {
                    skipped.merge(OVERSIZED, (long) n, Long::sum);
                    continue;
                }
                if (!allParametric(variant, w)) {
                    graph = model.graph(w);
                }
            } catch (IllegalArgumentException e) {
                skipped.merge(e.getMessage(), (long) n, Long::sum);
                continue;
            }
            for (int p = 0; p < n; p++) {
                boolean fits = memory <= capacity[p];
                if (!fits && !keepOversized) {
                    skipped.merge(OVERSIZED, 1L, Long::sum);
                    continue;
                }
                long key = variant * n + p;
                Object plan = parametric.get(key);
                String failure = plan != null && !(plan instanceof String) ? evaluate(plan, w)
                        : evaluate(key, graph != null ? graph : model.graph(w), profiles.get(p));
                if (failure != null) {
                    skipped.merge(failure, 1L, Long::sum);
                    continue;
                }
                SweepRow row = new SweepRow(profiles.get(p).name(), w, w.tokens(), totals.latencySeconds(),
                        totals.energyJoules(), totals.costUsd(), totals.fractionOfPeak(), totals.dominantBound(),
                        memory, fits);
                if (kept != null) {
                    kept.add(row);
                } else {
                    if (rows > 0) {
                        text.append(format.separator());
                    }
                    format.append(text, row, numbers);
                }
                rows++;
                if (fits) {
                    frontier.offer(x.cost(row), y.cost(row), row);
                }
            }
        }
        return new Chunk((to - from) * n, rows, text, kept, skipped, frontier);
    }

    /**
     * Whether every profile costs {@code variant} by a parametric plan (this thread's copy made on first
     * use). A plan the sweep could not make is a String: the graph path for that profile.
     */
    private boolean allParametric(long variant, Workload like) {
        boolean all = true;
        for (int p = 0; p < profiles.size(); p++) {
            long key = variant * profiles.size() + p;
            Object plan = parametric.get(key);
            if (plan == null) {
                Object master = shared.plan(key, model, like, profiles.get(p), space);
                plan = master instanceof ParametricPlan pp ? pp.copy() : master instanceof GenerationPlan gp ? gp.copy() : master;
                parametric.put(key, plan);
            }
            all &= !(plan instanceof String);
        }
        return all;
    }

    /** Evaluates workload {@code w} on a parametric plan into {@link #totals}; returns why it could not, or null. */
    private String evaluate(Object plan, Workload w) {
        try {
            if (plan instanceof GenerationPlan g) {
                g.evaluate(w.batch(), w.sequenceLength(), w.generatedTokens(), totals);
            } else {
                ((ParametricPlan) plan).evaluate(w.batch(), w.sequenceLength(), totals);
            }
            return null;
        } catch (ArithmeticException e) {
            return "a figure is not finite (inputs out of range)";
        }
    }

    private boolean fitsAnywhere(double memory) {
        for (double c : capacity) {
            if (memory <= c) {
                return true;
            }
        }
        return false;
    }

    /** Evaluates {@code graph} into {@link #totals}; returns why it could not, or null. */
    private String evaluate(long key, Graph graph, HardwareProfile profile) {
        Object cached = plans.get(key);
        if (cached instanceof String reason) {
            return reason;
        }
        try {
            if (cached == null) {
                if (plans.size() >= MAX_PLANS) {
                    plans.clear();
                }
                Plan plan = Plan.compile(graph, profile);
                plans.put(key, plan);
                plan.evaluate(totals);
            } else {
                Plan plan = (Plan) cached;
                plan.update(graph);
                plan.evaluate(totals);
            }
            return null;
        } catch (InputException e) {
            // The chip cannot run a precision of this variant: true of every batch size and length.
            String reason = e.getMessage();
            plans.put(key, reason);
            return reason;
        } catch (ArithmeticException e) {
            return "a figure is not finite (inputs out of range)";
        }
    }
}
