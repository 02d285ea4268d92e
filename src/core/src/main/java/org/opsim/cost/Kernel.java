package org.opsim.cost;

import org.opsim.internal.cost.CostFormulas;

/**
 * The one place an operator's cost is composed (formulas: {@code docs/cost-model.md}): every op of a
 * {@link LoweredOps}, everything about how the chip runs it already resolved by lowering. The
 * compiled plan's evaluation ({@link Plan#evaluate}) runs it with no sink; the object API
 * ({@link Plan#evaluation()}, {@link CostModel}) runs the same loop with a sink that records each op
 * as an {@link OpResult}, so the two cannot disagree. The arithmetic itself is {@link CostFormulas}'s.
 * Allocation-free. It is one method, the loop and the per-op cost together, so that the compiler
 * keeps every term in registers whatever it decides to inline.
 *
 * <ul>
 * <li>Native: {@code max(effective matrix FLOPs / (peak × e_c), vector FLOPs / (peak × e_c),
 *   max(main-memory bytes / min(bandwidth × e_m, cap) + on-chip bytes / on-chip rate, row chain))} +
 *   overhead, and at least the stack's per-call floor.</li>
 * <li>Vector fallback: all FLOPs on the vector unit; the roofline time × penalty, + overhead.</li>
 * <li>Host fallback: (2 × bytes over the host link + FLOPs at the host's rate) × penalty, + dispatch
 *   overhead + host latency.</li>
 * <li>Collective: ring (all-gather) or the faster of ring and tree (all-reduce) on the chip's link,
 *   + overhead; nothing when the group is one chip.</li>
 * </ul>
 *
 * <p>Totals are summed per block, then × repeat; dollars are taken once from the total latency (every
 * op costs the chip's hourly price for its time, so the dollars of the sum equal the sum of the
 * dollars, to rounding).
 */
final class Kernel {
    static final int COMPUTE = Bound.COMPUTE.ordinal();
    static final int MEMORY = Bound.MEMORY.ordinal();
    static final int OVERHEAD = Bound.OVERHEAD.ordinal();
    static final int INTERCONNECT = Bound.INTERCONNECT.ordinal();
    static final int HOST = Bound.HOST.ordinal();

    private Kernel() {
    }

    /** Receives each op's cost of one execution, in graph order (the object API's recorder). */
    interface OpSink {
        /**
         * @param block the op's block
         * @param op the op's index among the lowered ops
         * @param bound the {@link Bound}'s ordinal
         * @param peakFlopsPerSecond Σ peaks of the engines used (host FLOP/s for a host fallback)
         */
        void op(int block, int op, double latencySeconds, double energyJoules, double peakFlopsPerSecond, int bound,
                double computeSeconds, double memorySeconds, double linkSeconds, double overheadSeconds);
    }

    /**
     * Costs one execution of every op of {@code o} into {@code out} (totals and seconds per bound),
     * telling {@code sink} each op's cost when it is not null.
     *
     * @throws ArithmeticException if a total is not finite (inputs out of range)
     */
    static void run(LoweredOps o, PlanTotals out, OpSink sink, String graphName) {
        final byte[] mode = o.mode;
        final double[] bound = out.boundSeconds;
        out.clear();
        final double bandwidth = o.bandwidth;
        final double idleWatts = o.idleWatts;
        final double tdpWatts = o.tdpWatts;
        final boolean coefficients = o.coefficients;
        final double joulesPerByte = o.joulesPerByte;
        double tLatency = 0;
        double tFlops = 0;
        double tBytes = 0;
        double tEnergy = 0;
        double tCapacity = 0;
        long signature = 0;
        int i = 0;
        for (int b = 0; b < o.blocks; b++) {
            final int end = o.blockEnd[b];
            final double repeat = o.repeat[b];
            double latencySum = 0;
            double energySum = 0;
            double capacitySum = 0;
            for (; i < end; i++) {
                final double flops = o.flops[i];
                final double bytes = o.bytes[i];
                double compute;
                double memory;
                double link;
                double overhead;
                double latency;
                double energy;
                double peakUsed;
                int limit;
                switch (mode[i]) {
                    case LoweredOps.NATIVE -> {
                        compute = 0;
                        double flopJoules = 0;
                        peakUsed = 0;
                        double work = o.matrixFlops[i];
                        if (work > 0) {
                            compute = Math.max(compute, CostFormulas.engineSeconds(o.effectiveMatrixFlops[i],
                                    o.matrixPeak[i], o.matrixEff[i]));
                            peakUsed += o.matrixPeak[i];
                            flopJoules += work * o.matrixJoulesPerFlop[i];
                        }
                        work = o.vectorFlops[i];
                        if (work > 0) {
                            compute = Math.max(compute, CostFormulas.engineSeconds(work, o.vectorPeak[i], o.vectorEff[i]));
                            peakUsed += o.vectorPeak[i];
                            flopJoules += work * o.vectorJoulesPerFlop[i];
                        }
                        final boolean fused = o.fused[i];
                        memory = fused ? CostFormulas.memorySeconds(o.fusedBytes[i], bandwidth, o.memoryEff[i], o.memoryCap[i])
                                : CostFormulas.twoLevelSeconds(bytes, o.onChipBytes[i], bandwidth, o.memoryEff[i],
                                o.memoryCap[i], o.onChipRate, o.chainSeconds[i]);
                        double roof = Math.max(compute, memory);
                        link = 0;
                        overhead = Math.max(o.overhead[i], o.floor[i] - roof);
                        latency = roof + overhead;
                        limit = bound(overhead, roof, compute, memory);
                        energy = CostFormulas.computeEnergy(coefficients, flops, fused ? o.fusedBytes[i] : bytes, flopJoules, latency,
                                peakUsed, joulesPerByte, bandwidth, idleWatts, tdpWatts);
                    }
                    case LoweredOps.VECTOR_FALLBACK -> {
                        double peak = o.vectorPeak[i];
                        compute = flops > 0 ? CostFormulas.engineSeconds(flops, peak, o.vectorEff[i]) : 0;
                        memory = CostFormulas.twoLevelSeconds(bytes, o.onChipBytes[i], bandwidth, o.memoryEff[i],
                                o.memoryCap[i], o.onChipRate, o.chainSeconds[i]);
                        double roof = o.penalty[i] * Math.max(compute, memory);
                        link = 0;
                        overhead = Math.max(o.overhead[i], o.floor[i] - roof);
                        latency = roof + overhead;
                        limit = bound(overhead, roof, compute, memory);
                        peakUsed = flops > 0 ? peak : 0;
                        energy = CostFormulas.computeEnergy(coefficients, flops, bytes, flops * o.vectorJoulesPerFlop[i],
                                latency, peakUsed, joulesPerByte, bandwidth, idleWatts, tdpWatts);
                    }
                    case LoweredOps.HOST_FALLBACK -> {
                        memory = CostFormulas.hostTransferSeconds(bytes, o.hostBandwidth);
                        compute = CostFormulas.hostComputeSeconds(flops, o.hostFlopsPerSecond);
                        link = o.penalty[i] * (memory + compute);
                        overhead = o.overhead[i];
                        latency = link + overhead;
                        limit = HOST;
                        peakUsed = o.hostFlopsPerSecond;
                        // The chip idles while the host works; its memory still sources and sinks the transfer.
                        energy = idleWatts * latency + CostFormulas.memoryByteEnergy(coefficients, bytes, latency,
                                joulesPerByte, bandwidth, idleWatts, tdpWatts);
                    }
                    default -> {
                        int g = o.groupSize[i];
                        compute = 0;
                        memory = 0;
                        link = 0;
                        double linkBytes = 0;
                        overhead = 0;
                        if (g > 1) {
                            boolean allReduce = o.allReduce[i];
                            boolean tree = o.tree[i];
                            linkBytes = CostFormulas.chipCollectiveLinkBytes(allReduce, tree, g, bytes);
                            link = CostFormulas.chipCollectiveSeconds(allReduce, tree, g, o.linkLatency, bytes,
                                    o.linkBandwidth, o.memoryEff[i]);
                            overhead = o.overhead[i];
                        }
                        latency = link + overhead;
                        limit = overhead > link ? OVERHEAD : INTERCONNECT;
                        peakUsed = 0;
                        energy = CostFormulas.collectiveEnergy(idleWatts, latency, linkBytes, o.linkJoulesPerByte);
                    }
                }
                latencySum += latency;
                energySum += energy;
                capacitySum += latency * peakUsed;
                bound[limit] += latency * repeat;
                signature = signature * 5 + limit;
                if (sink != null) {
                    sink.op(b, i, latency, energy, peakUsed, limit, compute, memory, link, overhead);
                }
            }
            tLatency += latencySum * repeat;
            // FLOPs and bytes depend on the shapes only: summed per block when the plan is filled.
            tFlops += o.blockFlops[b] * repeat;
            tBytes += o.blockBytes[b] * repeat;
            tEnergy += energySum * repeat;
            tCapacity += capacitySum * repeat;
        }
        double tCost = CostFormulas.dollars(tLatency, o.pricePerHour);
        if (!(Double.isFinite(tLatency) && Double.isFinite(tFlops) && Double.isFinite(tBytes)
                && Double.isFinite(tEnergy) && Double.isFinite(tCost) && Double.isFinite(tCapacity))) {
            throw new ArithmeticException(graphName + " on " + o.profile.name()
                    + ": a total is not a finite number: inputs out of range");
        }
        out.latencySeconds = tLatency;
        out.flops = tFlops;
        out.bytes = tBytes;
        out.energyJoules = tEnergy;
        out.costUsd = tCost;
        out.peakFlopCapacity = tCapacity;
        out.boundSignature = signature;
    }

    /**
     * What limited an on-chip op ({@link Bound} ordinal): overhead if it exceeds the roofline, else the
     * longer roofline term (ties: compute).
     */
    static int bound(double overheadSeconds, double roofSeconds, double computeSeconds, double memorySeconds) {
        return overheadSeconds > roofSeconds ? OVERHEAD : computeSeconds >= memorySeconds ? COMPUTE : MEMORY;
    }
}
