package org.opsim.graph;

import java.util.List;

/**
 * Scaled dot-product attention {@code softmax(Q·Kᵀ/√d)·V} with grouped-query heads.
 *
 * <p>Shapes: {@code batch} sequences, {@code queryHeads} heads of Q sharing {@code kvHeads} heads of K
 * and V ({@code queryHeads % kvHeads == 0}), {@code queryLength} new tokens attending to
 * {@code kvLength} keys (the cache plus the new tokens, so {@code queryLength <= kvLength}),
 * head size {@code headDim}.
 *
 * <p>Score pairs per (sequence, head): {@code P = q·kv} without a mask; with a causal mask query i
 * (0-based, the last q positions) sees {@code kv − q + i + 1} keys, so {@code P = q·(kv − q) + q·(q+1)/2}.
 *
 * <ul>
 * <li>{@link Form#FLASH} (fused): matrix FLOPs = 4·b·h_q·d·P (Q·Kᵀ and P·V), vector FLOPs = 5·b·h_q·P
 *   (online softmax), bytes = read Q, K, V and write O once:
 *   {@code (2·b·h_q·q·d + 2·b·h_kv·kv·d)·e}. The score matrix never reaches memory and masked blocks
 *   are skipped.</li>
 * <li>{@link Form#UNFUSED}: {@link #lower()} gives Q·Kᵀ as a batched matmul over b·h_q heads
 *   (K broadcast per query head, as {@code repeat_kv} does), a softmax over the full q×kv score
 *   matrix, and scores·V. The mask is applied to a full score matrix, so a causal mask saves nothing.</li>
 * </ul>
 */
public record Attention(String name, long batch, long queryHeads, long kvHeads, long queryLength,
                        long kvLength, long headDim, boolean causal, Form form, Precision precision)
        implements ComputeOp {

    /** Whether the score matrix is kept on chip (flash) or written to memory between three kernels. */
    public enum Form {
        FLASH, UNFUSED;

        public String id() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        public static Form parse(String id) {
            for (Form f : values()) {
                if (f.id().equalsIgnoreCase(id)) {
                    return f;
                }
            }
            throw new IllegalArgumentException("unknown attention form '" + id + "' (expected flash or unfused)");
        }
    }

    public Attention {
        Shapes.name(name);
        Shapes.positive(name, "batch", batch);
        Shapes.positive(name, "queryHeads", queryHeads);
        Shapes.positive(name, "kvHeads", kvHeads);
        Shapes.positive(name, "queryLength", queryLength);
        Shapes.positive(name, "kvLength", kvLength);
        Shapes.positive(name, "headDim", headDim);
        Shapes.present(name, "form", form);
        Shapes.present(name, "precision", precision);
        if (queryHeads % kvHeads != 0) {
            throw new IllegalArgumentException(name + ": queryHeads " + queryHeads
                    + " is not a multiple of kvHeads " + kvHeads);
        }
        if (queryLength > kvLength) {
            throw new IllegalArgumentException(name + ": queryLength " + queryLength
                    + " exceeds kvLength " + kvLength + " (queries attend to the cache plus themselves)");
        }
        try {
            // The unfused lowering multiplies these as whole numbers: refuse shapes that overflow a long.
            Math.multiplyExact(Math.multiplyExact(batch, queryHeads), queryLength);
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException(name + ": batch × queryHeads × queryLength overflows a 64-bit count");
        }
    }

    /** Score pairs per (sequence, query head), after the causal mask if any. */
    public double scorePairs() {
        if (!causal) {
            return (double) queryLength * kvLength;
        }
        double q = queryLength;
        return q * (kvLength - queryLength) + q * (q + 1.0) / 2.0;
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
        return form == Form.FLASH ? 4.0 * batch * queryHeads * headDim * scorePairs() : sum(true);
    }

    @Override
    public double vectorFlops() {
        return form == Form.FLASH ? (double) Softmax.FLOPS_PER_ELEMENT * batch * queryHeads * scorePairs() : sum(false);
    }

    @Override
    public double bytes() {
        if (form == Form.FLASH) {
            double e = precision.bytesPerElement();
            return (2.0 * batch * queryHeads * queryLength * headDim + 2.0 * batch * kvHeads * kvLength * headDim) * e;
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
                new BatchedMatMul(name + ".pv", heads, queryLength, headDim, kvLength, precision));
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
