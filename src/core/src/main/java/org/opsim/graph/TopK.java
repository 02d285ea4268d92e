package org.opsim.graph;

/**
 * Picks the {@code k} largest of each of {@code rows} rows of {@code cols} scores: a MoE router's
 * expert choice, or a sparse-attention indexer's key choice.
 *
 * <p>FLOPs = cols·(1 + ⌈log₂ k⌉) per row (each score compared into a k-heap). Bytes: the scores read
 * (rows·cols), the chosen values and their 4-byte indices written (rows·k·(e + 4)).
 */
public record TopK(String name, long rows, long cols, long k, Precision precision) implements VectorOp {

    public TopK {
        Shapes.name(name);
        Shapes.positive(name, "rows", rows);
        Shapes.positive(name, "cols", cols);
        Shapes.positive(name, "k", k);
        Shapes.present(name, "precision", precision);
        if (k > cols) {
            throw Shapes.invalid(name, "k", k + " exceeds the " + cols + " columns");
        }
    }

    @Override
    public OpKind kind() {
        return OpKind.TOPK;
    }

    @Override
    public double vectorFlops() {
        int log = k <= 1 ? 0 : 64 - Long.numberOfLeadingZeros(k - 1); // ⌈log₂ k⌉
        return (double) rows * cols * (1 + log);
    }

    @Override
    public double bytes() {
        return (double) rows * cols * precision.bytesPerElement() + (double) rows * k * (precision.bytesPerElement() + 4);
    }

    /** One thread block per row. */
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
