package org.opsim.graph;

/**
 * GELU over {@code elements} values, tanh form {@code 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))}.
 *
 * <p>FLOPs = 9 per element (x³: 2, ·0.044715: 1, +x: 1, ·√(2/π): 1, tanh: 1, +1: 1, ·x: 1, ·0.5: 1).
 * Bytes = read + write.
 */
public record Gelu(String name, long elements, Precision precision) implements VectorOp {

    public static final int FLOPS_PER_ELEMENT = 9;

    public Gelu {
        Shapes.name(name);
        Shapes.positive(name, "elements", elements);
        Shapes.present(name, "precision", precision);
    }

    @Override
    public OpKind kind() {
        return OpKind.GELU;
    }

    @Override
    public double vectorFlops() {
        return (double) FLOPS_PER_ELEMENT * elements;
    }

    @Override
    public double bytes() {
        return 2.0 * elements * precision.bytesPerElement();
    }
}
