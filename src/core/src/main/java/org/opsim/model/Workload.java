package org.opsim.model;

import java.util.Locale;
import java.util.Objects;
import org.opsim.graph.Attention;
import org.opsim.graph.Precision;
import org.opsim.internal.io.Ids;

/**
 * What the model is asked to do: a phase with its batch and lengths, the precisions, the
 * tensor-parallel degree and the attention kernel. Build with the static factories and the
 * {@code with…} methods.
 *
 * <ul>
 * <li>{@link Phase#PREFILL}: {@code batch} prompts of {@code sequenceLength} tokens; logits for each
 *   prompt's last token. With {@code cachedTokens > 0} it is a <em>prefill chunk</em>: each of the
 *   {@code batch} sequences already holds {@code cachedTokens} tokens in its cache (an earlier chunk, or a
 *   prefix-cache hit) and adds {@code sequenceLength} new ones, which attend to all
 *   {@code cachedTokens + sequenceLength} keys; a recurrent layer (linear attention, an SSM) reads the state
 *   the earlier tokens left.</li>
 * <li>{@link Phase#DECODE}: one step: {@code batch} sequences with {@code sequenceLength} tokens
 *   already cached each add one token (the step attends to {@code sequenceLength + 1} keys).</li>
 * <li>{@link Phase#GENERATION}: prefill of {@code sequenceLength}-token prompts, then
 *   {@code generatedTokens} decode steps (the first token comes from the prefill), summed in closed
 *   form.</li>
 * <li>{@link Phase#TRAINING}: one optimizer step on {@code batch} sequences of {@code sequenceLength}
 *   tokens: forward, backward (≈ 2 × forward matmul FLOPs), AdamW update, optionally with full
 *   activation recompute (one more forward).</li>
 * </ul>
 */
public record Workload(Phase phase, long batch, long sequenceLength, long generatedTokens, Precisions precisions,
                       int tensorParallel, boolean activationRecompute, Attention.Form attentionForm, long cachedTokens,
                       int expertParallel, int attentionDp) {

    public enum Phase {
        PREFILL, DECODE, GENERATION, TRAINING;

        /** {@link #id()}, made once. */
        private final String id = name().toLowerCase(Locale.ROOT);

        public String id() {
            return id;
        }

        public static Phase parse(String id) {
            return Ids.parse(id, values(), Phase::id, "phase");
        }
    }

    public Workload {
        Objects.requireNonNull(phase, "phase");
        Objects.requireNonNull(precisions, "precisions");
        Objects.requireNonNull(attentionForm, "attentionForm");
        if (batch <= 0) {
            throw new IllegalArgumentException("batch must be > 0, got " + batch);
        }
        if (sequenceLength <= 0) {
            throw new IllegalArgumentException((phase == Phase.DECODE ? "context length" : "prompt/sequence length")
                    + " must be > 0, got " + sequenceLength);
        }
        if (phase == Phase.GENERATION && generatedTokens <= 0) {
            throw new IllegalArgumentException("generated tokens must be > 0 for a generation, got " + generatedTokens);
        }
        if (phase != Phase.GENERATION && generatedTokens != 0) {
            throw new IllegalArgumentException("generated tokens only apply to a generation, got " + generatedTokens
                    + " for " + phase.id());
        }
        if (tensorParallel <= 0) {
            throw new IllegalArgumentException("tensor-parallel degree must be > 0, got " + tensorParallel);
        }
        if (attentionDp <= 0 || (long) attentionDp * tensorParallel > 1_000_000) {
            throw new IllegalArgumentException("attention data parallelism must be >= 1 (with at most 1000000 chips), got "
                    + attentionDp);
        }
        if (expertParallel <= 0 || (tensorParallel * attentionDp) % expertParallel != 0) {
            throw new IllegalArgumentException("expert parallelism must divide the feed-forward layers' " + tensorParallel * attentionDp
                    + " chips (the experts split EP × MoE-TP over them), got " + expertParallel);
        }
        if (activationRecompute && phase != Phase.TRAINING) {
            throw new IllegalArgumentException("activation recompute only applies to training");
        }
        if (cachedTokens < 0) {
            throw new IllegalArgumentException("cached tokens must be >= 0, got " + cachedTokens);
        }
        if (cachedTokens != 0 && phase != Phase.PREFILL) {
            throw new IllegalArgumentException("cached tokens only apply to a prefill (chunk), got " + cachedTokens
                    + " for " + phase.id());
        }
    }

    /** A workload whose experts are split like every other layer, by tensor parallelism alone (no expert parallelism). */
    public Workload(Phase phase, long batch, long sequenceLength, long generatedTokens, Precisions precisions,
                    int tensorParallel, boolean activationRecompute, Attention.Form attentionForm, long cachedTokens) {
        this(phase, batch, sequenceLength, generatedTokens, precisions, tensorParallel, activationRecompute, attentionForm,
                cachedTokens, 1, 1);
    }

    /** A workload with no tokens cached before it (every phase but a prefill chunk). */
    public Workload(Phase phase, long batch, long sequenceLength, long generatedTokens, Precisions precisions,
                    int tensorParallel, boolean activationRecompute, Attention.Form attentionForm) {
        this(phase, batch, sequenceLength, generatedTokens, precisions, tensorParallel, activationRecompute, attentionForm, 0);
    }

    public static Workload prefill(long batch, long promptLength) {
        return new Workload(Phase.PREFILL, batch, promptLength, 0, Precisions.all(Precision.BF16), 1, false, Attention.Form.FLASH);
    }

    /**
     * A prefill chunk: {@code batch} sequences, each with {@code cachedTokens} tokens already cached, add
     * {@code chunkTokens} new tokens (chunked prefill, or a prompt after a prefix-cache hit).
     */
    public static Workload prefillChunk(long batch, long chunkTokens, long cachedTokens) {
        return prefill(batch, chunkTokens).withCachedTokens(cachedTokens);
    }

    /** One decode step with {@code contextLength} tokens already in each sequence's cache. */
    public static Workload decode(long batch, long contextLength) {
        return new Workload(Phase.DECODE, batch, contextLength, 0, Precisions.all(Precision.BF16), 1, false, Attention.Form.FLASH);
    }

    public static Workload generation(long batch, long promptLength, long generatedTokens) {
        return new Workload(Phase.GENERATION, batch, promptLength, generatedTokens, Precisions.all(Precision.BF16), 1,
                false, Attention.Form.FLASH);
    }

    public static Workload training(long batch, long sequenceLength) {
        return new Workload(Phase.TRAINING, batch, sequenceLength, 0, Precisions.all(Precision.BF16), 1, false, Attention.Form.FLASH);
    }

    public Workload withPrecisions(Precisions p) {
        return new Workload(phase, batch, sequenceLength, generatedTokens, p, tensorParallel, activationRecompute, attentionForm,
                cachedTokens, expertParallel, attentionDp);
    }

    public Workload withPrecision(Precision p) {
        return withPrecisions(Precisions.all(p));
    }

    /**
     * This workload at TP {@code degree}, without attention data or expert parallelism (give them after, with
     * {@link #withAttentionDp} and {@link #withExpertParallel}).
     */
    public Workload withTensorParallel(int degree) {
        return new Workload(phase, batch, sequenceLength, generatedTokens, precisions, degree, activationRecompute, attentionForm,
                cachedTokens, 1, 1);
    }

    /**
     * This workload's feed-forward layers (dense MLPs, routed and shared experts, the all-reduce after them) split over
     * {@code tensorParallel × dp} chips while attention stays at {@code tensorParallel}: the graph of attention data
     * parallelism's feed-forward side over every rank's tokens (docs/serving.md §1). Expert parallelism is reset to 1.
     */
    public Workload withAttentionDp(int dp) {
        return new Workload(phase, batch, sequenceLength, generatedTokens, precisions, tensorParallel, activationRecompute,
                attentionForm, cachedTokens, 1, dp);
    }

    /**
     * This workload with the experts of a mixture-of-experts layer split by expert parallelism {@code ep} (each chip
     * holds 1/ep of the experts) times MoE-TP = chips / ep over the feed-forward chips (TP × attention DP): under
     * random routing the busiest chip sets the layer's time (docs/cost-model.md §18).
     */
    public Workload withExpertParallel(int ep) {
        return new Workload(phase, batch, sequenceLength, generatedTokens, precisions, tensorParallel, activationRecompute,
                attentionForm, cachedTokens, ep, attentionDp);
    }

    /** Chips the feed-forward layers are split over: TP × attention DP. */
    public int feedForwardChips() {
        return tensorParallel * attentionDp;
    }

    public Workload withActivationRecompute(boolean on) {
        return new Workload(phase, batch, sequenceLength, generatedTokens, precisions, tensorParallel, on, attentionForm,
                cachedTokens, expertParallel, attentionDp);
    }

    public Workload withAttentionForm(Attention.Form form) {
        return new Workload(phase, batch, sequenceLength, generatedTokens, precisions, tensorParallel, activationRecompute, form,
                cachedTokens, expertParallel, attentionDp);
    }

    /** This prefill as a chunk after {@code cached} tokens already in each sequence's cache (0: a whole prompt). */
    public Workload withCachedTokens(long cached) {
        return new Workload(phase, batch, sequenceLength, generatedTokens, precisions, tensorParallel, activationRecompute,
                attentionForm, cached, expertParallel, attentionDp);
    }

    /**
     * Tokens each sequence's cache holds at the end of one execution: cached plus new tokens (prefill; the keys its
     * last new token attends to), the sequence (training), the context plus one (decode), the prompt plus the
     * generated tokens (generation; the last generated token's own key is written, though no step attends to it).
     */
    public long contextTokens() {
        return switch (phase) {
            case PREFILL -> cachedTokens + sequenceLength;
            case TRAINING -> sequenceLength;
            case DECODE -> sequenceLength + 1;
            case GENERATION -> sequenceLength + generatedTokens;
        };
    }

    /** Tokens one execution produces (decode, generation) or processes (prefill: the new tokens only; training). */
    public long tokens() {
        return switch (phase) {
            case PREFILL, TRAINING -> batch * sequenceLength;
            case DECODE -> batch;
            case GENERATION -> batch * generatedTokens;
        };
    }

    public String describe() {
        String t = (tensorParallel > 1 ? ", TP " + tensorParallel : "") + (attentionDp > 1 ? ", feed-forward over "
                + feedForwardChips() + " chips" : "") + (expertParallel > 1 ? ", EP " + expertParallel : "");
        String p = String.format(Locale.ROOT, "weights %s, activations %s, KV %s", precisions.weights().id(),
                precisions.activations().id(), precisions.kvCache().id());
        return switch (phase) {
            case PREFILL -> cachedTokens == 0
                    ? String.format(Locale.ROOT, "prefill, batch %d, prompt %d, %s%s", batch, sequenceLength, p, t)
                    : String.format(Locale.ROOT, "prefill chunk, batch %d, %d new tokens after %d cached, %s%s", batch,
                            sequenceLength, cachedTokens, p, t);
            case DECODE -> String.format(Locale.ROOT, "decode step, batch %d, context %d, %s%s", batch, sequenceLength, p, t);
            case GENERATION -> String.format(Locale.ROOT, "generation, batch %d, prompt %d, %d new tokens, %s%s", batch,
                    sequenceLength, generatedTokens, p, t);
            case TRAINING -> String.format(Locale.ROOT, "training step, batch %d, sequence %d, %s%s%s", batch, sequenceLength,
                    p, t, activationRecompute ? ", full recompute" : "");
        };
    }
}
