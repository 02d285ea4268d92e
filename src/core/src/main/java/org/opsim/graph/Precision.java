package org.opsim.graph;

import java.util.List;
import java.util.Locale;
import org.opsim.internal.io.Ids;

/**
 * Numeric formats an operator can store and compute in, with their storage size in bytes per element.
 *
 * <p>TF32 is stored as fp32 (4 bytes) and only differs from FP32 in the rate a matrix unit runs it at.
 * FP4 elements are half a byte (two per byte); block scales of MX formats are not counted.
 */
public enum Precision {
    FP32(4.0),
    TF32(4.0),
    BF16(2.0),
    FP16(2.0),
    FP8(1.0),
    INT8(1.0),
    FP4(0.5);

    private final double bytesPerElement;

    Precision(double bytesPerElement) {
        this.bytesPerElement = bytesPerElement;
    }

    public double bytesPerElement() {
        return bytesPerElement;
    }

    /** The identifier used in files and on the command line, e.g. {@code bf16}. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The precisions a chip that lacks this one runs it at instead, best first: never a narrower
     * format (that would overstate speed), same-width siblings before wider ones.
     */
    public List<Precision> fallbacks() {
        return switch (this) {
            case FP4 -> List.of(FP8, BF16, FP16, TF32, FP32);
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
