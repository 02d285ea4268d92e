package org.opsim.graph;

/**
 * RMSNorm over {@code rows} vectors of length {@code hidden}, with scale γ.
 *
 * <p>FLOPs = 4 per element (square, add, multiply by 1/rms, multiply γ). Bytes = read and write
 * rows·hidden, read γ (hidden).
 */
public record RmsNorm(String name, long rows, long hidden, Precision precision) implements VectorOp {

    public static final int FLOPS_PER_ELEMENT = 4;

    public RmsNorm {
        Shapes.name(name);
        Shapes.positive(name, "rows", rows);
        Shapes.positive(name, "hidden", hidden);
        Shapes.present(name, "precision", precision);
    }

    @Override
    public OpKind kind() {
        return OpKind.RMSNORM;
    }

    @Override
    public double vectorFlops() {
        return (double) FLOPS_PER_ELEMENT * rows * hidden;
    }

    @Override
    public double bytes() {
        return (2.0 * rows * hidden + hidden) * precision.bytesPerElement();
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
