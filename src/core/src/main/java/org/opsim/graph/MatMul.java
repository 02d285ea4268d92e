package org.opsim.graph;

/**
 * {@code C[m×n] = A[m×k] · B[k×n]} where A is activations, B is a weight matrix and C the output.
 *
 * <p>FLOPs = 2·m·n·k (matrix unit). Bytes = m·k·act + k·n·weight + m·n·out (element sizes of each
 * operand's precision). Computes in the wider of the activation and weight precisions, so fp8
 * weights with bf16 activations (weight-only quantisation) compute in bf16 but read half the weight bytes.
 */
public record MatMul(String name, long m, long n, long k,
                     Precision activationPrecision, Precision weightPrecision, Precision outputPrecision)
        implements GemmOp {

    public MatMul {
        Shapes.name(name);
        Shapes.positive(name, "m", m);
        Shapes.positive(name, "n", n);
        Shapes.positive(name, "k", k);
        Shapes.present(name, "activationPrecision", activationPrecision);
        Shapes.present(name, "weightPrecision", weightPrecision);
        Shapes.present(name, "outputPrecision", outputPrecision);
    }

    /** All three operands in one precision. */
    public MatMul(String name, long m, long n, long k, Precision precision) {
        this(name, m, n, k, precision, precision, precision);
    }

    @Override
    public OpKind kind() {
        return OpKind.MATMUL;
    }

    @Override
    public Precision precision() {
        return Precision.wider(activationPrecision, weightPrecision);
    }

    @Override
    public double matrixFlops() {
        return 2.0 * m * n * k;
    }

    @Override
    public double bytes() {
        return GemmOp.weightGemmBytes(m, n, k, 1, activationPrecision, weightPrecision, outputPrecision);
    }

    /** Bytes of the weight operand B alone (k·n elements). */
    public double weightBytes() {
        return (double) k * n * weightPrecision.bytesPerElement();
    }
}
