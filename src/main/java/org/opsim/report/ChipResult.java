package org.opsim.report;

import java.util.List;
import java.util.Optional;
import org.opsim.cost.BlockResult;
import org.opsim.cost.Bound;
import org.opsim.cost.Evaluation;
import org.opsim.cost.Totals;
import org.opsim.hardware.HardwareProfile;

/**
 * One chip's line of a {@link Comparison}: the deployment it was costed at and what it gives.
 *
 * @param chips chips in the deployment (the tensor-parallel degree; the evaluation is one chip's share)
 * @param chipsNeeded the smallest tensor-parallel degree whose per-chip memory fits, when known
 *     (empty for native graph files, and when no degree tried fits)
 * @param bytesPerChip weights, KV cache and activations one chip holds at {@code chips} (NaN when unknown)
 * @param evaluation one chip's cost of one execution; empty when the model does not fit at any degree tried
 * @param tokens tokens one execution produces or processes (0 when the graph does not say)
 * @param generatedTokens new tokens per sequence for a generation (0 otherwise), for time per output token
 * @param phase the workload phase ("prefill", "decode", "generation", "training"), or empty for a graph file
 * @param notice why a chip has no figures, or a warning about its deployment; empty when none
 */
public record ChipResult(HardwareProfile profile, int chips, Optional<Integer> chipsNeeded, double bytesPerChip,
                         Optional<Evaluation> evaluation, long tokens, long generatedTokens, Optional<String> phase,
                         Optional<String> notice) {

    public ChipResult {
        evaluation = evaluation == null ? Optional.empty() : evaluation;
    }

    public String chip() {
        return profile.name();
    }

    public boolean costed() {
        return evaluation.isPresent();
    }

    /** Latency of one execution (a whole generation, one decode step, ...). */
    public double latencySeconds() {
        return evaluation.map(e -> e.total().latencySeconds()).orElse(Double.NaN);
    }

    /**
     * Time to first token: the prefill blocks of a generation ("prefill/…"), or the whole execution of a
     * prefill; NaN where the workload has no prefill.
     */
    public double ttftSeconds() {
        if (evaluation.isEmpty()) {
            return Double.NaN;
        }
        if (phase.filter("prefill"::equals).isPresent()) {
            return latencySeconds();
        }
        double s = blockSeconds("prefill/");
        return s > 0 ? s : Double.NaN;
    }

    /**
     * Time per output token of each sequence: a generation's decode blocks ÷ (new tokens − 1), since the
     * first token comes out of the prefill; one step of a decode; NaN otherwise.
     */
    public double tpotSeconds() {
        if (evaluation.isEmpty()) {
            return Double.NaN;
        }
        if (phase.filter("decode"::equals).isPresent()) {
            return latencySeconds();
        }
        double s = blockSeconds("decode/");
        return s > 0 && generatedTokens > 1 ? s / (generatedTokens - 1) : Double.NaN;
    }

    private double blockSeconds(String prefix) {
        double s = 0;
        for (BlockResult b : evaluation.get().blocks()) {
            if (b.name().startsWith(prefix)) {
                s += b.total().latencySeconds();
            }
        }
        return s;
    }

    /** Tokens per second of the whole deployment (NaN without tokens). */
    public double tokensPerSecond() {
        return tokens > 0 && costed() ? tokens / latencySeconds() : Double.NaN;
    }

    public double tokensPerSecondPerChip() {
        return tokensPerSecond() / chips;
    }

    /** Dollars per million tokens, paying for every chip of the deployment. */
    public double usdPerMillionTokens() {
        return tokens > 0 && costed() ? chips * total().costUsd() / tokens * 1e6 : Double.NaN;
    }

    /** Joules per token, every chip of the deployment. */
    public double joulesPerToken() {
        return tokens > 0 && costed() ? chips * total().energyJoules() / tokens : Double.NaN;
    }

    /** One chip's totals of one execution. */
    public Totals total() {
        return evaluation.orElseThrow(() -> new IllegalStateException(chip() + " was not costed")).total();
    }

    public double timeShare(OpCategory c) {
        return evaluation.map(c::share).orElse(Double.NaN);
    }

    public double timeShare(Bound b) {
        return evaluation.map(e -> e.timeShare(b)).orElse(Double.NaN);
    }

    public List<String> notes() {
        return evaluation.map(Evaluation::notes).orElse(List.of());
    }
}
