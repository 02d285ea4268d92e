package org.opsim.model.transformer;

import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import org.opsim.io.InvalidValueException;

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
            positive("experts", experts);
            positive("expertsPerToken", expertsPerToken);
            positive("expertIntermediateSize", expertIntermediateSize);
            nonNegative("sharedExperts", sharedExperts);
            nonNegative("firstDenseLayers", firstDenseLayers);
            if (expertsPerToken > experts) {
                throw new InvalidValueException("expertsPerToken", expertsPerToken + " exceeds the " + experts + " experts");
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
            nonNegative("qLoraRank", qLoraRank);
            positive("kvLoraRank", kvLoraRank);
            positive("qkNopeHeadDim", qkNopeHeadDim);
            positive("qkRopeHeadDim", qkRopeHeadDim);
            positive("vHeadDim", vHeadDim);
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
        positive("hiddenSize", hiddenSize);
        positive("layers", layers);
        positive("queryHeads", queryHeads);
        positive("kvHeads", kvHeads);
        positive("headDim", headDim);
        positive("intermediateSize", intermediateSize);
        positive("vocabSize", vocabSize);
        positive("maxPositions", maxPositions);
        nonNegative("tokenTypes", tokenTypes);
        Objects.requireNonNull(norm, "norm");
        Objects.requireNonNull(mlp, "mlp");
        Objects.requireNonNull(positions, "positions");
        Objects.requireNonNull(moe, "moe");
        Objects.requireNonNull(mla, "mla");
        if (queryHeads % kvHeads != 0) {
            throw new InvalidValueException("kvHeads", "the " + queryHeads + " attention heads are not a multiple of the "
                    + kvHeads + " key/value heads");
        }
        if (moe.isPresent() && moe.get().firstDenseLayers() > layers) {
            throw new InvalidValueException("moe.firstDenseLayers", moe.get().firstDenseLayers() + " dense layers exceed the "
                    + layers + " layers");
        }
    }

    static void positive(String field, long v) {
        if (v <= 0) {
            throw new InvalidValueException(field, "must be > 0, got " + v);
        }
    }

    static void nonNegative(String field, long v) {
        if (v < 0) {
            throw new InvalidValueException(field, "must be >= 0, got " + v);
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
