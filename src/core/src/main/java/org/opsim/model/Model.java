package org.opsim.model;

import java.util.Optional;
import java.util.Set;
import org.opsim.graph.Graph;

/**
 * A model opsim can cost at any {@link Workload}: a transformer read from a Hugging Face
 * {@code config.json}, an ONNX export with symbolic dimensions, or one of your own. Sweeps,
 * deployments, comparisons and the command line depend on this interface only, never on how the
 * model was imported. Implementations are immutable and thread-safe.
 *
 * <pre>{@code
 * Model llama = Opsim.model("llama-3.1-70b");
 * Graph step = llama.graph(Workload.decode(16, 4096).withTensorParallel(8));
 * MemoryFootprint perChip = llama.memoryFootprint(Workload.decode(16, 4096).withTensorParallel(8));
 * }</pre>
 */
public interface Model {

    /** A short name: the catalogue name, or the file name without its extension. */
    String name();

    /** Where the architecture comes from and what it is, in one line (for headers and logs). */
    String describe();

    /**
     * {@code w} as this model runs it: {@link Workload#describe()}, or, for a model with formats of its
     * own (a quantised checkpoint), with those in place of the workload's.
     */
    default String describe(Workload w) {
        return w.describe();
    }

    /** All parameters (the figure a model card quotes as the model's size). */
    long parameterCount();

    /** Parameters that touch each token: all but the routed experts a token is not sent to. */
    default long activeParameterCount() {
        return parameterCount();
    }

    /** The phases {@link #graph} accepts (an encoder has no decode; a forward-only export only prefill). */
    Set<Workload.Phase> phases();

    /**
     * What one chip holds for {@code w}: weights, KV cache, activations and training state, after the
     * workload's tensor parallelism.
     *
     * @throws IllegalArgumentException if the model cannot run {@code w} (a phase it does not have, a
     *     tensor-parallel degree that does not divide it)
     */
    MemoryFootprint memoryFootprint(Workload w);

    /**
     * The operator graph of one execution of {@code w} on one chip (the workload's tensor-parallel
     * share), with each block's {@link org.opsim.graph.Stage}.
     *
     * @throws IllegalArgumentException if the model cannot run {@code w}
     */
    Graph graph(Workload w);

    /** Layers, widths and experts, which deployments split the model by; empty when the model cannot say. */
    Optional<Architecture> architecture();
}
