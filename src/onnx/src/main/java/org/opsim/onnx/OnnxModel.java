package org.opsim.onnx;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import org.opsim.graph.Block;
import org.opsim.graph.Graph;
import org.opsim.graph.Precision;
import org.opsim.io.InputException;
import org.opsim.onnx.proto.Onnx.ModelProto;
import org.opsim.onnx.proto.Onnx.OperatorSetIdProto;
import org.opsim.onnx.proto.Onnx.TensorProto;
import org.opsim.onnx.proto.Onnx.TensorShapeProto;
import org.opsim.onnx.proto.Onnx.ValueInfoProto;

/**
 * A parsed ONNX model, before its symbolic dimensions are bound. Parse once, then {@link #bind} as
 * often as needed (e.g. one import per sequence length of a sweep). Immutable and thread-safe.
 */
public final class OnnxModel {
    /** Assumed when a model declares no default-domain opset (only Softmax's default axis depends on it). */
    private static final long ASSUMED_OPSET = 13;

    private final String label;
    private final Path directory;
    private final ModelProto model;
    private final GraphIndex index;
    private final long opset;

    OnnxModel(String label, Path directory, ModelProto model) {
        this.label = label;
        this.directory = directory;
        this.model = model;
        this.index = new GraphIndex(label, model.getGraph());
        long v = -1;
        for (OperatorSetIdProto o : model.getOpsetImportList()) {
            if (o.getDomain().isEmpty() || o.getDomain().equals("ai.onnx")) {
                v = o.getVersion();
            }
        }
        this.opset = v;
    }

    /** The file (or stream label) the model came from, as errors name it. */
    public String label() {
        return label;
    }

    /** The default-domain opset the model declares, or -1 if it declares none. */
    public long opsetVersion() {
        return opset;
    }

    /** Nodes in the model's graph; after {@link #bind}, mapped + folded + unmapped node counts add up to it. */
    public int nodeCount() {
        return index.nodes.size();
    }

    /**
     * The symbolic dimensions of the graph inputs: the names {@link #bind} needs. A named one
     * ({@code dim_param}) by its name; an unnamed one (neither a value nor a name) as
     * {@code INPUT:INDEX}, e.g. {@code input_ids:1}.
     */
    public Set<String> symbolicDimensions() {
        Set<String> names = new TreeSet<>();
        for (String input : index.inputIndex.keySet()) {
            ValueInfoProto v = index.input(input);
            if (v.getType().hasTensorType()) {
                List<TensorShapeProto.Dimension> dims = v.getType().getTensorType().getShape().getDimList();
                for (int i = 0; i < dims.size(); i++) {
                    TensorShapeProto.Dimension d = dims.get(i);
                    if (d.hasDimParam()) {
                        names.add(d.getDimParam());
                    } else if (!d.hasDimValue()) {
                        names.add(input + ":" + i);
                    }
                }
            }
        }
        return Collections.unmodifiableSet(names);
    }

    /** Imports with each tensor costed in its own ONNX element type. */
    public OnnxImport bind(Map<String, Long> dimensionBindings) {
        return importAt(dimensionBindings, null);
    }

    /** Imports with every op costed in {@code precision}, as if the model were served in it. */
    public OnnxImport bind(Map<String, Long> dimensionBindings, Precision precision) {
        return importAt(dimensionBindings, Objects.requireNonNull(precision, "precision"));
    }

    /**
     * Imports with every op costed in {@code precision}; with {@code allowUnmapped}, each node opsim
     * has no operator for is costed as a memory-bound elementwise op over its known tensors (said in
     * the import's notes) instead of being left out.
     */
    public OnnxImport bind(Map<String, Long> dimensionBindings, Precision precision, boolean allowUnmapped) {
        return importAt(dimensionBindings, Objects.requireNonNull(precision, "precision"), allowUnmapped);
    }

    private OnnxImport importAt(Map<String, Long> dimensionBindings, Precision precision) {
        return importAt(dimensionBindings, precision, false);
    }

    private OnnxImport importAt(Map<String, Long> dimensionBindings, Precision precision, boolean allowUnmapped) {
        Objects.requireNonNull(dimensionBindings, "dimensionBindings");
        Map<String, Long> bindings = new LinkedHashMap<>();
        dimensionBindings.forEach((name, size) -> {
            if (name == null || size == null || size < 0) {
                throw new IllegalArgumentException("dimension binding " + name + " = " + size
                        + ": needs a name and a size >= 0");
            }
            bindings.put(name, size);
        });
        try {
            long effectiveOpset = opset > 0 ? opset : ASSUMED_OPSET;
            TensorData data = new TensorData(directory);
            Map<String, TensorInfo> infos = new ShapeInference(index, data, bindings).run();
            Patterns patterns = new Patterns(index, infos);
            OpMapper.Result r = new OpMapper(index, infos, patterns, precision, effectiveOpset, allowUnmapped).run();
            if (r.ops().isEmpty()) {
                throw new InputException(label, "$.graph", "no node maps onto an opsim operator (unmapped: "
                        + r.unmapped() + ", folded: " + r.folded() + ")");
            }
            List<String> notes = new ArrayList<>(r.notes());
            if (opset <= 0) {
                notes.add("the model declares no default-domain opset; opset " + ASSUMED_OPSET + " semantics assumed");
            }
            Set<String> unused = new TreeSet<>(bindings.keySet());
            unused.removeAll(symbolicDimensions());
            if (!unused.isEmpty()) {
                notes.add("dimension bindings that match no symbolic input dimension: " + String.join(", ", unused)
                        + " (the model's are: " + String.join(", ", symbolicDimensions()) + ")");
            }
            String blockName = model.getGraph().getName().isBlank() ? "graph" : model.getGraph().getName();
            Graph graph = new Graph(graphName(), List.of(new Block(blockName, 1, r.ops())));
            return new OnnxImport(graph, r.unmapped(), r.unmappedNodes(), r.folded(), parameterCount(), r.mapped(), notes);
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw new InputException(label, "$.graph", e.getMessage(), e);
        }
    }

    /**
     * Elements of weight tensors: initializers of a parameter type, and Constant nodes of a parameter
     * type holding more than one element (some exporters, e.g. Paddle2ONNX, store weights that way;
     * single-element Constants are arithmetic constants such as epsilons and scales).
     */
    long parameterCount() {
        long total = 0;
        for (TensorProto t : index.initializers.values()) {
            if (ElementTypes.isParameter(t.getDataType())) {
                total = Math.addExact(total, TensorData.elements(TensorData.dims(t)));
            }
        }
        for (OnnxNode n : index.nodes) {
            TensorProto t = n.opType.equals("Constant") && n.domain().isEmpty() ? n.attrTensor("value") : null;
            if (t != null && ElementTypes.isParameter(t.getDataType())) {
                long elements = TensorData.elements(TensorData.dims(t));
                total = Math.addExact(total, elements > 1 ? elements : 0);
            }
        }
        return total;
    }

    /** The file name without folder and {@code .onnx}: {@code models/bert.onnx} → {@code bert}. */
    private String graphName() {
        String base = label.substring(Math.max(label.lastIndexOf('/'), label.lastIndexOf('\\')) + 1);
        String name = base.toLowerCase(Locale.ROOT).endsWith(".onnx") ? base.substring(0, base.length() - 5) : base;
        return name.isBlank() ? "onnx" : name;
    }
}
