package org.opsim.graph;

/**
 * Gated delta-rule linear attention (Gated DeltaNet in Qwen3-Next/Qwen3.5, Kimi Delta Attention in
 * Kimi Linear): each of {@code valueHeads} heads keeps a {@code keyDim × valueDim} state S instead of
 * a KV cache; queries and keys have {@code keyHeads} heads shared by the value heads (as GQA).
 *
 * <p>Shapes: {@code batch} sequences of {@code tokens} new tokens; n = batch·tokens, H = valueHeads,
 * dk = keyDim, dv = valueDim, C = {@code chunk}. Storage: q, k, v, o and the two gates (β, decay) in
 * {@code precision}, the state in {@code statePrecision} (fp32 in every released kernel).
 * <ul>
 * <li><b>Chunked (tokens &gt; 1, prefill and training; the fla {@code chunk_gated_delta_rule}
 *   algorithm)</b>, per chunk of C tokens per head: A = K·Kᵀ (2C²dk), the triangular solve
 *   T = (I + A)⁻¹ (⅔C³), W = T·K (2C²dk), U = T·V (2C²dv), U′ = U − W·S (2C·dk·dv), the output
 *   Q·S + mask(Q·Kᵀ)·U′ (2C·dk·dv + 2C²dk + 2C²dv), the state update S += Kᵀ·U′ (2C·dk·dv). Per token
 *   per head: matrix FLOPs = 2C·(3dk + 2dv) + 6·dk·dv + ⅔C². Vector FLOPs per token per head: L2
 *   norms of q and k (3 each per element), decay of q and k (1 each), β scaling of k and v:
 *   9·dk + dv. Bytes: q and k ({@code keyHeads·dk} each), v and o ({@code H·dv} each), the gates (2H)
 *   per token, plus the per-chunk states the kernel writes and reads back
 *   (2·⌈tokens/C⌉·H·dk·dv per sequence) and the final state written (H·dk·dv per sequence); with
 *   {@code carriedState} (a prefill chunk after tokens already seen) the state they left is read once
 *   more (H·dk·dv per sequence).</li>
 * <li><b>Recurrent (tokens = 1, a decode step)</b>, per head: decay S (dk·dv), Sᵀk (2dk·dv), the
 *   rank-1 update (2dk·dv), the output Sᵀq (2dk·dv): 7·dk·dv vector FLOPs, on the vector unit (a
 *   GEMV per head). Bytes: the state read and written (2·H·dk·dv per sequence) plus q, k, v, o and
 *   the gates.</li>
 * </ul>
 */
public record LinearAttention(String name, long batch, long tokens, long keyHeads, long valueHeads, long keyDim,
                              long valueDim, long chunk, Precision precision, Precision statePrecision,
                              boolean carriedState)
        implements ComputeOp {

    public LinearAttention {
        Shapes.name(name);
        Shapes.positive(name, "batch", batch);
        Shapes.positive(name, "tokens", tokens);
        Shapes.positive(name, "keyHeads", keyHeads);
        Shapes.positive(name, "valueHeads", valueHeads);
        Shapes.positive(name, "keyDim", keyDim);
        Shapes.positive(name, "valueDim", valueDim);
        Shapes.positive(name, "chunk", chunk);
        Shapes.present(name, "precision", precision);
        Shapes.present(name, "statePrecision", statePrecision);
        if (valueHeads % keyHeads != 0) {
            throw Shapes.invalid(name, "keyHeads", "valueHeads " + valueHeads + " is not a multiple of keyHeads " + keyHeads);
        }
    }

    /** A pass that starts from an empty state (a whole prompt, a decode step, training). */
    public LinearAttention(String name, long batch, long tokens, long keyHeads, long valueHeads, long keyDim, long valueDim,
                           long chunk, Precision precision, Precision statePrecision) {
        this(name, batch, tokens, keyHeads, valueHeads, keyDim, valueDim, chunk, precision, statePrecision, false);
    }

    /** A decode step: the recurrent form. */
    public boolean recurrent() {
        return tokens == 1;
    }

    /** Bytes of one sequence's state. */
    public double stateBytesPerSequence() {
        return (double) valueHeads * keyDim * valueDim * statePrecision.bytesPerElement();
    }

    @Override
    public OpKind kind() {
        return OpKind.LINEAR_ATTENTION;
    }

    @Override
    public Engine engine() {
        return recurrent() ? Engine.VECTOR : Engine.MATRIX;
    }

    @Override
    public double matrixFlops() {
        if (recurrent()) {
            return 0;
        }
        double c = chunk;
        double perTokenHead = 2 * c * (3.0 * keyDim + 2.0 * valueDim) + 6.0 * keyDim * valueDim + 2.0 / 3.0 * c * c;
        return (double) batch * tokens * valueHeads * perTokenHead;
    }

    @Override
    public double vectorFlops() {
        double perTokenHead = recurrent() ? 7.0 * keyDim * valueDim : 9.0 * keyDim + valueDim;
        return (double) batch * tokens * valueHeads * perTokenHead;
    }

    @Override
    public double bytes() {
        double perToken = (2.0 * keyHeads * keyDim + 2.0 * valueHeads * valueDim + 2.0 * valueHeads)
                * precision.bytesPerElement();
        return Shapes.stateOpBytes(batch, tokens, perToken, chunk, stateBytesPerSequence(), carriedState);
    }
}
