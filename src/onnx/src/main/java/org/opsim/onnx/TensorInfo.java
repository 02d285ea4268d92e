package org.opsim.onnx;

import java.util.Arrays;

/**
 * What import time knows about one tensor at the bound dimensions.
 *
 * @param shape concrete dims, or null where no rule (and no declaration in the file) gives them
 * @param type ONNX element type ({@link ElementTypes}), {@code UNDEFINED} if unknown
 * @param value the elements, for small constants (shape arithmetic, scalars); null otherwise
 * @param constant whether the tensor is fixed once the dimensions are bound: an initializer, a
 *     Constant, a shape, or computed from those alone (a weight can be constant without a value)
 */
record TensorInfo(long[] shape, int type, Value value, boolean constant) {

    static TensorInfo unknown(int type) {
        return new TensorInfo(null, type, null, false);
    }

    static TensorInfo of(long[] shape, int type) {
        return new TensorInfo(shape, type, null, false);
    }

    static TensorInfo of(Value v) {
        return new TensorInfo(v.shape, v.type, v, true);
    }

    boolean known() {
        return shape != null;
    }

    int rank() {
        return shape.length;
    }

    long elements() {
        return TensorData.elements(shape);
    }

    /** Dim {@code i}, negative counting from the end. */
    long dim(int i) {
        return shape[i < 0 ? shape.length + i : i];
    }

    TensorInfo asConstant() {
        return constant ? this : new TensorInfo(shape, type, value, true);
    }

    /** The single element of a known one-element value, or NaN. */
    double scalar() {
        return value != null && value.size() == 1 ? value.real(0) : Double.NaN;
    }

    static String format(long[] shape) {
        return shape == null ? "[?]" : Arrays.toString(shape);
    }
}
