package org.opsim.report;

import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import org.opsim.cost.Bound;
import org.opsim.cost.Evaluation;
import org.opsim.cost.Note;
import org.opsim.cost.Totals;
import org.opsim.graph.Stage;
import org.opsim.hardware.HardwareProfile;
import org.opsim.model.Workload;

/**
 * One chip's line of a {@link Comparison}: the deployment it was costed at and what it gives.
 *
 * @param chips chips in the deployment (the tensor-parallel degree; the evaluation is one chip's share)
 * @param chipsNeeded the smallest tensor-parallel degree whose per-chip memory fits, when known
 *     (empty for native graph files, and when no degree tried fits)
 * @param bytesPerChip weights, KV cache and activations one chip holds at {@code chips} (empty when unknown:
 *     a native graph file, or a chip that cannot hold the model)
 * @param evaluation one chip's cost of one execution; empty when the model does not fit at any degree tried
 * @param tokens tokens one execution produces or processes (0 when the graph does not say)
 * @param generatedTokens new tokens per sequence for a generation (0 otherwise), for time per output token
 * @param phase the workload's phase, or empty for a graph file
 * @param notice why a chip has no figures, or a warning about its deployment; empty when none
 */
public record ChipResult(HardwareProfile profile, int chips, Optional<Integer> chipsNeeded, OptionalDouble bytesPerChip,
                         Optional<Evaluation> evaluation, long tokens, long generatedTokens, Optional<Workload.Phase> phase,
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
    public OptionalDouble latencySeconds() {
        return evaluation.isPresent() ? OptionalDouble.of(evaluation.get().total().latencySeconds()) : OptionalDouble.empty();
    }

    /**
     * Time to first token: the seconds of the evaluation's {@link Stage#PREFILL} blocks (a prefill's
     * whole execution, a generation's prefill); empty where the workload has no prefill.
     */
    public OptionalDouble ttftSeconds() {
        if (evaluation.isEmpty()) {
            return OptionalDouble.empty();
        }
        double s = evaluation.get().seconds(Stage.PREFILL);
        return s > 0 ? OptionalDouble.of(s) : OptionalDouble.empty();
    }

    /**
     * Time per output token of each sequence: the {@link Stage#DECODE} blocks' seconds per decode step,
     * i.e. a generation's ÷ (new tokens − 1), since the first token comes out of the prefill; a decode
     * step's (or a graph file's decode blocks) as they are; empty where the workload has no decode.
     */
    public OptionalDouble tpotSeconds() {
        if (evaluation.isEmpty()) {
            return OptionalDouble.empty();
        }
        double s = evaluation.get().seconds(Stage.DECODE);
        if (!(s > 0)) {
            return OptionalDouble.empty();
        }
        if (phase.filter(p -> p == Workload.Phase.GENERATION).isPresent()) {
            return generatedTokens > 1 ? OptionalDouble.of(s / (generatedTokens - 1)) : OptionalDouble.empty();
        }
        return OptionalDouble.of(s);
    }

    /** Tokens per second of the whole deployment (empty without tokens or time). */
    public OptionalDouble tokensPerSecond() {
        return tokens > 0 && costed() && total().latencySeconds() > 0
                ? OptionalDouble.of(tokens / total().latencySeconds()) : OptionalDouble.empty();
    }

    public OptionalDouble tokensPerSecondPerChip() {
        OptionalDouble t = tokensPerSecond();
        return t.isPresent() ? OptionalDouble.of(t.getAsDouble() / chips) : t;
    }

    /** Dollars per million tokens, paying for every chip of the deployment. */
    public OptionalDouble usdPerMillionTokens() {
        return tokens > 0 && costed() ? OptionalDouble.of(chips * total().costUsd() / tokens * 1e6) : OptionalDouble.empty();
    }

    /** Joules per token, every chip of the deployment. */
    public OptionalDouble joulesPerToken() {
        return tokens > 0 && costed() ? OptionalDouble.of(chips * total().energyJoules() / tokens) : OptionalDouble.empty();
    }

    /** One chip's totals of one execution. */
    public Totals total() {
        return evaluation.orElseThrow(() -> new IllegalStateException(chip() + " was not costed")).total();
    }

    public OptionalDouble timeShare(OpCategory c) {
        return evaluation.isPresent() ? OptionalDouble.of(c.share(evaluation.get())) : OptionalDouble.empty();
    }

    public OptionalDouble timeShare(Bound b) {
        return evaluation.isPresent() ? OptionalDouble.of(evaluation.get().timeShare(b)) : OptionalDouble.empty();
    }

    /** Precision and native-support fallbacks of this chip's evaluation. */
    public List<Note> notes() {
        return evaluation.map(Evaluation::notes).orElse(List.of());
    }
}
