package org.opsim.graph;

/**
 * SwiGLU gate: {@code SiLU(gate) · up}, input {@code rows × 2·cols} (gate and up concatenated),
 * output {@code rows × cols}.
 *
 * <p>FLOPs = 5 per output element (4 for SiLU, 1 multiply). Bytes = read 2·rows·cols + write rows·cols.
 */
public record SiluAndMul(String name, long rows, long cols, Precision precision) implements VectorOp {

    public static final int FLOPS_PER_ELEMENT = Silu.FLOPS_PER_ELEMENT + 1;

    public SiluAndMul {
        Shapes.name(name);
        Shapes.positive(name, "rows", rows);
        Shapes.positive(name, "cols", cols);
        Shapes.present(name, "precision", precision);
    }

    @Override
    public OpKind kind() {
        return OpKind.SILU_AND_MUL;
    }

    @Override
    public double vectorFlops() {
        return (double) FLOPS_PER_ELEMENT * rows * cols;
    }

    @Override
    public double bytes() {
        return 3.0 * rows * cols * precision.bytesPerElement();
    }

    /** One thread block per row: {@code rows}. */
    @Override
    public long parallelRows() {
        return rows;
    }

    /** One row's elements a row-wise kernel's block walks over. */
    @Override
    public long rowElements() {
        return cols;
    }
}
