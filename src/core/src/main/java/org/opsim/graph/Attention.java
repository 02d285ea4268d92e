package org.opsim.graph;

import java.util.List;
import java.util.Locale;
import org.opsim.internal.io.Ids;

/**
 * Scaled dot-product attention {@code softmax(Q·Kᵀ/√d)·V} with grouped-query heads.
 *
 * <p>Shapes: {@code batch} sequences, {@code queryHeads} heads of Q sharing {@code kvHeads} heads of K
 * and V ({@code queryHeads % kvHeads == 0}), {@code queryLength} new tokens attending to
 * {@code kvLength} keys (the cache plus the new tokens, so {@code queryLength <= kvLength}), query/key
 * head size {@code headDim}, value head size {@code valueHeadDim} (equal for ordinary attention;
 * MLA uses 576 and 512). With {@code sharedKv} the cache holds one tensor per KV head whose first
 * {@code valueHeadDim} values serve as V (DeepSeek MLA's absorbed form, where the latent is both K
 * and V). Q and O are in {@code precision}; the K/V cache is read in {@code kvPrecision} (e.g. an
 * fp8 KV cache with bf16 compute).
 *
 * <p>Score pairs per (sequence, head): {@code P = q·kv} without a mask; with a causal mask query i
 * (0-based, the last q positions) sees {@code kv − q + i + 1} keys, so {@code P = q·(kv − q) + q·(q+1)/2}.
 *
 * <ul>
 * <li>{@link Form#FLASH}, forward: matrix FLOPs = 2·b·h_q·P·(d + d_v) (Q·Kᵀ and P·V), vector FLOPs =
 *   5·b·h_q·P (online softmax), bytes = Q and O once ({@code b·h_q·q·(d + d_v)·e}) + the cache once
 *   ({@code b·h_kv·kv·(d + d_v)·e_kv}, or {@code ·d·e_kv} when shared). Masked blocks are skipped and
 *   the score matrix never reaches memory.</li>
 * <li>{@link Form#FLASH}, backward (FlashAttention-2 algorithm): five matmuls (Q·Kᵀ recomputed,
 *   dO·Vᵀ, Pᵀ·dO, dS·K, dSᵀ·Q) = 2.5 × the forward matrix FLOPs, 2 × the forward vector FLOPs, and
 *   2 × the forward bytes (Q, K, V, O, dO read; dQ, dK, dV written).</li>
 * <li>{@link Form#UNFUSED} (forward only): {@link #lower()} gives Q·Kᵀ as a batched matmul over
 *   b·h_q heads (K broadcast per query head, as {@code repeat_kv} does), a softmax over the full q×kv
 *   score matrix, and scores·V. The mask is applied to a full score matrix, so a causal mask saves
 *   nothing.</li>
 * </ul>
 */
public record Attention(String name, long batch, long queryHeads, long kvHeads, long queryLength,
                        long kvLength, long headDim, long valueHeadDim, boolean sharedKv, boolean causal,
                        Form form, Pass pass, Precision precision, Precision kvPrecision)
        implements ComputeOp {

    /** Whether the score matrix is kept on chip (flash) or written to memory between three kernels. */
    public enum Form {
        FLASH, UNFUSED;

        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Form parse(String id) {
            return Ids.parse(id, values(), Form::id, "attention form");
        }
    }

    /** Forward, or the backward pass of training. */
    public enum Pass {
        FORWARD, BACKWARD;

        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Pass parse(String id) {
            return Ids.parse(id, values(), Pass::id, "attention pass");
        }
    }

    /** Backward matrix FLOPs ÷ forward: five matmuls instead of two (FlashAttention-2). */
    public static final double BACKWARD_MATRIX_FACTOR = 2.5;
    /** Backward vector FLOPs and bytes ÷ forward. */
    public static final double BACKWARD_FACTOR = 2.0;

    public Attention {
        Shapes.name(name);
        Shapes.positive(name, "batch", batch);
        Shapes.positive(name, "queryHeads", queryHeads);
        Shapes.positive(name, "kvHeads", kvHeads);
        Shapes.positive(name, "queryLength", queryLength);
        Shapes.positive(name, "kvLength", kvLength);
        Shapes.positive(name, "headDim", headDim);
        Shapes.positive(name, "valueHeadDim", valueHeadDim);
        Shapes.present(name, "form", form);
        Shapes.present(name, "pass", pass);
        Shapes.present(name, "precision", precision);
        Shapes.present(name, "kvPrecision", kvPrecision);
        if (queryHeads % kvHeads != 0) {
            throw Shapes.invalid(name, "kvHeads", "queryHeads " + queryHeads + " is not a multiple of kvHeads " + kvHeads);
        }
        if (queryLength > kvLength) {
            throw Shapes.invalid(name, "queryLength", queryLength + " exceeds kvLength " + kvLength
                    + " (queries attend to the cache plus themselves)");
        }
        if (sharedKv && valueHeadDim > headDim) {
            throw Shapes.invalid(name, "valueHeadDim", "with a shared K/V cache valueHeadDim " + valueHeadDim
                    + " cannot exceed headDim " + headDim);
        }
        if (form == Form.UNFUSED && pass == Pass.BACKWARD) {
            throw Shapes.invalid(name, "form", "the unfused form is forward only; its backward is the backward of its parts");
        }
        try {
            // The unfused lowering multiplies these as whole numbers: refuse shapes that overflow a long.
            Math.multiplyExact(Math.multiplyExact(batch, queryHeads), queryLength);
        } catch (ArithmeticException e) {
            throw Shapes.invalid(name, "batch", "batch × queryHeads × queryLength overflows a 64-bit count");
        }
    }

    /** Ordinary forward attention: one head size, separate K and V, cache in the compute precision. */
    public Attention(String name, long batch, long queryHeads, long kvHeads, long queryLength, long kvLength,
                     long headDim, boolean causal, Form form, Precision precision) {
        this(name, batch, queryHeads, kvHeads, queryLength, kvLength, headDim, headDim, false, causal, form,
                Pass.FORWARD, precision, precision);
    }

    /** Score pairs per (sequence, query head), after the causal mask if any. */
    public double scorePairs() {
        if (!causal) {
            return (double) queryLength * kvLength;
        }
        double q = queryLength;
        return q * (kvLength - queryLength) + q * (q + 1.0) / 2.0;
    }

    /** Bytes of the K/V cache this op reads (all sequences, all KV heads). */
    public double kvCacheBytes() {
        long perHead = sharedKv ? headDim : headDim + valueHeadDim;
        return (double) batch * kvHeads * kvLength * perHead * kvPrecision.bytesPerElement();
    }

    /** The same op for the backward pass of training. */
    public Attention backward(String backwardName) {
        return new Attention(backwardName, batch, queryHeads, kvHeads, queryLength, kvLength, headDim, valueHeadDim,
                sharedKv, causal, form, Pass.BACKWARD, precision, kvPrecision);
    }

    @Override
    public OpKind kind() {
        return OpKind.ATTENTION;
    }

    @Override
    public Engine engine() {
        return Engine.MATRIX;
    }

    @Override
    public double matrixFlops() {
        if (form == Form.UNFUSED) {
            return sum(true);
        }
        double forward = 2.0 * batch * queryHeads * scorePairs() * (headDim + valueHeadDim);
        return pass == Pass.FORWARD ? forward : BACKWARD_MATRIX_FACTOR * forward;
    }

    @Override
    public double vectorFlops() {
        if (form == Form.UNFUSED) {
            return sum(false);
        }
        double forward = (double) Softmax.FLOPS_PER_ELEMENT * batch * queryHeads * scorePairs();
        return pass == Pass.FORWARD ? forward : BACKWARD_FACTOR * forward;
    }

    @Override
    public double bytes() {
        if (form == Form.FLASH) {
            double forward = (double) batch * queryHeads * queryLength * (headDim + valueHeadDim)
                    * precision.bytesPerElement() + kvCacheBytes();
            return pass == Pass.FORWARD ? forward : BACKWARD_FACTOR * forward;
        }
        double total = 0;
        for (Op part : lower()) {
            total += part.bytes();
        }
        return total;
    }

    @Override
    public List<Op> lower() {
        if (form == Form.FLASH) {
            return List.of(this);
        }
        long heads = batch * queryHeads;
        return List.of(
                new BatchedMatMul(name + ".qk", heads, queryLength, kvLength, headDim, precision),
                new Softmax(name + ".softmax", heads * queryLength, kvLength, precision),
                new BatchedMatMul(name + ".pv", heads, queryLength, valueHeadDim, kvLength, precision));
    }

    private double sum(boolean matrix) {
        double total = 0;
        for (Op part : lower()) {
            ComputeOp c = (ComputeOp) part;
            total += matrix ? c.matrixFlops() : c.vectorFlops();
        }
        return total;
    }
}
