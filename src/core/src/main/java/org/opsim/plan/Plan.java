package org.opsim.plan;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.opsim.cost.Bound;
import org.opsim.cost.CostFormulas;
import org.opsim.cost.CostModel;
import org.opsim.cost.Evaluation;
import org.opsim.graph.Graph;
import org.opsim.hardware.HardwareProfile;

/**
 * A graph compiled onto one chip: every op lowered once into flat primitive arrays (FLOPs per
 * engine, bytes, resolved peaks, efficiency-curve indices, overheads, caps, penalties, energy
 * coefficients, block repeats), evaluated by a tight loop that allocates nothing.
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
 * <p>The loop computes each op with the same {@link CostFormulas} calls, in the same order, as
 * {@link CostModel}, and sums per block then × repeat as {@link CostModel#evaluate} does, so its
 * totals equal {@code CostModel.evaluate(graph, profile).total()} to rounding: two steps are
 * rearranged for speed, efficiency curves interpolate with a precomputed slope ({@code CurveTable}), read
 * once per shape when the plan is lowered or updated rather than on every evaluation,
 * and dollars are taken once from the total latency (a test holds every total within 1e-12
 * relative on every shipped model and profile).
 *
 * <p>{@link #evaluate} only reads the plan, so many threads may evaluate one plan, each with its
 * own {@link PlanTotals}; {@link #update} changes it, so a plan that is updated belongs to one
 * thread.
 */
public final class Plan {
    private final HardwareProfile profile;
    private final double bandwidth;
    private final double idleWatts;
    private final double tdpWatts;
    private final double pricePerHour;
    private final boolean coefficients;
    private final double joulesPerByte;
    private final double linkLatency;
    private final double linkBandwidth;
    private final double linkJoulesPerByte;
    private final double hostBandwidth;
    private final double hostFlopsPerSecond;
    private Graph graph;
    private LoweredOps ops;

    private Plan(Graph graph, HardwareProfile p) {
        this.profile = p;
        this.graph = graph;
        this.ops = LoweredOps.lower(graph, p);
        bandwidth = p.memory().bandwidthBytesPerSecond().value();
        idleWatts = p.power().idleWatts().value();
        tdpWatts = p.power().tdpWatts().value();
        pricePerHour = p.pricePerChipHourUsd().value();
        coefficients = p.power().hasEnergyCoefficients();
        joulesPerByte = CostFormulas.joulesPerByte(p);
        linkLatency = p.interconnect().latencySeconds().value();
        linkBandwidth = p.interconnect().bandwidthBytesPerSecond().value();
        linkJoulesPerByte = CostFormulas.linkJoulesPerByte(p);
        hostBandwidth = p.support().host().map(h -> h.bandwidthBytesPerSecond().value()).orElse(Double.NaN);
        hostFlopsPerSecond = p.support().host().map(h -> h.flopsPerSecond().value()).orElse(Double.NaN);
    }

    /**
     * Lowers {@code graph} onto {@code profile}. Fails as {@link CostModel#evaluate} would: an
     * {@code InputException} for a precision the chip has neither natively nor by fallback.
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
     * precision and engine, in the same blocks: e.g. the same model at another batch size or context
     * length) only the shape arrays are rewritten, in place, and this returns true; otherwise the
     * plan is lowered afresh and this returns false. If lowering afresh fails the plan is unchanged.
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

    /** The rich per-op, per-kind, per-block evaluation of the current graph (allocates; uses CostModel). */
    public Evaluation evaluation() {
        return CostModel.evaluate(graph, profile);
    }

    /**
     * Costs one execution of the graph into {@code out}, allocating nothing.
     *
     * @throws ArithmeticException if a total is not finite (inputs out of range), as the rich
     *     results refuse NaN and Infinity
     */
    public void evaluate(PlanTotals out) {
        final LoweredOps o = ops;
        final byte[] mode = o.mode;
        final double[] flopsA = o.flops;
        final double[] bytesA = o.bytes;
        final double[] bound = out.boundSeconds;
        Arrays.fill(bound, 0.0);
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
                final double flops = flopsA[i];
                final double bytes = bytesA[i];
                double latency;
                double energy;
                double peakUsed;
                Bound limit;
                switch (mode[i]) {
                    case LoweredOps.NATIVE -> {
                        double compute = 0;
                        double flopJoules = 0;
                        peakUsed = 0;
                        double work = o.matrixFlops[i];
                        if (work > 0) {
                            double ec = o.matrixEff[i];
                            compute = Math.max(compute,
                                    CostFormulas.engineSeconds(o.effectiveMatrixFlops[i], o.matrixPeak[i], ec));
                            peakUsed += o.matrixPeak[i];
                            flopJoules += work * o.matrixJoulesPerFlop[i];
                        }
                        work = o.vectorFlops[i];
                        if (work > 0) {
                            double ec = o.vectorEff[i];
                            compute = Math.max(compute, CostFormulas.engineSeconds(work, o.vectorPeak[i], ec));
                            peakUsed += o.vectorPeak[i];
                            flopJoules += work * o.vectorJoulesPerFlop[i];
                        }
                        double memory = CostFormulas.memorySeconds(bytes, bandwidth,
                                o.memoryEff[i], o.memoryCap[i]);
                        double roof = Math.max(compute, memory);
                        double overhead = o.overhead[i];
                        latency = roof + overhead;
                        limit = CostFormulas.bound(overhead, roof, compute, memory);
                        energy = CostFormulas.computeEnergy(coefficients, flops, bytes, flopJoules, latency, peakUsed,
                                joulesPerByte, bandwidth, idleWatts, tdpWatts);
                    }
                    case LoweredOps.VECTOR_FALLBACK -> {
                        double peak = o.vectorPeak[i];
                        double compute = flops > 0
                                ? CostFormulas.engineSeconds(flops, peak, o.vectorEff[i])
                                : 0;
                        double memory = CostFormulas.memorySeconds(bytes, bandwidth,
                                o.memoryEff[i], o.memoryCap[i]);
                        double roof = o.penalty[i] * Math.max(compute, memory);
                        double overhead = o.overhead[i];
                        latency = roof + overhead;
                        limit = CostFormulas.bound(overhead, roof, compute, memory);
                        peakUsed = flops > 0 ? peak : 0;
                        energy = CostFormulas.computeEnergy(coefficients, flops, bytes,
                                flops * o.vectorJoulesPerFlop[i], latency, peakUsed, joulesPerByte, bandwidth,
                                idleWatts, tdpWatts);
                    }
                    case LoweredOps.HOST_FALLBACK -> {
                        double transfer = CostFormulas.hostTransferSeconds(bytes, hostBandwidth);
                        double hostCompute = CostFormulas.hostComputeSeconds(flops, hostFlopsPerSecond);
                        latency = o.penalty[i] * (transfer + hostCompute) + o.overhead[i];
                        limit = Bound.HOST;
                        peakUsed = hostFlopsPerSecond;
                        energy = idleWatts * latency + CostFormulas.memoryByteEnergy(coefficients, bytes, latency,
                                joulesPerByte, bandwidth, idleWatts, tdpWatts);
                    }
                    default -> {
                        int g = o.groupSize[i];
                        double link = 0;
                        double linkBytes = 0;
                        double overhead = 0;
                        if (g > 1) {
                            boolean allReduce = o.allReduce[i];
                            double efficiency = o.memoryEff[i];
                            boolean tree = o.tree[i];
                            linkBytes = CostFormulas.chipCollectiveLinkBytes(allReduce, tree, g, bytes);
                            link = CostFormulas.chipCollectiveSeconds(allReduce, tree, g, linkLatency, bytes, linkBandwidth,
                                    efficiency);
                            overhead = o.overhead[i];
                        }
                        latency = link + overhead;
                        limit = overhead > link ? Bound.OVERHEAD : Bound.INTERCONNECT;
                        peakUsed = 0;
                        energy = CostFormulas.collectiveEnergy(idleWatts, latency, linkBytes, linkJoulesPerByte);
                    }
                }
                latencySum += latency;
                flopsSum += flops;
                bytesSum += bytes;
                energySum += energy;
                capacitySum += latency * peakUsed;
                bound[limit.ordinal()] += latency * repeat;
            }
            tLatency += latencySum * repeat;
            tFlops += flopsSum * repeat;
            tBytes += bytesSum * repeat;
            tEnergy += energySum * repeat;
            tCapacity += capacitySum * repeat;
        }
        // Every op, on-chip, host or link, costs the chip's hourly price for its latency: the dollars
        // of the sum equal the sum of the dollars (to rounding), one division instead of one per op.
        double tCost = CostFormulas.dollars(tLatency, pricePerHour);
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
}
