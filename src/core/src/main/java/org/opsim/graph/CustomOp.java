package org.opsim.graph;

/**
 * An operator opsim has no formula for, given by its work: FLOPs per engine and bytes, as a user (or
 * a {@link CustomOperator}) worked them out. The cost kernel runs it like any other op: the roofline
 * of its matrix FLOPs, vector FLOPs and bytes, plus the chip's overhead.
 *
 * <p>{@code supportKey} names the kernel a chip must have to run it natively (e.g.
 * {@code "hyper_connection"}): a profile runs it natively when its {@code customOps} list holds the
 * key or its {@code nativeOps} holds {@code custom} (a programmable GPU); otherwise it takes the
 * profile's fallback for {@code custom} (or its default fallback), whose penalty the result reports.
 * {@code efficiency} (0 &lt; e ≤ 1) replaces the profile's compute efficiency for this op; 0 keeps the
 * profile's default curve. {@code parallelRows}: independent rows the kernel spreads over the
 * chip's units ({@link Long#MAX_VALUE} for an elementwise or GEMM-like kernel).
 */
public record CustomOp(String name, String supportKey, Engine engine, double matrixFlops, double vectorFlops,
                       double bytes, Precision precision, double efficiency, long parallelRows)
        implements ComputeOp {

    /** What a support key may be made of (as in a profile's {@code customOps}). */
    public static final String SUPPORT_KEY = "[a-z0-9_.-]+";

    public CustomOp {
        Shapes.name(name);
        if (supportKey == null || supportKey.isBlank() || !supportKey.matches(SUPPORT_KEY)) {
            throw Shapes.invalid(name, "supportKey", "must be lower-case letters, digits, '_', '.' or '-', got '"
                    + supportKey + "'");
        }
        Shapes.present(name, "engine", engine);
        if (engine != Engine.MATRIX && engine != Engine.VECTOR) {
            throw Shapes.invalid(name, "engine", "a custom op runs on the matrix or the vector engine, not " + engine.id());
        }
        nonNegative(name, "matrixFlops", matrixFlops);
        nonNegative(name, "vectorFlops", vectorFlops);
        nonNegative(name, "bytes", bytes);
        if (matrixFlops + vectorFlops + bytes <= 0) {
            throw Shapes.invalid(name, "bytes", "a custom op needs some work: FLOPs or bytes");
        }
        if (engine == Engine.MATRIX && matrixFlops == 0 && vectorFlops > 0) {
            throw Shapes.invalid(name, "engine", "matrix engine but no matrix FLOPs");
        }
        Shapes.present(name, "precision", precision);
        if (!(efficiency >= 0 && efficiency <= 1)) {
            throw Shapes.invalid(name, "efficiency", "must be in (0, 1], or 0 for the profile's, got " + efficiency);
        }
        Shapes.positive(name, "parallelRows", parallelRows);
    }

    /** A custom op with the profile's efficiency, over as many rows as the chip has room for. */
    public CustomOp(String name, String supportKey, Engine engine, double matrixFlops, double vectorFlops, double bytes,
                    Precision precision) {
        this(name, supportKey, engine, matrixFlops, vectorFlops, bytes, precision, 0, Long.MAX_VALUE);
    }

    private static void nonNegative(String op, String field, double v) {
        if (!(v >= 0) || Double.isInfinite(v)) {
            throw Shapes.invalid(op, field, "must be a finite number >= 0, got " + v);
        }
    }

    @Override
    public OpKind kind() {
        return OpKind.CUSTOM;
    }
}
