package org.opsim.graph;

/**
 * Binary elementwise {@code add} or {@code mul} of two tensors of {@code elements} values (e.g. a
 * residual add).
 *
 * <p>FLOPs = 1 per element. Bytes = read two inputs + write one output.
 */
public record Elementwise(String name, OpKind kind, long elements, Precision precision) implements VectorOp {

    public Elementwise {
        Shapes.name(name);
        Shapes.present(name, "kind", kind);
        if (kind != OpKind.ADD && kind != OpKind.MUL) {
            throw Shapes.invalid(name, "kind", "an elementwise kind must be add or mul, got " + kind.id());
        }
        Shapes.positive(name, "elements", elements);
        Shapes.present(name, "precision", precision);
    }

    public static Elementwise add(String name, long elements, Precision precision) {
        return new Elementwise(name, OpKind.ADD, elements, precision);
    }

    public static Elementwise mul(String name, long elements, Precision precision) {
        return new Elementwise(name, OpKind.MUL, elements, precision);
    }

    @Override
    public double vectorFlops() {
        return elements;
    }

    @Override
    public double bytes() {
        return 3.0 * elements * precision.bytesPerElement();
    }
}
