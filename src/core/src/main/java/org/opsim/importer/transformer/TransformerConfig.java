package org.opsim.importer.transformer;

import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * A transformer's architecture, normalised from whatever config.json it came in: the numbers that
 * decide its operators, parameters and KV cache. Validated on construction.
 *
 * @param headDim query/key/value head size (for MLA, see {@link Mla})
 * @param intermediateSize the dense feed-forward width (for MoE models, the dense layers' width)
 * @param tokenTypes BERT's segment-embedding rows (0 for decoders)
 * @param encoder bidirectional attention, a pooler and no LM head (BERT)
 */
public record TransformerConfig(String modelType, Family family, long hiddenSize, long layers, long queryHeads,
                                long kvHeads, long headDim, long intermediateSize, long vocabSize,
                                long maxPositions, boolean tiedEmbeddings, Norm norm, Mlp mlp,
                                Positions positions, long tokenTypes, boolean qkvBias, boolean outputBias,
                                boolean mlpBias, boolean encoder, Optional<Moe> moe, Optional<Mla> mla) {

    /** Architecture families with their own operator layout. */
    public enum Family {
        /** Llama 2/3/3.1, Mistral, Qwen2: RMSNorm, rope, GQA, SwiGLU. */
        LLAMA,
        /** GPT-2 and GPT-3: LayerNorm, learned positions, GELU MLP, tied embeddings. */
        GPT2,
        /** BERT: post-LayerNorm encoder, learned positions and token types, GELU, pooler. */
        BERT,
        /** Mixtral: Llama layout with a routed mixture of SwiGLU experts. */
        MIXTRAL,
        /** DeepSeek-V3: multi-head latent attention, shared + routed experts, dense first layers. */
        DEEPSEEK_V3
    }

    public enum Norm { RMS, LAYER }

    /** Feed-forward shape: gated SiLU (3 matrices) or GELU (2 matrices). */
    public enum Mlp { SWIGLU, GELU }

    public enum Positions { ROPE, LEARNED }

    /**
     * Mixture of experts. Layers {@code [0, firstDenseLayers)} are dense with the config's
     * intermediate size; the rest route each token to {@code expertsPerToken} of {@code experts}
     * SwiGLU experts of width {@code expertIntermediateSize}, plus {@code sharedExperts} always-on ones.
     */
    public record Moe(long experts, long expertsPerToken, long expertIntermediateSize, long sharedExperts,
                      long firstDenseLayers) {
        public Moe {
            positive("n_routed_experts", experts);
            positive("num_experts_per_tok", expertsPerToken);
            positive("moe_intermediate_size", expertIntermediateSize);
            if (sharedExperts < 0 || firstDenseLayers < 0) {
                throw new IllegalArgumentException("shared experts and dense layers must be >= 0");
            }
            if (expertsPerToken > experts) {
                throw new IllegalArgumentException("num_experts_per_tok " + expertsPerToken + " exceeds the "
                        + experts + " experts");
            }
        }
    }

    /**
     * DeepSeek multi-head latent attention: queries through a rank-{@code qLoraRank} bottleneck (0 =
     * none), keys and values through a shared rank-{@code kvLoraRank} latent that is what the cache
     * holds, plus a {@code qkRopeHeadDim}-wide decoupled rope key shared by all heads.
     */
    public record Mla(long qLoraRank, long kvLoraRank, long qkNopeHeadDim, long qkRopeHeadDim, long vHeadDim) {
        public Mla {
            if (qLoraRank < 0) {
                throw new IllegalArgumentException("q_lora_rank must be >= 0, got " + qLoraRank);
            }
            positive("kv_lora_rank", kvLoraRank);
            positive("qk_nope_head_dim", qkNopeHeadDim);
            positive("qk_rope_head_dim", qkRopeHeadDim);
            positive("v_head_dim", vHeadDim);
        }

        /** Query/key head size in the decompressed form: nope + rope. */
        public long qkHeadDim() {
            return qkNopeHeadDim + qkRopeHeadDim;
        }

        /** Cached values per token per layer: the latent plus the rope key. */
        public long cacheWidth() {
            return kvLoraRank + qkRopeHeadDim;
        }
    }

    public TransformerConfig {
        Objects.requireNonNull(modelType, "modelType");
        Objects.requireNonNull(family, "family");
        positive("hidden size", hiddenSize);
        positive("layers", layers);
        positive("attention heads", queryHeads);
        positive("key/value heads", kvHeads);
        positive("head dim", headDim);
        positive("intermediate size", intermediateSize);
        positive("vocab size", vocabSize);
        positive("max positions", maxPositions);
        if (tokenTypes < 0) {
            throw new IllegalArgumentException("token types must be >= 0, got " + tokenTypes);
        }
        Objects.requireNonNull(norm, "norm");
        Objects.requireNonNull(mlp, "mlp");
        Objects.requireNonNull(positions, "positions");
        Objects.requireNonNull(moe, "moe");
        Objects.requireNonNull(mla, "mla");
        if (queryHeads % kvHeads != 0) {
            throw new IllegalArgumentException("attention heads " + queryHeads + " are not a multiple of key/value heads " + kvHeads);
        }
        if (moe.isPresent() && moe.get().firstDenseLayers() > layers) {
            throw new IllegalArgumentException("first_k_dense_replace " + moe.get().firstDenseLayers()
                    + " exceeds the " + layers + " layers");
        }
    }

    static void positive(String what, long v) {
        if (v <= 0) {
            throw new IllegalArgumentException(what + " must be > 0, got " + v);
        }
    }

    /** Number of layers with routed experts. */
    public long moeLayers() {
        return moe.map(m -> layers - m.firstDenseLayers()).orElse(0L);
    }

    public String describe() {
        return String.format(Locale.ROOT, "%s (%s): %d layers, hidden %d, %d/%d heads", modelType,
                family.name().toLowerCase(Locale.ROOT), layers, hiddenSize, queryHeads, kvHeads);
    }
}
