package org.opsim.graph;

/**
 * {@code batch} independent products {@code C_i[m×n] = A_i[m×k] · B_i[k×n]}, both operands
 * activations (e.g. attention scores Q·Kᵀ).
 *
 * <p>FLOPs = 2·batch·m·n·k. Bytes = batch·(m·k + k·n + m·n)·element size.
 */
public record BatchedMatMul(String name, long batch, long m, long n, long k, Precision precision)
        implements GemmOp {

    public BatchedMatMul {
        Shapes.name(name);
        Shapes.positive(name, "batch", batch);
        Shapes.positive(name, "m", m);
        Shapes.positive(name, "n", n);
        Shapes.positive(name, "k", k);
        Shapes.present(name, "precision", precision);
    }

    @Override
    public OpKind kind() {
        return OpKind.BATCHED_MATMUL;
    }

    @Override
    public double matrixFlops() {
        return 2.0 * batch * m * n * k;
    }

    @Override
    public double bytes() {
        return (double) batch * ((double) m * k + (double) k * n + (double) m * n) * precision.bytesPerElement();
    }
}
