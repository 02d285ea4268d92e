package org.opsim.onnx;

import java.util.List;
import java.util.function.DoubleUnaryOperator;

/**
 * Evaluates a node whose inputs are all known small constants: the integer shape arithmetic that
 * exporters emit around Reshape (Shape → Gather → Unsqueeze → Concat, Slice of position ids, ...)
 * and float scalars (LayerNorm epsilons, GELU constants). Returns null for ops it does not evaluate;
 * the output's shape and type have already been inferred by {@link ShapeInference}.
 */
final class ConstantFolder {

    private ConstantFolder() {
    }

    static Value fold(OnnxNode n, List<TensorInfo> in, TensorInfo out) {
        for (TensorInfo t : in) {
            if (t != null && t.value() == null) {
                return null;
            }
        }
        Value x = in.isEmpty() || in.get(0) == null ? null : in.get(0).value();
        if (x == null) {
            return null;
        }
        if (n.has("broadcast")) {
            return null; // pre-opset-7 axis-aligned broadcasting: never seen on shape arithmetic
        }
        long[] shape = out.shape();
        return switch (n.opType) {
            case "Identity", "Reshape", "Flatten", "Squeeze", "Unsqueeze", "Dropout" -> x.reshaped(shape);
            case "Cast", "CastLike" -> x.cast(shape, out.type());
            case "Gather" -> gather(n, x, in.get(1).value(), shape);
            case "Concat" -> concat(n, in, shape);
            case "Slice" -> slice(n, in, x, shape);
            case "Transpose" -> transpose(n, x, shape);
            case "Expand" -> x.gather(shape, broadcastIndex(shape, x.shape));
            case "Range" -> range(x, in.get(1).value(), in.get(2).value(), shape);
            case "Add", "Sub", "Mul", "Div", "Mod", "Pow", "Max", "Min", "Equal", "Less", "Greater", "LessOrEqual",
                    "GreaterOrEqual", "And", "Or", "Xor" -> binary(n, in, out);
            case "Where" -> where(in, out);
            case "Neg" -> unary(x, out, v -> -v);
            case "Abs" -> unary(x, out, Math::abs);
            case "Sqrt" -> unary(x, out, Math::sqrt);
            case "Reciprocal" -> unary(x, out, v -> 1 / v);
            case "Floor" -> unary(x, out, Math::floor);
            case "Ceil" -> unary(x, out, Math::ceil);
            case "Exp" -> unary(x, out, Math::exp);
            case "Log" -> unary(x, out, Math::log);
            case "Relu" -> unary(x, out, v -> Math.max(v, 0));
            case "Not" -> unary(x, out, v -> v == 0 ? 1 : 0);
            default -> null;
        };
    }

    private static Value unary(Value x, TensorInfo out, DoubleUnaryOperator f) {
        double[] v = new double[x.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = f.applyAsDouble(x.real(i));
        }
        return Value.of(out.shape(), out.type(), v);
    }

    private static Value binary(OnnxNode n, List<TensorInfo> in, TensorInfo out) {
        Value a = in.get(0).value();
        Value b = in.get(1).value();
        long[] shape = out.shape();
        int[] ia = broadcastIndex(shape, a.shape);
        int[] ib = broadcastIndex(shape, b.shape);
        boolean integer = a.isInteger() && b.isInteger();
        boolean fmod = n.attrInt("fmod", 0) != 0;
        double[] v = new double[ia.length];
        for (int i = 0; i < v.length; i++) {
            if (integer) {
                long x = a.ints[ia[i]];
                long y = b.ints[ib[i]];
                v[i] = switch (n.opType) {
                    case "Add" -> x + y;
                    case "Sub" -> x - y;
                    case "Mul" -> x * y;
                    case "Div" -> {
                        if (y == 0) {
                            throw new IllegalArgumentException("integer division by zero in a constant expression");
                        }
                        yield x / y;
                    }
                    case "Mod" -> {
                        if (y == 0) {
                            throw new IllegalArgumentException("integer modulo by zero in a constant expression");
                        }
                        yield fmod ? x % y : Math.floorMod(x, y);
                    }
                    default -> compute(n.opType, x, y);
                };
            } else {
                v[i] = compute(n.opType, a.real(ia[i]), b.real(ib[i]));
            }
        }
        return Value.of(shape, out.type(), v);
    }

    private static double compute(String op, double x, double y) {
        return switch (op) {
            case "Add" -> x + y;
            case "Sub" -> x - y;
            case "Mul" -> x * y;
            case "Div" -> x / y;
            case "Mod" -> x % y;
            case "Pow" -> Math.pow(x, y);
            case "Max" -> Math.max(x, y);
            case "Min" -> Math.min(x, y);
            case "Equal" -> x == y ? 1 : 0;
            case "Less" -> x < y ? 1 : 0;
            case "Greater" -> x > y ? 1 : 0;
            case "LessOrEqual" -> x <= y ? 1 : 0;
            case "GreaterOrEqual" -> x >= y ? 1 : 0;
            case "And" -> x != 0 && y != 0 ? 1 : 0;
            case "Or" -> x != 0 || y != 0 ? 1 : 0;
            case "Xor" -> (x != 0) != (y != 0) ? 1 : 0;
            default -> throw new IllegalStateException(op);
        };
    }

    private static Value where(List<TensorInfo> in, TensorInfo out) {
        Value c = in.get(0).value();
        Value x = in.get(1).value();
        Value y = in.get(2).value();
        long[] shape = out.shape();
        int[] ic = broadcastIndex(shape, c.shape);
        int[] ix = broadcastIndex(shape, x.shape);
        int[] iy = broadcastIndex(shape, y.shape);
        double[] v = new double[ic.length];
        for (int i = 0; i < v.length; i++) {
            v[i] = c.real(ic[i]) != 0 ? x.real(ix[i]) : y.real(iy[i]);
        }
        return Value.of(shape, out.type(), v);
    }

    private static Value gather(OnnxNode n, Value data, Value indices, long[] shape) {
        int rank = data.shape.length;
        int axis = ShapeRules.axis(n.attrInt("axis", 0), rank);
        long axisLen = data.shape[axis];
        int outer = (int) ShapeRules.product(data.shape, 0, axis);
        int inner = (int) ShapeRules.product(data.shape, axis + 1, rank);
        int count = indices.size();
        int[] src = new int[outer * count * inner];
        int k = 0;
        for (int o = 0; o < outer; o++) {
            for (int j = 0; j < count; j++) {
                long idx = indices.integer(j);
                long at = idx < 0 ? idx + axisLen : idx;
                if (at < 0 || at >= axisLen) {
                    throw new IllegalArgumentException("index " + idx + " is out of range for a dim of size " + axisLen);
                }
                for (int i = 0; i < inner; i++) {
                    src[k++] = (int) ((o * axisLen + at) * inner + i);
                }
            }
        }
        return data.gather(shape, src);
    }

    private static Value concat(OnnxNode n, List<TensorInfo> in, long[] shape) {
        int axis = ShapeRules.axis(n.attrInt("axis", 0), shape.length);
        int outer = (int) ShapeRules.product(shape, 0, axis);
        boolean integer = in.stream().allMatch(t -> t.value().isInteger());
        int total = (int) TensorData.elements(shape);
        long[] ints = integer ? new long[total] : null;
        double[] reals = integer ? null : new double[total];
        int k = 0;
        for (int o = 0; o < outer; o++) {
            for (TensorInfo t : in) {
                Value p = t.value();
                int block = (int) ShapeRules.product(p.shape, axis, p.shape.length);
                for (int i = 0; i < block; i++, k++) {
                    if (integer) {
                        ints[k] = p.ints[o * block + i];
                    } else {
                        reals[k] = p.real(o * block + i);
                    }
                }
            }
        }
        int type = in.get(0).value().type;
        return integer ? Value.ofInts(shape, type, ints) : Value.ofReals(shape, type, reals);
    }

    private static Value slice(OnnxNode n, List<TensorInfo> in, Value x, long[] shape) {
        long[][] r;
        if (in.size() > 1) {
            r = ShapeRules.sliceRanges(x.shape, in.get(1).value().intArray(), in.get(2).value().intArray(),
                    in.size() > 3 && in.get(3) != null ? in.get(3).value().intArray() : null,
                    in.size() > 4 && in.get(4) != null ? in.get(4).value().intArray() : null);
        } else {
            r = ShapeRules.sliceRanges(x.shape, n.attrInts("starts"), n.attrInts("ends"), n.attrInts("axes"), null);
        }
        long[] strides = strides(x.shape);
        int total = (int) TensorData.elements(shape);
        int[] src = new int[total];
        long[] idx = new long[shape.length];
        for (int i = 0; i < total; i++) {
            long off = 0;
            for (int d = 0; d < shape.length; d++) {
                off += (r[d][0] + idx[d] * r[d][1]) * strides[d];
            }
            src[i] = (int) off;
            increment(idx, shape);
        }
        return x.gather(shape, src);
    }

    private static Value transpose(OnnxNode n, Value x, long[] shape) {
        int[] perm = ShapeRules.perm(n, x.shape.length);
        long[] strides = strides(x.shape);
        int total = (int) TensorData.elements(shape);
        int[] src = new int[total];
        long[] idx = new long[shape.length];
        for (int i = 0; i < total; i++) {
            long off = 0;
            for (int d = 0; d < shape.length; d++) {
                off += idx[d] * strides[perm[d]];
            }
            src[i] = (int) off;
            increment(idx, shape);
        }
        return x.gather(shape, src);
    }

    private static Value range(Value start, Value limit, Value delta, long[] shape) {
        double s = start.real(0);
        double d = delta.real(0);
        double[] v = new double[(int) shape[0]];
        for (int i = 0; i < v.length; i++) {
            v[i] = s + i * d;
        }
        return Value.of(shape, start.type, v);
    }

    /** For each element of {@code out}, the index of the element of a tensor of {@code in} dims it reads. */
    static int[] broadcastIndex(long[] out, long[] in) {
        int total = (int) TensorData.elements(out);
        long[] inStrides = strides(in);
        int offset = out.length - in.length;
        int[] src = new int[total];
        long[] idx = new long[out.length];
        for (int i = 0; i < total; i++) {
            long off = 0;
            for (int d = 0; d < in.length; d++) {
                if (in[d] != 1) {
                    off += idx[d + offset] * inStrides[d];
                }
            }
            src[i] = (int) off;
            increment(idx, out);
        }
        return src;
    }

    private static long[] strides(long[] shape) {
        long[] s = new long[shape.length];
        long acc = 1;
        for (int d = shape.length - 1; d >= 0; d--) {
            s[d] = acc;
            acc *= shape[d];
        }
        return s;
    }

    private static void increment(long[] idx, long[] shape) {
        for (int d = idx.length - 1; d >= 0; d--) {
            if (++idx[d] < shape[d]) {
                return;
            }
            idx[d] = 0;
        }
    }
}
