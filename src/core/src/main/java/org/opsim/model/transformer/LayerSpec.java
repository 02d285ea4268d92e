package org.opsim.model.transformer;

import java.util.Objects;
import java.util.Optional;
import org.opsim.graph.Attention;
import org.opsim.io.InvalidValueException;

/**
 * One decoder (or encoder) layer: its token mixer (attention of some form, linear attention, a state
 * space model, or none) and its feed-forward (dense, mixture of experts, or none), with the number of
 * hidden-width norms it has (2 in a pre-norm layer, 4 in Gemma's sandwich norms, 1 in a Nemotron-H
 * layer that is only a mixer or only an MLP). Models whose layers differ (hybrids, interleaved MoE,
 * local/global attention, Nemotron-NAS) are a list of these; identical layers are costed as one block
 * repeated.
 */
public record LayerSpec(Mixer mixer, Ffn ffn, int norms) {

    public LayerSpec {
        Objects.requireNonNull(mixer, "mixer");
        Objects.requireNonNull(ffn, "ffn");
        if (norms < 0 || norms > 4) {
            throw new InvalidValueException("norms", "must be 0-4, got " + norms);
        }
    }

    /** How the query/key norm of an attention layer is applied. */
    public enum QkNorm {
        NONE,
        /** RMSNorm over each head (Qwen3, Gemma, Llama 4's rope layers): 2·headDim parameters. */
        PER_HEAD,
        /** RMSNorm over the whole q and k projections (MiniMax-M2): (h_q + h_kv)·headDim parameters. */
        PER_LAYER
    }

    /** What mixes information across tokens. */
    public sealed interface Mixer permits Gqa, Mla, Csa, LinearAttn, Mamba, NoMixer {
    }

    /** DeepSeek sparse attention's indexer: {@code heads} heads of {@code headDim}, {@code topK} keys kept. */
    public record IndexerSpec(long heads, long headDim, long topK) {
        public IndexerSpec {
            TransformerConfig.positive("index_n_heads", heads);
            TransformerConfig.positive("index_head_dim", headDim);
            TransformerConfig.positive("index_topk", topK);
        }
    }

    /**
     * Softmax attention with grouped-query heads. {@code limit}/{@code keyLimit}: a sliding window
     * or chunk (see {@link Attention}); {@code sinks}: gpt-oss's per-head sink logits;
     * {@code outputGate}: Qwen3-Next's sigmoid gate on the attention output (q_proj is twice as wide);
     * {@code kEqV}: Gemma 4's global layers, whose keys are their values (one cached tensor);
     * {@code ropeDim}: rotary width per head (0: no rope, Llama 4's global layers); an indexer makes
     * it sparse (MiniMax-M3).
     */
    public record Gqa(long queryHeads, long kvHeads, long headDim, long valueHeadDim, Attention.Limit limit, long keyLimit,
                      boolean sinks, QkNorm qkNorm, boolean outputGate, boolean qkvBias, boolean outputBias, boolean kEqV,
                      long ropeDim, Optional<IndexerSpec> indexer) implements Mixer {
        public Gqa {
            TransformerConfig.positive("num_attention_heads", queryHeads);
            TransformerConfig.positive("num_key_value_heads", kvHeads);
            TransformerConfig.positive("head_dim", headDim);
            TransformerConfig.positive("v_head_dim", valueHeadDim);
            Objects.requireNonNull(limit, "limit");
            Objects.requireNonNull(qkNorm, "qkNorm");
            Objects.requireNonNull(indexer, "indexer");
            if (queryHeads % kvHeads != 0) {
                throw new InvalidValueException("num_key_value_heads", "the " + queryHeads
                        + " attention heads are not a multiple of the " + kvHeads + " key/value heads");
            }
            if (limit != Attention.Limit.NONE && keyLimit <= 0) {
                throw new InvalidValueException("sliding_window", "must be > 0, got " + keyLimit);
            }
            if (ropeDim < 0 || ropeDim > headDim || ropeDim % 2 != 0) {
                throw new InvalidValueException("partial_rotary_factor", "rotary width " + ropeDim
                        + " must be even and within the head size " + headDim);
            }
            if (kEqV && valueHeadDim != headDim) {
                throw new InvalidValueException("attention_k_eq_v", "keys equal to values need one head size");
            }
        }

        /** Plain full attention: no window, sinks, norm, gate or biases; rope over the whole head. */
        public static Gqa plain(long queryHeads, long kvHeads, long headDim) {
            return new Gqa(queryHeads, kvHeads, headDim, headDim, Attention.Limit.NONE, 0, false, QkNorm.NONE, false,
                    false, false, false, headDim, Optional.empty());
        }

        /** Cached values per token: K and V per KV head (one tensor when keys are values). */
        public long cacheWidth() {
            return kvHeads * (kEqV ? headDim : headDim + valueHeadDim);
        }
    }

    /**
     * DeepSeek multi-head latent attention: queries through a rank-{@code qLoraRank} bottleneck (0 =
     * none), keys and values through a shared rank-{@code kvLoraRank} latent that is what the cache
     * holds, plus a {@code qkRopeHeadDim}-wide decoupled rope key shared by all heads. With an indexer,
     * DeepSeek sparse attention (V3.2, GLM-5).
     */
    public record Mla(long queryHeads, long qLoraRank, long kvLoraRank, long qkNopeHeadDim, long qkRopeHeadDim,
                      long vHeadDim, Optional<IndexerSpec> indexer) implements Mixer {
        public Mla {
            TransformerConfig.positive("num_attention_heads", queryHeads);
            TransformerConfig.nonNegative("q_lora_rank", qLoraRank);
            TransformerConfig.positive("kv_lora_rank", kvLoraRank);
            TransformerConfig.positive("qk_nope_head_dim", qkNopeHeadDim);
            TransformerConfig.positive("qk_rope_head_dim", qkRopeHeadDim);
            TransformerConfig.positive("v_head_dim", vHeadDim);
            Objects.requireNonNull(indexer, "indexer");
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

    /**
     * DeepSeek-V4's attention as its config describes it: multi-query attention with one shared
     * {@code headDim}-wide key/value head (rope on its last {@code ropeDim}), queries through a
     * rank-{@code qLoraRank} bottleneck, the output through {@code oGroups} grouped rank-{@code oLoraRank}
     * projections; a sliding window of the last {@code window} raw tokens, plus, for
     * {@code compressRatio} r &gt; 0, a cache that pools every r tokens into one entry (sparse, top-k by
     * an indexer, when the layer has one).
     */
    public record Csa(long queryHeads, long headDim, long ropeDim, long qLoraRank, long oLoraRank, long oGroups,
                      long window, long compressRatio, Optional<IndexerSpec> indexer) implements Mixer {
        public Csa {
            TransformerConfig.positive("num_attention_heads", queryHeads);
            TransformerConfig.positive("head_dim", headDim);
            TransformerConfig.positive("qk_rope_head_dim", ropeDim);
            TransformerConfig.positive("q_lora_rank", qLoraRank);
            TransformerConfig.positive("o_lora_rank", oLoraRank);
            TransformerConfig.positive("o_groups", oGroups);
            TransformerConfig.positive("sliding_window", window);
            TransformerConfig.nonNegative("compress_ratios", compressRatio);
            Objects.requireNonNull(indexer, "indexer");
            if (queryHeads % oGroups != 0) {
                throw new InvalidValueException("o_groups", oGroups + " does not divide the " + queryHeads + " heads");
            }
        }
    }

    /** Which delta-rule linear attention. */
    public enum LinearKind {
        /** Gated DeltaNet (Qwen3-Next, Qwen3.5): scalar decay per head. */
        GATED_DELTANET,
        /** Kimi Delta Attention (Kimi Linear): per-channel decay through a low-rank gate. */
        KDA
    }

    /** Delta-rule linear attention with {@code keyHeads}/{@code valueHeads} heads and a short convolution. */
    public record LinearAttn(LinearKind kind, long keyHeads, long valueHeads, long keyDim, long valueDim,
                             long convKernel) implements Mixer {
        public LinearAttn {
            Objects.requireNonNull(kind, "kind");
            TransformerConfig.positive("linear_num_key_heads", keyHeads);
            TransformerConfig.positive("linear_num_value_heads", valueHeads);
            TransformerConfig.positive("linear_key_head_dim", keyDim);
            TransformerConfig.positive("linear_value_head_dim", valueDim);
            TransformerConfig.positive("linear_conv_kernel_dim", convKernel);
            if (valueHeads % keyHeads != 0) {
                throw new InvalidValueException("linear_num_value_heads", valueHeads + " is not a multiple of the "
                        + keyHeads + " key heads");
            }
        }

        /** Channels of the short convolution: q, k and v. */
        public long convChannels() {
            return 2 * keyHeads * keyDim + valueHeads * valueDim;
        }

        /** Recurrent state elements per sequence (the state is fp32 in every released kernel). */
        public long stateElements() {
            return valueHeads * keyDim * valueDim;
        }
    }

    /** Mamba-2: {@code heads} heads of {@code headDim}, state {@code stateSize}, {@code groups} B/C groups. */
    public record Mamba(long heads, long headDim, long stateSize, long groups, long convKernel, long chunk)
            implements Mixer {
        public Mamba {
            TransformerConfig.positive("mamba_num_heads", heads);
            TransformerConfig.positive("mamba_head_dim", headDim);
            TransformerConfig.positive("ssm_state_size", stateSize);
            TransformerConfig.positive("n_groups", groups);
            TransformerConfig.positive("conv_kernel", convKernel);
            TransformerConfig.positive("chunk_size", chunk);
            if (heads % groups != 0) {
                throw new InvalidValueException("n_groups", groups + " does not divide the " + heads + " heads");
            }
        }

        public long innerSize() {
            return heads * headDim;
        }

        /** Channels of the causal convolution: x, B and C. */
        public long convChannels() {
            return innerSize() + 2 * groups * stateSize;
        }

        public long stateElements() {
            return heads * headDim * stateSize;
        }
    }

    /** No token mixer (Nemotron-NAS's skipped attention, Nemotron-H's MLP-only layers). */
    public record NoMixer() implements Mixer {
    }

    /** The feed-forward part. */
    public sealed interface Ffn permits Dense, Moe, NoFfn {
    }

    /** A dense MLP: gated (3 matrices: SwiGLU, GeGLU) or not (2: GELU, ReLU²). */
    public record Dense(long width, boolean gated, boolean bias) implements Ffn {
        public Dense {
            TransformerConfig.positive("intermediate_size", width);
        }
    }

    /**
     * Mixture of experts: each token goes to {@code expertsPerToken} of {@code experts} experts of
     * width {@code expertWidth}, plus always-on shared experts of total width {@code sharedWidth}
     * (0: none). {@code latent} &gt; 0: routed experts work in a {@code latent}-wide space entered and
     * left through two projections (Nemotron-3 Super/Ultra). {@code bias}: expert biases (gpt-oss).
     */
    public record Moe(long experts, long expertsPerToken, long expertWidth, long sharedWidth, boolean gated, boolean bias,
                      long latent) implements Ffn {
        public Moe {
            TransformerConfig.positive("num_experts", experts);
            TransformerConfig.positive("num_experts_per_tok", expertsPerToken);
            TransformerConfig.positive("moe_intermediate_size", expertWidth);
            TransformerConfig.nonNegative("shared_expert_intermediate_size", sharedWidth);
            TransformerConfig.nonNegative("moe_latent_size", latent);
            if (expertsPerToken > experts) {
                throw new InvalidValueException("num_experts_per_tok", expertsPerToken + " exceeds the " + experts
                        + " experts");
            }
        }
    }

    /** No feed-forward (Nemotron-H's mixer-only layers, Nemotron-NAS's skipped FFNs). */
    public record NoFfn() implements Ffn {
    }
}
