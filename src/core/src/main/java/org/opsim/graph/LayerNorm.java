package org.opsim.graph;

/**
 * LayerNorm over {@code rows} vectors of length {@code hidden}, with scale γ and shift β.
 *
 * <p>FLOPs = 8 per element (mean: add; variance: subtract, square, add; normalise: subtract,
 * multiply by 1/σ; affine: multiply γ, add β). Bytes = read and write rows·hidden, read γ and β
 * (2·hidden).
 */
public record LayerNorm(String name, long rows, long hidden, Precision precision) implements VectorOp {

    public static final int FLOPS_PER_ELEMENT = 8;

    public LayerNorm {
        Shapes.name(name);
        Shapes.positive(name, "rows", rows);
        Shapes.positive(name, "hidden", hidden);
        Shapes.present(name, "precision", precision);
    }

    @Override
    public OpKind kind() {
        return OpKind.LAYERNORM;
    }

    @Override
    public double vectorFlops() {
        return (double) FLOPS_PER_ELEMENT * rows * hidden;
    }

    @Override
    public double bytes() {
        return (2.0 * rows * hidden + 2.0 * hidden) * precision.bytesPerElement();
    }

    /** One thread block per row: {@code rows}. */
    @Override
    public long parallelRows() {
        return rows;
    }

    /** One row's elements a row-wise kernel's block walks over. */
    @Override
    public long rowElements() {
        return hidden;
    }
}
