package org.opsim.graph;

import java.util.Locale;
import org.opsim.internal.io.Ids;

/** The unit of a chip that runs an operator. */
public enum Engine {
    /** Tensor cores, MXU, TensorEngine, MME: dense matrix multiply-accumulate. */
    MATRIX,
    /** CUDA cores/SFU, VALU, VPU, Vector/Scalar engines, TPC: softmax, norms, activations, elementwise. */
    VECTOR,
    /** Chip-to-chip links: collectives. */
    INTERCONNECT,
    /** The host CPU: only ever a fallback target for an op a chip cannot run (see the profile's fallback). */
    HOST;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Engine parse(String id) {
        return Ids.parse(id, values(), Engine::id, "engine");
    }
}
