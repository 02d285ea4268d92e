package org.opsim.onnx;

import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.opsim.graph.Block;
import org.opsim.graph.Graph;
import org.opsim.graph.Stage;
import org.opsim.model.Architecture;
import org.opsim.model.MemoryFootprint;
import org.opsim.model.Model;
import org.opsim.model.Workload;

/**
 * An ONNX export as a {@link Model}: one forward pass whose symbolic dimensions are bound from the
 * workload. A dimension named like a batch ({@code batch}, {@code batch_size}, {@code N}, ...) takes
 * the workload's batch, one named like a sequence ({@code sequence}, {@code sequence_length},
 * {@code seq_len}, ...) its prompt length; any other must be bound by name when the model is made
 * ({@link #withDimensions}). Ops are costed in the workload's activation precision.
 *
 * <p>What it refuses rather than approximates: phases other than prefill (an export is one forward
 * pass, with no KV cache or backward pass to cost), tensor parallelism (an export is the whole model
 * on one chip), and graphs with nodes opsim cannot cost ({@link OnnxImport#unmappedOpTypes()}): a
 * model whose int8 or custom operators were left out would cost too little. Its memory footprint
 * counts the weights only (an export says nothing of a serving KV cache or of activation lifetimes).
 */
public final class OnnxWorkloadModel implements Model {
    private static final Set<String> BATCH = Set.of("batch", "batch_size", "batchsize", "n", "bs", "b");
    private static final Set<String> SEQUENCE = Set.of("sequence", "sequence_length", "sequencelength", "seq", "seq_len",
            "seqlen", "s", "tokens", "num_tokens");

    private final String name;
    private final OnnxModel onnx;
    private final Map<String, Long> dimensions;
    private final boolean allowUnmapped;

    public OnnxWorkloadModel(String name, OnnxModel onnx, Map<String, Long> dimensions) {
        this(name, onnx, dimensions, false);
    }

    private OnnxWorkloadModel(String name, OnnxModel onnx, Map<String, Long> dimensions, boolean allowUnmapped) {
        this.allowUnmapped = allowUnmapped;
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a model name must not be blank");
        }
        this.name = name;
        this.onnx = Objects.requireNonNull(onnx, "onnx");
        this.dimensions = Map.copyOf(dimensions);
    }

    /** The same model with more symbolic dimensions bound by name (those not named like a batch or sequence). */
    public OnnxWorkloadModel withDimensions(Map<String, Long> more) {
        Map<String, Long> all = new LinkedHashMap<>(dimensions);
        all.putAll(more);
        return new OnnxWorkloadModel(name, onnx, all, allowUnmapped);
    }

    /**
     * The same model costing each node opsim has no operator for as a memory-bound elementwise op over
     * its known tensors, instead of refusing the model; the import's notes and {@link #describe()} say so.
     */
    public OnnxWorkloadModel allowingUnmapped() {
        return new OnnxWorkloadModel(name, onnx, dimensions, true);
    }

    public OnnxModel onnx() {
        return onnx;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String describe() {
        return "ONNX export " + onnx.label() + " (" + onnx.nodeCount() + " nodes, opset "
                + (onnx.opsetVersion() > 0 ? onnx.opsetVersion() : "undeclared") + ", symbolic dimensions "
                + (onnx.symbolicDimensions().isEmpty() ? "none" : String.join(", ", onnx.symbolicDimensions())) + ")"
                + (allowUnmapped ? "; nodes opsim has no operator for are costed as memory-bound elementwise ops "
                + "(--allow-unmapped)" : "");
    }

    @Override
    public long parameterCount() {
        return onnx.parameterCount();
    }

    @Override
    public Set<Workload.Phase> phases() {
        return EnumSet.of(Workload.Phase.PREFILL);
    }

    @Override
    public MemoryFootprint memoryFootprint(Workload w) {
        check(w);
        return new MemoryFootprint(parameterCount() * w.precisions().weights().bytesPerElement(), 0, 0, 0);
    }

    /** The bound graph, its block of stage {@link Stage#PREFILL} (the forward pass over the prompts). */
    @Override
    public Graph graph(Workload w) {
        Graph g = bind(w).graph();
        return new Graph(g.name(), g.blocks().stream().map(b -> new Block(b.name(), Stage.PREFILL, b.repeat(), b.ops())).toList());
    }

    /** The full import at {@code w}'s dimensions: the graph and the account of every node. */
    public OnnxImport bind(Workload w) {
        check(w);
        Map<String, Long> bindings = new LinkedHashMap<>();
        Set<String> unbound = new TreeSet<>();
        for (String d : onnx.symbolicDimensions()) {
            String key = d.toLowerCase(Locale.ROOT);
            if (dimensions.containsKey(d)) {
                bindings.put(d, dimensions.get(d));
            } else if (BATCH.contains(key)) {
                bindings.put(d, w.batch());
            } else if (SEQUENCE.contains(key)) {
                bindings.put(d, w.sequenceLength());
            } else {
                unbound.add(d);
            }
        }
        if (!unbound.isEmpty()) {
            throw new IllegalArgumentException(onnx.label() + ": symbolic dimensions " + String.join(", ", unbound)
                    + " are neither a batch nor a sequence length: bind them by name (--dim NAME=SIZE)");
        }
        OnnxImport imported = onnx.bind(bindings, w.precisions().activations(), allowUnmapped);
        if (!imported.unmappedOpTypes().isEmpty()) {
            throw new IllegalArgumentException(onnx.label() + ": opsim cannot cost " + imported.unmappedNodes().size()
                    + " of its nodes (by type: " + imported.unmappedOpTypes() + "); costing the rest would understate "
                    + "the model (--allow-unmapped costs each as a memory-bound elementwise op)");
        }
        return imported;
    }

    private void check(Workload w) {
        if (w.phase() != Workload.Phase.PREFILL) {
            throw new IllegalArgumentException(name + " is an ONNX export, one forward pass: it has no " + w.phase().id()
                    + " phase (use prefill)");
        }
        if (w.cachedTokens() != 0) {
            throw new IllegalArgumentException(name + " is an ONNX export, one forward pass over its inputs: a prefill chunk after "
                    + w.cachedTokens() + " cached tokens (a KV cache it reads) is not modelled for it");
        }
        if (w.tensorParallel() != 1) {
            throw new IllegalArgumentException(name + " is an ONNX export of the whole model: tensor parallelism ("
                    + w.tensorParallel() + ") is not modelled for it");
        }
    }

    @Override
    public Optional<Architecture> architecture() {
        return Optional.empty();
    }
}
