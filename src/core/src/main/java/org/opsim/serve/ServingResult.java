package org.opsim.serve;

import java.util.List;

/**
 * What a serving simulation measured, as a serving benchmark reports it (docs/serving.md §4). Times in seconds.
 *
 * @param ttft time to first token per request (queueing included; disaggregated: until a decode instance has taken the
 *     request's KV cache, its transfer and any wait for room included)
 * @param tpot time per output token after the first, per request: (end − first token) / (output − 1), requests of one
 *     output token left out
 * @param itl gaps between consecutive tokens of a request, over all tokens (a speculative step's tokens share its gap)
 * @param e2e end-to-end latency per request
 * @param requests requests finished
 * @param outputTokens tokens generated
 * @param makespanSeconds from the first arrival to the last token
 * @param outputTokensPerSecond output tokens over the makespan, all chips
 * @param chips chips in use
 * @param usdPerMillionTokens the chips' rental over the makespan per million output tokens (the system's cloud price)
 * @param joulesPerToken the chips' energy (work, host overhead at idle power, idle instances) per output token
 * @param preemptions requests preempted (their KV freed and recomputed later)
 * @param peakRunning the most sequences running on one instance
 * @param meanRunning the mean sequences per decode-carrying step
 * @param kvBudgetBytes KV-cache bytes per chip of one instance (per pool: prefill first)
 * @param series a time series of one instance's steps (the first of its pool), at most 1,000 points
 * @param notes what the simulation approximated or assumed, said
 */
public record ServingResult(Stats ttft, Stats tpot, Stats itl, Stats e2e, int requests, long outputTokens,
                            double makespanSeconds, double outputTokensPerSecond, long chips, double usdPerMillionTokens,
                            double joulesPerToken, int preemptions, int peakRunning, double meanRunning,
                            List<Double> kvBudgetBytes, Series series, List<String> notes) {

    public ServingResult {
        kvBudgetBytes = List.copyOf(kvBudgetBytes);
        notes = List.copyOf(notes);
    }

    /** Output tokens per second per chip. */
    public double tokensPerSecondPerChip() {
        return outputTokensPerSecond / chips;
    }

    /** Output tokens per second a request sees after its first: 1 / mean TPOT. */
    public double tokensPerSecondPerUser() {
        return tpot.count() == 0 || tpot.mean() == 0 ? 0 : 1.0 / tpot.mean();
    }

    /** Mean and percentiles of one latency over requests (or tokens). */
    public record Stats(long count, double mean, double p50, double p90, double p99, double max) {
        public static final Stats EMPTY = new Stats(0, 0, 0, 0, 0, 0);
    }

    /**
     * Steps of one instance: start time, sequences running, tokens in the step, KV cache in use (fraction of its
     * budget), step seconds.
     */
    public record Series(double[] timeSeconds, int[] running, int[] tokens, double[] kvUsed, double[] stepSeconds) {
    }
}
