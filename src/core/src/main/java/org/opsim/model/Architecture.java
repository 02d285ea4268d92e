package org.opsim.model;

import java.util.Objects;
import java.util.Optional;
import org.opsim.io.InvalidValueException;

/**
 * The shape a deployment splits a model by: layers for pipeline stages, attention heads for tensor
 * parallelism, the hidden width for activations crossing chips, and routed experts for expert
 * parallelism.
 *
 * @param layers decoder (or encoder) layers
 * @param hiddenSize the residual stream's width
 * @param queryHeads attention heads (tensor parallelism splits them)
 * @param kvHeads key/value heads
 */
public record Architecture(long layers, long hiddenSize, long queryHeads, long kvHeads, Optional<Experts> experts) {

    /**
     * Routed mixture-of-experts layers.
     *
     * @param routed experts per MoE layer
     * @param perToken experts each token is routed to
     * @param moeLayers layers with routed experts
     * @param routedParameters parameters of all routed experts of all MoE layers
     */
    public record Experts(long routed, long perToken, long moeLayers, double routedParameters) {
        public Experts {
            positive("routed", routed);
            positive("perToken", perToken);
            positive("moeLayers", moeLayers);
            if (perToken > routed) {
                throw new InvalidValueException("perToken", perToken + " exceeds the " + routed + " routed experts");
            }
            if (!(routedParameters >= 0) || Double.isInfinite(routedParameters)) {
                throw new InvalidValueException("routedParameters", "must be a finite number >= 0, got " + routedParameters);
            }
        }
    }

    public Architecture {
        positive("layers", layers);
        positive("hiddenSize", hiddenSize);
        positive("queryHeads", queryHeads);
        positive("kvHeads", kvHeads);
        Objects.requireNonNull(experts, "experts");
    }

    private static void positive(String field, long v) {
        if (v <= 0) {
            throw new InvalidValueException(field, "must be > 0, got " + v);
        }
    }
}
