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
 * <li>Collective: ring (all-gather) or the fastest all-reduce algorithm the stack's library allows
 *   (NCCL's ring and tree; the serving engines' one-shot and two-shot) on the chip's link, + overhead;
 *   nothing when the group is one chip.</li>
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
        run(o, out, sink, graphName, null, null, 0, 0, null);
    }

    /** The totals {@link #run} adds to, in a {@code base} array from {@code baseAt}: these, then seconds per bound. */
    static final int LATENCY = 0;
    static final int FLOPS = 1;
    static final int BYTES = 2;
    static final int ENERGY = 3;
    static final int CAPACITY = 4;
    static final int BASE = 5 + Bound.values().length;

    /**
     * {@link #run(LoweredOps, PlanTotals, OpSink, String)} over the ops of {@code only} (null: all), their
     * totals added to the base's ({@code base[baseAt ..]}, {@link #BASE} values, and {@code baseSignature};
     * null: none), which holds the costs of the other ops from an earlier run over them (a parametric plan's
     * ops that depend on the batch alone, costed once per batch), with the chip's figures multiplied by
     * {@code scales} (null: as profiled; {@link FigureScales} says what each multiplies). Each op's cost is
     * the same either way; the totals agree to rounding, and the bound signature exactly (a sum over the
     * ops of each one's bound in its place, {@code LoweredOps.place}).
     */
    static void run(LoweredOps o, PlanTotals out, OpSink sink, String graphName, OpList only, double[] base, int baseAt,
                    long baseSignature, FigureScales scales) {
        final boolean scaled = scales != null;
        final double sMatrix = scaled ? scales.matrixPeak() : 1;
        final double sVector = scaled ? scales.vectorPeak() : 1;
        final double sCompute = scaled ? scales.computeEfficiency() : 1;
        final double sMemory = scaled ? scales.memoryEfficiency() : 1;
        final double sClock = scaled ? scales.clock() : 1;
        final double sOverhead = scaled ? scales.overhead() : 1;
        final double sPower = scaled ? scales.power() : 1;
        final double onChipRate = scaled ? o.onChipRate * scales.onChipBandwidth() : o.onChipRate;
        final double linkLatency = scaled ? o.linkLatency * scales.linkLatency() : o.linkLatency;
        final double linkBandwidth = scaled ? o.linkBandwidth * scales.linkBandwidth() : o.linkBandwidth;
        final double pricePerHour = scaled ? o.pricePerHour * scales.price() : o.pricePerHour;
        final byte[] mode = o.mode;
        final double[] bound = out.boundSeconds;
        out.clear();
        if (base != null) {
            for (int k = 0; k < bound.length; k++) {
                bound[k] = base[baseAt + 5 + k];
            }
        }
        final boolean all = only == null;
        final int[] list = all ? null : only.ops();
        final int[] listEnd = all ? o.blockEnd : only.blockEnd();
        final double bandwidth = scaled ? o.bandwidth * scales.memoryBandwidth() : o.bandwidth;
        final double idleWatts = o.idleWatts;
        final double tdpWatts = o.tdpWatts;
        final boolean coefficients = o.coefficients;
        final double joulesPerByte = o.joulesPerByte;
        double tLatency = base == null ? 0 : base[baseAt + LATENCY];
        double tFlops = base == null ? 0 : base[baseAt + FLOPS];
        double tBytes = base == null ? 0 : base[baseAt + BYTES];
        double tEnergy = base == null ? 0 : base[baseAt + ENERGY];
        double tCapacity = base == null ? 0 : base[baseAt + CAPACITY];
        long signature = base == null ? 0 : baseSignature;
        int k = 0;
        for (int b = 0; b < o.blocks; b++) {
            final int end = listEnd[b];
            final double repeat = o.repeat[b];
            double latencySum = 0;
            double energySum = 0;
            double capacitySum = 0;
            double flopsSum = 0;
            double bytesSum = 0;
            for (; k < end; k++) {
                final int i = all ? k : list[k];
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
                                    o.matrixPeak[i] * sMatrix, scaledEfficiency(o.matrixEff[i], sCompute)));
                            peakUsed += o.matrixPeak[i] * sMatrix;
                            flopJoules += work * o.matrixJoulesPerFlop[i];
                        }
                        work = o.vectorFlops[i];
                        if (work > 0) {
                            compute = Math.max(compute, CostFormulas.engineSeconds(work, o.vectorPeak[i] * sVector,
                                    scaledEfficiency(o.vectorEff[i], sCompute)));
                            peakUsed += o.vectorPeak[i] * sVector;
                            flopJoules += work * o.vectorJoulesPerFlop[i];
                        }
                        final boolean fused = o.fused[i];
                        final double memoryEff = scaledEfficiency(o.memoryEff[i], sMemory);
                        memory = fused ? CostFormulas.memorySeconds(o.fusedBytes[i], bandwidth, memoryEff, o.memoryCap[i] * sClock)
                                : CostFormulas.twoLevelSeconds(bytes, o.onChipBytes[i], bandwidth, memoryEff,
                                o.memoryCap[i] * sClock, onChipRate, o.chainSeconds[i] / sClock);
                        double roof = CostFormulas.roofSeconds(compute, memory, o.overlap[i]);
                        link = 0;
                        overhead = Math.max(o.overhead[i] * (o.overheadInCycles[i] ? sOverhead / sClock : sOverhead),
                                o.floor[i] * sOverhead - roof);
                        latency = roof + overhead;
                        limit = bound(overhead, roof, compute, memory);
                        energy = CostFormulas.computeEnergy(coefficients, flops, fused ? o.fusedBytes[i] : bytes, flopJoules, latency,
                                peakUsed, joulesPerByte, bandwidth, idleWatts, tdpWatts);
                    }
                    case LoweredOps.VECTOR_FALLBACK -> {
                        double peak = o.vectorPeak[i] * sVector;
                        compute = flops > 0 ? CostFormulas.engineSeconds(flops, peak, scaledEfficiency(o.vectorEff[i], sCompute)) : 0;
                        memory = CostFormulas.twoLevelSeconds(bytes, o.onChipBytes[i], bandwidth, scaledEfficiency(o.memoryEff[i], sMemory),
                                o.memoryCap[i] * sClock, onChipRate, o.chainSeconds[i] / sClock);
                        double roof = o.penalty[i] * Math.max(compute, memory);
                        link = 0;
                        overhead = Math.max(o.overhead[i] * (o.overheadInCycles[i] ? sOverhead / sClock : sOverhead),
                                o.floor[i] * sOverhead - roof);
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
                        overhead = o.overhead[i] * sOverhead;
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
                            // The algorithm is the lowering's choice; made again where the link is scaled.
                            int algorithm = scaled && allReduce ? CostFormulas.allReduceAlgorithm(o.allReduceAlgorithms[i], g,
                                    linkLatency, bytes, linkBandwidth, o.memoryEff[i]) : o.algorithm[i];
                            linkBytes = CostFormulas.chipCollectiveLinkBytes(allReduce, algorithm, g, bytes);
                            link = CostFormulas.chipCollectiveSeconds(allReduce, algorithm, g, linkLatency, bytes,
                                    linkBandwidth, o.memoryEff[i]);
                            overhead = o.overhead[i] * sOverhead;
                        }
                        latency = link + overhead;
                        limit = overhead > link ? OVERHEAD : INTERCONNECT;
                        peakUsed = 0;
                        energy = CostFormulas.collectiveEnergy(idleWatts, latency, linkBytes, o.linkJoulesPerByte);
                    }
                }
                energy *= sPower;
                latencySum += latency;
                energySum += energy;
                capacitySum += latency * peakUsed;
                bound[limit] += latency * repeat;
                signature += limit * o.place[i];
                flopsSum += flops;
                bytesSum += bytes;
                if (sink != null) {
                    sink.op(b, i, latency, energy, peakUsed, limit, compute, memory, link, overhead);
                }
            }
            tLatency += latencySum * repeat;
            // FLOPs and bytes depend on the shapes only: summed per block when the plan is filled (all ops).
            tFlops += (all ? o.blockFlops[b] : flopsSum) * repeat;
            tBytes += (all ? o.blockBytes[b] : bytesSum) * repeat;
            tEnergy += energySum * repeat;
            tCapacity += capacitySum * repeat;
        }
        double tCost = CostFormulas.dollars(tLatency, pricePerHour);
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

    /** An efficiency × its scale, at most 1 (as profiled where the scale is 1). */
    private static double scaledEfficiency(double efficiency, double scale) {
        return scale == 1 ? efficiency : Math.min(1.0, efficiency * scale);
    }

    /**
     * What limited an on-chip op ({@link Bound} ordinal): overhead if it exceeds the roofline, else the
     * longer roofline term (ties: compute).
     */
    static int bound(double overheadSeconds, double roofSeconds, double computeSeconds, double memorySeconds) {
        return overheadSeconds > roofSeconds ? OVERHEAD : computeSeconds >= memorySeconds ? COMPUTE : MEMORY;
    }
}
