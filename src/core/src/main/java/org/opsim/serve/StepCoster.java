package org.opsim.serve;

import org.opsim.cost.ChunkPlan;
import org.opsim.cost.ParametricPlan;
import org.opsim.cost.PlanTotals;
import java.util.ArrayList;
import java.util.List;
import org.opsim.deploy.Capacity;
import org.opsim.graph.Block;
import org.opsim.graph.Graph;
import org.opsim.graph.Op;
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
    /** Attention ranks stepping together (1: none); with more, {@link #ffn} costs the feed-forward layers. */
    final int dp;
    final ParametricPlan decode;
    /** With attention DP: the feed-forward ops over all ranks' tokens, split over tp × dp chips; else null. */
    final ParametricPlan ffn;
    final long maxFfnX;
    private double[] ffnMemo;
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
        dp = o.dp;
        ffn = o.ffn == null ? null : o.ffn.copy();
        maxFfnX = o.maxFfnX;
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
        this(model, like, chip, engine, tp, 1, 1, tokensPerDecode, maxContext);
    }

    /**
     * With {@code dp} > 1 (attention data parallelism): the decode and chunk plans hold one rank's ops but the
     * feed-forward ones ({@link #isFeedForward}) at TP {@code tp}; {@link #ffn} holds the feed-forward ops split over
     * {@code tp × dp} chips ({@link Workload#withAttentionDp}) with EP {@code ep}, costed over every rank's tokens of a
     * step (its all-reduce stands for the all-gather and reduce-scatter, or dispatch and combine, of those tokens: the
     * same bytes per chip).
     */
    StepCoster(Model model, Workload like, HardwareProfile chip, ServingEngine engine, int tp, int dp, int ep,
               int tokensPerDecode, long maxContext) {
        this.chip = chip;
        this.engine = engine;
        this.tp = tp;
        this.dp = dp;
        Workload w = dp == 1 ? like.withTensorParallel(tp).withExpertParallel(ep) : like.withTensorParallel(tp);
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
        if (dp == 1) {
            decode = ParametricPlan.compile((x, y) -> model.graph(decodeStep(w, x, y)), chip, maxDecodeX, this.maxContext);
            chunk = ChunkPlan.compile((n, k) -> model.graph(prefill(w, n).withCachedTokens(k)), chip, budget, this.maxContext);
            ffn = null;
            maxFfnX = 0;
        } else {
            decode = ParametricPlan.compile((x, y) -> keep(model.graph(decodeStep(w, x, y)), false), chip, maxDecodeX,
                    this.maxContext);
            chunk = ChunkPlan.compile((n, k) -> keep(model.graph(prefill(w, n).withCachedTokens(k)), false), chip, budget,
                    this.maxContext);
            Workload all = like.withTensorParallel(tp).withAttentionDp(dp).withExpertParallel(ep);
            maxFfnX = (long) dp * Math.max(maxDecodeX, budget);
            ffn = ParametricPlan.compile((x, y) -> keep(model.graph(decodeStep(all, x, 4)), true), chip, maxFfnX, 4);
        }
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
        // With attention DP the routed experts are split over all tp × dp chips (Capacity's expert parallelism).
        weightsBytes = Capacity.perChip(model, w, tp, 1, dp).weightsBytes();
        activationBytes = model.memoryFootprint(prefill(w, budget)).activationBytes();
        double cap = chip.memory().capacityBytes().value();
        double reserve = engine.runtimeReserveBytes().value();
        double f = engine.memoryFraction().value();
        kvBudgetBytes = engine.basis() == ServingEngine.MemoryBasis.TOTAL
                ? f * cap - weightsBytes - activationBytes - reserve
                : f * (cap - weightsBytes - activationBytes - reserve);
    }

    /**
     * The ops of a feed-forward layer split over all of an instance's chips: the experts with their dispatch and combine,
     * shared experts, a dense MLP, and the all-reduce after them ({@code mlp.all_reduce}). The router and its top-k,
     * norms, residuals and hyper-connection mixes ({@code mlp.hc_…}) are per token and stay on each rank's side.
     */
    static boolean isFeedForward(Op op) {
        String n = op.name();
        return n.startsWith("experts.") || n.startsWith("shared_experts.") || n.startsWith("mlp.") && !n.startsWith("mlp.hc_");
    }

    /** {@code g} with only its feed-forward ops ({@code ffn}) or only the others; blocks left empty are dropped. */
    static Graph keep(Graph g, boolean ffn) {
        List<Block> blocks = new ArrayList<>();
        for (Block b : g.blocks()) {
            List<Op> ops = new ArrayList<>();
            for (Op op : b.ops()) {
                if (isFeedForward(op) == ffn) {
                    ops.add(op);
                }
            }
            if (!ops.isEmpty()) {
                blocks.add(new Block(b.name(), b.stage(), b.repeat(), ops));
            }
        }
        if (blocks.isEmpty()) {
            throw new IllegalArgumentException(g.name() + " has no " + (ffn ? "feed-forward" : "attention") + " ops to split"
                    + " for attention data parallelism");
        }
        return new Graph(g.name(), blocks);
    }

    /**
     * Seconds ({@code field} 0) or joules (1) per chip of the feed-forward ops over {@code tokens} tokens of all ranks
     * (attention DP only), memoised per token count.
     */
    double ffn(long tokens, int field) {
        if (tokens <= 0) {
            return 0;
        }
        if (tokens > maxFfnX) {
            throw new IllegalArgumentException(tokens + " tokens over the attention ranks exceed the plan's " + maxFfnX);
        }
        if (ffnMemo == null) {
            ffnMemo = new double[(int) (2 * (maxFfnX + 1))];
            java.util.Arrays.fill(ffnMemo, Double.NaN);
        }
        int at = (int) (2 * tokens);
        if (Double.isNaN(ffnMemo[at])) {
            ffn.evaluate(tokens, 4, totals);
            ffnMemo[at] = totals.latencySeconds();
            ffnMemo[at + 1] = totals.energyJoules();
        }
        return ffnMemo[at + field];
    }

    /** One sequence's prompt of {@code tokens} at {@code like}'s precisions, TP and attention form. */
    static Workload prefill(Workload like, long tokens) {
        return as(Workload.prefill(1, tokens), like);
    }

    static Workload decodeStep(Workload like, long batch, long context) {
        return as(Workload.decode(batch, context), like);
    }

    /** {@code w} at {@code like}'s precisions, TP, attention DP, EP and attention form (the Workload factories' {@code with…}). */
    private static Workload as(Workload w, Workload like) {
        return w.withPrecisions(like.precisions()).withTensorParallel(like.tensorParallel()).withAttentionDp(like.attentionDp())
                .withExpertParallel(like.expertParallel()).withAttentionForm(like.attentionForm());
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
