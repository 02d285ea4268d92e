package org.opsim.graph;

/**
 * An operator whose work runs on the vector unit (softmax, norms, activations, elementwise, rope,
 * embedding gathers, optimizer updates): no matrix FLOPs.
 */
public sealed interface VectorOp extends ComputeOp
        permits Softmax, LayerNorm, RmsNorm, Gelu, Silu, SiluAndMul, Elementwise, Rope, Embedding, OptimizerUpdate {

    @Override
    default Engine engine() {
        return Engine.VECTOR;
    }

    @Override
    default double matrixFlops() {
        return 0.0;
    }
}
