package org.opsim.graph;

import java.util.List;
import java.util.Locale;
import org.opsim.internal.io.Ids;

/**
 * Numeric formats an operator can store and compute in, with their storage size in bytes per element
 * <em>including</em> the block scales a quantised format carries.
 *
 * <p>{@code int4} is the bare 4-bit integer (the arithmetic of int4 tensor cores, no scales); a
 * weight-only int4 checkpoint is {@code int4_g128} or {@code int4_g32}.
 *
 * <p>TF32 is stored as fp32 (4 bytes) and only differs from FP32 in the rate a matrix unit runs it at.
 * The plain formats (FP32 … FP4, INT8 with per-channel scales, whose n scales per k·n matrix are
 * negligible) carry no block scales. The block-scaled formats are storage formats whose arithmetic
 * runs at a plain one ({@link #arithmetic()}):
 * <ul>
 * <li>{@code fp8_block}: e4m3 with one fp32 scale per 128×128 block (DeepSeek-V3's weights):
 *   1 + 4/16384 bytes.</li>
 * <li>{@code mxfp8}: e4m3 with one e8m0 (1-byte) scale per 32 elements (OCP MX v1.0): 1 + 1/32 bytes.</li>
 * <li>{@code nvfp4}: e2m1 with one e4m3 scale per 16 elements (NVIDIA NVFP4; the per-tensor fp32
 *   scale is negligible): 0.5 + 1/16 bytes.</li>
 * <li>{@code mxfp4}: e2m1 with one e8m0 scale per 32 elements (OCP MX v1.0): 0.5 + 1/32 bytes.</li>
 * <li>{@code int4_g128}: weight-only int4 with one 16-bit scale per 128 weights (AWQ/GPTQ group
 *   128, symmetric; AWQ's 4-bit zero point per group adds 0.5/128 more and is not counted):
 *   0.5 + 2/128 bytes.</li>
 * <li>{@code int4_g32}: the same with groups of 32 (Kimi-K2.5's compressed-tensors checkpoint):
 *   0.5 + 2/32 bytes.</li>
 * </ul>
 */
public enum Precision {
    FP32(4.0),
    TF32(4.0),
    BF16(2.0),
    FP16(2.0),
    FP8(1.0),
    INT8(1.0),
    FP4(0.5),
    INT4(0.5),
    FP8_BLOCK(1.0 + 4.0 / (128 * 128)),
    MXFP8(1.0 + 1.0 / 32),
    NVFP4(0.5 + 1.0 / 16),
    MXFP4(0.5 + 1.0 / 32),
    INT4_G128(0.5 + 2.0 / 128),
    INT4_G32(0.5 + 2.0 / 32);

    private final double bytesPerElement;
    /** {@link #id()}, made once. */
    private final String id = name().toLowerCase(Locale.ROOT);

    Precision(double bytesPerElement) {
        this.bytesPerElement = bytesPerElement;
    }

    /** Storage bytes per element, block scales included. */
    public double bytesPerElement() {
        return bytesPerElement;
    }

    /**
     * The format the arithmetic runs in: a block-scaled storage format's element type (nvfp4 → fp4,
     * mxfp8 → fp8, int4 groups → int4), a plain format itself. A chip's peak tables are keyed by it.
     */
    public Precision arithmetic() {
        return switch (this) {
            case FP8_BLOCK, MXFP8 -> FP8;
            case NVFP4, MXFP4 -> FP4;
            case INT4_G128, INT4_G32 -> INT4;
            default -> this;
        };
    }

    /** Whether this is a block-scaled storage format (its arithmetic is another precision's). */
    public boolean blockScaled() {
        return arithmetic() != this;
    }

    /** The identifier used in files and on the command line, e.g. {@code bf16}. */
    public String id() {
        return id;
    }

    /**
     * The precisions a chip that lacks this one runs it at instead, best first: never a narrower
     * format (that would overstate speed), same-width siblings before wider ones.
     */
    public List<Precision> fallbacks() {
        return switch (this) {
            case FP4 -> List.of(FP8, BF16, FP16, TF32, FP32);
            case INT4 -> List.of(INT8, FP8, BF16, FP16, TF32, FP32);
            case FP8_BLOCK, MXFP8, NVFP4, MXFP4, INT4_G128, INT4_G32 -> {
                List<Precision> out = new java.util.ArrayList<>();
                out.add(arithmetic());
                out.addAll(arithmetic().fallbacks());
                yield List.copyOf(out);
            }
            case FP8 -> List.of(BF16, FP16, TF32, FP32);
            case INT8 -> List.of(FP8, BF16, FP16, TF32, FP32);
            case BF16 -> List.of(FP16, TF32, FP32);
            case FP16 -> List.of(BF16, TF32, FP32);
            case TF32 -> List.of(FP32);
            case FP32 -> List.of();
        };
    }

    /**
     * The wider of two operand precisions: the one a mixed-precision op computes in. Among equal
     * widths fp32 beats tf32 (an fp32 operand must not be run at the faster tf32 rate); otherwise
     * the first operand (the activation) decides.
     */
    public static Precision wider(Precision a, Precision b) {
        if (b.bytesPerElement != a.bytesPerElement) {
            return b.bytesPerElement > a.bytesPerElement ? b : a;
        }
        return b == FP32 ? b : a;
    }

    /** Parses {@code bf16}, {@code BF16}, ...; throws IllegalArgumentException listing the valid ids. */
    public static Precision parse(String id) {
        return Ids.parse(id, values(), Precision::id, "precision");
    }
}
