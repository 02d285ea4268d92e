package org.opsim.graph;

/**
 * One AdamW update of {@code parameters} weights with fp32 master weights and moments (mixed-precision
 * training): a streaming elementwise pass.
 *
 * <p>FLOPs = 12 per parameter (moment updates 3 + 4, bias-corrected step with √, ε, divide, learning
 * rate, decoupled weight decay 5). Bytes per parameter = read the gradient (gradient precision) and
 * the fp32 master weight, m and v (12 B), write master, m and v (12 B) and the working copy of the
 * weight (weight precision): e.g. 2 + 12 + 12 + 2 = 28 B with bf16 weights and gradients.
 */
public record OptimizerUpdate(String name, long parameters, Precision weightPrecision, Precision gradientPrecision)
        implements VectorOp {

    public static final int FLOPS_PER_PARAMETER = 12;
    /** Master weight, first and second moment, fp32: read and written. */
    public static final int FP32_STATE_BYTES = 3 * 4;

    public OptimizerUpdate {
        Shapes.name(name);
        Shapes.positive(name, "parameters", parameters);
        Shapes.present(name, "weightPrecision", weightPrecision);
        Shapes.present(name, "gradientPrecision", gradientPrecision);
    }

    @Override
    public OpKind kind() {
        return OpKind.OPTIMIZER;
    }

    /** The update computes in fp32. */
    @Override
    public Precision precision() {
        return Precision.FP32;
    }

    @Override
    public double vectorFlops() {
        return (double) FLOPS_PER_PARAMETER * parameters;
    }

    @Override
    public double bytes() {
        return (double) parameters * (gradientPrecision.bytesPerElement() + 2 * FP32_STATE_BYTES
                + weightPrecision.bytesPerElement());
    }
}
