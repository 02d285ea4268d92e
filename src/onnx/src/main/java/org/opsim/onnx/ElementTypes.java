package org.opsim.onnx;

import org.opsim.graph.Precision;

/**
 * ONNX tensor element types ({@code TensorProto.DataType} numbers) and the opsim precision each is
 * costed in.
 */
final class ElementTypes {
    static final int UNDEFINED = 0;
    static final int FLOAT = 1;
    static final int UINT8 = 2;
    static final int INT8 = 3;
    static final int UINT16 = 4;
    static final int INT16 = 5;
    static final int INT32 = 6;
    static final int INT64 = 7;
    static final int STRING = 8;
    static final int BOOL = 9;
    static final int FLOAT16 = 10;
    static final int DOUBLE = 11;
    static final int UINT32 = 12;
    static final int UINT64 = 13;
    static final int COMPLEX64 = 14;
    static final int COMPLEX128 = 15;
    static final int BFLOAT16 = 16;
    static final int FLOAT8E4M3FN = 17;
    static final int FLOAT8E4M3FNUZ = 18;
    static final int FLOAT8E5M2 = 19;
    static final int FLOAT8E5M2FNUZ = 20;
    static final int UINT4 = 21;
    static final int INT4 = 22;
    static final int FLOAT4E2M1 = 23;
    static final int FLOAT8E8M0 = 24;

    private static final String[] NAMES = {"UNDEFINED", "FLOAT", "UINT8", "INT8", "UINT16", "INT16", "INT32",
        "INT64", "STRING", "BOOL", "FLOAT16", "DOUBLE", "UINT32", "UINT64", "COMPLEX64", "COMPLEX128", "BFLOAT16",
        "FLOAT8E4M3FN", "FLOAT8E4M3FNUZ", "FLOAT8E5M2", "FLOAT8E5M2FNUZ", "UINT4", "INT4", "FLOAT4E2M1",
        "FLOAT8E8M0"};

    private ElementTypes() {
    }

    static String name(int type) {
        return type >= 0 && type < NAMES.length ? NAMES[type] : "type " + type;
    }

    static boolean isFloat(int type) {
        return switch (type) {
            case FLOAT, FLOAT16, DOUBLE, BFLOAT16, FLOAT8E4M3FN, FLOAT8E4M3FNUZ, FLOAT8E5M2, FLOAT8E5M2FNUZ,
                    FLOAT4E2M1, FLOAT8E8M0, COMPLEX64, COMPLEX128 -> true;
            default -> false;
        };
    }

    /** Integer or boolean: the element types of shape tensors, indices and masks. */
    static boolean isInteger(int type) {
        return switch (type) {
            case UINT8, INT8, UINT16, INT16, INT32, INT64, BOOL, UINT32, UINT64, UINT4, INT4 -> true;
            default -> false;
        };
    }

    /**
     * Whether an initializer of this type counts as model parameters: floating-point tensors and
     * 8-bit-or-narrower integers (quantised weights). Wider integers and booleans are index buffers
     * and shape constants (e.g. BERT's {@code position_ids}).
     */
    static boolean isParameter(int type) {
        return isFloat(type) || type == INT8 || type == UINT8 || type == INT4 || type == UINT4;
    }

    /** True where {@link #precision} is exact, false where it is a stand-in of another width. */
    static boolean hasExactPrecision(int type) {
        return switch (type) {
            case FLOAT, FLOAT16, BFLOAT16, INT8, UINT8, FLOAT8E4M3FN, FLOAT8E4M3FNUZ, FLOAT8E5M2, FLOAT8E5M2FNUZ,
                    FLOAT8E8M0, FLOAT4E2M1 -> true;
            default -> false;
        };
    }

    /**
     * The opsim precision a tensor of this type is costed in. Types opsim has no precision for get the
     * nearest one ({@link #hasExactPrecision} says which): double and 4/8-byte integers as fp32,
     * 2-byte integers as fp16, bool as int8, 4-bit integers as fp4.
     */
    static Precision precision(int type) {
        return switch (type) {
            case FLOAT16, UINT16, INT16 -> Precision.FP16;
            case BFLOAT16 -> Precision.BF16;
            case INT8, UINT8, BOOL -> Precision.INT8;
            case FLOAT8E4M3FN, FLOAT8E4M3FNUZ, FLOAT8E5M2, FLOAT8E5M2FNUZ, FLOAT8E8M0 -> Precision.FP8;
            case FLOAT4E2M1, INT4, UINT4 -> Precision.FP4;
            default -> Precision.FP32;
        };
    }
}
