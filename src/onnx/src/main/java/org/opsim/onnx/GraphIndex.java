package org.opsim.onnx;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import org.opsim.io.InputException;
import org.opsim.onnx.proto.Onnx.GraphProto;
import org.opsim.onnx.proto.Onnx.TensorProto;
import org.opsim.onnx.proto.Onnx.ValueInfoProto;

/**
 * A graph's nodes in topological order, with who produces and who consumes each tensor. ONNX
 * requires files to list nodes in topological order but not every exporter does, so the order is
 * rebuilt (keeping the file's order where it is already valid).
 */
final class GraphIndex {
    final String file;
    final GraphProto graph;
    final List<OnnxNode> nodes;
    final Map<String, TensorProto> initializers = new LinkedHashMap<>();
    final Map<String, Integer> initializerIndex = new HashMap<>();
    /** Graph inputs that are not initializers: the tensors the caller feeds. */
    final Map<String, Integer> inputIndex = new LinkedHashMap<>();
    final Map<String, Integer> outputIndex = new LinkedHashMap<>();
    private final Map<String, OnnxNode> producers = new HashMap<>();
    private final Map<String, List<OnnxNode>> consumers = new HashMap<>();

    GraphIndex(String file, GraphProto graph) {
        this.file = file;
        this.graph = graph;
        for (int i = 0; i < graph.getInitializerCount(); i++) {
            TensorProto t = graph.getInitializer(i);
            if (t.getName().isEmpty()) {
                throw new InputException(file, "$.graph.initializer[" + i + "]", "initializer has no name");
            }
            initializers.put(t.getName(), t);
            initializerIndex.put(t.getName(), i);
        }
        for (int i = 0; i < graph.getInputCount(); i++) {
            String name = graph.getInput(i).getName();
            if (!initializers.containsKey(name)) {
                inputIndex.put(name, i);
            }
        }
        for (int i = 0; i < graph.getOutputCount(); i++) {
            outputIndex.put(graph.getOutput(i).getName(), i);
        }
        List<OnnxNode> fileOrder = new ArrayList<>(graph.getNodeCount());
        for (int i = 0; i < graph.getNodeCount(); i++) {
            OnnxNode n = new OnnxNode(i, graph.getNode(i));
            fileOrder.add(n);
            for (String out : n.outputs()) {
                if (out.isEmpty()) {
                    continue;
                }
                if (producers.containsKey(out) || initializers.containsKey(out) || inputIndex.containsKey(out)) {
                    throw new InputException(file, n.location(),
                            "output '" + out + "' is already defined elsewhere in the graph (ONNX tensors are assigned once)");
                }
                producers.put(out, n);
            }
        }
        for (OnnxNode n : fileOrder) {
            for (String in : n.inputs()) {
                if (in.isEmpty()) {
                    continue;
                }
                if (!producers.containsKey(in) && !initializers.containsKey(in) && !inputIndex.containsKey(in)) {
                    throw new InputException(file, n.location(), "input '" + in
                            + "' is not produced by any node and is not a graph input or initializer");
                }
                consumers.computeIfAbsent(in, k -> new ArrayList<>()).add(n);
            }
        }
        this.nodes = topologicalOrder(fileOrder);
    }

    private List<OnnxNode> topologicalOrder(List<OnnxNode> fileOrder) {
        Map<OnnxNode, Integer> waiting = new HashMap<>();
        PriorityQueue<OnnxNode> ready = new PriorityQueue<>((a, b) -> Integer.compare(a.index, b.index));
        for (OnnxNode n : fileOrder) {
            Set<OnnxNode> deps = new HashSet<>();
            for (String in : n.inputs()) {
                OnnxNode p = producers.get(in);
                if (p != null && p != n) {
                    deps.add(p);
                } else if (p == n) {
                    throw new InputException(file, n.location(), "node consumes its own output '" + in + "'");
                }
            }
            waiting.put(n, deps.size());
            if (deps.isEmpty()) {
                ready.add(n);
            }
        }
        List<OnnxNode> order = new ArrayList<>(fileOrder.size());
        while (!ready.isEmpty()) {
            OnnxNode n = ready.poll();
            order.add(n);
            Set<OnnxNode> released = new HashSet<>();
            for (String out : n.outputs()) {
                for (OnnxNode c : consumers.getOrDefault(out, List.of())) {
                    if (released.add(c) && waiting.merge(c, -1, Integer::sum) == 0) {
                        ready.add(c);
                    }
                }
            }
        }
        if (order.size() != fileOrder.size()) {
            OnnxNode stuck = fileOrder.stream().filter(n -> waiting.get(n) > 0).findFirst().orElseThrow();
            throw new InputException(file, stuck.location(), "the graph has a cycle through this node");
        }
        return List.copyOf(order);
    }

    OnnxNode producer(String tensor) {
        return producers.get(tensor);
    }

    List<OnnxNode> consumers(String tensor) {
        return consumers.getOrDefault(tensor, List.of());
    }

    boolean isGraphOutput(String tensor) {
        return outputIndex.containsKey(tensor);
    }

    ValueInfoProto input(String name) {
        return graph.getInput(inputIndex.get(name));
    }
}
