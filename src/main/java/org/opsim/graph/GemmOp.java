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
}
