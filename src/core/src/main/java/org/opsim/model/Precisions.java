package org.opsim.model;

import java.util.Objects;
import org.opsim.graph.Precision;

/**
 * Storage formats of a served or trained model: weights, activations and the KV cache may differ
 * (e.g. fp8 weights, bf16 activations, fp8 KV cache). Matmuls compute in the wider of weights and
 * activations; attention computes in the activation precision and reads the cache in its own.
 */
public record Precisions(Precision weights, Precision activations, Precision kvCache) {
    public Precisions {
        Objects.requireNonNull(weights, "weights");
        Objects.requireNonNull(activations, "activations");
        Objects.requireNonNull(kvCache, "kvCache");
    }

    /** Everything in one precision. */
    public static Precisions all(Precision p) {
        return new Precisions(p, p, p);
    }
}
