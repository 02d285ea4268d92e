package org.opsim.onnx;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.opsim.io.InputException;
import org.opsim.onnx.proto.Onnx.TensorProto;
import org.opsim.onnx.proto.Onnx.TensorShapeProto;
import org.opsim.onnx.proto.Onnx.TypeProto;
import org.opsim.onnx.proto.Onnx.ValueInfoProto;

/**
 * Gives every tensor of a graph concrete dims once the symbolic dims are bound: from the inputs,
 * initializers and declared value_info, and by the shape rules of the common ONNX ops. Small
 * integer tensors (shapes, axes, indices) and float scalars are evaluated along the way
 * ({@link ConstantFolder}), so a Reshape whose target is computed by a Shape → Gather → Unsqueeze →
 * Concat chain gets concrete dims. Operands that cannot fit (MatMul inner dims that disagree,
 * shapes that do not broadcast) are an {@link InputException} at the node.
 */
final class ShapeInference {
    /** Integer tensors up to this many elements are evaluated (shape arithmetic, position ids). */
    static final int MAX_INT_VALUE = 1 << 16;
    /** Float tensors up to this many elements are evaluated (epsilons, scales, exponents). */
    static final int MAX_REAL_VALUE = 64;

    private static final Set<String> RANDOM = Set.of("RandomNormal", "RandomUniform", "RandomNormalLike",
            "RandomUniformLike", "Multinomial", "Bernoulli", "If", "Loop", "Scan");

    private final GraphIndex graph;
    private final TensorData data;
    private final ShapeRules rules;
    private final Map<String, Long> bindings;
    private final Map<String, TensorInfo> infos = new HashMap<>();
    private final Map<String, ValueInfoProto> declared = new HashMap<>();
    private final Map<String, String> declaredWhere = new HashMap<>();

    ShapeInference(GraphIndex graph, TensorData data, Map<String, Long> bindings) {
        this.graph = graph;
        this.data = data;
        this.bindings = bindings;
        this.rules = new ShapeRules(data);
    }

    /** Every tensor name to what is known about it. */
    Map<String, TensorInfo> run() {
        initializers();
        inputs();
        for (int i = 0; i < graph.graph.getValueInfoCount(); i++) {
            ValueInfoProto v = graph.graph.getValueInfo(i);
            declared.put(v.getName(), v);
            declaredWhere.put(v.getName(), "$.graph.value_info[" + i + "](" + v.getName() + ")");
        }
        for (int i = 0; i < graph.graph.getOutputCount(); i++) {
            ValueInfoProto v = graph.graph.getOutput(i);
            declared.put(v.getName(), v);
            declaredWhere.put(v.getName(), "$.graph.output[" + i + "](" + v.getName() + ")");
        }
        for (OnnxNode n : graph.nodes) {
            node(n);
        }
        return infos;
    }

    private void initializers() {
        for (TensorProto t : graph.initializers.values()) {
            String where = "$.graph.initializer[" + graph.initializerIndex.get(t.getName()) + "](" + t.getName() + ")";
            try {
                long[] shape = TensorData.dims(t);
                Value v = null;
                if (small(t.getDataType(), TensorData.elements(shape))) {
                    v = data.decode(t);
                }
                infos.put(t.getName(), new TensorInfo(shape, t.getDataType(), v, true));
            } catch (IllegalArgumentException | ArithmeticException e) {
                throw new InputException(graph.file, where, "initializer: " + e.getMessage(), e);
            }
        }
    }

    /** Binds the caller-fed inputs; every symbolic dim must be bound, else one error lists them all. */
    private void inputs() {
        Set<String> unbound = new TreeSet<>();
        String firstWhere = null;
        for (Map.Entry<String, Integer> e : graph.inputIndex.entrySet()) {
            ValueInfoProto v = graph.graph.getInput(e.getValue());
            String where = "$.graph.input[" + e.getValue() + "](" + v.getName() + ")";
            if (!v.getType().hasTensorType()) {
                infos.put(v.getName(), TensorInfo.unknown(ElementTypes.UNDEFINED));
                continue;
            }
            TypeProto.Tensor tt = v.getType().getTensorType();
            if (!tt.hasShape()) {
                throw new InputException(graph.file, where, "input has no shape, so its dims cannot be bound");
            }
            long[] shape = new long[tt.getShape().getDimCount()];
            for (int d = 0; d < shape.length; d++) {
                TensorShapeProto.Dimension dim = tt.getShape().getDim(d);
                if (dim.hasDimValue()) {
                    shape[d] = dim.getDimValue();
                } else if (dim.hasDimParam() && bindings.containsKey(dim.getDimParam())) {
                    shape[d] = bindings.get(dim.getDimParam());
                } else if (!dim.hasDimParam() && bindings.containsKey(v.getName() + ":" + d)) {
                    shape[d] = bindings.get(v.getName() + ":" + d); // an unnamed dim, bound as INPUT:INDEX
                } else {
                    unbound.add(dim.hasDimParam() ? dim.getDimParam() : v.getName() + ":" + d + " (unnamed: bind it as "
                            + v.getName() + ":" + d + "=SIZE)");
                    firstWhere = firstWhere == null ? where : firstWhere;
                }
            }
            infos.put(v.getName(), TensorInfo.of(shape, tt.getElemType()));
        }
        if (!unbound.isEmpty()) {
            throw new InputException(graph.file, firstWhere, "symbolic dimensions not bound: "
                    + String.join(", ", unbound) + " (give each a size in the dimension bindings)");
        }
    }

    /** The declared dims of a tensor, -1 where a dim is symbolic and unbound; null when none are declared. */
    private long[] declaredShape(String name) {
        ValueInfoProto v = declared.get(name);
        if (v == null || !v.getType().hasTensorType() || !v.getType().getTensorType().hasShape()) {
            return null;
        }
        TensorShapeProto s = v.getType().getTensorType().getShape();
        long[] out = new long[s.getDimCount()];
        for (int d = 0; d < out.length; d++) {
            TensorShapeProto.Dimension dim = s.getDim(d);
            out[d] = dim.hasDimValue() ? dim.getDimValue()
                    : dim.hasDimParam() && bindings.containsKey(dim.getDimParam()) ? bindings.get(dim.getDimParam()) : -1;
        }
        return out;
    }

    /** Whether a tensor is small enough, and of a type {@link TensorData} can read, to evaluate. */
    static boolean small(int type, long elements) {
        if (!TensorData.canDecode(type)) {
            return false;
        }
        return ElementTypes.isInteger(type) ? elements <= MAX_INT_VALUE : elements <= MAX_REAL_VALUE;
    }

    private void node(OnnxNode n) {
        List<TensorInfo> in = new ArrayList<>(n.inputCount());
        boolean allConstant = n.opType.equals("Constant");
        boolean anyInput = false;
        boolean inputsConstant = true;
        for (String name : n.inputs()) {
            TensorInfo t = name.isEmpty() ? null : infos.get(name);
            in.add(t);
            if (t != null) {
                anyInput = true;
                inputsConstant &= t.constant();
            }
        }
        allConstant |= anyInput && inputsConstant && !RANDOM.contains(n.opType);
        List<TensorInfo> out;
        try {
            out = rules.infer(n, in);
            if (allConstant && out.size() == 1 && out.get(0).known() && out.get(0).value() == null
                    && small(out.get(0).type(), out.get(0).elements())) {
                Value v = ConstantFolder.fold(n, in, out.get(0));
                if (v != null) {
                    out = List.of(TensorInfo.of(v));
                }
            }
        } catch (IllegalArgumentException | ArithmeticException | IndexOutOfBoundsException e) {
            throw new InputException(graph.file, n.location(), n.opType + ": " + e.getMessage(), e);
        }
        for (int j = 0; j < n.outputs().size(); j++) {
            String name = n.output(j);
            if (name.isEmpty()) {
                continue;
            }
            TensorInfo t = j < out.size() ? out.get(j) : TensorInfo.unknown(ElementTypes.UNDEFINED);
            t = reconcile(n, name, t);
            infos.put(name, allConstant ? t.asConstant() : t);
        }
    }

    /** Fills what inference left open from the file's declarations, and refuses a contradiction. */
    private TensorInfo reconcile(OnnxNode n, String name, TensorInfo t) {
        long[] d = declaredShape(name);
        int type = t.type();
        ValueInfoProto v = declared.get(name);
        if (type == ElementTypes.UNDEFINED && v != null && v.getType().hasTensorType()) {
            type = v.getType().getTensorType().getElemType();
        }
        long[] shape = t.shape();
        if (d != null) {
            if (shape == null) {
                if (Arrays.stream(d).allMatch(x -> x >= 0)) {
                    shape = d;
                }
            } else {
                boolean fits = d.length == shape.length;
                for (int i = 0; fits && i < d.length; i++) {
                    fits = d[i] < 0 || d[i] == shape[i];
                }
                if (!fits) {
                    throw new InputException(graph.file, n.location(), n.opType + ": output '" + name + "' comes out "
                            + TensorInfo.format(shape) + " at these dimensions, but " + declaredWhere.get(name)
                            + " declares " + Arrays.toString(d).replace("-1", "?"));
                }
            }
        }
        return shape == t.shape() && type == t.type() ? t : new TensorInfo(shape, type, t.value(), t.constant());
    }
}
