package org.opsim.graph;

/**
 * Row-wise softmax over {@code rows} vectors of length {@code cols}.
 *
 * <p>FLOPs = 5 per element (running max, subtract, exp, sum, divide; exp counted as one).
 * Bytes = read rows·cols + write rows·cols.
 */
public record Softmax(String name, long rows, long cols, Precision precision) implements VectorOp {

    /** FLOPs per element: max, subtract, exp, add, divide. */
    public static final int FLOPS_PER_ELEMENT = 5;

    public Softmax {
        Shapes.name(name);
        Shapes.positive(name, "rows", rows);
        Shapes.positive(name, "cols", cols);
        Shapes.present(name, "precision", precision);
    }

    @Override
    public OpKind kind() {
        return OpKind.SOFTMAX;
    }

    @Override
    public double vectorFlops() {
        return (double) FLOPS_PER_ELEMENT * rows * cols;
    }

    @Override
    public double bytes() {
        return 2.0 * rows * cols * precision.bytesPerElement();
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
