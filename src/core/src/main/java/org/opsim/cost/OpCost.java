package org.opsim.cost;

/**
 * The cost of one execution of one lowered op, as {@link Kernel#cost} leaves it: a mutable scratch
 * holder reused op after op, so that costing allocates nothing. Not thread-safe: one per thread.
 */
final class OpCost {
    double latencySeconds;
    double energyJoules;
    /** Σ peak FLOP/s of the engines the op used, at the precisions they ran (host FLOP/s for a host fallback). */
    double peakFlopsPerSecond;
    double computeSeconds;
    double memorySeconds;
    double linkSeconds;
    double overheadSeconds;
    Bound bound;
}
