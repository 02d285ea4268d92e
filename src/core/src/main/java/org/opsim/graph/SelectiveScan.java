package org.opsim.graph;

/**
 * Mamba-2's selective state-space scan (the SSD layer, Dao &amp; Gu 2024), without its projections and
 * causal convolution (separate ops). Each of {@code heads} heads of size P = {@code headDim} keeps a
 * {@code P × N} state (N = {@code stateSize}); B and C have {@code groups} heads G of size N.
 *
 * <p>n = batch·tokens, H = heads, C = {@code chunk} (Mamba-2's {@code chunk_size}).
 * <ul>
 * <li><b>Chunked (tokens &gt; 1; the SSD algorithm)</b>, per chunk: C·Bᵀ per group (2C²N·G), the
 *   masked product with X per head (2C²P·H), each chunk's state Bᵀ·X (2C·N·P·H) and the output from
 *   the carried state C·S (2C·N·P·H). Per token: matrix FLOPs = 2C·N·G + H·(2C·P + 4N·P). Vector
 *   FLOPs per token per head: the decay segment sums (C), softplus of dt and the D skip (2P + 5):
 *   C + 2P + 5. Bytes: x and y (H·P each), B and C (G·N each) and dt (H) per token, plus the
 *   per-chunk states written and read back (2·⌈tokens/C⌉·H·P·N per sequence) and the final state
 *   written (H·P·N); with {@code carriedState} (a prefill chunk after tokens already seen) the state
 *   they left is read once more (H·P·N).</li>
 * <li><b>Recurrent (tokens = 1)</b>, per head: S = exp(dt·A)·S + dt·x⊗B (3P·N), y = S·C (2P·N),
 *   + D·x (2P): 5·P·N + 2P vector FLOPs. Bytes: the state read and written (2·H·P·N per sequence)
 *   plus x, B, C, dt and y.</li>
 * </ul>
 */
public record SelectiveScan(String name, long batch, long tokens, long heads, long headDim, long stateSize,
                            long groups, long chunk, Precision precision, Precision statePrecision,
                            boolean carriedState)
        implements ComputeOp {

    public SelectiveScan {
        Shapes.name(name);
        Shapes.positive(name, "batch", batch);
        Shapes.positive(name, "tokens", tokens);
        Shapes.positive(name, "heads", heads);
        Shapes.positive(name, "headDim", headDim);
        Shapes.positive(name, "stateSize", stateSize);
        Shapes.positive(name, "groups", groups);
        Shapes.positive(name, "chunk", chunk);
        Shapes.present(name, "precision", precision);
        Shapes.present(name, "statePrecision", statePrecision);
        if (heads % groups != 0) {
            throw Shapes.invalid(name, "groups", "heads " + heads + " is not a multiple of groups " + groups);
        }
    }

    /** A pass that starts from an empty state (a whole prompt, a decode step, training). */
    public SelectiveScan(String name, long batch, long tokens, long heads, long headDim, long stateSize, long groups,
                         long chunk, Precision precision, Precision statePrecision) {
        this(name, batch, tokens, heads, headDim, stateSize, groups, chunk, precision, statePrecision, false);
    }

    public boolean recurrent() {
        return tokens == 1;
    }

    /** Bytes of one sequence's SSM state. */
    public double stateBytesPerSequence() {
        return (double) heads * headDim * stateSize * statePrecision.bytesPerElement();
    }

    @Override
    public OpKind kind() {
        return OpKind.SSM_SCAN;
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
        double perToken = 2 * c * stateSize * groups + heads * (2 * c * headDim + 4.0 * stateSize * headDim);
        return (double) batch * tokens * perToken;
    }

    @Override
    public double vectorFlops() {
        double perHead = recurrent() ? 5.0 * headDim * stateSize + 2.0 * headDim : chunk + 2.0 * headDim + 5.0;
        return (double) batch * tokens * heads * perHead;
    }

    @Override
    public double bytes() {
        double perToken = (2.0 * heads * headDim + 2.0 * groups * stateSize + heads) * precision.bytesPerElement();
        return Shapes.stateOpBytes(batch, tokens, perToken, chunk, stateBytesPerSequence(), carriedState);
    }
}
