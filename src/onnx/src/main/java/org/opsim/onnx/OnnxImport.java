package org.opsim.onnx;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.opsim.graph.Graph;

/**
 * An ONNX model imported at fixed dimensions: the costed opsim graph and an account of every node.
 * Each node is in exactly one of {@code mappedOpTypes} (costed, alone or as part of a fused pattern
 * such as a decomposed LayerNorm), {@code foldedOpTypes} (no arithmetic, not costed) and
 * {@code unmappedOpTypes} (work opsim has no operator for, not costed).
 *
 * @param graph one block, repeat 1, with the ops in topological order, named after the ONNX nodes
 * @param unmappedOpTypes op_type → number of nodes opsim could not cost (custom domains as {@code domain:op_type})
 * @param unmappedNodes names of those nodes, in graph order
 * @param foldedOpTypes op_type → number of nodes treated as free: layout and metadata ops, constants
 *     and shape arithmetic evaluated at import, integer/boolean index and mask arithmetic, and bias Adds
 *     folded into the MatMul before them
 * @param parameterCount elements of the model's weights: initializers of floating-point or ≤ 8-bit
 *     integer type, and Constant nodes of those types with more than one element (integer index
 *     buffers such as position ids, and scalar constants such as epsilons, are not parameters)
 * @param mappedOpTypes op_type → number of nodes costed
 * @param notes approximations that applied (precision stand-ins, ops left uncosted for lack of shapes,
 *     bindings that matched no symbolic dimension)
 */
public record OnnxImport(Graph graph, Map<String, Integer> unmappedOpTypes, List<String> unmappedNodes,
                         Map<String, Integer> foldedOpTypes, long parameterCount, Map<String, Integer> mappedOpTypes,
                         List<String> notes) {

    public OnnxImport {
        Objects.requireNonNull(graph, "graph");
        unmappedOpTypes = sorted(unmappedOpTypes);
        unmappedNodes = List.copyOf(unmappedNodes);
        foldedOpTypes = sorted(foldedOpTypes);
        mappedOpTypes = sorted(mappedOpTypes);
        notes = List.copyOf(notes);
    }

    private static Map<String, Integer> sorted(Map<String, Integer> m) {
        return Collections.unmodifiableMap(new TreeMap<>(m));
    }
}
