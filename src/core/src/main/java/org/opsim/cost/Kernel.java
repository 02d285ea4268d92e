package org.opsim.cost;

import org.opsim.internal.cost.CostFormulas;

/**
 * The one place an operator's cost is composed (formulas: {@code docs/cost-model.md}): op {@code i}
 * of a {@link LoweredOps}, everything about how the chip runs it already resolved by lowering. The
 * compiled plan's evaluation loop calls it op after op; the object API ({@link CostModel},
 * {@link Plan#evaluation()}) calls it too and records each op into an {@link OpResult}, so the two
 * cannot disagree. The arithmetic itself is {@link CostFormulas}'s. Allocation-free.
 *
 * <ul>
 * <li>Native: {@code max(effective matrix FLOPs / (peak × e_c), vector FLOPs / (peak × e_c),
 *   bytes / min(bandwidth × e_m, cap))} + overhead.</li>
 * <li>Vector fallback: all FLOPs on the vector unit; the roofline time × penalty, + overhead.</li>
 * <li>Host fallback: (2 × bytes over the host link + FLOPs at the host's rate) × penalty, + dispatch
 *   overhead + host latency.</li>
 * <li>Collective: ring (all-gather) or the faster of ring and tree (all-reduce) on the chip's link,
 *   + overhead; nothing when the group is one chip.</li>
 * </ul>
 */
final class Kernel {
    private Kernel() {
    }

    /** Costs one execution of op {@code i} of {@code o} into {@code out}. */
    static void cost(LoweredOps o, int i, OpCost out) {
        final double flops = o.flops[i];
        final double bytes = o.bytes[i];
        switch (o.mode[i]) {
            case LoweredOps.NATIVE -> {
                double compute = 0;
                double flopJoules = 0;
                double peakUsed = 0;
                double work = o.matrixFlops[i];
                if (work > 0) {
                    compute = Math.max(compute, CostFormulas.engineSeconds(o.effectiveMatrixFlops[i], o.matrixPeak[i],
                            o.matrixEff[i]));
                    peakUsed += o.matrixPeak[i];
                    flopJoules += work * o.matrixJoulesPerFlop[i];
                }
                work = o.vectorFlops[i];
                if (work > 0) {
                    compute = Math.max(compute, CostFormulas.engineSeconds(work, o.vectorPeak[i], o.vectorEff[i]));
                    peakUsed += o.vectorPeak[i];
                    flopJoules += work * o.vectorJoulesPerFlop[i];
                }
                double memory = CostFormulas.memorySeconds(bytes, o.bandwidth, o.memoryEff[i], o.memoryCap[i]);
                double roof = Math.max(compute, memory);
                double overhead = o.overhead[i];
                double latency = roof + overhead;
                out.latencySeconds = latency;
                out.computeSeconds = compute;
                out.memorySeconds = memory;
                out.linkSeconds = 0;
                out.overheadSeconds = overhead;
                out.peakFlopsPerSecond = peakUsed;
                out.bound = bound(overhead, roof, compute, memory);
                out.energyJoules = CostFormulas.computeEnergy(o.coefficients, flops, bytes, flopJoules, latency, peakUsed,
                        o.joulesPerByte, o.bandwidth, o.idleWatts, o.tdpWatts);
            }
            case LoweredOps.VECTOR_FALLBACK -> {
                double peak = o.vectorPeak[i];
                double compute = flops > 0 ? CostFormulas.engineSeconds(flops, peak, o.vectorEff[i]) : 0;
                double memory = CostFormulas.memorySeconds(bytes, o.bandwidth, o.memoryEff[i], o.memoryCap[i]);
                double roof = o.penalty[i] * Math.max(compute, memory);
                double overhead = o.overhead[i];
                double latency = roof + overhead;
                double peakUsed = flops > 0 ? peak : 0;
                out.latencySeconds = latency;
                out.computeSeconds = compute;
                out.memorySeconds = memory;
                out.linkSeconds = 0;
                out.overheadSeconds = overhead;
                out.peakFlopsPerSecond = peakUsed;
                out.bound = bound(overhead, roof, compute, memory);
                out.energyJoules = CostFormulas.computeEnergy(o.coefficients, flops, bytes, flops * o.vectorJoulesPerFlop[i],
                        latency, peakUsed, o.joulesPerByte, o.bandwidth, o.idleWatts, o.tdpWatts);
            }
            case LoweredOps.HOST_FALLBACK -> {
                double transfer = CostFormulas.hostTransferSeconds(bytes, o.hostBandwidth);
                double hostCompute = CostFormulas.hostComputeSeconds(flops, o.hostFlopsPerSecond);
                double link = o.penalty[i] * (transfer + hostCompute);
                double overhead = o.overhead[i];
                double latency = link + overhead;
                out.latencySeconds = latency;
                out.computeSeconds = hostCompute;
                out.memorySeconds = transfer;
                out.linkSeconds = link;
                out.overheadSeconds = overhead;
                out.peakFlopsPerSecond = o.hostFlopsPerSecond;
                out.bound = Bound.HOST;
                // The chip idles while the host works; its memory still sources and sinks the transfer.
                out.energyJoules = o.idleWatts * latency + CostFormulas.memoryByteEnergy(o.coefficients, bytes, latency,
                        o.joulesPerByte, o.bandwidth, o.idleWatts, o.tdpWatts);
            }
            default -> {
                int g = o.groupSize[i];
                double link = 0;
                double linkBytes = 0;
                double overhead = 0;
                if (g > 1) {
                    boolean allReduce = o.allReduce[i];
                    boolean tree = o.tree[i];
                    linkBytes = CostFormulas.chipCollectiveLinkBytes(allReduce, tree, g, bytes);
                    link = CostFormulas.chipCollectiveSeconds(allReduce, tree, g, o.linkLatency, bytes, o.linkBandwidth,
                            o.memoryEff[i]);
                    overhead = o.overhead[i];
                }
                double latency = link + overhead;
                out.latencySeconds = latency;
                out.computeSeconds = 0;
                out.memorySeconds = 0;
                out.linkSeconds = link;
                out.overheadSeconds = overhead;
                out.peakFlopsPerSecond = 0;
                out.bound = overhead > link ? Bound.OVERHEAD : Bound.INTERCONNECT;
                out.energyJoules = CostFormulas.collectiveEnergy(o.idleWatts, latency, linkBytes, o.linkJoulesPerByte);
            }
        }
    }

    /** What limited an on-chip op: overhead if it exceeds the roofline, else the longer roofline term (ties: compute). */
    static Bound bound(double overheadSeconds, double roofSeconds, double computeSeconds, double memorySeconds) {
        return overheadSeconds > roofSeconds ? Bound.OVERHEAD
                : computeSeconds >= memorySeconds ? Bound.COMPUTE : Bound.MEMORY;
    }
}
