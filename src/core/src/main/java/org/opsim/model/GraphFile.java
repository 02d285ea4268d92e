package org.opsim.model;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import org.opsim.graph.Graph;
import org.opsim.io.InvalidValueException;

/**
 * A graph with fixed shapes, as read from a native graph file (or an ONNX export with no symbolic
 * dimensions), with the file's metadata.
 *
 * @param tokensPerExecution tokens one execution of the graph produces or processes (e.g. the batch
 *     size of a decode step), when the file says; used for per-token figures
 * @param source where the graph's shapes come from (e.g. a model's config.json)
 */
public record GraphFile(Graph graph, OptionalLong tokensPerExecution, Optional<String> source) {
    public GraphFile {
        Objects.requireNonNull(graph, "graph");
        Objects.requireNonNull(tokensPerExecution, "tokensPerExecution");
        Objects.requireNonNull(source, "source");
        if (tokensPerExecution.isPresent() && tokensPerExecution.getAsLong() <= 0) {
            throw new InvalidValueException("tokensPerExecution", "must be > 0, got " + tokensPerExecution.getAsLong());
        }
    }
}
