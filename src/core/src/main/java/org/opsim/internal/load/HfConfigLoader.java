package org.opsim.internal.load;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.IntFunction;
import org.opsim.graph.Attention.Limit;
import org.opsim.internal.io.Documents;
import org.opsim.internal.io.Node;
import org.opsim.model.transformer.LayerSpec;
import org.opsim.model.transformer.LayerSpec.Csa;
import org.opsim.model.transformer.LayerSpec.Dense;
import org.opsim.model.transformer.LayerSpec.Ffn;
import org.opsim.model.transformer.LayerSpec.Gqa;
import org.opsim.model.transformer.LayerSpec.IndexerSpec;
import org.opsim.model.transformer.LayerSpec.LinearAttn;
import org.opsim.model.transformer.LayerSpec.LinearKind;
import org.opsim.model.transformer.LayerSpec.Mamba;
import org.opsim.model.transformer.LayerSpec.Mixer;
import org.opsim.model.transformer.LayerSpec.Mla;
import org.opsim.model.transformer.LayerSpec.Moe;
import org.opsim.model.transformer.LayerSpec.NoFfn;
import org.opsim.model.transformer.LayerSpec.NoMixer;
import org.opsim.model.transformer.LayerSpec.QkNorm;
import org.opsim.model.transformer.Quantization;
import org.opsim.model.transformer.TransformerConfig;
import org.opsim.model.transformer.TransformerConfig.Norm;
import org.opsim.model.transformer.TransformerConfig.Positions;

/**
 * Reads a Hugging Face {@code config.json} (the file people already have) into a
 * {@link TransformerConfig}: one {@link LayerSpec} per layer, from the keys each family's modelling
 * code reads (see {@code docs/importers.md} for what each family models and approximates). A
 * vision-language config's language model is read from its {@code text_config}; a
 * {@code quantization_config}, or an {@code hf_quant_config.json} beside the file, gives the
 * checkpoint's formats ({@link QuantConfigReader}). Values are checked by the records, reported at
 * the config's own key. A config this loader cannot represent (an unknown {@code model_type}, a layer
 * kind it has no op for) fails naming the field that stops it.
 */
public final class HfConfigLoader {

    /** {@code model_type} values this importer understands. */
    public static final List<String> SUPPORTED = List.of("llama", "mistral", "qwen2", "qwen3", "qwen3_moe", "qwen3_vl",
            "qwen3_vl_moe", "qwen3_5", "qwen3_5_moe", "qwen3_next", "mixtral", "gpt2", "bert", "deepseek_v2",
            "deepseek_v3", "deepseek_v32", "deepseek_v4", "deepseek_ref", "kimi_k2", "kimi_k25", "kimi_k3", "kimi_linear",
            "glm_moe_dsa", "minimax_m2", "minimax_m3", "minimax_m3_vl", "gpt_oss", "gemma2", "gemma3", "gemma3_text",
            "gemma4", "gemma4_text", "llama4", "llama4_text", "nemotron_h", "nemotron-nas", "mimo", "mimo_v2_flash",
            "step3p7", "phi3", "falcon");

    private HfConfigLoader() {
    }

    public static TransformerConfig load(Path file) {
        Node root = Documents.read(file);
        Optional<Node> sidecar = Optional.empty();
        String name = file.getFileName().toString();
        if (name.endsWith("config.json") && !name.endsWith("hf_quant_config.json")) {
            Path side = file.resolveSibling(name.substring(0, name.length() - "config.json".length()) + "hf_quant_config.json");
            if (Files.isRegularFile(side)) {
                sidecar = Optional.of(Documents.read(side));
            }
        }
        return read(root, sidecar);
    }

    public static TransformerConfig parse(String json, String label) {
        return read(Documents.parse(json, Documents.Format.JSON, label), Optional.empty());
    }

    /** Whether a parsed document is a config this loader reads (it has a {@code model_type}). */
    static boolean isConfig(Node root) {
        return root.json().isObject() && root.has("model_type");
    }

    static TransformerConfig read(Node root) {
        return read(root, Optional.empty());
    }

    static TransformerConfig read(Node root, Optional<Node> sidecar) {
        root.requireObject();
        Node typeNode = root.field("model_type");
        String type = typeNode.text();
        List<String> notes = new ArrayList<>();
        Node text = root;
        if (root.has("text_config")) {
            text = root.field("text_config");
            notes.add("the vision tower is not costed: the graph is the language model's (" + type + "'s text_config)");
        }
        Optional<Node> quant = sidecar.isPresent() ? sidecar
                : root.optional("quantization_config").or(() -> root.has("text_config")
                ? root.field("text_config").optional("quantization_config") : Optional.empty());
        String textType = text == root ? type : text.optional("model_type").map(Node::text).orElse(type + "_text");
        Built b = switch (type) {
            case "llama", "mistral", "qwen2", "qwen3", "mimo", "phi3" -> llama(text, type);
            case "qwen3_vl" -> llama(text, "qwen3");
            case "mixtral", "qwen3_moe", "qwen3_vl_moe" -> llama(text, type.equals("qwen3_vl_moe") ? "qwen3_moe" : type);
            case "qwen3_5", "qwen3_5_moe", "qwen3_next" -> qwenHybrid(text);
            case "llama4" -> llama4(text);
            case "llama4_text" -> llama4(root);
            case "deepseek_v2", "deepseek_v3", "deepseek_v32", "kimi_k2", "glm_moe_dsa" -> deepseek(text);
            case "kimi_k25" -> deepseek(text);
            case "kimi_k3", "kimi_linear" -> kimiLinear(text);
            case "deepseek_v4", "deepseek_ref" -> deepseekV4(text);
            case "minimax_m2", "minimax_m3", "minimax_m3_vl" -> minimax(text);
            case "gpt_oss" -> gptOss(text);
            case "gemma2", "gemma3", "gemma3_text", "gemma4", "gemma4_text" -> gemma(text, textType);
            case "nemotron_h" -> nemotronH(text);
            case "nemotron-nas" -> nemotronNas(text);
            case "mimo_v2_flash" -> mimoV2(text);
            case "step3p7" -> step(text);
            case "falcon" -> falcon(text);
            case "gpt2" -> gpt2(root);
            case "bert" -> bert(root);
            default -> throw typeNode.error("unsupported model_type '" + type + "' (supported: "
                    + String.join(", ", SUPPORTED) + ")");
        };
        notes.addAll(b.notes);
        mtpNote(text, notes);
        Node t = text;
        Optional<Quantization> q = quant.map(n -> QuantConfigReader.read(n, b.layers, t));
        if (q.isPresent() && text.optional("expert_dtype").map(Node::text).filter("fp4"::equals).isPresent()
                && !sidecar.isPresent()) {
            // DeepSeek-V4's checkpoints store the routed experts in fp4 (e2m1 with e8m0 scales per 32: MXFP4)
            // whatever the quantization_config says of the other weights.
            Quantization base = q.get();
            List<Quantization.LayerFormats> layers = base.layers().stream().map(l -> new Quantization.LayerFormats(
                    l.attention(), l.mlp(), l.sharedExperts(), org.opsim.graph.Precision.MXFP4, l.router())).toList();
            q = Optional.of(new Quantization(base.scheme() + ", routed experts mxfp4 (expert_dtype fp4, weight-only)", layers,
                    base.lmHead(), base.embedding(), base.quantisedInputs(), base.kvCache()));
        }
        Optional<Quantization> formats = q;
        return root.build(() -> new TransformerConfig(type, b.hidden, b.vocab, b.positions, b.tied, b.norm, b.pos,
                b.tokenTypes, b.encoder, b.hyper, b.layers, notes, formats));
    }

    /** What a family reader found. */
    private static final class Built {
        long hidden;
        long vocab;
        long positions = 4096;
        boolean tied;
        Norm norm = Norm.RMS;
        Positions pos = Positions.ROPE;
        long tokenTypes;
        boolean encoder;
        int hyper = 1;
        List<LayerSpec> layers = new ArrayList<>();
        List<String> notes = new ArrayList<>();

        Built(Node n) {
            String hiddenKey = n.has("hidden_size") ? "hidden_size" : "n_embd";
            hidden = n.field(hiddenKey).whole();
            if (hidden <= 0) {
                throw n.field(hiddenKey).error("must be > 0, got " + hidden);
            }
            vocab = n.field("vocab_size").whole();
            positions = n.optional("max_position_embeddings").map(Node::whole).orElse(4096L);
            tied = n.optional("tie_word_embeddings").map(Node::bool).orElse(false);
        }
    }

    private static void mtpNote(Node n, List<String> notes) {
        long mtp = 0;
        for (String k : List.of("num_nextn_predict_layers", "mtp_num_hidden_layers", "num_mtp_modules")) {
            mtp = Math.max(mtp, n.optional(k).map(Node::whole).orElse(0L));
        }
        if (mtp > 0) {
            notes.add("its " + mtp + " multi-token-prediction layer(s) are not counted or costed (speculative decoding is "
                    + "not modelled)");
        }
    }

    // ---------------------------------------------------------------- helpers

    private static long whole(Node n, String key) {
        return n.field(key).whole();
    }

    private static long whole(Node n, String key, long fallback) {
        return n.optional(key).map(Node::whole).orElse(fallback);
    }

    private static boolean bool(Node n, String key, boolean fallback) {
        return n.optional(key).map(Node::bool).orElse(fallback);
    }

    private static <T> T at(Node n, java.util.function.Supplier<T> build) {
        return n.build(build);
    }

    /** head_dim, else hidden ÷ heads (a structural rule of the config format). */
    private static long headDim(Node n, long hidden, long heads) {
        Optional<Node> explicit = n.optional("head_dim");
        if (explicit.isPresent()) {
            return explicit.get().whole();
        }
        if (heads <= 0) {
            throw n.field("num_attention_heads").error("must be > 0, got " + heads);
        }
        if (hidden % heads != 0) {
            throw n.field("num_attention_heads").error("num_attention_heads " + heads + " does not divide hidden_size "
                    + hidden + " (and no head_dim is given)");
        }
        return hidden / heads;
    }

    /** Rotary width per head: {@code rotary_dim}, else head × {@code partial_rotary_factor} (top level or in rope_parameters). */
    private static long ropeDim(Node n, long headDim) {
        if (n.has("rotary_dim")) {
            return n.field("rotary_dim").whole();
        }
        double f = n.optional("partial_rotary_factor").map(Node::number)
                .or(() -> n.optional("rope_parameters").flatMap(r -> r.optional("partial_rotary_factor")).map(Node::number))
                .orElse(1.0);
        long d = Math.round(headDim * f);
        return d - d % 2;
    }

    /** A per-layer list of {@code count} entries, each mapped by {@code f}. */
    private static List<Node> list(Node n, String key, long count) {
        Node l = n.field(key);
        List<Node> items = l.elements();
        if (items.size() < count) {
            throw l.error("has " + items.size() + " entries for " + count + " layers");
        }
        return items.subList(0, (int) count);
    }

    private static void layers(Built b, long count, IntFunction<LayerSpec> f) {
        for (int i = 0; i < count; i++) {
            b.layers.add(f.apply(i));
        }
    }

    // ---------------------------------------------------------------- families

    /** Llama layout (Mistral, Qwen2/3, MiMo, Phi-3), with Mixtral's and Qwen3-MoE's experts. */
    private static Built llama(Node n, String type) {
        Built b = new Built(n);
        long heads = whole(n, "num_attention_heads");
        long kvHeads = whole(n, "num_key_value_heads", heads);
        long d = headDim(n, b.hidden, heads);
        long layers = whole(n, "num_hidden_layers");
        boolean qwen2Like = type.equals("qwen2") || type.equals("mimo");
        boolean attnBias = bool(n, "attention_bias", false);
        boolean qkvBias = qwen2Like || attnBias;
        boolean oBias = !qwen2Like && attnBias;
        QkNorm qk = type.startsWith("qwen3") ? QkNorm.PER_HEAD : QkNorm.NONE;
        // Mistral and Phi-3 window every layer; Qwen2/3 and MiMo (use_sliding_window) only the layers from
        // max_window_layers on, as their transformers code does.
        boolean windowed = n.has("sliding_window") && bool(n, "use_sliding_window", !type.startsWith("qwen") && !type.equals("mimo"));
        long firstWindowed = windowed && n.has("max_window_layers") && (type.startsWith("qwen") || type.equals("mimo"))
                ? whole(n, "max_window_layers") : 0;
        long window = windowed ? whole(n, "sliding_window") : 0;
        long rope = ropeDim(n, d);
        Gqa full = at(n, () -> new Gqa(heads, kvHeads, d, d, Limit.NONE, 0, false, qk, false, qkvBias, oBias, false, rope,
                Optional.empty()));
        Gqa slid = windowed ? at(n, () -> new Gqa(heads, kvHeads, d, d, Limit.WINDOW, window, false, qk, false, qkvBias,
                oBias, false, rope, Optional.empty())) : full;
        boolean mlpBias = bool(n, "mlp_bias", false);
        Ffn dense = at(n, () -> new Dense(whole(n, "intermediate_size"), true, mlpBias));
        Ffn ffn = dense;
        List<Long> denseOnly = new ArrayList<>();
        long step = 1;
        if (type.equals("mixtral")) {
            ffn = at(n, () -> new Moe(whole(n, "num_local_experts"), whole(n, "num_experts_per_tok"),
                    whole(n, "intermediate_size"), 0, true, false, 0));
        } else if (type.equals("qwen3_moe")) {
            long shared = whole(n, "shared_expert_intermediate_size", 0);
            ffn = at(n, () -> new Moe(whole(n, "num_experts"), whole(n, "num_experts_per_tok"),
                    whole(n, "moe_intermediate_size"), shared, true, false, 0));
            for (Node x : n.optional("mlp_only_layers").map(Node::elements).orElse(List.of())) {
                denseOnly.add(x.whole());
            }
            step = whole(n, "decoder_sparse_step", 1);
        }
        Ffn moeOrDense = ffn;
        long s = step;
        layers(b, layers, i -> new LayerSpec(windowed && i >= firstWindowed ? slid : full,
                denseOnly.contains((long) i) || (i + 1) % s != 0 ? dense : moeOrDense, 2));
        return b;
    }

    /** Qwen3-Next / Qwen3.5: gated DeltaNet layers beside gated full attention, dense or MoE FFNs. */
    private static Built qwenHybrid(Node n) {
        Built b = new Built(n);
        long layers = whole(n, "num_hidden_layers");
        long heads = whole(n, "num_attention_heads");
        long kvHeads = whole(n, "num_key_value_heads");
        long d = headDim(n, b.hidden, heads);
        long rope = ropeDim(n, d);
        boolean gate = bool(n, "attn_output_gate", true);
        Gqa full = at(n, () -> new Gqa(heads, kvHeads, d, d, Limit.NONE, 0, false, QkNorm.PER_HEAD, gate, false, false,
                false, rope, Optional.empty()));
        LinearAttn linear = at(n, () -> new LinearAttn(LinearKind.GATED_DELTANET, whole(n, "linear_num_key_heads"),
                whole(n, "linear_num_value_heads"), whole(n, "linear_key_head_dim"), whole(n, "linear_value_head_dim"),
                whole(n, "linear_conv_kernel_dim")));
        Ffn ffn = n.has("num_experts")
                ? at(n, () -> new Moe(whole(n, "num_experts"), whole(n, "num_experts_per_tok"), whole(n, "moe_intermediate_size"),
                whole(n, "shared_expert_intermediate_size", 0), true, false, 0))
                : at(n, () -> new Dense(whole(n, "intermediate_size"), true, false));
        List<Long> denseOnly = new ArrayList<>();
        for (Node x : n.optional("mlp_only_layers").map(Node::elements).orElse(List.of())) {
            denseOnly.add(x.whole());
        }
        long step = whole(n, "decoder_sparse_step", 1);
        Ffn dense = ffn instanceof Moe ? (denseOnly.isEmpty() && step == 1 ? ffn
                : at(n, () -> new Dense(whole(n, "intermediate_size"), true, false))) : ffn;
        List<Node> types = n.has("layer_types") ? list(n, "layer_types", layers) : null;
        long interval = whole(n, "full_attention_interval", 4);
        for (int i = 0; i < layers; i++) {
            String kind = types != null ? types.get(i).text() : (i + 1) % interval == 0 ? "full_attention" : "linear_attention";
            Mixer m = switch (kind) {
                case "full_attention" -> full;
                case "linear_attention" -> linear;
                default -> throw types.get(i).error("unknown layer type '" + kind + "' (full_attention, linear_attention)");
            };
            boolean moeLayer = !denseOnly.contains((long) i) && (i + 1) % step == 0;
            b.layers.add(new LayerSpec(m, moeLayer ? ffn : dense, 2));
        }
        return b;
    }

    /** Llama 4: chunked local attention with rope (3 of 4 layers), global NoPE attention, MoE interleaved with dense. */
    private static Built llama4(Node n) {
        Built b = new Built(n);
        long layers = whole(n, "num_hidden_layers");
        long heads = whole(n, "num_attention_heads");
        long kvHeads = whole(n, "num_key_value_heads");
        long d = headDim(n, b.hidden, heads);
        long chunk = whole(n, "attention_chunk_size");
        QkNorm qk = bool(n, "use_qk_norm", false) ? QkNorm.PER_HEAD : QkNorm.NONE;
        Gqa local = at(n, () -> new Gqa(heads, kvHeads, d, d, Limit.CHUNK, chunk, false, qk, false, false, false, false, d,
                Optional.empty()));
        Gqa global = at(n, () -> new Gqa(heads, kvHeads, d, d, Limit.NONE, 0, false, QkNorm.NONE, false, false, false,
                false, 0, Optional.empty()));
        long width = whole(n, "intermediate_size");
        Ffn moe = at(n, () -> new Moe(whole(n, "num_local_experts"), whole(n, "num_experts_per_tok"), width, width, true,
                false, 0));
        Ffn dense = at(n, () -> new Dense(whole(n, "intermediate_size_mlp"), true, false));
        long step = whole(n, "interleave_moe_layer_step", 1);
        List<Long> nope = new ArrayList<>();
        if (n.has("no_rope_layers")) {
            List<Node> flags = list(n, "no_rope_layers", layers);
            for (int i = 0; i < layers; i++) {
                if (flags.get(i).whole() == 0) {
                    nope.add((long) i);
                }
            }
        } else {
            for (long i = 3; i < layers; i += 4) {
                nope.add(i); // Llama 4's default: every 4th layer is global NoPE attention
            }
        }
        layers(b, layers, i -> new LayerSpec(nope.contains((long) i) ? global : local, (i + 1) % step == 0 ? moe : dense, 2));
        return b;
    }

    private static Optional<IndexerSpec> indexer(Node n) {
        if (!n.has("index_topk")) {
            return Optional.empty();
        }
        return Optional.of(at(n, () -> new IndexerSpec(whole(n, "index_n_heads"), whole(n, "index_head_dim"),
                whole(n, "index_topk"))));
    }

    /** The layers {@code [0, firstDense)} dense, the rest MoE every {@code moe_layer_freq} (an int or a per-layer list). */
    private static boolean isMoeLayer(Node n, int i, long firstDense) {
        if (i < firstDense) {
            return false;
        }
        Optional<Node> freq = n.optional("moe_layer_freq");
        if (freq.isEmpty()) {
            return true;
        }
        if (freq.get().json().isArray()) {
            List<Node> f = freq.get().elements();
            if (i >= f.size()) {
                throw freq.get().error("has " + f.size() + " entries, fewer than the layers");
            }
            return f.get(i).whole() != 0;
        }
        long every = freq.get().whole();
        if (every <= 0) {
            throw freq.get().error("must be > 0, got " + every);
        }
        return i % every == 0; // transformers' DeepSeek: layer_idx >= first_k_dense_replace and layer_idx % freq == 0
    }

    /** DeepSeek-V2/V3/V3.2, Kimi-K2, GLM-5: MLA (+ sparse indexer), dense first layers, shared + routed experts. */
    private static Built deepseek(Node n) {
        Built b = new Built(n);
        long layers = whole(n, "num_hidden_layers");
        Mla mla = at(n, () -> new Mla(whole(n, "num_attention_heads"), whole(n, "q_lora_rank", 0), whole(n, "kv_lora_rank"),
                whole(n, "qk_nope_head_dim"), whole(n, "qk_rope_head_dim"), whole(n, "v_head_dim"), indexer(n)));
        long expertWidth = whole(n, "moe_intermediate_size");
        Ffn moe = at(n, () -> new Moe(whole(n, "n_routed_experts"), whole(n, "num_experts_per_tok"), expertWidth,
                whole(n, "n_shared_experts", 0) * expertWidth, true, false, 0));
        Ffn dense = at(n, () -> new Dense(whole(n, "intermediate_size"), true, false));
        long firstDense = whole(n, "first_k_dense_replace", 0);
        layers(b, layers, i -> new LayerSpec(mla, isMoeLayer(n, i, firstDense) ? moe : dense, 2));
        return b;
    }

    /** Kimi Linear (Kimi-K3's text model): KDA linear-attention layers beside MLA layers; shared + routed experts. */
    private static Built kimiLinear(Node n) {
        Built b = new Built(n);
        long layers = whole(n, "num_hidden_layers");
        Node la = n.field("linear_attn_config");
        Mla mla = at(n, () -> new Mla(whole(n, "num_attention_heads"), whole(n, "q_lora_rank", 0), whole(n, "kv_lora_rank"),
                whole(n, "qk_nope_head_dim"), whole(n, "qk_rope_head_dim"), whole(n, "v_head_dim", whole(n, "qk_nope_head_dim")),
                Optional.empty()));
        long heads = whole(la, "num_heads");
        long d = whole(la, "head_dim");
        LinearAttn kda = at(la, () -> new LinearAttn(LinearKind.KDA, heads, heads, d, d, whole(la, "short_conv_kernel_size")));
        List<Long> full = new ArrayList<>();
        for (Node x : la.field("full_attn_layers").elements()) {
            full.add(x.whole()); // 1-based layer numbers, as Kimi's modelling code reads them
        }
        long expertWidth = whole(n, "moe_intermediate_size");
        // routed_expert_hidden_size: the routed experts work in a narrower latent space (entered and left by two projections).
        long latent = whole(n, "routed_expert_hidden_size", 0);
        Ffn moe = at(n, () -> new Moe(whole(n, "num_experts"), whole(n, "num_experts_per_token"), expertWidth,
                whole(n, "num_shared_experts", 0) * expertWidth, true, false, latent == b.hidden ? 0 : latent));
        Ffn dense = at(n, () -> new Dense(whole(n, "intermediate_size"), true, false));
        long firstDense = whole(n, "first_k_dense_replace", 0);
        layers(b, layers, i -> new LayerSpec(full.contains((long) i + 1) ? mla : kda, i < firstDense ? dense : moe, 2));
        if (bool(n, "mla_use_output_gate", false)) {
            b.notes.add("the MLA layers' output gate is not costed");
        }
        if (n.has("attn_res_block_size")) {
            b.notes.add("attention residuals (attn_res_block_size) are not costed");
        }
        return b;
    }

    /** DeepSeek-V4: per-layer compressed attention with a sliding window, hyper-connections, shared + routed experts. */
    private static Built deepseekV4(Node n) {
        Built b = new Built(n);
        long layers = whole(n, "num_hidden_layers");
        List<Node> ratios = list(n, "compress_ratios", layers);
        Optional<IndexerSpec> ix = indexer(n);
        long expertWidth = whole(n, "moe_intermediate_size");
        Ffn moe = at(n, () -> new Moe(whole(n, "n_routed_experts"), whole(n, "num_experts_per_tok"), expertWidth,
                whole(n, "n_shared_experts", 0) * expertWidth, true, false, 0));
        for (int i = 0; i < layers; i++) {
            long r = ratios.get(i).whole();
            Node rn = ratios.get(i);
            Csa csa = rn.build(() -> new Csa(whole(n, "num_attention_heads"), whole(n, "head_dim"), whole(n, "qk_rope_head_dim"),
                    whole(n, "q_lora_rank"), whole(n, "o_lora_rank"), whole(n, "o_groups"), whole(n, "sliding_window"), r,
                    r == 4 ? ix : Optional.empty()));
            b.layers.add(new LayerSpec(csa, moe, 2));
        }
        b.hyper = (int) whole(n, "hc_mult", 1);
        b.notes.add("DeepSeek-V4's compressor, indexer and hyper-connections are modelled from its config's shapes "
                + "(estimates, see docs/importers.md); the first " + whole(n, "num_hash_layers", 0)
                + " layers' hash routing is costed as a learned router");
        return b;
    }

    /** MiniMax-M2 (GQA, per-layer q/k norm, MoE) and M3 (dense first layers, shared experts, block-sparse attention). */
    private static Built minimax(Node n) {
        Built b = new Built(n);
        long layers = whole(n, "num_hidden_layers");
        long heads = whole(n, "num_attention_heads");
        long kvHeads = whole(n, "num_key_value_heads");
        long d = headDim(n, b.hidden, heads);
        long rope = ropeDim(n, d);
        String qkType = n.optional("qk_norm_type").map(Node::text).orElse("per_layer");
        QkNorm qk = !bool(n, "use_qk_norm", false) ? QkNorm.NONE : qkType.equals("per_head") ? QkNorm.PER_HEAD : QkNorm.PER_LAYER;
        if (bool(n, "attention_output_gate", false)) {
            throw n.field("attention_output_gate").error("MiniMax's attention output gate is not modelled");
        }
        Optional<Node> sparse = n.optional("sparse_attention_config").filter(s -> bool(s, "use_sparse_attention", false));
        Optional<IndexerSpec> ix = sparse.map(s -> at(s, () -> new IndexerSpec(whole(s, "sparse_num_index_heads"),
                whole(s, "sparse_index_dim"), (whole(s, "sparse_topk_blocks") + whole(s, "sparse_local_block", 0)
                + whole(s, "sparse_init_block", 0)) * whole(s, "sparse_block_size"))));
        Gqa dense = at(n, () -> new Gqa(heads, kvHeads, d, d, Limit.NONE, 0, false, qk, false, false, false, false, rope,
                Optional.empty()));
        Gqa sparseAttn = ix.isEmpty() ? dense : at(n, () -> new Gqa(heads, kvHeads, d, d, Limit.NONE, 0, false, qk, false,
                false, false, false, rope, ix));
        List<Node> sparseFreq = sparse.map(s -> list(s, "sparse_attention_freq", layers)).orElse(null);
        long expertWidth = whole(n, "moe_intermediate_size", whole(n, "intermediate_size"));
        long shared = whole(n, "n_shared_experts", 0) * whole(n, "shared_intermediate_size", 0);
        Ffn moe = at(n, () -> new Moe(whole(n, "num_local_experts"), whole(n, "num_experts_per_tok"), expertWidth, shared,
                true, false, 0));
        long firstDense = whole(n, "first_k_dense_replace", 0);
        Ffn denseFfn = n.has("dense_intermediate_size")
                ? at(n, () -> new Dense(whole(n, "dense_intermediate_size"), true, false)) : moe;
        layers(b, layers, i -> new LayerSpec(sparseFreq != null && sparseFreq.get(i).whole() != 0 ? sparseAttn : dense,
                isMoeLayer(n, i, firstDense) ? moe : denseFfn, 2));
        return b;
    }

    /** gpt-oss: alternating sliding-window and full attention with sinks and biases; MoE with biased experts. */
    private static Built gptOss(Node n) {
        Built b = new Built(n);
        long layers = whole(n, "num_hidden_layers");
        long heads = whole(n, "num_attention_heads");
        long kvHeads = whole(n, "num_key_value_heads");
        long d = headDim(n, b.hidden, heads);
        boolean bias = bool(n, "attention_bias", true);
        long window = whole(n, "sliding_window");
        Gqa sliding = at(n, () -> new Gqa(heads, kvHeads, d, d, Limit.WINDOW, window, true, QkNorm.NONE, false, bias, bias,
                false, d, Optional.empty()));
        Gqa full = at(n, () -> new Gqa(heads, kvHeads, d, d, Limit.NONE, 0, true, QkNorm.NONE, false, bias, bias, false, d,
                Optional.empty()));
        Ffn moe = at(n, () -> new Moe(whole(n, "num_local_experts"), whole(n, "num_experts_per_tok"),
                whole(n, "intermediate_size"), 0, true, true, 0));
        List<Node> types = list(n, "layer_types", layers);
        for (int i = 0; i < layers; i++) {
            b.layers.add(new LayerSpec(layerType(types.get(i), sliding, full), moe, 2));
        }
        return b;
    }

    private static Mixer layerType(Node type, Mixer sliding, Mixer full) {
        return switch (type.text()) {
            case "sliding_attention" -> sliding;
            case "full_attention" -> full;
            default -> throw type.error("unknown layer type '" + type.text() + "' (sliding_attention, full_attention)");
        };
    }

    /** Gemma 2/3/4: local sliding-window and global layers, sandwich norms, GeGLU; Gemma 4's MoE block. */
    private static Built gemma(Node n, String type) {
        Built b = new Built(n);
        b.tied = bool(n, "tie_word_embeddings", true);
        long layers = whole(n, "num_hidden_layers");
        long heads = whole(n, "num_attention_heads");
        long kvHeads = whole(n, "num_key_value_heads");
        long d = headDim(n, b.hidden, heads);
        long window = whole(n, "sliding_window");
        boolean gemma2 = type.equals("gemma2");
        QkNorm qk = gemma2 ? QkNorm.NONE : QkNorm.PER_HEAD;
        Gqa local = at(n, () -> new Gqa(heads, kvHeads, d, d, Limit.WINDOW, window, false, qk, false, false, false, false, d,
                Optional.empty()));
        Gqa global;
        if (type.startsWith("gemma4")) {
            long gd = whole(n, "global_head_dim", d);
            long gkv = whole(n, "num_global_key_value_heads", kvHeads);
            boolean kEqV = bool(n, "attention_k_eq_v", false);
            long rope = n.optional("rope_parameters").flatMap(r -> r.optional("full_attention"))
                    .flatMap(f -> f.optional("partial_rotary_factor")).map(f -> Math.round(gd * f.number())).orElse(gd);
            global = at(n, () -> new Gqa(heads, gkv, gd, gd, Limit.NONE, 0, false, qk, false, false, false, kEqV, rope,
                    Optional.empty()));
            if (whole(n, "hidden_size_per_layer_input", 0) > 0) {
                throw n.field("hidden_size_per_layer_input").error("per-layer input embeddings are not modelled");
            }
            if (whole(n, "num_kv_shared_layers", 0) > 0) {
                throw n.field("num_kv_shared_layers").error("KV-cache sharing across layers is not modelled");
            }
        } else {
            global = at(n, () -> new Gqa(heads, kvHeads, d, d, Limit.NONE, 0, false, qk, false, false, false, false, d,
                    Optional.empty()));
        }
        long width = whole(n, "intermediate_size");
        Ffn ffn = bool(n, "enable_moe_block", false)
                ? at(n, () -> new Moe(whole(n, "num_experts"), whole(n, "top_k_experts"), whole(n, "moe_intermediate_size"),
                width, true, false, 0))
                : at(n, () -> new Dense(width, true, false));
        if (n.has("layer_types")) {
            List<Node> types = list(n, "layer_types", layers);
            for (int i = 0; i < layers; i++) {
                b.layers.add(new LayerSpec(layerType(types.get(i), local, global), ffn, 4));
            }
        } else {
            // Gemma 2 alternates local and global (even layers local); Gemma 3 has sliding_window_pattern − 1 local per global.
            long pattern = gemma2 ? 2 : whole(n, "sliding_window_pattern", 6);
            layers(b, layers, i -> new LayerSpec((i + 1) % pattern == 0 ? global : local, ffn, 4));
        }
        b.notes.add("GeGLU is costed as SiLU-and-mul (same shapes and bytes)");
        if (n.has("final_logit_softcapping") || n.has("attn_logit_softcapping")) {
            b.notes.add("logit soft-capping (a tanh per attention score or output logit) is not costed");
        }
        return b;
    }

    /** Nemotron-H: a pattern of Mamba-2 (M), attention (*), MLP (-) and MoE (E) layers, one norm each. */
    private static Built nemotronH(Node n) {
        Built b = new Built(n);
        // The layer pattern: hybrid_override_pattern ("M*-E" letters) or, in newer configs, layers_block_type names.
        Node patternNode = n.has("hybrid_override_pattern") ? n.field("hybrid_override_pattern") : n.field("layers_block_type");
        String pattern;
        if (patternNode.json().isArray()) {
            StringBuilder sb = new StringBuilder();
            for (Node t : patternNode.elements()) {
                sb.append(switch (t.text()) {
                    case "mamba" -> 'M';
                    case "attention" -> '*';
                    case "mlp" -> '-';
                    case "moe" -> 'E';
                    default -> throw t.error("unknown block type '" + t.text() + "' (mamba, attention, mlp, moe)");
                });
            }
            pattern = sb.toString();
        } else {
            pattern = patternNode.text();
        }
        long layers = whole(n, "num_hidden_layers", pattern.length());
        if (pattern.length() != layers) {
            throw patternNode.error("has " + pattern.length() + " layers, num_hidden_layers says " + layers);
        }
        long heads = whole(n, "num_attention_heads");
        long d = n.has("head_dim") ? whole(n, "head_dim") : whole(n, "attention_head_dim", b.hidden / heads);
        long rope = n.has("rope_theta") ? ropeDim(n, d) : 0;
        Gqa attn = at(n, () -> new Gqa(heads, whole(n, "num_key_value_heads"), d, d, Limit.NONE, 0, false, QkNorm.NONE,
                false, bool(n, "attention_bias", false), bool(n, "attention_bias", false), false, rope, Optional.empty()));
        Mamba mamba = at(n, () -> new Mamba(whole(n, "mamba_num_heads"), whole(n, "mamba_head_dim"), whole(n, "ssm_state_size"),
                whole(n, "n_groups"), whole(n, "conv_kernel"), whole(n, "chunk_size", 128)));
        boolean mlpBias = bool(n, "mlp_bias", false);
        Ffn mlp = at(n, () -> new Dense(whole(n, "intermediate_size"), false, mlpBias));
        Ffn moe = n.has("n_routed_experts") ? at(n, () -> new Moe(whole(n, "n_routed_experts"), whole(n, "num_experts_per_tok"),
                whole(n, "moe_intermediate_size"), whole(n, "n_shared_experts", 1) * whole(n, "moe_shared_expert_intermediate_size", 0),
                false, false, whole(n, "moe_latent_size", 0))) : null;
        for (int i = 0; i < layers; i++) {
            char ch = pattern.charAt(i);
            LayerSpec l = switch (ch) {
                case 'M' -> new LayerSpec(mamba, new NoFfn(), 1);
                case '*' -> new LayerSpec(attn, new NoFfn(), 1);
                case '-' -> new LayerSpec(new NoMixer(), mlp, 1);
                case 'E' -> {
                    if (moe == null) {
                        throw patternNode.error("layer " + i + " is 'E' (MoE) but the config has no n_routed_experts");
                    }
                    yield new LayerSpec(new NoMixer(), moe, 1);
                }
                default -> throw patternNode.error("layer " + i + " is '" + ch + "': only M, *, - and E are known");
            };
            b.layers.add(l);
        }
        b.pos = Positions.ROPE;
        b.notes.add("ReLU² MLPs are costed as GELU (same shapes and bytes)");
        return b;
    }

    /** Nemotron-NAS (Llama-3.3-Nemotron-Super): per-layer attention (GQA group, or none) and FFN width. */
    private static Built nemotronNas(Node n) {
        Built b = new Built(n);
        long heads = whole(n, "num_attention_heads");
        long d = headDim(n, b.hidden, heads);
        List<Node> blocks = n.field("block_configs").elements();
        long layers = whole(n, "num_hidden_layers");
        if (blocks.size() != layers) {
            throw n.field("block_configs").error("has " + blocks.size() + " entries for " + layers + " layers");
        }
        for (Node block : blocks) {
            Node an = block.field("attention");
            Node fn = block.field("ffn");
            if (bool(an, "replace_with_linear", false)) {
                throw an.field("replace_with_linear").error("an attention replaced by a linear layer is not modelled");
            }
            if (bool(fn, "replace_with_linear", false)) {
                throw fn.field("replace_with_linear").error("an FFN replaced by a linear layer is not modelled");
            }
            if (an.optional("window_length").isPresent() || an.optional("num_sink_tokens").isPresent()) {
                throw an.error("windowed or sink attention in a NAS block is not modelled");
            }
            Mixer mixer = bool(an, "no_op", false) ? new NoMixer()
                    : at(an, () -> Gqa.plain(heads, heads / whole(an, "n_heads_in_group"), d));
            Ffn ffn;
            if (bool(fn, "no_op", false)) {
                ffn = new NoFfn();
            } else {
                // DeciLM's _ffn_mult_to_intermediate_size: int(2·mult·h/3) rounded up to a multiple of 256.
                double mult = fn.field("ffn_mult").number();
                long width = (long) (2 * mult * b.hidden / 3);
                long rounded = (width + 255) / 256 * 256;
                ffn = at(fn, () -> new Dense(rounded, true, false));
            }
            int norms = (mixer instanceof NoMixer ? 0 : 1) + (ffn instanceof NoFfn ? 0 : 1);
            b.layers.add(new LayerSpec(mixer, ffn, norms));
        }
        return b;
    }

    /** MiMo-V2-Flash: full and sliding-window (with sinks) layers of different head counts; dense or MoE FFNs. */
    private static Built mimoV2(Node n) {
        Built b = new Built(n);
        long layers = whole(n, "num_hidden_layers");
        long d = whole(n, "head_dim");
        long dv = whole(n, "v_head_dim", d);
        long rope = ropeDim(n, d);
        Gqa full = at(n, () -> new Gqa(whole(n, "num_attention_heads"), whole(n, "num_key_value_heads"), d, dv, Limit.NONE, 0,
                bool(n, "add_full_attention_sink_bias", false), QkNorm.NONE, false, false, false, false, rope, Optional.empty()));
        long sd = whole(n, "swa_head_dim", d);
        long sdv = whole(n, "swa_v_head_dim", dv);
        Gqa swa = at(n, () -> new Gqa(whole(n, "swa_num_attention_heads"), whole(n, "swa_num_key_value_heads"), sd, sdv,
                Limit.WINDOW, whole(n, "sliding_window"), bool(n, "add_swa_attention_sink_bias", false), QkNorm.NONE, false,
                false, false, false, ropeDim(n, sd), Optional.empty()));
        List<Node> pattern = list(n, "hybrid_layer_pattern", layers);
        long expertWidth = whole(n, "moe_intermediate_size");
        Ffn moe = at(n, () -> new Moe(whole(n, "n_routed_experts"), whole(n, "num_experts_per_tok"), expertWidth,
                whole(n, "n_shared_experts", 0) * expertWidth, true, false, 0));
        Ffn dense = at(n, () -> new Dense(whole(n, "intermediate_size"), true, false));
        layers(b, layers, i -> new LayerSpec(pattern.get(i).whole() == 1 ? swa : full, isMoeLayer(n, i, 0) ? moe : dense, 2));
        if (n.has("attention_value_scale")) {
            b.notes.add("attention_value_scale (one multiply per value) is not costed");
        }
        return b;
    }

    /** Step-3.x Flash: full and sliding-window layers, dense first layers, shared + routed experts. */
    private static Built step(Node n) {
        Built b = new Built(n);
        long layers = whole(n, "num_hidden_layers");
        long heads = whole(n, "num_attention_heads");
        long kvHeads = whole(n, "num_key_value_heads");
        long d = headDim(n, b.hidden, heads);
        Gqa full = at(n, () -> new Gqa(heads, kvHeads, d, d, Limit.NONE, 0, false, QkNorm.NONE, false, false, false, false, d,
                Optional.empty()));
        Gqa sliding = at(n, () -> new Gqa(heads, kvHeads, d, d, Limit.WINDOW, whole(n, "sliding_window"), false, QkNorm.NONE,
                false, false, false, false, d, Optional.empty()));
        long shared = whole(n, "n_shared_experts", 0) * whole(n, "share_expert_dim", 0);
        Ffn moe = at(n, () -> new Moe(whole(n, "num_experts"), whole(n, "num_experts_per_tok"), whole(n, "moe_intermediate_size"),
                shared, true, false, 0));
        Ffn dense = at(n, () -> new Dense(whole(n, "intermediate_size"), true, false));
        long firstDense = whole(n, "first_k_dense_replace", 0);
        List<Node> types = list(n, "layer_types", layers);
        for (int i = 0; i < layers; i++) {
            b.layers.add(new LayerSpec(layerType(types.get(i), sliding, full), i < firstDense ? dense : moe, 2));
        }
        return b;
    }

    /** Falcon (7B: multi-query, parallel attention + MLP; 40B/180B: grouped KV), LayerNorm, GELU MLP of 4h. */
    private static Built falcon(Node n) {
        Built b = new Built(n);
        b.norm = Norm.LAYER;
        b.tied = bool(n, "tie_word_embeddings", true); // FalconConfig's default
        long layers = whole(n, "num_hidden_layers");
        long heads = whole(n, "num_attention_heads");
        long d = headDim(n, b.hidden, heads);
        boolean newArch = bool(n, "new_decoder_architecture", false);
        long kvHeads = newArch ? whole(n, "num_kv_heads") : bool(n, "multi_query", true) ? 1 : heads;
        if (bool(n, "alibi", false)) {
            throw n.field("alibi").error("ALiBi positions are not modelled (rotary only)");
        }
        boolean bias = bool(n, "bias", false);
        Gqa attn = at(n, () -> new Gqa(heads, kvHeads, d, d, Limit.NONE, 0, false, QkNorm.NONE, false, bias, bias, false, d,
                Optional.empty()));
        long width = whole(n, "ffn_hidden_size", 4 * b.hidden);
        Ffn mlp = at(n, () -> new Dense(width, false, bias));
        // Parallel attention: one LayerNorm (7B) or two (new architecture) in front of both branches.
        int norms = newArch ? 2 : 1;
        layers(b, layers, i -> new LayerSpec(attn, mlp, norms));
        b.notes.add("the parallel attention and MLP branches are costed one after the other");
        return b;
    }

    private static Built gpt2(Node n) {
        Built b = new Built(n);
        b.norm = Norm.LAYER;
        b.pos = Positions.LEARNED;
        b.positions = whole(n, "n_positions");
        b.tied = bool(n, "tie_word_embeddings", true);
        long heads = whole(n, "n_head");
        long hidden = b.hidden;
        if (hidden % heads != 0) {
            throw n.field("n_head").error("n_head " + heads + " does not divide n_embd " + hidden);
        }
        long inner = whole(n, "n_inner", 4 * hidden);
        Gqa attn = at(n, () -> new Gqa(heads, heads, hidden / heads, hidden / heads, Limit.NONE, 0, false, QkNorm.NONE,
                false, true, true, false, 0, Optional.empty()));
        Ffn mlp = at(n, () -> new Dense(inner, false, true));
        long layers = whole(n, "n_layer");
        if (layers <= 0) {
            throw n.field("n_layer").error("must be > 0, got " + layers);
        }
        layers(b, layers, i -> new LayerSpec(attn, mlp, 2));
        return b;
    }

    private static Built bert(Node n) {
        Built b = new Built(n);
        b.norm = Norm.LAYER;
        b.pos = Positions.LEARNED;
        b.positions = whole(n, "max_position_embeddings");
        b.tied = true;
        b.encoder = true;
        b.tokenTypes = whole(n, "type_vocab_size", 2);
        long heads = whole(n, "num_attention_heads");
        long d = headDim(n, b.hidden, heads);
        Gqa attn = at(n, () -> new Gqa(heads, heads, d, d, Limit.NONE, 0, false, QkNorm.NONE, false, true, true, false, 0,
                Optional.empty()));
        Ffn mlp = at(n, () -> new Dense(whole(n, "intermediate_size"), false, true));
        layers(b, whole(n, "num_hidden_layers"), i -> new LayerSpec(attn, mlp, 2));
        return b;
    }
}
