package org.opsim.graph;

/**
 * Rotary position embedding applied in place to {@code tokens × width} values (query and key heads
 * side by side), rotating pairs within each head of size {@code headDim}.
 *
 * <p>FLOPs = 3 per value ({@code x·cos + rotate(x)·sin}: two multiplies, one add). Bytes = read and
 * write tokens·width, plus the cos and sin tables (tokens·headDim/2 each, i.e. tokens·headDim).
 */
public record Rope(String name, long tokens, long width, long headDim, Precision precision) implements VectorOp {

    public static final int FLOPS_PER_ELEMENT = 3;

    public Rope {
        Shapes.name(name);
        Shapes.positive(name, "tokens", tokens);
        Shapes.positive(name, "width", width);
        Shapes.positive(name, "headDim", headDim);
        Shapes.present(name, "precision", precision);
        if (headDim % 2 != 0) {
            throw Shapes.invalid(name, "headDim", "must be even to rotate pairs, got " + headDim);
        }
        if (width % headDim != 0) {
            throw Shapes.invalid(name, "width", width + " is not a whole number of heads of headDim " + headDim);
        }
    }

    @Override
    public OpKind kind() {
        return OpKind.ROPE;
    }

    @Override
    public double vectorFlops() {
        return (double) FLOPS_PER_ELEMENT * tokens * width;
    }

    @Override
    public double bytes() {
        return (2.0 * tokens * width + (double) tokens * headDim) * precision.bytesPerElement();
    }

    /** One thread block per row: {@code tokens}. */
    @Override
    public long parallelRows() {
        return tokens;
    }

    /** One row's elements a row-wise kernel's block walks over (the rotated pairs of the token). */
    @Override
    public long rowElements() {
        return width / 2;
    }
}
