package org.opsim.graph;

/**
 * SiLU {@code x·σ(x) = x / (1 + e^(−x))} over {@code elements} values.
 *
 * <p>FLOPs = 4 per element (exp of −x, +1, divide, ·x). Bytes = read + write.
 */
public record Silu(String name, long elements, Precision precision) implements VectorOp {

    public static final int FLOPS_PER_ELEMENT = 4;

    public Silu {
        Shapes.name(name);
        Shapes.positive(name, "elements", elements);
        Shapes.present(name, "precision", precision);
    }

    @Override
    public OpKind kind() {
        return OpKind.SILU;
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
