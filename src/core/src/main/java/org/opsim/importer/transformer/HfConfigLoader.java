package org.opsim.importer.transformer;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.opsim.importer.transformer.TransformerConfig.Family;
import org.opsim.importer.transformer.TransformerConfig.Mla;
import org.opsim.importer.transformer.TransformerConfig.Mlp;
import org.opsim.importer.transformer.TransformerConfig.Moe;
import org.opsim.importer.transformer.TransformerConfig.Norm;
import org.opsim.importer.transformer.TransformerConfig.Positions;
import org.opsim.io.Documents;
import org.opsim.io.Node;

/**
 * Reads a Hugging Face {@code config.json} (the file people already have) into a
 * {@link TransformerConfig}. Fields the cost model does not need are ignored; missing, non-positive
 * or contradictory ones are an {@link InputException} naming the file and field.
 */
public final class HfConfigLoader {

    /** {@code model_type} values this importer understands. */
    public static final List<String> SUPPORTED = List.of("llama", "mistral", "qwen2", "mixtral", "gpt2", "bert", "deepseek_v3");

    private HfConfigLoader() {
    }

    public static TransformerConfig load(Path file) {
        return fromNode(Documents.read(file));
    }

    public static TransformerConfig parse(String json, String label) {
        return fromNode(Documents.parse(json, Documents.Format.JSON, label));
    }

    static TransformerConfig fromNode(Node root) {
        root.requireObject();
        Node typeNode = root.field("model_type");
        String type = typeNode.text();
        TransformerConfig config = switch (type) {
            case "llama", "mistral", "qwen2" -> llama(root, type, Family.LLAMA, Optional.empty());
            case "mixtral" -> llama(root, type, Family.MIXTRAL, Optional.of(mixtralMoe(root)));
            case "gpt2" -> gpt2(root);
            case "bert" -> bert(root);
            case "deepseek_v3" -> deepseek(root);
            default -> throw typeNode.error("unsupported model_type '" + type + "' (supported: "
                    + String.join(", ", SUPPORTED) + ")");
        };
        return config;
    }

    private static TransformerConfig llama(Node root, String type, Family family, Optional<Moe> moe) {
        long hidden = root.field("hidden_size").positiveLong();
        long heads = root.field("num_attention_heads").positiveLong();
        long kvHeads = root.optional("num_key_value_heads").map(Node::positiveLong).orElse(heads);
        long headDim = headDim(root, hidden, heads, "hidden_size");
        kvDivides(root, heads, kvHeads);
        long layers = root.field("num_hidden_layers").positiveLong();
        long intermediate = root.field("intermediate_size").positiveLong();
        long vocab = root.field("vocab_size").positiveLong();
        long positions = root.optional("max_position_embeddings").map(Node::positiveLong).orElse(4096L);
        boolean tied = root.optional("tie_word_embeddings").map(Node::bool).orElse(false);
        // Qwen2 always has q/k/v biases; Llama may, via attention_bias.
        boolean qkvBias = type.equals("qwen2") || root.optional("attention_bias").map(Node::bool).orElse(false);
        boolean oBias = !type.equals("qwen2") && root.optional("attention_bias").map(Node::bool).orElse(false);
        boolean mlpBias = root.optional("mlp_bias").map(Node::bool).orElse(false);
        return root.build(() -> new TransformerConfig(type, family, hidden, layers, heads, kvHeads, headDim,
                intermediate, vocab, positions, tied, Norm.RMS, Mlp.SWIGLU, Positions.ROPE, 0, qkvBias, oBias,
                mlpBias, false, moe, Optional.empty()));
    }

    private static Moe mixtralMoe(Node root) {
        long experts = root.field("num_local_experts").positiveLong();
        Node perTokNode = root.field("num_experts_per_tok");
        long perTok = perTokNode.positiveLong();
        if (perTok > experts) {
            throw perTokNode.error("num_experts_per_tok " + perTok + " exceeds num_local_experts " + experts);
        }
        long width = root.field("intermediate_size").positiveLong();
        return new Moe(experts, perTok, width, 0, 0);
    }

    private static TransformerConfig gpt2(Node root) {
        long hidden = root.field("n_embd").positiveLong();
        long heads = root.field("n_head").positiveLong();
        long headDim = divides(root, "n_head", hidden, heads, "n_embd");
        long layers = root.field("n_layer").positiveLong();
        long inner = root.optional("n_inner").map(Node::positiveLong).orElse(4 * hidden);
        long vocab = root.field("vocab_size").positiveLong();
        long positions = root.field("n_positions").positiveLong();
        boolean tied = root.optional("tie_word_embeddings").map(Node::bool).orElse(true);
        return root.build(() -> new TransformerConfig("gpt2", Family.GPT2, hidden, layers, heads, heads, headDim,
                inner, vocab, positions, tied, Norm.LAYER, Mlp.GELU, Positions.LEARNED, 0, true, true, true, false,
                Optional.empty(), Optional.empty()));
    }

    private static TransformerConfig bert(Node root) {
        long hidden = root.field("hidden_size").positiveLong();
        long heads = root.field("num_attention_heads").positiveLong();
        long headDim = divides(root, "num_attention_heads", hidden, heads, "hidden_size");
        long layers = root.field("num_hidden_layers").positiveLong();
        long intermediate = root.field("intermediate_size").positiveLong();
        long vocab = root.field("vocab_size").positiveLong();
        long positions = root.field("max_position_embeddings").positiveLong();
        long types = root.optional("type_vocab_size").map(Node::positiveLong).orElse(2L);
        return root.build(() -> new TransformerConfig("bert", Family.BERT, hidden, layers, heads, heads, headDim,
                intermediate, vocab, positions, true, Norm.LAYER, Mlp.GELU, Positions.LEARNED, types, true, true,
                true, true, Optional.empty(), Optional.empty()));
    }

    private static TransformerConfig deepseek(Node root) {
        long hidden = root.field("hidden_size").positiveLong();
        long heads = root.field("num_attention_heads").positiveLong();
        long kvHeads = root.optional("num_key_value_heads").map(Node::positiveLong).orElse(heads);
        kvDivides(root, heads, kvHeads);
        long layers = root.field("num_hidden_layers").positiveLong();
        long intermediate = root.field("intermediate_size").positiveLong();
        long vocab = root.field("vocab_size").positiveLong();
        long positions = root.optional("max_position_embeddings").map(Node::positiveLong).orElse(4096L);
        boolean tied = root.optional("tie_word_embeddings").map(Node::bool).orElse(false);
        long qLora = root.optional("q_lora_rank").map(Node::positiveLong).orElse(0L);
        long kvLora = root.field("kv_lora_rank").positiveLong();
        long nope = root.field("qk_nope_head_dim").positiveLong();
        long rope = root.field("qk_rope_head_dim").positiveLong();
        long v = root.field("v_head_dim").positiveLong();
        long experts = root.field("n_routed_experts").positiveLong();
        Node perTokNode = root.field("num_experts_per_tok");
        long perTok = perTokNode.positiveLong();
        if (perTok > experts) {
            throw perTokNode.error("num_experts_per_tok " + perTok + " exceeds n_routed_experts " + experts);
        }
        long width = root.field("moe_intermediate_size").positiveLong();
        long shared = root.optional("n_shared_experts").map(Node::nonNegative).map(Double::longValue).orElse(0L);
        Node denseNode = root.optional("first_k_dense_replace").orElse(null);
        long dense = denseNode == null ? 0L : (long) denseNode.nonNegative();
        if (dense > layers) {
            throw denseNode.error("first_k_dense_replace " + dense + " exceeds num_hidden_layers " + layers);
        }
        Node freq = root.optional("moe_layer_freq").orElse(null);
        if (freq != null && freq.positiveLong() != 1) {
            throw freq.error("only moe_layer_freq 1 (every layer after the dense ones) is supported, got " + freq.positiveLong());
        }
        Mla mla = root.build(() -> new Mla(qLora, kvLora, nope, rope, v));
        Moe moe = root.build(() -> new Moe(experts, perTok, width, shared, dense));
        return root.build(() -> new TransformerConfig("deepseek_v3", Family.DEEPSEEK_V3, hidden, layers, heads,
                kvHeads, nope + rope, intermediate, vocab, positions, tied, Norm.RMS, Mlp.SWIGLU, Positions.ROPE, 0,
                false, false, false, false, Optional.of(moe), Optional.of(mla)));
    }

    private static long headDim(Node root, long hidden, long heads, String hiddenField) {
        Optional<Node> explicit = root.optional("head_dim");
        if (explicit.isPresent()) {
            return explicit.get().positiveLong();
        }
        return divides(root, "num_attention_heads", hidden, heads, hiddenField);
    }

    private static long divides(Node root, String headsField, long hidden, long heads, String hiddenField) {
        if (hidden % heads != 0) {
            throw root.field(headsField).error(headsField + " " + heads + " does not divide " + hiddenField + " "
                    + hidden + " (and no head_dim is given)");
        }
        return hidden / heads;
    }

    private static void kvDivides(Node root, long heads, long kvHeads) {
        if (heads % kvHeads != 0) {
            throw root.field("num_key_value_heads").error("num_attention_heads " + heads
                    + " is not a multiple of num_key_value_heads " + kvHeads);
        }
    }
}
