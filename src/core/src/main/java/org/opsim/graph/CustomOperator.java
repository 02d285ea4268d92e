package org.opsim.graph;

/**
 * The extension point for an operator kind of your own: implement this (a record is easiest) with
 * the kind's shapes and its FLOP and byte formulas, and put {@link #toOp()} into a {@link Block}. The
 * cost model sees the generic {@link CustomOp} it lowers to, so there is still one cost kernel and
 * nothing in it allocates per op.
 *
 * <pre>{@code
 * record HyperConnection(String name, long tokens, long width, int streams) implements CustomOperator {
 *     public String supportKey() { return "hyper_connection"; }
 *     public Precision precision() { return Precision.BF16; }
 *     public double vectorFlops() { return 2.0 * tokens * width * streams * streams; }
 *     public double bytes() { return 2.0 * tokens * width * streams * 2; }
 * }
 * }</pre>
 */
public interface CustomOperator {

    /** The op's label in a breakdown. */
    String name();

    /** The kernel a chip must have to run it natively (see {@link CustomOp}). */
    String supportKey();

    Precision precision();

    /** FLOPs on the matrix engine (default none). */
    default double matrixFlops() {
        return 0;
    }

    /** FLOPs on the vector engine (default none). */
    default double vectorFlops() {
        return 0;
    }

    /** Bytes to and from main memory. */
    double bytes();

    /** A compute efficiency of your own in (0, 1], or 0 (the default) for the profile's. */
    default double efficiency() {
        return 0;
    }

    /** Independent rows the kernel spreads over the chip's units (default: unlimited). */
    default long parallelRows() {
        return Long.MAX_VALUE;
    }

    /** The generic op the cost model runs: matrix engine when there are matrix FLOPs, else vector. */
    default CustomOp toOp() {
        return new CustomOp(name(), supportKey(), matrixFlops() > 0 ? Engine.MATRIX : Engine.VECTOR, matrixFlops(),
                vectorFlops(), bytes(), precision(), efficiency(), parallelRows());
    }
}
