package org.opsim.graph;

/**
 * The short depthwise causal convolution in front of Mamba-2's scan and of gated-delta-rule linear
 * attention: each of {@code channels} channels convolved over the last {@code kernel} positions.
 *
 * <p>FLOPs = 2·kernel per channel per token (multiply-add) + 1 for the bias and 4 for the SiLU that
 * follows (fused in every released kernel): (2·kernel + 5)·n·channels, n = batch·tokens. Bytes: the
 * input read and the output written (2·n·channels), the weights (channels·kernel), and the rolling
 * state of the last kernel − 1 inputs per sequence: written after a prefill, read and written by a
 * decode step (tokens = 1) and by a prefill chunk after tokens already seen ({@code carriedState}: its
 * first kernel − 1 outputs need the earlier inputs).
 */
public record CausalConv1d(String name, long batch, long tokens, long channels, long kernel, Precision precision,
                           boolean carriedState)
        implements VectorOp {

    public CausalConv1d {
        Shapes.name(name);
        Shapes.positive(name, "batch", batch);
        Shapes.positive(name, "tokens", tokens);
        Shapes.positive(name, "channels", channels);
        Shapes.positive(name, "kernel", kernel);
        Shapes.present(name, "precision", precision);
    }

    /** A pass that starts from an empty state (a whole prompt, a decode step, training). */
    public CausalConv1d(String name, long batch, long tokens, long channels, long kernel, Precision precision) {
        this(name, batch, tokens, channels, kernel, precision, false);
    }

    /** Bytes of one sequence's convolution state. */
    public double stateBytesPerSequence() {
        return (double) (kernel - 1) * channels * precision.bytesPerElement();
    }

    @Override
    public OpKind kind() {
        return OpKind.CONV1D;
    }

    @Override
    public double vectorFlops() {
        return (2.0 * kernel + 5.0) * batch * tokens * channels;
    }

    @Override
    public double bytes() {
        double e = precision.bytesPerElement();
        double state = batch * stateBytesPerSequence() * (tokens == 1 || carriedState ? 2 : 1);
        return 2.0 * batch * tokens * channels * e + (double) channels * kernel * e + state;
    }
}
