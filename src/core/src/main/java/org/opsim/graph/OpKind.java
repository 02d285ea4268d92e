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
    OPTIMIZER,
    /** Gated delta-rule linear attention (Gated DeltaNet, Kimi Delta Attention). */
    LINEAR_ATTENTION,
    /** Mamba-2's selective state-space scan. */
    SSM_SCAN,
    /** Short depthwise causal convolution (Mamba-2, linear attention). */
    CONV1D,
    /** Top-k selection (MoE routers, sparse-attention indexers). */
    TOPK,
    /** Token permutation into and out of expert order around MoE GEMMs. */
    MOE_DISPATCH,
    /** DeepSeek sparse attention's lightning indexer. */
    INDEXER,
    /** A user-defined op given by its FLOPs and bytes ({@link CustomOp}). */
    CUSTOM;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@code silu_and_mul} etc.; the error lists every valid kind. */
    public static OpKind parse(String id) {
        return Ids.parse(id, values(), OpKind::id, "op kind");
    }
}
