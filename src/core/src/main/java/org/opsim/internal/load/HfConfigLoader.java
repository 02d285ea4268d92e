package org.opsim.internal.load;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.opsim.internal.io.Documents;
import org.opsim.internal.io.Node;
import org.opsim.model.transformer.TransformerConfig.Family;
import org.opsim.model.transformer.TransformerConfig.Mla;
import org.opsim.model.transformer.TransformerConfig.Mlp;
import org.opsim.model.transformer.TransformerConfig.Moe;
import org.opsim.model.transformer.TransformerConfig.Norm;
import org.opsim.model.transformer.TransformerConfig.Positions;
import org.opsim.model.transformer.TransformerConfig;

/**
 * Reads a Hugging Face {@code config.json} (the file people already have) into a
 * {@link TransformerConfig}. This loader reads the document's shape (which keys, of what type); the
 * rules on the values are {@link TransformerConfig}'s, {@link Moe}'s and {@link Mla}'s, reported at
 * the config's own key (a record's {@code kvHeads} is the file's {@code num_key_value_heads}).
 * Fields the cost model does not need are not read.
 */
public final class HfConfigLoader {

    /** {@code model_type} values this importer understands. */
    public static final List<String> SUPPORTED = List.of("llama", "mistral", "qwen2", "mixtral", "gpt2", "bert", "deepseek_v3");

    private HfConfigLoader() {
    }

    public static TransformerConfig load(Path file) {
        return read(Documents.read(file));
    }

    public static TransformerConfig parse(String json, String label) {
        return read(Documents.parse(json, Documents.Format.JSON, label));
    }

    /** Whether a parsed document is a config this loader reads (it has a {@code model_type}). */
    static boolean isConfig(Node root) {
        return root.json().isObject() && root.has("model_type");
    }

    static TransformerConfig read(Node root) {
        root.requireObject();
        Node typeNode = root.field("model_type");
        String type = typeNode.text();
        return switch (type) {
            case "llama", "mistral", "qwen2" -> llama(root, type, Family.LLAMA, Optional.empty());
            case "mixtral" -> llama(root, type, Family.MIXTRAL, Optional.of(mixtralMoe(root)));
            case "gpt2" -> gpt2(root);
            case "bert" -> bert(root);
            case "deepseek_v3" -> deepseek(root);
            default -> throw typeNode.error("unsupported model_type '" + type + "' (supported: "
                    + String.join(", ", SUPPORTED) + ")");
        };
    }

    /** The record field → config key map of the Llama layout (Mistral, Qwen2, Mixtral, DeepSeek share it). */
    private static final Map<String, String> LLAMA_KEYS = Map.of(
            "hiddenSize", "hidden_size", "layers", "num_hidden_layers", "queryHeads", "num_attention_heads",
            "kvHeads", "num_key_value_heads", "headDim", "head_dim", "intermediateSize", "intermediate_size",
            "vocabSize", "vocab_size", "maxPositions", "max_position_embeddings");

    private static Function<String, String> keys(Map<String, String> names) {
        return field -> names.getOrDefault(field, field);
    }

    private static TransformerConfig llama(Node root, String type, Family family, Optional<Moe> moe) {
        long hidden = root.field("hidden_size").whole();
        long heads = root.field("num_attention_heads").whole();
        long kvHeads = root.optional("num_key_value_heads").map(Node::whole).orElse(heads);
        long headDim = headDim(root, hidden, heads, "hidden_size");
        long layers = root.field("num_hidden_layers").whole();
        long intermediate = root.field("intermediate_size").whole();
        long vocab = root.field("vocab_size").whole();
        long positions = root.optional("max_position_embeddings").map(Node::whole).orElse(4096L);
        boolean tied = root.optional("tie_word_embeddings").map(Node::bool).orElse(false);
        // Qwen2 always has q/k/v biases; Llama may, via attention_bias.
        boolean qkvBias = type.equals("qwen2") || root.optional("attention_bias").map(Node::bool).orElse(false);
        boolean oBias = !type.equals("qwen2") && root.optional("attention_bias").map(Node::bool).orElse(false);
        boolean mlpBias = root.optional("mlp_bias").map(Node::bool).orElse(false);
        Map<String, String> names = new HashMap<>(LLAMA_KEYS);
        names.put("moe.firstDenseLayers", "num_hidden_layers");
        return root.build(() -> new TransformerConfig(type, family, hidden, layers, heads, kvHeads, headDim,
                intermediate, vocab, positions, tied, Norm.RMS, Mlp.SWIGLU, Positions.ROPE, 0, qkvBias, oBias,
                mlpBias, false, moe, Optional.empty()), keys(names));
    }

    private static Moe mixtralMoe(Node root) {
        long experts = root.field("num_local_experts").whole();
        long perTok = root.field("num_experts_per_tok").whole();
        long width = root.field("intermediate_size").whole();
        return root.build(() -> new Moe(experts, perTok, width, 0, 0), keys(Map.of("experts", "num_local_experts",
                "expertsPerToken", "num_experts_per_tok", "expertIntermediateSize", "intermediate_size")));
    }

    private static TransformerConfig gpt2(Node root) {
        long hidden = root.field("n_embd").whole();
        long heads = root.field("n_head").whole();
        long headDim = divides(root, "n_head", hidden, heads, "n_embd");
        long layers = root.field("n_layer").whole();
        long inner = root.optional("n_inner").map(Node::whole).orElse(4 * hidden);
        long vocab = root.field("vocab_size").whole();
        long positions = root.field("n_positions").whole();
        boolean tied = root.optional("tie_word_embeddings").map(Node::bool).orElse(true);
        return root.build(() -> new TransformerConfig("gpt2", Family.GPT2, hidden, layers, heads, heads, headDim,
                inner, vocab, positions, tied, Norm.LAYER, Mlp.GELU, Positions.LEARNED, 0, true, true, true, false,
                Optional.empty(), Optional.empty()), keys(Map.of("hiddenSize", "n_embd", "layers", "n_layer",
                "queryHeads", "n_head", "kvHeads", "n_head", "intermediateSize", "n_inner", "vocabSize", "vocab_size",
                "maxPositions", "n_positions")));
    }

    private static TransformerConfig bert(Node root) {
        long hidden = root.field("hidden_size").whole();
        long heads = root.field("num_attention_heads").whole();
        long headDim = divides(root, "num_attention_heads", hidden, heads, "hidden_size");
        long layers = root.field("num_hidden_layers").whole();
        long intermediate = root.field("intermediate_size").whole();
        long vocab = root.field("vocab_size").whole();
        long positions = root.field("max_position_embeddings").whole();
        long types = root.optional("type_vocab_size").map(Node::whole).orElse(2L);
        Map<String, String> names = new HashMap<>(LLAMA_KEYS);
        names.put("tokenTypes", "type_vocab_size");
        names.put("kvHeads", "num_attention_heads");
        return root.build(() -> new TransformerConfig("bert", Family.BERT, hidden, layers, heads, heads, headDim,
                intermediate, vocab, positions, true, Norm.LAYER, Mlp.GELU, Positions.LEARNED, types, true, true,
                true, true, Optional.empty(), Optional.empty()), keys(names));
    }

    private static TransformerConfig deepseek(Node root) {
        long hidden = root.field("hidden_size").whole();
        long heads = root.field("num_attention_heads").whole();
        long kvHeads = root.optional("num_key_value_heads").map(Node::whole).orElse(heads);
        long layers = root.field("num_hidden_layers").whole();
        long intermediate = root.field("intermediate_size").whole();
        long vocab = root.field("vocab_size").whole();
        long positions = root.optional("max_position_embeddings").map(Node::whole).orElse(4096L);
        boolean tied = root.optional("tie_word_embeddings").map(Node::bool).orElse(false);
        long qLora = root.optional("q_lora_rank").map(Node::whole).orElse(0L);
        long kvLora = root.field("kv_lora_rank").whole();
        long nope = root.field("qk_nope_head_dim").whole();
        long rope = root.field("qk_rope_head_dim").whole();
        long v = root.field("v_head_dim").whole();
        long experts = root.field("n_routed_experts").whole();
        long perTok = root.field("num_experts_per_tok").whole();
        long width = root.field("moe_intermediate_size").whole();
        long shared = root.optional("n_shared_experts").map(Node::whole).orElse(0L);
        long dense = root.optional("first_k_dense_replace").map(Node::whole).orElse(0L);
        Node freq = root.optional("moe_layer_freq").orElse(null);
        if (freq != null && freq.whole() != 1) {
            throw freq.error("only moe_layer_freq 1 (every layer after the dense ones) is supported, got " + freq.whole());
        }
        Mla mla = root.build(() -> new Mla(qLora, kvLora, nope, rope, v), keys(Map.of("qLoraRank", "q_lora_rank",
                "kvLoraRank", "kv_lora_rank", "qkNopeHeadDim", "qk_nope_head_dim", "qkRopeHeadDim", "qk_rope_head_dim",
                "vHeadDim", "v_head_dim")));
        Moe moe = root.build(() -> new Moe(experts, perTok, width, shared, dense), keys(Map.of("experts", "n_routed_experts",
                "expertsPerToken", "num_experts_per_tok", "expertIntermediateSize", "moe_intermediate_size",
                "sharedExperts", "n_shared_experts", "firstDenseLayers", "first_k_dense_replace")));
        Map<String, String> names = new HashMap<>(LLAMA_KEYS);
        names.put("headDim", "qk_nope_head_dim");
        names.put("moe.firstDenseLayers", "first_k_dense_replace");
        return root.build(() -> new TransformerConfig("deepseek_v3", Family.DEEPSEEK_V3, hidden, layers, heads,
                kvHeads, nope + rope, intermediate, vocab, positions, tied, Norm.RMS, Mlp.SWIGLU, Positions.ROPE, 0,
                false, false, false, false, Optional.of(moe), Optional.of(mla)), keys(names));
    }

    private static long headDim(Node root, long hidden, long heads, String hiddenField) {
        Optional<Node> explicit = root.optional("head_dim");
        if (explicit.isPresent()) {
            return explicit.get().whole();
        }
        return divides(root, "num_attention_heads", hidden, heads, hiddenField);
    }

    /** hidden ÷ heads, when the config gives no head size: a structural rule of the config format. */
    private static long divides(Node root, String headsField, long hidden, long heads, String hiddenField) {
        if (heads <= 0) {
            throw root.field(headsField).error("must be > 0, got " + heads);
        }
        if (hidden % heads != 0) {
            throw root.field(headsField).error(headsField + " " + heads + " does not divide " + hiddenField + " "
                    + hidden + " (and no head_dim is given)");
        }
        return hidden / heads;
    }
}
