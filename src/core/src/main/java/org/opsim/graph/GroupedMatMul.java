package org.opsim.graph;

/**
 * A grouped GEMM over mixture-of-experts weights: {@code rows} token-rows (tokens × experts per
 * token) routed to {@code groups} distinct experts, each expert a {@code k×n} weight matrix.
 *
 * <p>FLOPs = 2·rows·n·k (matrix unit), as one matmul over all routed rows. Bytes = rows·k·act +
 * groups·k·n·weight + rows·n·out: each touched expert's weights are read once, however many tokens
 * it serves, which is what makes small-batch MoE decode memory-bound on the experts touched.
 * Its kind is {@code matmul}: chips run it with their GEMM engine and efficiency tables.
 */
public record GroupedMatMul(String name, long rows, long n, long k, long groups,
                            Precision activationPrecision, Precision weightPrecision, Precision outputPrecision)
        implements GemmOp {

    public GroupedMatMul {
        Shapes.name(name);
        Shapes.positive(name, "rows", rows);
        Shapes.positive(name, "n", n);
        Shapes.positive(name, "k", k);
        Shapes.positive(name, "groups", groups);
        Shapes.present(name, "activationPrecision", activationPrecision);
        Shapes.present(name, "weightPrecision", weightPrecision);
        Shapes.present(name, "outputPrecision", outputPrecision);
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
        return 2.0 * rows * n * k;
    }

    @Override
    public double bytes() {
        return GemmOp.weightGemmBytes(rows, n, k, groups, activationPrecision, weightPrecision, outputPrecision);
    }

    /** Bytes of the touched experts' weights. */
    public double weightBytes() {
        return (double) groups * k * n * weightPrecision.bytesPerElement();
    }
}
