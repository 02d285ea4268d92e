package org.opsim.onnx;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.opsim.onnx.proto.Onnx.TensorProto;

/**
 * The shape rules of the common ONNX ops: given what is known about a node's inputs, the dims and
 * element types of its outputs (an empty list where no rule applies or an input is unknown).
 * Operands that cannot fit throw {@link IllegalArgumentException} with the problem; the caller adds
 * the node's location.
 */
final class ShapeRules {
    private static final Set<String> SAME_SHAPE = Set.of("Identity", "Sqrt", "Erf", "Tanh", "Relu", "Sigmoid",
            "Neg", "Exp", "Log", "Abs", "Reciprocal", "Floor", "Ceil", "Round", "Sign", "Not", "Softmax",
            "LogSoftmax", "Hardmax", "Gelu", "FastGelu", "QuickGelu", "LeakyRelu", "Elu", "Selu", "Celu",
            "HardSigmoid", "HardSwish", "Softplus", "Softsign", "Mish", "Clip", "Sin", "Cos", "Tan", "Erfc",
            "BatchNormalization", "InstanceNormalization", "GroupNormalization", "LpNormalization",
            "SimplifiedLayerNormalization", "RMSNormalization", "SkipLayerNormalization", "SkipSimplifiedLayerNormalization",
            "BiasGelu", "PRelu", "ThresholdedRelu", "Shrink", "CumSum", "IsNaN", "IsInf");
    private static final Set<String> BROADCAST = Set.of("Add", "Sub", "Mul", "Div", "Pow", "Mod", "Max", "Min",
            "Sum", "Mean", "And", "Or", "Xor", "Equal", "Less", "Greater", "LessOrEqual", "GreaterOrEqual",
            "BitShift", "BitwiseAnd", "BitwiseOr", "BitwiseXor");
    private static final Set<String> COMPARE = Set.of("Equal", "Less", "Greater", "LessOrEqual", "GreaterOrEqual",
            "And", "Or", "Xor", "Not", "IsNaN", "IsInf");

    private final TensorData data;

    ShapeRules(TensorData data) {
        this.data = data;
    }


    List<TensorInfo> infer(OnnxNode n, List<TensorInfo> in) {
        String op = n.opType;
        String domain = n.domain();
        if (!domain.isEmpty() && !domain.equals("com.microsoft")) {
            return List.of();
        }
        if (op.equals("Constant")) {
            return List.of(constant(n));
        }
        TensorInfo x = in.isEmpty() ? null : in.get(0);
        if (SAME_SHAPE.contains(op)) {
            if (x == null || !x.known()) {
                return List.of();
            }
            int type = COMPARE.contains(op) ? ElementTypes.BOOL : x.type();
            List<TensorInfo> outs = new ArrayList<>(List.of(TensorInfo.of(x.shape(), type)));
            if (op.equals("SkipLayerNormalization") || op.equals("SkipSimplifiedLayerNormalization")) {
                outs.add(TensorInfo.unknown(x.type()));
                outs.add(TensorInfo.unknown(x.type()));
                outs.add(TensorInfo.of(x.shape(), x.type()));
            }
            return outs;
        }
        if (BROADCAST.contains(op) && n.has("broadcast")) {
            // Before opset 7, B was aligned to A at an axis (attribute "broadcast") and the output took A's shape.
            return x == null || !x.known() ? List.of()
                    : List.of(TensorInfo.of(x.shape(), COMPARE.contains(op) ? ElementTypes.BOOL : x.type()));
        }
        if (BROADCAST.contains(op)) {
            long[] shape = null;
            for (TensorInfo t : in) {
                if (t == null || !t.known()) {
                    return List.of();
                }
                shape = shape == null ? t.shape() : broadcast(shape, t.shape());
            }
            return List.of(TensorInfo.of(shape, COMPARE.contains(op) ? ElementTypes.BOOL : x.type()));
        }
        return switch (op) {
            case "Dropout" -> x == null || !x.known() ? List.of()
                    : List.of(TensorInfo.of(x.shape(), x.type()), TensorInfo.of(x.shape(), ElementTypes.BOOL));
            case "Cast" -> x == null || !x.known() ? List.of() : List.of(TensorInfo.of(x.shape(), (int) n.attrInt("to", 0)));
            case "CastLike" -> x == null || !x.known() || in.size() < 2 || in.get(1) == null ? List.of()
                    : List.of(TensorInfo.of(x.shape(), in.get(1).type()));
            case "Where" -> known(in, 3) ? List.of(TensorInfo.of(
                    broadcast(broadcast(in.get(0).shape(), in.get(1).shape()), in.get(2).shape()), in.get(1).type()))
                    : List.of();
            case "MatMul" -> known(in, 2) ? List.of(TensorInfo.of(matmul(in.get(0).shape(), in.get(1).shape()), x.type()))
                    : List.of();
            // Integer quantisation (onnxruntime's dynamic int8 export): int32 accumulators, uint8 activations.
            case "MatMulInteger" -> known(in, 2)
                    ? List.of(TensorInfo.of(matmul(in.get(0).shape(), in.get(1).shape()), ElementTypes.INT32)) : List.of();
            case "DynamicQuantizeLinear" -> x == null || !x.known() ? List.of()
                    : List.of(TensorInfo.of(x.shape(), ElementTypes.UINT8), TensorInfo.of(new long[0], ElementTypes.FLOAT),
                    TensorInfo.of(new long[0], ElementTypes.UINT8));
            case "QuantizeLinear" -> x == null || !x.known() ? List.of()
                    : List.of(TensorInfo.of(x.shape(), in.size() > 2 && in.get(2) != null ? in.get(2).type() : ElementTypes.UINT8));
            case "DequantizeLinear" -> x == null || !x.known() ? List.of()
                    : List.of(TensorInfo.of(x.shape(), in.size() > 1 && in.get(1) != null ? in.get(1).type() : ElementTypes.FLOAT));
            case "Gemm" -> known(in, 2) ? List.of(TensorInfo.of(gemm(n, in.get(0).shape(), in.get(1).shape()), x.type()))
                    : List.of();
            case "Conv" -> known(in, 2) ? List.of(TensorInfo.of(conv(n, in.get(0).shape(), in.get(1).shape()), x.type()))
                    : List.of();
            case "ConvTranspose" -> known(in, 2)
                    ? List.of(TensorInfo.of(convTranspose(n, in.get(0).shape(), in.get(1).shape()), x.type())) : List.of();
            case "Resize", "Upsample" -> resize(n, in);
            case "MaxPool", "AveragePool", "LpPool" -> x == null || !x.known() ? List.of() : pool(n, x);
            case "GlobalAveragePool", "GlobalMaxPool", "GlobalLpPool" -> {
                if (x == null || !x.known()) {
                    yield List.of();
                }
                long[] s = x.shape().clone();
                Arrays.fill(s, 2, s.length, 1);
                yield List.of(TensorInfo.of(s, x.type()));
            }
            case "LayerNormalization" -> {
                if (x == null || !x.known()) {
                    yield List.of();
                }
                int axis = axis(n.attrInt("axis", -1), x.rank());
                long[] stats = x.shape().clone();
                Arrays.fill(stats, axis, stats.length, 1);
                yield List.of(TensorInfo.of(x.shape(), x.type()), TensorInfo.of(stats, ElementTypes.FLOAT),
                        TensorInfo.of(stats, ElementTypes.FLOAT));
            }
            case "ReduceMean", "ReduceSum", "ReduceMax", "ReduceMin", "ReduceProd", "ReduceL1", "ReduceL2",
                    "ReduceSumSquare", "ReduceLogSum", "ReduceLogSumExp" -> reduce(n, in);
            case "ArgMax", "ArgMin" -> {
                if (x == null || !x.known()) {
                    yield List.of();
                }
                int axis = axis(n.attrInt("axis", 0), x.rank());
                yield List.of(TensorInfo.of(reduceShape(x.shape(), new long[] {axis}, n.attrInt("keepdims", 1) != 0),
                        ElementTypes.INT64));
            }
            case "Reshape" -> reshape(n, in);
            case "Flatten" -> {
                if (x == null || !x.known()) {
                    yield List.of();
                }
                long a = n.attrInt("axis", 1);
                int axis = (int) (a < 0 ? a + x.rank() : a);
                if (axis < 0 || axis > x.rank()) {
                    throw new IllegalArgumentException("axis " + a + " is out of range for rank " + x.rank());
                }
                yield List.of(TensorInfo.of(new long[] {product(x.shape(), 0, axis), product(x.shape(), axis, x.rank())},
                        x.type()));
            }
            case "Transpose" -> x == null || !x.known() ? List.of()
                    : List.of(TensorInfo.of(permute(x.shape(), perm(n, x.rank())), x.type()));
            case "Squeeze" -> squeeze(n, in);
            case "Unsqueeze" -> unsqueeze(n, in);
            case "Concat" -> concat(n, in);
            case "Split" -> split(n, in);
            case "Slice" -> slice(n, in);
            case "Gather" -> {
                if (!known(in, 2)) {
                    yield List.of();
                }
                TensorInfo idx = in.get(1);
                int axis = axis(n.attrInt("axis", 0), x.rank());
                long[] s = new long[x.rank() - 1 + idx.rank()];
                System.arraycopy(x.shape(), 0, s, 0, axis);
                System.arraycopy(idx.shape(), 0, s, axis, idx.rank());
                System.arraycopy(x.shape(), axis + 1, s, axis + idx.rank(), x.rank() - axis - 1);
                yield List.of(TensorInfo.of(s, x.type()));
            }
            case "GatherElements" -> known(in, 2) ? List.of(TensorInfo.of(in.get(1).shape(), x.type())) : List.of();
            case "Shape" -> {
                if (x == null || !x.known()) {
                    yield List.of();
                }
                int r = x.rank();
                int start = clampAxis(n.attrInt("start", 0), r);
                int end = clampAxis(n.attrInt("end", r), r);
                long[] dims = Arrays.copyOfRange(x.shape(), start, Math.max(start, end));
                yield List.of(TensorInfo.of(Value.ofInts(new long[] {dims.length}, ElementTypes.INT64, dims)));
            }
            case "Size" -> x == null || !x.known() ? List.of()
                    : List.of(TensorInfo.of(Value.ofInts(new long[0], ElementTypes.INT64, new long[] {x.elements()})));
            case "ConstantOfShape" -> {
                if (x == null || x.value() == null) {
                    yield List.of();
                }
                long[] s = x.value().intArray().clone();
                TensorProto t = n.attrTensor("value");
                if (t != null && !TensorData.canDecode(t.getDataType())) {
                    yield List.of(new TensorInfo(s, t.getDataType(), null, true));
                }
                Value fill = t == null ? Value.ofReals(new long[] {1}, ElementTypes.FLOAT, new double[] {0})
                        : data.decode(t);
                long count = TensorData.elements(s);
                if (ShapeInference.small(fill.type, count)) {
                    double[] vals = new double[(int) count];
                    Arrays.fill(vals, fill.real(0));
                    yield List.of(TensorInfo.of(Value.of(s, fill.type, vals)));
                }
                yield List.of(new TensorInfo(s, fill.type, null, true));
            }
            case "Expand" -> {
                if (x == null || !x.known() || in.size() < 2 || in.get(1) == null || in.get(1).value() == null) {
                    yield List.of();
                }
                yield List.of(TensorInfo.of(broadcast(x.shape(), in.get(1).value().intArray()), x.type()));
            }
            case "Tile" -> {
                if (x == null || !x.known() || in.size() < 2 || in.get(1) == null || in.get(1).value() == null) {
                    yield List.of();
                }
                long[] reps = in.get(1).value().intArray();
                if (reps.length != x.rank()) {
                    throw new IllegalArgumentException("repeats has " + reps.length + " entries for rank " + x.rank());
                }
                long[] s = x.shape().clone();
                for (int i = 0; i < s.length; i++) {
                    s[i] *= reps[i];
                }
                yield List.of(TensorInfo.of(s, x.type()));
            }
            case "Range" -> {
                if (!known(in, 3) || in.get(0).value() == null || in.get(1).value() == null || in.get(2).value() == null) {
                    yield List.of();
                }
                double start = in.get(0).scalar();
                double limit = in.get(1).scalar();
                double delta = in.get(2).scalar();
                if (delta == 0) {
                    throw new IllegalArgumentException("delta must not be 0");
                }
                long count = Math.max((long) Math.ceil((limit - start) / delta), 0);
                yield List.of(TensorInfo.of(new long[] {count}, x.type()));
            }
            default -> List.of();
        };
    }

    private TensorInfo constant(OnnxNode n) {
        TensorProto t = n.attrTensor("value");
        if (t != null) {
            long[] shape = TensorData.dims(t);
            Value v = ShapeInference.small(t.getDataType(), TensorData.elements(shape)) ? data.decode(t) : null;
            return new TensorInfo(shape, t.getDataType(), v, true);
        }
        if (n.has("value_float")) {
            return TensorInfo.of(Value.ofReals(new long[0], ElementTypes.FLOAT, new double[] {n.attrFloat("value_float", 0)}));
        }
        if (n.has("value_int")) {
            return TensorInfo.of(Value.ofInts(new long[0], ElementTypes.INT64, new long[] {n.attrInt("value_int", 0)}));
        }
        if (n.has("value_ints")) {
            long[] v = n.attrInts("value_ints");
            return TensorInfo.of(Value.ofInts(new long[] {v.length}, ElementTypes.INT64, v));
        }
        if (n.has("value_floats")) {
            var a = n.attribute("value_floats");
            double[] v = new double[a.getFloatsCount()];
            for (int i = 0; i < v.length; i++) {
                v[i] = a.getFloats(i);
            }
            return TensorInfo.of(Value.ofReals(new long[] {v.length}, ElementTypes.FLOAT, v));
        }
        if (n.has("sparse_value") || n.has("value_string") || n.has("value_strings")) {
            return new TensorInfo(null, ElementTypes.UNDEFINED, null, true);
        }
        throw new IllegalArgumentException("Constant has no value attribute");
    }

    private static boolean known(List<TensorInfo> in, int count) {
        if (in.size() < count) {
            return false;
        }
        for (int i = 0; i < count; i++) {
            if (in.get(i) == null || !in.get(i).known()) {
                return false;
            }
        }
        return true;
    }

    /** Numpy broadcasting of two shapes. */
    static long[] broadcast(long[] a, long[] b) {
        int r = Math.max(a.length, b.length);
        long[] out = new long[r];
        for (int i = 0; i < r; i++) {
            long da = i < r - a.length ? 1 : a[i - (r - a.length)];
            long db = i < r - b.length ? 1 : b[i - (r - b.length)];
            if (da != db && da != 1 && db != 1) {
                throw new IllegalArgumentException("shapes " + Arrays.toString(a) + " and " + Arrays.toString(b)
                        + " do not broadcast (dim " + i + ": " + da + " vs " + db + ")");
            }
            out[i] = da == 1 ? db : da;
        }
        return out;
    }

    /** Numpy matmul: 1-D operands are promoted and their added dim dropped again. */
    static long[] matmul(long[] a, long[] b) {
        if (a.length == 0 || b.length == 0) {
            throw new IllegalArgumentException("operands must not be scalars");
        }
        long[] aa = a.length == 1 ? new long[] {1, a[0]} : a;
        long[] bb = b.length == 1 ? new long[] {b[0], 1} : b;
        long ka = aa[aa.length - 1];
        long kb = bb[bb.length - 2];
        if (ka != kb) {
            throw new IllegalArgumentException("inner dimensions disagree: A " + Arrays.toString(a) + " · B "
                    + Arrays.toString(b) + " (" + ka + " ≠ " + kb + ")");
        }
        long[] batch = broadcast(Arrays.copyOf(aa, aa.length - 2), Arrays.copyOf(bb, bb.length - 2));
        long[] out = Arrays.copyOf(batch, batch.length + (a.length > 1 ? 1 : 0) + (b.length > 1 ? 1 : 0));
        int i = batch.length;
        if (a.length > 1) {
            out[i++] = aa[aa.length - 2];
        }
        if (b.length > 1) {
            out[i] = bb[bb.length - 1];
        }
        return out;
    }

    private static long[] gemm(OnnxNode n, long[] a, long[] b) {
        if (a.length != 2 || b.length != 2) {
            throw new IllegalArgumentException("A and B must be 2-D, got " + Arrays.toString(a) + " and " + Arrays.toString(b));
        }
        boolean ta = n.attrInt("transA", 0) != 0;
        boolean tb = n.attrInt("transB", 0) != 0;
        long m = ta ? a[1] : a[0];
        long ka = ta ? a[0] : a[1];
        long kb = tb ? b[1] : b[0];
        long nn = tb ? b[0] : b[1];
        if (ka != kb) {
            throw new IllegalArgumentException("inner dimensions disagree: A " + Arrays.toString(a) + (ta ? "ᵀ" : "")
                    + " · B " + Arrays.toString(b) + (tb ? "ᵀ" : "") + " (" + ka + " ≠ " + kb + ")");
        }
        return new long[] {m, nn};
    }

    private static long[] conv(OnnxNode n, long[] x, long[] w) {
        if (x.length < 3 || w.length != x.length) {
            throw new IllegalArgumentException("input " + Arrays.toString(x) + " and weights " + Arrays.toString(w)
                    + " must both be N×C×spatial of the same rank");
        }
        long group = n.attrInt("group", 1);
        if (group <= 0 || x[1] != w[1] * group) {
            throw new IllegalArgumentException("input has " + x[1] + " channels but the weights " + Arrays.toString(w)
                    + " with group " + group + " expect " + w[1] * group);
        }
        if (w[0] % group != 0) {
            throw new IllegalArgumentException(w[0] + " output channels do not split into " + group + " groups");
        }
        long[] kernel = Arrays.copyOfRange(w, 2, w.length);
        return spatial(n, x, kernel, w[0], false);
    }

    /** Transposed convolution: W is C_in × C_out/group × kernel; out = stride·(in − 1) + pad-adjusted window. */
    private static long[] convTranspose(OnnxNode n, long[] x, long[] w) {
        if (x.length < 3 || w.length != x.length) {
            throw new IllegalArgumentException("input " + Arrays.toString(x) + " and weights " + Arrays.toString(w)
                    + " must both be N×C×spatial of the same rank");
        }
        long group = n.attrInt("group", 1);
        if (group <= 0 || x[1] != w[0]) {
            throw new IllegalArgumentException("input has " + x[1] + " channels but the weights " + Arrays.toString(w)
                    + " expect " + w[0]);
        }
        int k = x.length - 2;
        long[] out = new long[x.length];
        out[0] = x[0];
        out[1] = w[1] * group;
        long[] given = n.attrInts("output_shape");
        long[] strides = orDefault(n.attrInts("strides"), k, 1);
        long[] dilations = orDefault(n.attrInts("dilations"), k, 1);
        long[] pads = orDefault(n.attrInts("pads"), 2 * k, 0);
        long[] extra = orDefault(n.attrInts("output_padding"), k, 0);
        String autoPad = n.attrString("auto_pad", "NOTSET");
        for (int i = 0; i < k; i++) {
            long size;
            if (given != null && given.length > 0) {
                size = given[given.length - k + i];
            } else if (autoPad.equals("SAME_UPPER") || autoPad.equals("SAME_LOWER")) {
                size = x[i + 2] * strides[i];
            } else {
                long window = dilations[i] * (w[i + 2] - 1) + 1;
                size = strides[i] * (x[i + 2] - 1) + extra[i] + window - (autoPad.equals("VALID") ? 0 : pads[i] + pads[i + k]);
            }
            if (size <= 0) {
                throw new IllegalArgumentException("spatial dim " + i + " comes out " + size);
            }
            out[i + 2] = size;
        }
        return out;
    }

    /** Resize (sizes, or scales) and the older Upsample (scales). */
    private List<TensorInfo> resize(OnnxNode n, List<TensorInfo> in) {
        TensorInfo x = in.isEmpty() ? null : in.get(0);
        if (x == null || !x.known()) {
            return List.of();
        }
        long[] axes = n.attrInts("axes");
        int count = axes == null ? x.rank() : axes.length;
        long[] out = x.shape().clone();
        TensorInfo sizes = in.size() > 3 ? in.get(3) : null;
        TensorInfo scales = n.opType.equals("Resize") ? (in.size() > 2 ? in.get(2) : in.size() == 2 ? in.get(1) : null)
                : in.size() > 1 ? in.get(1) : null;
        double[] factors = null;
        if (sizes != null && sizes.known() && sizes.elements() > 0) {
            if (sizes.value() == null) {
                return List.of();
            }
            long[] v = sizes.value().intArray();
            if (v.length != count) {
                throw new IllegalArgumentException("sizes " + Arrays.toString(v) + " do not match rank " + x.rank());
            }
            for (int i = 0; i < count; i++) {
                out[axes == null ? i : axis(axes[i], x.rank())] = v[i];
            }
            return List.of(TensorInfo.of(out, x.type()));
        }
        if (scales != null && scales.known() && scales.elements() > 0) {
            if (scales.value() == null) {
                return List.of();
            }
            factors = scales.value().realArray();
        } else if (n.has("scales")) {
            var a = n.attribute("scales");
            factors = new double[a.getFloatsCount()];
            for (int i = 0; i < factors.length; i++) {
                factors[i] = a.getFloats(i);
            }
        }
        if (factors == null) {
            return List.of();
        }
        if (factors.length != count) {
            throw new IllegalArgumentException("scales " + Arrays.toString(factors) + " do not match rank " + x.rank());
        }
        for (int i = 0; i < count; i++) {
            int a = axes == null ? i : axis(axes[i], x.rank());
            out[a] = (long) Math.floor(x.shape()[a] * factors[i]);
        }
        return List.of(TensorInfo.of(out, x.type()));
    }

    private List<TensorInfo> pool(OnnxNode n, TensorInfo x) {
        long[] kernel = n.attrInts("kernel_shape");
        if (kernel == null || kernel.length != x.rank() - 2) {
            throw new IllegalArgumentException("kernel_shape must give one size per spatial dim of " + TensorInfo.format(x.shape()));
        }
        long[] s = spatial(n, x.shape(), kernel, x.shape()[1], n.attrInt("ceil_mode", 0) != 0);
        return List.of(TensorInfo.of(s, x.type()), TensorInfo.of(s, ElementTypes.INT64));
    }

    /** Output dims of a convolution or pooling window: N × channels × spatial. */
    static long[] spatial(OnnxNode n, long[] x, long[] kernel, long channels, boolean ceil) {
        int k = kernel.length;
        long[] strides = orDefault(n.attrInts("strides"), k, 1);
        long[] dilations = orDefault(n.attrInts("dilations"), k, 1);
        long[] pads = orDefault(n.attrInts("pads"), 2 * k, 0);
        String autoPad = n.attrString("auto_pad", "NOTSET");
        long[] out = new long[k + 2];
        out[0] = x[0];
        out[1] = channels;
        for (int i = 0; i < k; i++) {
            long in = x[i + 2];
            long s = strides[i];
            if (s <= 0 || dilations[i] <= 0) {
                throw new IllegalArgumentException("strides and dilations must be > 0");
            }
            long size;
            if (autoPad.equals("SAME_UPPER") || autoPad.equals("SAME_LOWER")) {
                size = Math.floorDiv(in + s - 1, s);
            } else {
                long padded = in + (autoPad.equals("VALID") ? 0 : pads[i] + pads[i + k]);
                long window = dilations[i] * (kernel[i] - 1) + 1;
                long span = padded - window;
                size = (ceil ? Math.floorDiv(span + s - 1, s) : Math.floorDiv(span, s)) + 1;
            }
            if (size <= 0) {
                throw new IllegalArgumentException("spatial dim " + i + " of size " + in + " is smaller than the "
                        + kernel[i] + "-wide window (after padding)");
            }
            out[i + 2] = size;
        }
        return out;
    }

    private static long[] orDefault(long[] v, int length, long fallback) {
        if (v == null || v.length == 0) {
            long[] out = new long[length];
            Arrays.fill(out, fallback);
            return out;
        }
        if (v.length != length) {
            throw new IllegalArgumentException("expected " + length + " values, got " + Arrays.toString(v));
        }
        return v;
    }

    private List<TensorInfo> reduce(OnnxNode n, List<TensorInfo> in) {
        TensorInfo x = in.isEmpty() ? null : in.get(0);
        if (x == null || !x.known()) {
            return List.of();
        }
        long[] axes = n.attrInts("axes");
        if (in.size() > 1 && in.get(1) != null) {
            if (in.get(1).value() == null) {
                return List.of();
            }
            axes = in.get(1).value().intArray();
        }
        boolean keep = n.attrInt("keepdims", 1) != 0;
        if (axes == null || axes.length == 0) {
            if (n.attrInt("noop_with_empty_axes", 0) != 0) {
                return List.of(TensorInfo.of(x.shape(), x.type()));
            }
            axes = new long[x.rank()];
            for (int i = 0; i < axes.length; i++) {
                axes[i] = i;
            }
        }
        return List.of(TensorInfo.of(reduceShape(x.shape(), axes, keep), x.type()));
    }

    static long[] reduceShape(long[] shape, long[] axes, boolean keep) {
        boolean[] reduced = new boolean[shape.length];
        for (long a : axes) {
            reduced[axis(a, shape.length)] = true;
        }
        long[] out = new long[shape.length];
        int r = 0;
        for (int i = 0; i < shape.length; i++) {
            if (!reduced[i]) {
                out[r++] = shape[i];
            } else if (keep) {
                out[r++] = 1;
            }
        }
        return Arrays.copyOf(out, r);
    }

    private List<TensorInfo> reshape(OnnxNode n, List<TensorInfo> in) {
        TensorInfo x = in.isEmpty() ? null : in.get(0);
        long[] target;
        if (in.size() > 1 && in.get(1) != null) {
            if (in.get(1).value() == null) {
                return List.of();
            }
            target = in.get(1).value().intArray();
        } else {
            target = n.attrInts("shape");
        }
        if (x == null || !x.known() || target == null) {
            return List.of();
        }
        boolean allowZero = n.attrInt("allowzero", 0) != 0;
        long[] out = target.clone();
        int infer = -1;
        long known = 1;
        for (int i = 0; i < out.length; i++) {
            if (out[i] == 0 && !allowZero) {
                if (i >= x.rank()) {
                    throw new IllegalArgumentException("target " + Arrays.toString(target) + " copies dim " + i
                            + " of an input of rank " + x.rank());
                }
                out[i] = x.shape()[i];
            }
            if (out[i] == -1) {
                if (infer >= 0) {
                    throw new IllegalArgumentException("target " + Arrays.toString(target) + " has more than one -1");
                }
                infer = i;
            } else if (out[i] < 0) {
                throw new IllegalArgumentException("target " + Arrays.toString(target) + " has a negative dim");
            } else {
                known = Math.multiplyExact(known, out[i]);
            }
        }
        long total = x.elements();
        if (infer >= 0) {
            if (known == 0 || total % known != 0) {
                throw new IllegalArgumentException("cannot reshape " + TensorInfo.format(x.shape()) + " (" + total
                        + " elements) into " + Arrays.toString(target));
            }
            out[infer] = total / known;
        } else if (known != total) {
            throw new IllegalArgumentException("cannot reshape " + TensorInfo.format(x.shape()) + " (" + total
                    + " elements) into " + Arrays.toString(out) + " (" + known + " elements)");
        }
        return List.of(TensorInfo.of(out, x.type()));
    }

    static int[] perm(OnnxNode n, int rank) {
        long[] p = n.attrInts("perm");
        int[] out = new int[rank];
        if (p == null || p.length == 0) {
            for (int i = 0; i < rank; i++) {
                out[i] = rank - 1 - i;
            }
            return out;
        }
        if (p.length != rank) {
            throw new IllegalArgumentException("perm " + Arrays.toString(p) + " does not match rank " + rank);
        }
        boolean[] seen = new boolean[rank];
        for (int i = 0; i < rank; i++) {
            int a = axis(p[i], rank);
            if (seen[a]) {
                throw new IllegalArgumentException("perm " + Arrays.toString(p) + " is not a permutation");
            }
            seen[a] = true;
            out[i] = a;
        }
        return out;
    }

    static long[] permute(long[] shape, int[] perm) {
        long[] out = new long[perm.length];
        for (int i = 0; i < perm.length; i++) {
            out[i] = shape[perm[i]];
        }
        return out;
    }

    /** Axes from input 1 (opset 13+) or the {@code axes} attribute (before); null when neither is known. */
    private static long[] axesOf(OnnxNode n, List<TensorInfo> in) {
        if (in.size() > 1 && in.get(1) != null) {
            return in.get(1).value() == null ? null : in.get(1).value().intArray();
        }
        long[] a = n.attrInts("axes");
        return a == null ? new long[0] : a;
    }

    private List<TensorInfo> squeeze(OnnxNode n, List<TensorInfo> in) {
        TensorInfo x = in.isEmpty() ? null : in.get(0);
        long[] axes = axesOf(n, in);
        if (x == null || !x.known() || axes == null) {
            return List.of();
        }
        boolean[] drop = new boolean[x.rank()];
        if (axes.length == 0) {
            for (int i = 0; i < drop.length; i++) {
                drop[i] = x.shape()[i] == 1;
            }
        }
        for (long a : axes) {
            int i = axis(a, x.rank());
            if (x.shape()[i] != 1) {
                throw new IllegalArgumentException("cannot squeeze dim " + i + " of size " + x.shape()[i]);
            }
            drop[i] = true;
        }
        long[] out = new long[x.rank()];
        int r = 0;
        for (int i = 0; i < drop.length; i++) {
            if (!drop[i]) {
                out[r++] = x.shape()[i];
            }
        }
        return List.of(TensorInfo.of(Arrays.copyOf(out, r), x.type()));
    }

    private List<TensorInfo> unsqueeze(OnnxNode n, List<TensorInfo> in) {
        TensorInfo x = in.isEmpty() ? null : in.get(0);
        long[] axes = axesOf(n, in);
        if (x == null || !x.known() || axes == null) {
            return List.of();
        }
        int rank = x.rank() + axes.length;
        boolean[] inserted = new boolean[rank];
        for (long a : axes) {
            int i = axis(a, rank);
            if (inserted[i]) {
                throw new IllegalArgumentException("axes " + Arrays.toString(axes) + " repeat an axis");
            }
            inserted[i] = true;
        }
        long[] out = new long[rank];
        int j = 0;
        for (int i = 0; i < rank; i++) {
            out[i] = inserted[i] ? 1 : x.shape()[j++];
        }
        return List.of(TensorInfo.of(out, x.type()));
    }

    private List<TensorInfo> concat(OnnxNode n, List<TensorInfo> in) {
        List<TensorInfo> parts = new ArrayList<>();
        for (TensorInfo t : in) {
            if (t == null || !t.known()) {
                return List.of();
            }
            parts.add(t);
        }
        if (parts.isEmpty()) {
            return List.of();
        }
        long[] first = parts.get(0).shape();
        int axis = axis(n.attrInt("axis", 0), first.length);
        long[] out = first.clone();
        out[axis] = 0;
        for (TensorInfo t : parts) {
            long[] s = t.shape();
            boolean fits = s.length == first.length;
            for (int i = 0; fits && i < s.length; i++) {
                fits = i == axis || s[i] == first[i];
            }
            if (!fits) {
                throw new IllegalArgumentException("cannot concatenate " + Arrays.toString(first) + " and "
                        + Arrays.toString(s) + " along axis " + axis);
            }
            out[axis] += s[axis];
        }
        return List.of(TensorInfo.of(out, parts.get(0).type()));
    }

    private List<TensorInfo> split(OnnxNode n, List<TensorInfo> in) {
        TensorInfo x = in.isEmpty() ? null : in.get(0);
        if (x == null || !x.known()) {
            return List.of();
        }
        int axis = axis(n.attrInt("axis", 0), x.rank());
        int outputs = n.outputs().size();
        long[] sizes;
        if (in.size() > 1 && in.get(1) != null) {
            if (in.get(1).value() == null) {
                return List.of();
            }
            sizes = in.get(1).value().intArray();
        } else if (n.attrInts("split") != null) {
            sizes = n.attrInts("split");
        } else {
            long dim = x.shape()[axis];
            long chunk = (dim + outputs - 1) / outputs;
            sizes = new long[outputs];
            for (int i = 0; i < outputs; i++) {
                sizes[i] = Math.max(0, Math.min(chunk, dim - i * chunk));
            }
        }
        if (sizes.length != outputs || Arrays.stream(sizes).sum() != x.shape()[axis]) {
            throw new IllegalArgumentException("split " + Arrays.toString(sizes) + " does not divide dim " + axis
                    + " of " + TensorInfo.format(x.shape()) + " into " + outputs + " outputs");
        }
        List<TensorInfo> out = new ArrayList<>();
        for (long size : sizes) {
            long[] s = x.shape().clone();
            s[axis] = size;
            out.add(TensorInfo.of(s, x.type()));
        }
        return out;
    }

    private List<TensorInfo> slice(OnnxNode n, List<TensorInfo> in) {
        TensorInfo x = in.isEmpty() ? null : in.get(0);
        if (x == null || !x.known()) {
            return List.of();
        }
        long[] starts;
        long[] ends;
        long[] axes = null;
        long[] steps = null;
        if (in.size() > 1) {
            if (!hasValue(in, 1) || !hasValue(in, 2)) {
                return List.of();
            }
            starts = in.get(1).value().intArray();
            ends = in.get(2).value().intArray();
            if (in.size() > 3 && in.get(3) != null) {
                if (!hasValue(in, 3)) {
                    return List.of();
                }
                axes = in.get(3).value().intArray();
            }
            if (in.size() > 4 && in.get(4) != null) {
                if (!hasValue(in, 4)) {
                    return List.of();
                }
                steps = in.get(4).value().intArray();
            }
        } else {
            starts = n.attrInts("starts");
            ends = n.attrInts("ends");
            axes = n.attrInts("axes");
            if (starts == null || ends == null) {
                throw new IllegalArgumentException("needs starts and ends");
            }
        }
        long[][] ranges = sliceRanges(x.shape(), starts, ends, axes, steps);
        long[] out = new long[x.rank()];
        for (int i = 0; i < out.length; i++) {
            out[i] = ranges[i][2];
        }
        return List.of(TensorInfo.of(out, x.type()));
    }

    private static boolean hasValue(List<TensorInfo> in, int i) {
        return in.size() > i && in.get(i) != null && in.get(i).value() != null;
    }

    /** Per dim: {start, step, count} of a Slice, with ONNX's clamping of out-of-range starts and ends. */
    static long[][] sliceRanges(long[] shape, long[] starts, long[] ends, long[] axes, long[] steps) {
        if (starts.length != ends.length || (axes != null && axes.length != starts.length)
                || (steps != null && steps.length != starts.length)) {
            throw new IllegalArgumentException("starts, ends, axes and steps must have the same length");
        }
        long[][] r = new long[shape.length][];
        for (int i = 0; i < shape.length; i++) {
            r[i] = new long[] {0, 1, shape[i]};
        }
        for (int j = 0; j < starts.length; j++) {
            int a = axes == null ? j : axis(axes[j], shape.length);
            long dim = shape[a];
            long step = steps == null ? 1 : steps[j];
            if (step == 0) {
                throw new IllegalArgumentException("slice step must not be 0");
            }
            long s = starts[j] < 0 ? starts[j] + dim : starts[j];
            long e = ends[j] < 0 ? ends[j] + dim : ends[j];
            long count;
            if (step > 0) {
                s = Math.max(0, Math.min(s, dim));
                e = Math.max(0, Math.min(e, dim));
                count = e > s ? (e - s + step - 1) / step : 0;
            } else {
                s = Math.max(-1, Math.min(s, dim - 1));
                e = Math.max(-1, Math.min(e, dim - 1));
                count = s > e ? (s - e - step - 1) / -step : 0;
            }
            r[a] = new long[] {s, step, count};
        }
        return r;
    }

    static int axis(long a, int rank) {
        long v = a < 0 ? a + rank : a;
        if (v < 0 || v >= rank) {
            throw new IllegalArgumentException("axis " + a + " is out of range for rank " + rank);
        }
        return (int) v;
    }

    private static int clampAxis(long a, int rank) {
        long v = a < 0 ? a + rank : a;
        return (int) Math.max(0, Math.min(v, rank));
    }

    static long product(long[] shape, int from, int to) {
        long p = 1;
        for (int i = from; i < to; i++) {
            p = Math.multiplyExact(p, shape[i]);
        }
        return p;
    }
}
