package org.opsim.serve;

import org.opsim.cost.ChunkPlan;
import org.opsim.cost.ParametricPlan;
import org.opsim.cost.PlanTotals;
import org.opsim.deploy.Capacity;
import org.opsim.hardware.HardwareProfile;
import org.opsim.hardware.ServingEngine;
import org.opsim.model.Model;
import org.opsim.model.Workload;

/**
 * The cost of one engine step of one instance, from compiled plans (docs/serving.md §2): a decode plan (one token per
 * sequence, x = tokens, y = context) and a chunk plan (a prompt chunk after its cached prefix). A step of D decodes
 * and prompt chunks (n_j new tokens after k_j cached) costs
 * <pre>
 *   X_chunk(T) + [X_dec(D) − X_chunk(D)] + [dec(D, contexts) − X_dec(D)] + Σ_j [chunk(n_j, k_j) − X_chunk(n_j)]
 * </pre>
 * with T = D + Σ n_j the step's tokens and X the ops that do not depend on the context (GEMMs, norms, collectives):
 * the token-only work once over all tokens, the decode logits rows, the decodes' attention and each chunk's own
 * attention. A decode-only step is exactly the decode plan's step, a one-chunk step exactly the chunk plan's; in
 * between, the chunks' logits rows beyond one are left out (J − 1 rows of the LM head). Holds the plans' state: one
 * per thread.
 */
final class StepCoster {

    final HardwareProfile chip;
    final ServingEngine engine;
    final int tp;
    final ParametricPlan decode;
    final ChunkPlan chunk;
    final long maxDecodeX;
    final long maxContext;
    /** Per-chip KV bytes of a sequence holding {@code i · blockTokens} tokens. */
    final double[] kvByBlocks;
    final double kvBudgetBytes;
    final double weightsBytes;
    final double activationBytes;
    /** How decode batches at unequal contexts are costed: 0 by their sum, 1 by each context, 2 at the mean (noted). */
    final int decodeForm;
    final String decodeNote;
    private final PlanTotals totals = new PlanTotals();
    private final long[] contexts;

    private StepCoster(StepCoster o) {
        chip = o.chip;
        engine = o.engine;
        tp = o.tp;
        decode = o.decode.copy();
        chunk = o.chunk.copy();
        maxDecodeX = o.maxDecodeX;
        maxContext = o.maxContext;
        kvByBlocks = o.kvByBlocks;
        kvBudgetBytes = o.kvBudgetBytes;
        weightsBytes = o.weightsBytes;
        activationBytes = o.activationBytes;
        decodeForm = o.decodeForm;
        decodeNote = o.decodeNote;
        contexts = new long[o.contexts.length];
    }

    StepCoster(Model model, Workload like, HardwareProfile chip, ServingEngine engine, int tp, int tokensPerDecode,
               long maxContext) {
        this.chip = chip;
        this.engine = engine;
        this.tp = tp;
        Workload w = like.withTensorParallel(tp);
        long budget = engine.tokenBudget();
        long batch = engine.batchLimit();
        long graphMax = engine.graphBatchSizes().isEmpty() ? 1 : engine.graphBatchSizes().get(engine.graphBatchSizes().size() - 1);
        maxDecodeX = Math.max(Math.max(batch * tokensPerDecode, graphMax), 3);
        if (budget > 8192 || maxDecodeX > 8192) {
            throw new IllegalArgumentException("the serving simulator's plans take steps of up to 8192 tokens and sequences;"
                    + " the engine asks for a budget of " + budget + " tokens and " + maxDecodeX + " decode tokens");
        }
        if (budget < 3) {
            throw new IllegalArgumentException("a step budget of " + budget + " tokens is below the simulator's least (3)");
        }
        this.maxContext = Math.max(maxContext, 4);
        decode = ParametricPlan.compile((x, y) -> model.graph(decodeStep(w, x, y)), chip, maxDecodeX, this.maxContext);
        chunk = ChunkPlan.compile((n, k) -> model.graph(prefill(w, n).withCachedTokens(k)), chip, budget, this.maxContext);
        if (!decode.hasXOnly() || !chunk.hasXOnly()) {
            throw new IllegalArgumentException(model.name() + ": its step graph changes structure along the context,"
                    + " so a step's token-only part cannot be taken apart from its attention (docs/serving.md §2)");
        }
        if (decode.sumRefusal().isEmpty()) {
            decodeForm = 0;
            decodeNote = null;
        } else if (decode.contextsRefusal().isEmpty()) {
            decodeForm = 1;
            decodeNote = null;
        } else {
            decodeForm = 2;
            decodeNote = "decode batches costed at their mean context (" + decode.contextsRefusal().get() + ")";
        }
        contexts = new long[(int) maxDecodeX];
        long block = engine.blockTokens();
        int blocks = (int) Math.min(Integer.MAX_VALUE - 1, (this.maxContext + 2 * block) / block + 1);
        kvByBlocks = new double[blocks + 1];
        for (int i = 1; i <= blocks; i++) {
            kvByBlocks[i] = model.memoryFootprint(prefill(w, i * block)).kvCacheBytes();
        }
        weightsBytes = Capacity.perChip(model, w, tp, 1, 1).weightsBytes();
        activationBytes = model.memoryFootprint(prefill(w, budget)).activationBytes();
        double cap = chip.memory().capacityBytes().value();
        double reserve = engine.runtimeReserveBytes().value();
        double f = engine.memoryFraction().value();
        kvBudgetBytes = engine.basis() == ServingEngine.MemoryBasis.TOTAL
                ? f * cap - weightsBytes - activationBytes - reserve
                : f * (cap - weightsBytes - activationBytes - reserve);
    }

    /** One sequence's prompt of {@code tokens} at {@code like}'s precisions, TP and attention form. */
    static Workload prefill(Workload like, long tokens) {
        return as(Workload.prefill(1, tokens), like);
    }

    static Workload decodeStep(Workload like, long batch, long context) {
        return as(Workload.decode(batch, context), like);
    }

    /** {@code w} at {@code like}'s precisions, TP and attention form (the Workload factories' {@code with…}). */
    private static Workload as(Workload w, Workload like) {
        return w.withPrecisions(like.precisions()).withTensorParallel(like.tensorParallel()).withAttentionForm(like.attentionForm());
    }

    StepCoster copy() {
        return new StepCoster(this);
    }

    /** Per-chip KV bytes a sequence of {@code tokens} tokens holds in whole blocks. */
    double kvBytes(long tokens) {
        if (tokens <= 0) {
            return 0;
        }
        long b = (tokens + engine.blockTokens() - 1) / engine.blockTokens();
        if (b >= kvByBlocks.length) {
            throw new IllegalArgumentException(tokens + " tokens is beyond the simulator's context domain " + maxContext);
        }
        return kvByBlocks[(int) b];
    }

    /** Seconds and joules of the decodes' context-dependent part (their attention), into {@code out[0..1]}. */
    private void decodeAttention(int d, long[] ctx, int from, long sum, double[] out) {
        switch (decodeForm) {
            case 0 -> decode.evaluateSum(d, sum, totals);
            case 1 -> {
                System.arraycopy(ctx, from, contexts, 0, d);
                decode.evaluateContexts(contexts, d, totals);
            }
            default -> decode.evaluate(d, Math.max(1, Math.round((double) sum / d)), totals);
        }
        out[0] = totals.latencySeconds() - decode.xOnlySeconds(d);
        out[1] = totals.energyJoules() - decode.xOnlyJoules(d);
    }

    private final double[] part = new double[2];

    /**
     * A step: {@code d} decodes at contexts {@code ctx[0..d)} (summing to {@code ctxSum}), each verifying
     * {@code tokensPerDecode} tokens, and {@code chunks} prompt chunks ({@code news[j]} tokens after {@code cached[j]});
     * seconds and joules of the chips' work into {@code out} (host overheads are the simulator's).
     */
    void step(int d, long[] ctx, long ctxSum, int tokensPerDecode, double draftFraction, int chunks, long[] news,
              long[] cached, double[] out) {
        double s = 0;
        double e = 0;
        long tokens = (long) d * tokensPerDecode;
        for (int j = 0; j < chunks; j++) {
            tokens += news[j];
        }
        if (chunks == 0) {
            long padded = tokensPerDecode == 1 ? Math.min(engine.graphBatch(d), maxDecodeX) : tokens;
            s = decode.xOnlySeconds(padded);
            e = decode.xOnlyJoules(padded);
        } else {
            s = chunk.xOnlySeconds(tokens);
            e = chunk.xOnlyJoules(tokens);
            if (d > 0) {
                s += decode.xOnlySeconds(tokens - sumNews(chunks, news)) - chunk.xOnlySeconds(tokens - sumNews(chunks, news));
                e += decode.xOnlyJoules(tokens - sumNews(chunks, news)) - chunk.xOnlyJoules(tokens - sumNews(chunks, news));
            }
        }
        if (d > 0) {
            decodeAttention(d, ctx, 0, ctxSum, part);
            s += part[0];
            e += part[1];
            if (draftFraction > 0) {
                // Proposals: (tokensPerDecode − 1) passes of the draft over the d sequences' token-only work.
                s += (tokensPerDecode - 1) * draftFraction * decode.xOnlySeconds(d);
                e += (tokensPerDecode - 1) * draftFraction * decode.xOnlyJoules(d);
            }
        }
        for (int j = 0; j < chunks; j++) {
            chunk.evaluate(news[j], cached[j], totals);
            s += totals.latencySeconds() - chunk.xOnlySeconds(news[j]);
            e += totals.energyJoules() - chunk.xOnlyJoules(news[j]);
        }
        out[0] = s;
        out[1] = e;
    }

    private static long sumNews(int chunks, long[] news) {
        long t = 0;
        for (int j = 0; j < chunks; j++) {
            t += news[j];
        }
        return t;
    }
}
