package org.opsim.graph;

/**
 * An operator whose work runs on the vector unit (softmax, norms, activations, elementwise, rope,
 * embedding gathers, optimizer updates): no matrix FLOPs.
 */
public sealed interface VectorOp extends ComputeOp
        permits Softmax, LayerNorm, RmsNorm, Gelu, Silu, SiluAndMul, Elementwise, Rope, Embedding, OptimizerUpdate,
        CausalConv1d, TopK, MoeDispatch {

    @Override
    default Engine engine() {
        return Engine.VECTOR;
    }

    @Override
    default double matrixFlops() {
        return 0.0;
    }

    /**
     * How many independent rows the kernel spreads over the chip's compute units: row-wise kernels
     * (norms, softmax, rope, SiLU-and-mul) run one thread block per row, so {@code rows} blocks can
     * occupy at most {@code rows} units; elementwise kernels and gathers cut their elements into as
     * many blocks as the chip has room for ({@link Long#MAX_VALUE}). Used with a per-unit throughput
     * cap (docs/cost-model.md §8.2).
     */
    default long parallelRows() {
        return Long.MAX_VALUE;
    }

    /**
     * The elements of one of the {@link #parallelRows} rows, which a row-wise kernel's thread block
     * walks in iterations of its block size (docs/cost-model.md §8.3); 1 for kernels that are not
     * row-wise.
     */
    default long rowElements() {
        return 1;
    }
}
