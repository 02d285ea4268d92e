package org.opsim.sweep;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.opsim.cost.Plan;
import org.opsim.cost.PlanTotals;
import org.opsim.graph.Graph;
import org.opsim.hardware.HardwareProfile;
import org.opsim.io.InputException;
import org.opsim.model.Model;
import org.opsim.model.Workload;

/**
 * Costs a run of consecutive workloads on every profile, on one thread. It keeps one compiled
 * {@link Plan} per (variant, profile) and, for each workload, builds the graph once, then only
 * rewrites each plan's shapes and evaluates it. The rows come back as text, with the chunk's skips
 * and its own Pareto frontier.
 */
final class ChunkWorker {

    /** A chunk's output: {@code points} configurations, {@code rows} of them written as {@code text}. */
    record Chunk(long points, long rows, CharSequence text, Map<String, Long> skipped,
                 ParetoFrontier<SweepRow> frontier) {
    }

    static final String OVERSIZED = "does not fit in the chip's memory";
    private static final int MAX_PLANS = 4096;

    private final Model model;
    private final SweepSpace space;
    private final List<HardwareProfile> profiles;
    private final double[] capacity;
    private final boolean keepOversized;
    private final RowFormat format;
    private final Metric x;
    private final Metric y;
    /** Per (variant × profiles + profile): a Plan, or the reason the chip cannot run that variant. */
    private final Map<Long, Object> plans = new HashMap<>();
    private final PlanTotals totals = new PlanTotals();

    ChunkWorker(Model model, SweepSpace space, List<HardwareProfile> profiles, boolean keepOversized,
                RowFormat format, Metric x, Metric y) {
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
        StringBuilder text = new StringBuilder((int) Math.min(1 << 20, (to - from) * n * 280));
        Map<String, Long> skipped = new LinkedHashMap<>();
        ParetoFrontier<SweepRow> frontier = new ParetoFrontier<>();
        long rows = 0;
        for (long i = from; i < to; i++) {
            Workload w = space.workload(i);
            double memory;
            Graph graph;
            try {
                memory = model.memoryFootprint(w).totalBytes();
                if (!keepOversized && !fitsAnywhere(memory)) {
                    skipped.merge(OVERSIZED, (long) n, Long::sum);
                    continue;
                }
                graph = model.graph(w);
            } catch (IllegalArgumentException e) {
                skipped.merge(e.getMessage(), (long) n, Long::sum);
                continue;
            }
            long variant = space.variantOf(i);
            for (int p = 0; p < n; p++) {
                boolean fits = memory <= capacity[p];
                if (!fits && !keepOversized) {
                    skipped.merge(OVERSIZED, 1L, Long::sum);
                    continue;
                }
                String failure = evaluate(variant * n + p, graph, profiles.get(p));
                if (failure != null) {
                    skipped.merge(failure, 1L, Long::sum);
                    continue;
                }
                SweepRow row = new SweepRow(profiles.get(p).name(), w, w.tokens(), totals.latencySeconds(),
                        totals.energyJoules(), totals.costUsd(), totals.fractionOfPeak(), totals.dominantBound(),
                        memory, fits);
                if (rows++ > 0) {
                    text.append(format.separator());
                }
                format.append(text, row);
                if (fits) {
                    frontier.offer(x.cost(row), y.cost(row), row);
                }
            }
        }
        return new Chunk((to - from) * n, rows, text, skipped, frontier);
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
