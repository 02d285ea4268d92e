package org.opsim.onnx;

import java.util.Arrays;

/**
 * The contents of a small constant tensor (a shape, an axis list, a scalar such as a LayerNorm
 * epsilon), known at import time. Integer and boolean types hold {@code ints}, floating-point types
 * {@code reals}; exactly one of the two is non-null. Arrays are never modified after construction.
 */
final class Value {
    final long[] shape;
    final int type;
    final long[] ints;
    final double[] reals;

    private Value(long[] shape, int type, long[] ints, double[] reals) {
        this.shape = shape;
        this.type = type;
        this.ints = ints;
        this.reals = reals;
    }

    static Value ofInts(long[] shape, int type, long[] ints) {
        return new Value(shape, type, ints, null);
    }

    static Value ofReals(long[] shape, int type, double[] reals) {
        return new Value(shape, type, null, reals);
    }

    /** A value of {@code type} from doubles, rounding toward zero for integer types (C cast semantics). */
    static Value of(long[] shape, int type, double[] values) {
        if (ElementTypes.isFloat(type)) {
            return ofReals(shape, type, values);
        }
        long[] ints = new long[values.length];
        for (int i = 0; i < values.length; i++) {
            ints[i] = type == ElementTypes.BOOL ? (values[i] != 0 ? 1 : 0) : (long) values[i];
        }
        return ofInts(shape, type, ints);
    }

    int size() {
        return ints != null ? ints.length : reals.length;
    }

    boolean isInteger() {
        return ints != null;
    }

    double real(int i) {
        return ints != null ? ints[i] : reals[i];
    }

    long integer(int i) {
        return ints != null ? ints[i] : (long) reals[i];
    }

    double[] realArray() {
        if (reals != null) {
            return reals;
        }
        double[] out = new double[ints.length];
        for (int i = 0; i < ints.length; i++) {
            out[i] = ints[i];
        }
        return out;
    }

    long[] intArray() {
        if (ints != null) {
            return ints;
        }
        long[] out = new long[reals.length];
        for (int i = 0; i < reals.length; i++) {
            out[i] = (long) reals[i];
        }
        return out;
    }

    /** The same elements under another shape (Reshape, Squeeze, Unsqueeze, Flatten, Identity). */
    Value reshaped(long[] newShape) {
        return new Value(newShape, type, ints, reals);
    }

    /** The elements converted to {@code newType} (Cast). */
    Value cast(long[] newShape, int newType) {
        if (ElementTypes.isFloat(newType)) {
            return ofReals(newShape, newType, realArray());
        }
        if (newType == ElementTypes.BOOL) {
            long[] out = new long[size()];
            for (int i = 0; i < out.length; i++) {
                out[i] = real(i) != 0 ? 1 : 0;
            }
            return ofInts(newShape, newType, out);
        }
        return ofInts(newShape, newType, intArray());
    }

    /** A new value of this value's kind (integer or real) from an index map into this value's elements. */
    Value gather(long[] newShape, int[] sourceIndex) {
        if (ints != null) {
            long[] out = new long[sourceIndex.length];
            for (int i = 0; i < out.length; i++) {
                out[i] = ints[sourceIndex[i]];
            }
            return ofInts(newShape, type, out);
        }
        double[] out = new double[sourceIndex.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = reals[sourceIndex[i]];
        }
        return ofReals(newShape, type, out);
    }

    @Override
    public String toString() {
        return ElementTypes.name(type) + Arrays.toString(shape) + "="
                + (ints != null ? Arrays.toString(ints) : Arrays.toString(reals));
    }
}
