package org.opsim.graph;

import java.util.Locale;
import org.opsim.internal.io.Ids;

/**
 * What part of a workload a {@link Block} belongs to, so breakdowns (time to first token, time per
 * output token, the backward pass's share of a training step) never depend on block names.
 */
public enum Stage {
    /** Inference over a prompt: every prompt token, the KV cache written. */
    PREFILL,
    /** Inference steps that each add one token per sequence. */
    DECODE,
    /** A forward pass that is neither a served prefill nor a decode step: training's forward, an encoder, a graph file's pass. */
    FORWARD,
    /** Training's second forward pass under full activation recompute. */
    RECOMPUTE,
    /** Training's backward pass. */
    BACKWARD,
    /** Training's weight update. */
    OPTIMIZER;

    /** The name used in files and output, e.g. {@code prefill}. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Stage parse(String id) {
        return Ids.parse(id, values(), Stage::id, "stage");
    }
}
