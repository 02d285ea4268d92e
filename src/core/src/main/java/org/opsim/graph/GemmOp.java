package org.opsim.graph;

/** A matrix multiplication (plain, batched or grouped): all of its FLOPs run on the matrix unit. */
public sealed interface GemmOp extends ComputeOp permits MatMul, BatchedMatMul, GroupedMatMul {

    @Override
    default Engine engine() {
        return Engine.MATRIX;
    }

    @Override
    default double vectorFlops() {
        return 0.0;
    }

    /**
     * Compulsory bytes of a weight GEMM: {@code rows × k} activations read, {@code copies} weight
     * matrices of {@code k × n} read once each, {@code rows × n} outputs written.
     */
    static double weightGemmBytes(long rows, long n, long k, long copies, Precision activation, Precision weight,
                                  Precision output) {
        return (double) rows * k * activation.bytesPerElement()
                + (double) copies * k * n * weight.bytesPerElement()
                + (double) rows * n * output.bytesPerElement();
    }
}
