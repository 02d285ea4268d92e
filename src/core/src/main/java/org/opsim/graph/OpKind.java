package org.opsim.graph;

import java.util.Locale;
import org.opsim.internal.io.Ids;

/** The kinds of operator opsim knows; {@link #id()} is the name used in files. */
public enum OpKind {
    MATMUL,
    BATCHED_MATMUL,
    SOFTMAX,
    LAYERNORM,
    RMSNORM,
    GELU,
    SILU,
    SILU_AND_MUL,
    ADD,
    MUL,
    ROPE,
    EMBEDDING,
    ATTENTION,
    ALL_REDUCE,
    ALL_GATHER,
    /** A training step's weight update (AdamW). */
    OPTIMIZER;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@code silu_and_mul} etc.; the error lists every valid kind. */
    public static OpKind parse(String id) {
        return Ids.parse(id, values(), OpKind::id, "op kind");
    }
}
