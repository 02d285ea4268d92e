package org.opsim.graph;

/**
 * An operator that runs on a chip's matrix and/or vector engine and touches main memory.
 *
 * <p>Work is split by engine so that fused operators (flash attention: matmuls on the matrix unit,
 * softmax on the vector unit, overlapped) are costed as the slowest of the two and of memory.
 */
public sealed interface ComputeOp extends Op
        permits GemmOp, VectorOp, Attention, LinearAttention, SelectiveScan, Indexer, CustomOp {

    /** The precision the op computes in (for mixed operands, the wider one). */
    Precision precision();

    /** The engine that carries the op's main work. */
    Engine engine();

    /** FLOPs that run on the matrix unit. */
    double matrixFlops();

    /** FLOPs that run on the vector unit. */
    double vectorFlops();

    @Override
    default double flops() {
        return matrixFlops() + vectorFlops();
    }
}
