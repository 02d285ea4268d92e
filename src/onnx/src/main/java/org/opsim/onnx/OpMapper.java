package org.opsim.onnx;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.opsim.graph.BatchedMatMul;
import org.opsim.graph.Elementwise;
import org.opsim.graph.Embedding;
import org.opsim.graph.Gelu;
import org.opsim.graph.LayerNorm;
import org.opsim.graph.MatMul;
import org.opsim.graph.Op;
import org.opsim.graph.OpKind;
import org.opsim.graph.Precision;
import org.opsim.graph.RmsNorm;
import org.opsim.graph.Silu;
import org.opsim.graph.Softmax;
import org.opsim.io.InputException;

/**
 * Turns each node (or fused subgraph) of a shaped graph into an opsim op, or files it as folded
 * (no arithmetic: layout, shape metadata, constants) or unmapped (work opsim has no operator for).
 * Every node lands in exactly one of the three.
 */
final class OpMapper {

    /** Ops that move or describe data without arithmetic; not costed. */
    static final Set<String> LAYOUT = Set.of("Reshape", "Transpose", "Squeeze", "Unsqueeze", "Flatten", "Identity",
            "Shape", "Size", "Constant", "Cast", "CastLike", "Concat", "Slice", "Gather", "GatherElements", "Split",
            "ConstantOfShape", "Expand", "Tile", "Pad", "Where", "Equal", "Not", "And", "Or", "Less", "Greater",
            "LessOrEqual", "GreaterOrEqual", "Dropout", "Range");

    /** What the mapping produced. Maps are op_type → node count. */
    record Result(List<Op> ops, Map<String, Integer> mapped, Map<String, Integer> folded,
                  Map<String, Integer> unmapped, List<String> unmappedNodes, List<String> notes) {
    }

    private final GraphIndex graph;
    private final Map<String, TensorInfo> infos;
    private final Patterns patterns;
    private final Precision override;
    private final long opset;
    private final List<Op> ops = new ArrayList<>();
    private final Map<String, Integer> mapped = new TreeMap<>();
    private final Map<String, Integer> folded = new TreeMap<>();
    private final Map<String, Integer> unmapped = new TreeMap<>();
    private final List<String> unmappedNodes = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    private final Set<Integer> approximatedTypes = new TreeSet<>();

    /** Cost each node opsim has no operator for as a memory-bound elementwise op over its known tensors. */
    private final boolean allowUnmapped;
    private final Map<String, Integer> approximated = new TreeMap<>();

    OpMapper(GraphIndex graph, Map<String, TensorInfo> infos, Patterns patterns, Precision override, long opset) {
        this(graph, infos, patterns, override, opset, false);
    }

    OpMapper(GraphIndex graph, Map<String, TensorInfo> infos, Patterns patterns, Precision override, long opset,
             boolean allowUnmapped) {
        this.allowUnmapped = allowUnmapped;
        this.graph = graph;
        this.infos = infos;
        this.patterns = patterns;
        this.override = override;
        this.opset = opset;
    }

    Result run() {
        for (OnnxNode n : graph.nodes) {
            Patterns.Fusion f = patterns.fusionOf(n);
            if (f != null) {
                count(mapped, n);
                if (f.output() == n) {
                    fused(f);
                }
            } else if (patterns.biasOf(n) != null) {
                count(folded, n);
            } else {
                node(n);
            }
        }
        if (!approximated.isEmpty()) {
            notes.add(approximated.values().stream().mapToInt(Integer::intValue).sum() + " nodes opsim has no operator for "
                    + approximated + " are costed as memory-bound elementwise ops over their known tensors "
                    + "(--allow-unmapped): their real cost may be higher");
        }
        for (int t : approximatedTypes) {
            notes.add("element type " + ElementTypes.name(t) + " has no opsim precision; costed as "
                    + ElementTypes.precision(t).id());
        }
        return new Result(ops, mapped, folded, unmapped, unmappedNodes, notes);
    }

    private void node(OnnxNode n) {
        String op = n.domain().isEmpty() || n.domain().equals("com.microsoft") ? n.opType : "";
        if (op.equals("Gather") && isEmbedding(n)) {
            TensorInfo table = in(n, 0);
            TensorInfo idx = in(n, 1);
            emit(n, idx.elements(), () -> new Embedding(n.name, idx.elements(), table.dim(1), table.dim(0), prec(table.type())));
            return;
        }
        TensorInfo y = out(n);
        if (y != null && y.constant() && n.inputCount() > 0) {
            count(folded, n); // evaluated at import time: fixed once the dimensions are bound
            return;
        }
        switch (op) {
            case "MatMul" -> {
                if (shaped(n, 2)) {
                    matmul(n);
                }
            }
            case "Gemm" -> {
                if (shaped(n, 2)) {
                    gemm(n);
                }
            }
            case "Conv" -> {
                if (shaped(n, 2)) {
                    conv(n);
                }
            }
            case "ConvTranspose" -> {
                if (shaped(n, 2)) {
                    convTranspose(n);
                }
            }
            case "MatMulInteger" -> {
                if (shaped(n, 2)) {
                    matmul(n); // int8 × int8 operands: the GEMM runs at int8, its int32 output written at 4 bytes
                }
            }
            case "DynamicQuantizeLinear", "QuantizeLinear", "DequantizeLinear" -> {
                if (shaped(n, 1)) {
                    // One elementwise pass over the input (scale, round, clamp; DynamicQuantizeLinear's min/max
                    // reduction reads it once more, not counted): 1 FLOP and 3 element moves at the input's precision.
                    TensorInfo x = in(n, 0);
                    emit(n, x.elements(), () -> new Elementwise(n.name, OpKind.MUL, x.elements(), prec(x.type())));
                }
            }
            case "Softmax", "LogSoftmax" -> {
                if (shaped(n, 1)) {
                    softmax(n);
                }
            }
            case "LayerNormalization", "SimplifiedLayerNormalization", "RMSNormalization" -> {
                if (shaped(n, 1)) {
                    norm(n);
                }
            }
            case "Gelu", "FastGelu", "BiasGelu", "QuickGelu" -> {
                if (shaped(n, 1)) {
                    emit(n, y.elements(), () -> new Gelu(n.name, y.elements(), prec(y.type())));
                }
            }
            case "Add", "Sub", "Mul", "Div", "Pow" -> elementwise(n);
            default -> {
                if (LAYOUT.contains(op)) {
                    count(folded, n);
                } else {
                    unmapped(n);
                }
            }
        }
    }

    private void fused(Patterns.Fusion f) {
        TensorInfo x = infos.get(f.input());
        TensorInfo y = out(f.output());
        String name = f.name();
        Precision p = prec(y != null && y.type() != ElementTypes.UNDEFINED ? y.type() : x.type());
        long hidden = x.rank() == 0 ? 1 : x.dim(-1);
        long rows = hidden == 0 ? 0 : x.elements() / hidden;
        switch (f.kind()) {
            case LAYER_NORM -> emit(f.output(), x.elements(), () -> new LayerNorm(name, rows, hidden, p));
            case RMS_NORM -> emit(f.output(), x.elements(), () -> new RmsNorm(name, rows, hidden, p));
            case GELU -> emit(f.output(), x.elements(), () -> new Gelu(name, x.elements(), p));
            case SILU -> emit(f.output(), x.elements(), () -> new Silu(name, x.elements(), p));
        }
    }

    /** True when MatMul {@code n} multiplies an activation by a 2-D constant (a weight): opsim's MatMul. */
    static boolean isWeightMatMul(OnnxNode n, Map<String, TensorInfo> infos) {
        if (!n.opType.equals("MatMul") || !n.domain().isEmpty()) {
            return false;
        }
        TensorInfo a = infos.get(n.input(0));
        TensorInfo b = infos.get(n.input(1));
        if (a == null || b == null || !a.known() || !b.known() || a.constant() == b.constant()) {
            return false;
        }
        return (b.constant() ? b : a).rank() == 2;
    }

    private void matmul(OnnxNode n) {
        TensorInfo a = in(n, 0);
        TensorInfo b = in(n, 1);
        TensorInfo y = out(n);
        if (isWeightMatMul(n, infos)) {
            TensorInfo w = b.constant() ? b : a;
            TensorInfo x = b.constant() ? a : b;
            // x·W: rows are all of x's leading dims. W·x: computed as xᵀ·Wᵀ, rows are x's columns and leading dims.
            long k = b.constant() ? w.dim(0) : w.dim(1);
            long cols = b.constant() ? w.dim(1) : w.dim(0);
            long rows = k == 0 ? 0 : x.elements() / k;
            emit(n, y.elements(), () -> new MatMul(n.name, rows, cols, k, prec(x.type()), prec(w.type()), prec(y.type())));
            return;
        }
        long m = a.rank() == 1 ? 1 : a.dim(-2);
        long k = a.dim(-1);
        long cols = b.rank() == 1 ? 1 : b.dim(-1);
        long batch = m * cols == 0 ? 0 : y.elements() / (m * cols);
        Precision p = Precision.wider(prec(a.type()), prec(b.type()));
        emit(n, y.elements(), () -> new BatchedMatMul(n.name, batch, m, cols, k, p));
    }

    private void gemm(OnnxNode n) {
        TensorInfo a = in(n, 0);
        TensorInfo b = in(n, 1);
        TensorInfo y = out(n);
        boolean ta = n.attrInt("transA", 0) != 0;
        long m = ta ? a.dim(1) : a.dim(0);
        long k = ta ? a.dim(0) : a.dim(1);
        long cols = y.dim(1);
        if (b.constant() && !a.constant()) {
            emit(n, y.elements(), () -> new MatMul(n.name, m, cols, k, prec(a.type()), prec(b.type()), prec(y.type())));
        } else if (a.constant() && !b.constant()) {
            emit(n, y.elements(), () -> new MatMul(n.name, cols, m, k, prec(b.type()), prec(a.type()), prec(y.type())));
        } else {
            Precision p = Precision.wider(prec(a.type()), prec(b.type()));
            emit(n, y.elements(), () -> new BatchedMatMul(n.name, 1, m, cols, k, p));
        }
    }

    /** Implicit GEMM: one row per output pixel, one column per output channel, K = C_in/group · kernel. */
    private void conv(OnnxNode n) {
        TensorInfo x = in(n, 0);
        TensorInfo w = in(n, 1);
        TensorInfo y = out(n);
        long outChannels = y.dim(1);
        long rows = outChannels == 0 ? 0 : y.elements() / outChannels;
        long k = ShapeRules.product(w.shape(), 1, w.rank());
        emit(n, y.elements(), () -> new MatMul(n.name, rows, outChannels, k, prec(x.type()), prec(w.type()), prec(y.type())));
    }

    /**
     * Transposed convolution as one GEMM per input pixel: m = N·H_in·W_in, k = C_in/group,
     * n = C_out·kernel (the columns scattered back by col2im).
     */
    private void convTranspose(OnnxNode n) {
        TensorInfo x = in(n, 0);
        TensorInfo w = in(n, 1);
        TensorInfo y = out(n);
        long group = n.attrInt("group", 1);
        long rows = x.dim(1) == 0 ? 0 : x.elements() / x.dim(1);
        long k = x.dim(1) / group;
        long cols = y.dim(1) * ShapeRules.product(w.shape(), 2, w.rank());
        emit(n, y.elements(), () -> new MatMul(n.name, rows, cols, k, prec(x.type()), prec(w.type()), prec(y.type())));
    }

    private void softmax(OnnxNode n) {
        TensorInfo y = out(n);
        // Before opset 13 Softmax flattened the input to 2-D at axis (default 1); from 13 on it acts on one axis (default -1).
        boolean legacy = opset < 13;
        int axis = ShapeRules.axis(n.attrInt("axis", legacy ? 1 : -1), Math.max(y.rank(), 1));
        long cols = y.rank() == 0 ? 1 : legacy ? ShapeRules.product(y.shape(), axis, y.rank()) : y.dim(axis);
        long rows = cols == 0 ? 0 : y.elements() / cols;
        emit(n, y.elements(), () -> new Softmax(n.name, rows, cols, prec(y.type())));
    }

    private void norm(OnnxNode n) {
        TensorInfo x = in(n, 0);
        int axis = ShapeRules.axis(n.attrInt("axis", -1), Math.max(x.rank(), 1));
        long hidden = x.rank() == 0 ? 1 : ShapeRules.product(x.shape(), axis, x.rank());
        long rows = hidden == 0 ? 0 : x.elements() / hidden;
        Precision p = prec(x.type());
        emit(n, x.elements(), () -> n.opType.equals("LayerNormalization") ? new LayerNorm(n.name, rows, hidden, p)
                : new RmsNorm(n.name, rows, hidden, p));
    }

    /** Add/Sub cost as ADD, Mul/Div and x² as MUL; integer and boolean arithmetic (indices, masks) is folded. */
    private void elementwise(OnnxNode n) {
        TensorInfo y = out(n);
        if (y == null || y.type() == ElementTypes.UNDEFINED || !y.known()) {
            unmapped(n, "its output shape is unknown");
            return;
        }
        if (!ElementTypes.isFloat(y.type())) {
            count(folded, n);
            return;
        }
        boolean add = n.opType.equals("Add") || n.opType.equals("Sub");
        if (n.opType.equals("Pow")) {
            TensorInfo e = in(n, 1);
            if (e == null || e.scalar() != 2) {
                unmapped(n);
                return;
            }
        }
        emit(n, y.elements(), () -> add ? Elementwise.add(n.name, y.elements(), prec(y.type()))
                : Elementwise.mul(n.name, y.elements(), prec(y.type())));
    }

    private boolean isEmbedding(OnnxNode n) {
        TensorInfo table = in(n, 0);
        TensorInfo idx = in(n, 1);
        return table != null && idx != null && table.known() && idx.known() && table.constant() && table.rank() == 2
                && ElementTypes.isFloat(table.type()) && ElementTypes.isInteger(idx.type())
                && ShapeRules.axis(n.attrInt("axis", 0), 2) == 0;
    }

    /** Adds the op, unless the node does no work at these dims (a zero-size tensor). */
    private void emit(OnnxNode n, long elements, Supplier<Op> op) {
        if (elements == 0) {
            if (patterns.fusionOf(n) == null) {
                count(folded, n);
            }
            notes.add(n.name + " (" + n.opType + ") has an empty output at these dimensions and is not costed");
            return;
        }
        try {
            ops.add(op.get());
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw new InputException(graph.file, n.location(), n.opType + ": " + e.getMessage(), e);
        }
        if (patterns.fusionOf(n) == null) {
            count(mapped, n); // members of a fused pattern were counted one by one
        }
    }

    private boolean shaped(OnnxNode n, int inputs) {
        for (int i = 0; i < inputs; i++) {
            TensorInfo t = in(n, i);
            if (t == null || !t.known()) {
                unmapped(n, "the shape of input '" + n.input(i) + "' is unknown");
                return false;
            }
        }
        TensorInfo y = out(n);
        if (y == null || !y.known()) {
            unmapped(n, "its output shape is unknown");
            return false;
        }
        return true;
    }

    private void unmapped(OnnxNode n) {
        if (allowUnmapped) {
            // One read of every known input and one write of every known output: an Elementwise add of n
            // elements moves 3·n of them, so n = (Σ known elements) / 3, at the first known tensor's precision.
            long elements = 0;
            Precision p = null;
            List<TensorInfo> known = new ArrayList<>();
            for (int i = 0; i < n.inputCount(); i++) {
                known.add(in(n, i));
            }
            for (String o : n.outputs()) {
                known.add(infos.get(o));
            }
            for (TensorInfo t : known) {
                if (t != null && t.known()) {
                    elements += t.elements();
                    if (p == null) {
                        p = prec(t.type());
                    }
                }
            }
            count(approximated, n);
            ops.add(Elementwise.add("unmapped." + n.opType + ":" + n.name, Math.max(1, elements / 3),
                    p != null ? p : Precision.FP32));
            return;
        }
        count(unmapped, n);
        unmappedNodes.add(n.name);
    }

    private void unmapped(OnnxNode n, String why) {
        unmapped(n);
        notes.add(n.name + " (" + n.opType + ") is not costed: " + why
                + " (it depends on an op opsim has no shape rule for; declaring value_info shapes in the file helps)");
    }

    private TensorInfo in(OnnxNode n, int i) {
        String name = n.input(i);
        return name.isEmpty() ? null : infos.get(name);
    }

    private TensorInfo out(OnnxNode n) {
        return infos.get(n.output(0));
    }

    private Precision prec(int type) {
        // The serving precision replaces the file's float types; integer tensors (an int8 export) keep theirs.
        if (override != null && ElementTypes.isFloat(type)) {
            return override;
        }
        if (!ElementTypes.hasExactPrecision(type)) {
            approximatedTypes.add(type);
        }
        return ElementTypes.precision(type);
    }

    /** Counts a node under its op_type, with the domain in front for ops outside the default one. */
    private static void count(Map<String, Integer> counts, OnnxNode n) {
        String key = n.domain().isEmpty() ? n.opType : n.domain() + ":" + n.opType;
        counts.merge(key, 1, Integer::sum);
    }
}
