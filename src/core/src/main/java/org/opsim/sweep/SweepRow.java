package org.opsim.sweep;

import org.opsim.cost.Bound;
import org.opsim.model.Workload;

/**
 * One configuration of a sweep costed on one chip. Latency, energy and cost are per chip for one
 * execution of the workload's graph; the per-token figures count all {@code tensorParallel} chips
 * of the group, which together produce {@code tokens} tokens per execution.
 *
 * @param tokens tokens one execution produces (decode, generation) or processes (prefill, training)
 * @param memoryBytesPerChip weights, KV cache, activations and training state one chip holds
 */
public record SweepRow(String profile, Workload workload, long tokens, double latencySeconds, double energyJoules,
                       double costUsd, double fractionOfPeak, Bound dominantBound, double memoryBytesPerChip,
                       boolean fitsInMemory) {

    /**
     * Seconds per token of one sequence: a decode step's latency, a generation's latency ÷ its new
     * tokens, a prefill's or training step's latency ÷ the sequence length.
     */
    public double secondsPerToken() {
        return latencySeconds * workload.batch() / tokens;
    }

    /** Tokens per second of the whole tensor-parallel group. */
    public double tokensPerSecond() {
        return tokens / latencySeconds;
    }

    /** Dollars per million tokens, paying for all {@code tensorParallel} chips. */
    public double usdPerMillionTokens() {
        return costUsd * workload.tensorParallel() / tokens * 1e6;
    }

    /** Joules per token, all {@code tensorParallel} chips. */
    public double joulesPerToken() {
        return energyJoules * workload.tensorParallel() / tokens;
    }
}
