package org.opsim.cost;

/**
 * Additive totals for a set of op executions.
 *
 * @param peakFlopCapacity Σ latency × the peak FLOP/s of the engines each op used, at the precisions they ran:
 *     the FLOPs the chip could have done in that time, so {@link #fractionOfPeak()} is a
 *     time-weighted utilisation over mixed ops
 */
public record Totals(double latencySeconds, double flops, double bytes, double energyJoules, double costUsd,
                     double peakFlopCapacity) {

    public static final Totals ZERO = new Totals(0, 0, 0, 0, 0, 0);

    public Totals {
        Finite.check("latencySeconds", latencySeconds);
        Finite.check("flops", flops);
        Finite.check("bytes", bytes);
        Finite.check("energyJoules", energyJoules);
        Finite.check("costUsd", costUsd);
        Finite.check("peakFlopCapacity", peakFlopCapacity);
    }

    /** FLOPs ÷ latency; 0 when no time passed. */
    public double achievedFlopsPerSecond() {
        return latencySeconds > 0 ? flops / latencySeconds : 0.0;
    }

    /** Achieved ÷ available FLOPs, in [0, 1]; 0 when nothing ran on a FLOP engine. */
    public double fractionOfPeak() {
        return peakFlopCapacity > 0 ? flops / peakFlopCapacity : 0.0;
    }

    /** Bytes ÷ latency; 0 when no time passed. */
    public double achievedBytesPerSecond() {
        return latencySeconds > 0 ? bytes / latencySeconds : 0.0;
    }

    /** Average power over the interval; 0 when no time passed. */
    public double averageWatts() {
        return latencySeconds > 0 ? energyJoules / latencySeconds : 0.0;
    }

    public Totals plus(Totals o) {
        return new Totals(latencySeconds + o.latencySeconds, flops + o.flops, bytes + o.bytes,
                energyJoules + o.energyJoules, costUsd + o.costUsd, peakFlopCapacity + o.peakFlopCapacity);
    }

    public Totals times(double factor) {
        return new Totals(latencySeconds * factor, flops * factor, bytes * factor, energyJoules * factor,
                costUsd * factor, peakFlopCapacity * factor);
    }
}
