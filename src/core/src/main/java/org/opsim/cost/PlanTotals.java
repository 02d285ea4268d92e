package org.opsim.cost;


/**
 * A reusable, mutable holder for the totals of one plan evaluation, so that evaluating allocates
 * nothing: {@link Plan#evaluate(PlanTotals)} overwrites every field. The same figures as
 * {@link Totals} (seconds, FLOPs, bytes, joules, dollars, FLOP capacity), plus the seconds spent in
 * ops of each {@link Bound}. The shares per op kind, block and stage are {@link Plan#evaluation()}'s
 * (each running sum in the loop costs a few per cent of its speed). Not thread-safe: one per thread.
 */
public final class PlanTotals {
    double latencySeconds;
    double flops;
    double bytes;
    double energyJoules;
    double costUsd;
    double peakFlopCapacity;
    final double[] boundSeconds = new double[Bound.values().length];
    /**
     * Every op's bound, in op order: the bound ordinals as the digits of a base-5 number, mod 2^64
     * ({@code LoweredOps.place}); two evaluations with the same ops bound alike agree, and the sum of two
     * parts' signatures is the whole's.
     */
    long boundSignature;

    void clear() {
        for (int k = 0; k < boundSeconds.length; k++) {
            boundSeconds[k] = 0;
        }

    }

    public double latencySeconds() {
        return latencySeconds;
    }

    public double flops() {
        return flops;
    }

    public double bytes() {
        return bytes;
    }

    public double energyJoules() {
        return energyJoules;
    }

    public double costUsd() {
        return costUsd;
    }

    /** Σ latency × peak FLOP/s of the engines used: see {@link Totals#peakFlopCapacity()}. */
    public double peakFlopCapacity() {
        return peakFlopCapacity;
    }

    /** Seconds (all repeats) spent in ops limited by {@code bound}. */
    public double seconds(Bound bound) {
        return boundSeconds[bound.ordinal()];
    }

    /** The bound that accounts for the most time (ties: the earlier bound), as in the rich evaluation. */
    public Bound dominantBound() {
        return Bound.mostTime(boundSeconds);
    }

    /** Achieved ÷ available FLOPs, in [0, 1]; 0 when nothing ran on a FLOP engine. */
    public double fractionOfPeak() {
        return peakFlopCapacity > 0 ? flops / peakFlopCapacity : 0.0;
    }

    /** The same figures as an immutable {@link Totals} (allocates; checks they are finite). */
    public Totals toTotals() {
        return new Totals(latencySeconds, flops, bytes, energyJoules, costUsd, peakFlopCapacity);
    }
}
