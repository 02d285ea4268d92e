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
 * A {@link Limit} caps the keys each query sees at {@code keyLimit} = L (causal only):
 * <ul>
 * <li>{@link Limit#WINDOW} (sliding window: the last L positions) and {@link Limit#TOP_K} (DeepSeek
 *   sparse attention: the L keys its indexer picks among the visible ones) both give query position
 *   p (0-based) {@code min(p + 1, L)} keys: {@code P = Σ_{v = kv−q+1}^{kv} min(v, L)}. A decode step
 *   reads {@code min(kv, L)} cached keys; a window over q queries {@code min(kv, L + q − 1)}; top-k
 *   gathers {@code min(kv, q·L)}.</li>
 * <li>{@link Limit#CHUNK} (Llama 4's chunked local attention: a query sees the keys of its own
 *   L-token chunk up to itself): position p sees {@code (p mod L) + 1} keys, so with
 *   {@code F(n) = ⌊n/L⌋·L(L+1)/2 + r(r+1)/2, r = n mod L}, {@code P = F(kv) − F(kv − q)}; the keys read
 *   are those from the start of the first query's chunk: {@code kv − ⌊(kv − q)/L⌋·L}.</li>
 * </ul>
 * With {@code stride} s &gt; 1 (DeepSeek-V4's compressed attention) each cached entry stands for s
 * tokens: position p sees ⌊(p + 1)/s⌋ entries (capped at L for TOP_K), the cache holds ⌈kv/s⌉ and a
 * query needs at least one entry visible to attend at all, so every count above is taken over
 * entries, not tokens.
 * With {@code sinks} (gpt-oss), every head adds one learned logit to its softmax denominator:
 * {@code 5·b·h_q·q} more vector FLOPs and {@code h_q} parameters, no keys.
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
                        Form form, Pass pass, Precision precision, Precision kvPrecision, Limit limit,
                        long keyLimit, boolean sinks, long stride)
        implements ComputeOp {

    /** How the keys a query sees are capped, if at all (see the class comment). */
    public enum Limit {
        NONE, WINDOW, CHUNK, TOP_K;

        /** {@link #id()}, made once. */
        private final String id = name().toLowerCase(Locale.ROOT);

        public String id() {
            return id;
        }

        public static Limit parse(String id) {
            return Ids.parse(id, values(), Limit::id, "attention limit");
        }
    }

    /** Whether the score matrix is kept on chip (flash) or written to memory between three kernels. */
    public enum Form {
        FLASH, UNFUSED;

        /** {@link #id()}, made once. */
        private final String id = name().toLowerCase(Locale.ROOT);

        public String id() {
            return id;
        }

        public static Form parse(String id) {
            return Ids.parse(id, values(), Form::id, "attention form");
        }
    }

    /** Forward, or the backward pass of training. */
    public enum Pass {
        FORWARD, BACKWARD;

        /** {@link #id()}, made once. */
        private final String id = name().toLowerCase(Locale.ROOT);

        public String id() {
            return id;
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
        Shapes.present(name, "limit", limit);
        Shapes.positive(name, "stride", stride);
        if (stride > 1 && (limit == Limit.WINDOW || limit == Limit.CHUNK)) {
            throw Shapes.invalid(name, "stride", "a compressed cache takes no " + limit.id() + " limit");
        }
        if (stride > 1 && !causal) {
            throw Shapes.invalid(name, "stride", "a compressed cache needs a causal mask");
        }
        if (limit == Limit.NONE) {
            if (keyLimit != 0) {
                throw Shapes.invalid(name, "keyLimit", "must be 0 without a limit, got " + keyLimit);
            }
        } else {
            Shapes.positive(name, "keyLimit", keyLimit);
            if (!causal) {
                throw Shapes.invalid(name, "limit", "a " + limit.id() + " limit needs a causal mask");
            }
        }
        if (queryHeads % kvHeads != 0) {
            throw Shapes.invalid(name, "kvHeads", "queryHeads " + queryHeads + " is not a multiple of kvHeads " + kvHeads);
        }
        if (queryLength > kvLength && stride == 1) {
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

    /** Attention over every visible key, without sinks. */
    public Attention(String name, long batch, long queryHeads, long kvHeads, long queryLength, long kvLength,
                     long headDim, long valueHeadDim, boolean sharedKv, boolean causal, Form form, Pass pass,
                     Precision precision, Precision kvPrecision) {
        this(name, batch, queryHeads, kvHeads, queryLength, kvLength, headDim, valueHeadDim, sharedKv, causal, form,
                pass, precision, kvPrecision, Limit.NONE, 0, false, 1);
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
        if (stride > 1) {
            long cap = limit == Limit.TOP_K ? keyLimit : Long.MAX_VALUE / 4;
            return strided(kvLength - queryLength + 1, kvLength, stride, cap);
        }
        return switch (limit) {
            case NONE -> q * (kvLength - queryLength) + q * (q + 1.0) / 2.0;
            case WINDOW, TOP_K -> cappedSum(kvLength - queryLength + 1, kvLength, keyLimit);
            case CHUNK -> chunkPrefix(kvLength, keyLimit) - chunkPrefix(kvLength - queryLength, keyLimit);
        };
    }

    /** {@code Σ_{v=lo}^{hi} min(v, cap)}. */
    private static double cappedSum(long lo, long hi, long cap) {
        double total = 0;
        long top = Math.min(hi, cap);
        if (top >= lo) {
            total += ((double) lo + top) * (top - lo + 1) / 2.0;
        }
        long from = Math.max(lo, cap + 1);
        if (hi >= from) {
            total += (double) cap * (hi - from + 1);
        }
        return total;
    }

    /** {@code Σ_{v=lo}^{hi} min(⌊v/s⌋, cap)}. */
    private static double strided(long lo, long hi, long s, long cap) {
        long edge = cap >= Long.MAX_VALUE / (4 * s) ? Long.MAX_VALUE / 4 : cap * s; // from v = cap·s on, the cap binds
        double total = 0;
        long top = Math.min(hi, edge - 1);
        if (top >= lo) {
            total += floorSum(top, s) - floorSum(lo - 1, s);
        }
        long from = Math.max(lo, edge);
        if (hi >= from) {
            total += (double) cap * (hi - from + 1);
        }
        return total;
    }

    /** {@code G(n) = Σ_{v=0}^{n} ⌊v/s⌋} (0 for n &lt; 0). */
    private static double floorSum(long n, long s) {
        if (n < 0) {
            return 0;
        }
        long full = n / s;
        return (double) s * full * (full - 1) / 2.0 + (double) full * (n - full * s + 1);
    }

    /** {@code F(n) = Σ_{p=0}^{n−1} ((p mod c) + 1)}. */
    private static double chunkPrefix(long n, long c) {
        long full = n / c;
        long r = n % c;
        return (double) full * c * (c + 1) / 2.0 + (double) r * (r + 1) / 2.0;
    }

    /** Keys of each sequence's cache this op reads (see the class comment). */
    public long keysRead() {
        if (stride > 1) {
            long entries = (kvLength + stride - 1) / stride;
            return limit == Limit.TOP_K ? Math.min(entries, queryLength * keyLimit) : entries;
        }
        return switch (limit) {
            case NONE -> kvLength;
            case WINDOW -> Math.min(kvLength, keyLimit + queryLength - 1);
            case TOP_K -> Math.min(kvLength, queryLength * keyLimit);
            case CHUNK -> kvLength - (kvLength - queryLength) / keyLimit * keyLimit;
        };
    }

    /** Bytes of the K/V cache this op reads (all sequences, all KV heads). */
    public double kvCacheBytes() {
        long perHead = sharedKv ? headDim : headDim + valueHeadDim;
        return (double) batch * kvHeads * keysRead() * perHead * kvPrecision.bytesPerElement();
    }

    /** The same op at another context length (a decode step further into a generation). */
    public Attention withKvLength(long kv) {
        return new Attention(name, batch, queryHeads, kvHeads, queryLength, kv, headDim, valueHeadDim, sharedKv, causal,
                form, pass, precision, kvPrecision, limit, keyLimit, sinks, stride);
    }

    /** The same op for the backward pass of training. */
    public Attention backward(String backwardName) {
        return new Attention(backwardName, batch, queryHeads, kvHeads, queryLength, kvLength, headDim, valueHeadDim,
                sharedKv, causal, form, Pass.BACKWARD, precision, kvPrecision, limit, keyLimit, sinks, stride);
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
        double forward = (double) Softmax.FLOPS_PER_ELEMENT * batch * queryHeads
                * (scorePairs() + (sinks ? queryLength : 0));
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
        // Eager attention masks a full score matrix over the keys it reads (a window's mask saves nothing).
        long heads = batch * queryHeads;
        long keys = keysRead();
        return List.of(
                new BatchedMatMul(name + ".qk", heads, queryLength, keys, headDim, precision),
                new Softmax(name + ".softmax", heads * queryLength, keys + (sinks ? 1 : 0), precision),
                new BatchedMatMul(name + ".pv", heads, queryLength, valueHeadDim, keys, precision));
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
