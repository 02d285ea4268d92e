package org.opsim.internal.load;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.opsim.graph.Precision;
import org.opsim.internal.io.Node;
import org.opsim.model.transformer.LayerSpec;
import org.opsim.model.transformer.Quantization;
import org.opsim.model.transformer.Quantization.LayerFormats;

/**
 * Reads a checkpoint's formats from its {@code quantization_config} (quant_method {@code fp8},
 * {@code mxfp4}, {@code compressed-tensors}, {@code modelopt}, {@code awq}, {@code gptq}) or its
 * {@code hf_quant_config.json} (NVIDIA ModelOpt: {@code quant_algo} FP8, NVFP4, or MIXED_PRECISION
 * with per-module {@code quantized_layers}), into a {@link Quantization}, layer by layer and part by
 * part. A module list ({@code ignore}, {@code exclude_modules}, {@code modules_to_not_convert}: globs
 * with {@code *}, or {@code re:} regular expressions) keeps the parts it names in bf16: a part of layer
 * i is matched by the names the families' checkpoints give it (e.g.
 * {@code model.layers.i.self_attn.q_proj}, {@code backbone.layers.i.mixer.in_proj}). A format this
 * reader does not know fails naming the field.
 */
final class QuantConfigReader {
    private QuantConfigReader() {
    }

    private static final List<String> PREFIXES = List.of("model.", "language_model.model.", "model.language_model.",
            "backbone.", "language_model.", "");
    private static final List<String> ATTENTION = List.of("self_attn.q_proj", "self_attn.o_proj", "self_attn.q_a_proj",
            "self_attn.kv_a_proj_with_mqa", "self_attn.kv_b_proj", "linear_attn.in_proj_qkv", "linear_attn.in_proj_qkvz",
            "linear_attn.out_proj", "self_attn.q_b_proj", "mixer.q_proj", "mixer.in_proj", "mixer.out_proj", "attn.wq_a",
            "attn.wo_a");
    private static final List<String> MLP = List.of("mlp.gate_proj", "mlp.down_proj", "mlp.up_proj", "mlp.gate_up_proj",
            "mixer.up_proj", "mixer.down_proj", "ffn.w1", "feed_forward.gate_proj");
    private static final List<String> SHARED = List.of("mlp.shared_experts.gate_proj", "mlp.shared_experts.down_proj",
            "mlp.shared_expert.gate_proj", "mlp.shared_expert.down_proj", "block_sparse_moe.shared_experts.gate_proj",
            "ffn.shared_experts.w1", "mixer.shared_experts.up_proj", "feed_forward.shared_expert.gate_proj");
    private static final List<String> EXPERTS = List.of("mlp.experts", "mlp.experts.0.gate_proj", "mlp.experts.0.down_proj",
            "mlp.experts.gate_up_proj", "mlp.experts.down_proj", "block_sparse_moe.experts.0.w1",
            "block_sparse_moe.experts.0.w2", "ffn.experts.0.w1", "mixer.experts.0.up_proj", "mixer.experts.0.down_proj",
            "feed_forward.experts.gate_up_proj", "feed_forward.experts.0.gate_proj");
    /** Gemma 4: the routed experts and router sit beside the dense MLP (layers.i.experts, layers.i.router). */
    private static final List<String> GEMMA4_EXPERTS = List.of("experts", "experts.gate_up_proj", "experts.down_proj",
            "experts.0.gate_proj");
    private static final List<String> GEMMA4_ROUTER = List.of("router", "router.proj");
    private static final List<String> ROUTER = List.of("mlp.gate", "block_sparse_moe.gate", "mlp.router", "ffn.gate",
            "mixer.gate", "router", "feed_forward.router");
    private static final List<String> HEAD = List.of("lm_head", "language_model.lm_head", "head");
    private static final List<String> EMBED = List.of("model.embed_tokens", "language_model.model.embed_tokens",
            "model.language_model.embed_tokens", "backbone.embeddings", "embed");

    static Quantization read(Node q, List<LayerSpec> layers, Node text) {
        Node root = q.has("quantization") ? q.field("quantization") : q;
        boolean gemma4 = text.optional("model_type").map(Node::text).orElse("").startsWith("gemma4");
        List<String> experts = gemma4 ? GEMMA4_EXPERTS : EXPERTS;
        List<String> shared = gemma4 ? MLP : SHARED;
        List<String> routers = gemma4 ? GEMMA4_ROUTER : ROUTER;
        List<Matcher> exclude = new ArrayList<>();
        for (String key : List.of("ignore", "exclude_modules", "modules_to_not_convert")) {
            for (Node n : root.optional(key).map(Node::elements).orElse(List.of())) {
                exclude.add(Matcher.of(n, key.equals("modules_to_not_convert")));
            }
        }
        String method = root.optional("quant_method").map(Node::text).orElse("modelopt").toLowerCase(Locale.ROOT);
        Precision main;
        boolean activations;
        String scheme;
        Optional<Node> perModule = root.optional("quantized_layers");
        List<Matcher> targets = new ArrayList<>();
        Optional<Precision> kv = Optional.empty();
        switch (method) {
            case "fp8" -> {
                main = root.has("weight_block_size") ? Precision.FP8_BLOCK : Precision.FP8;
                activations = true;
                scheme = "fp8" + (main == Precision.FP8_BLOCK ? " 128x128 blocks" : " per-tensor") + ", W8A8";
            }
            case "mxfp4" -> {
                main = Precision.MXFP4;
                activations = false;
                scheme = "mxfp4 weight-only";
            }
            case "awq", "gptq" -> {
                Node bits = root.field("bits");
                if (bits.whole() != 4) {
                    throw bits.error("only 4-bit " + method + " is modelled, got " + bits.whole());
                }
                main = groupedInt4(root.field("group_size"));
                activations = false;
                scheme = method + " int4 g" + root.field("group_size").whole() + ", W4A16";
            }
            case "compressed-tensors" -> {
                Node groups = root.field("config_groups");
                List<Map.Entry<String, Node>> entries = groups.entries();
                if (entries.size() != 1) {
                    throw groups.error("one config group is modelled, got " + entries.size());
                }
                Node g = entries.get(0).getValue();
                Node w = g.field("weights");
                main = tensorFormat(w);
                Optional<Node> in = g.optional("input_activations");
                activations = in.isPresent();
                if (in.isPresent() && tensorFormat(in.get()).arithmetic() != main.arithmetic()) {
                    throw in.get().error("activations in another format than the weights are not modelled");
                }
                for (Node t : g.optional("targets").map(Node::elements).orElse(List.of())) {
                    if (!t.text().equals("Linear")) {
                        targets.add(Matcher.of(t));
                    }
                }
                scheme = "compressed-tensors " + main.id() + (activations ? "" : " weight-only");
                kv = root.optional("kv_cache_scheme").map(k -> k.json().isTextual() ? algoFormat(k) : tensorFormat(k));
            }
            case "modelopt" -> {
                Node algo = root.field("quant_algo");
                activations = true;
                if (algo.text().equals("MIXED_PRECISION")) {
                    if (perModule.isEmpty()) {
                        throw algo.error("MIXED_PRECISION needs quantized_layers");
                    }
                    main = Precision.BF16;
                    scheme = "modelopt mixed precision";
                } else {
                    main = algoFormat(algo);
                    scheme = "modelopt " + algo.text();
                    activations = !weightOnly(algo.text());
                }
                Optional<Node> kvAlgo = root.optional("kv_cache_quant_algo");
                if (kvAlgo.isPresent()) {
                    kv = Optional.of(algoFormat(kvAlgo.get()));
                } else if (root.has("kv_cache_scheme")) {
                    Node k = root.field("kv_cache_scheme");
                    kv = Optional.of(k.json().isTextual() ? algoFormat(k) : tensorFormat(k));
                }
            }
            default -> throw root.optional("quant_method").orElse(root).error("quant_method '" + method
                    + "' is not modelled (fp8, mxfp4, awq, gptq, compressed-tensors, modelopt)");
        }
        List<LayerFormats> formats = new ArrayList<>();
        for (int i = 0; i < layers.size(); i++) {
            int layer = i;
            Precision mainFormat = main;
            java.util.function.Function<List<String>, Precision> part = names -> format(names, layer, exclude, targets,
                    perModule, mainFormat);
            // Routers are not quantised unless a module list names them: checkpoints keep them in bf16
            // (DeepSeek's MoEGate is not an nn.Linear, which compressed-tensors' "Linear" target means).
            Precision router = explicitlyQuantised(routers, layer, targets, perModule)
                    ? part.apply(routers) : Precision.BF16;
            formats.add(new LayerFormats(part.apply(ATTENTION), part.apply(MLP), part.apply(shared), part.apply(experts),
                    router));
        }
        // The LM head likewise stays bf16 unless named (fp8 checkpoints without a module list keep it bf16).
        Precision head = explicitlyQuantised(HEAD, -1, targets, perModule)
                ? format(HEAD, -1, exclude, targets, perModule, main) : Precision.BF16;
        Precision embed = Precision.BF16;
        java.util.Set<Precision> inputs = java.util.EnumSet.noneOf(Precision.class);
        java.util.Set<Precision> weightOnly = java.util.EnumSet.noneOf(Precision.class);
        if (perModule.isPresent()) {
            for (Map.Entry<String, Node> e : perModule.get().entries()) {
                Node algo = e.getValue().field("quant_algo");
                (weightOnly(algo.text()) ? weightOnly : inputs).add(algoFormat(algo));
            }
            java.util.Set<Precision> both = java.util.EnumSet.copyOf(inputs);
            both.retainAll(weightOnly);
            if (!both.isEmpty()) {
                throw perModule.get().error("modules of format " + both + " are both weight-only and W=A: not modelled");
            }
        } else if (activations) {
            inputs.add(main);
        }
        return new Quantization(scheme, formats, head, embed, inputs, kv);
    }

    /** The module names of a part: relative to layer {@code layer} under every prefix, or whole names for layer −1. */
    private static List<String> candidates(List<String> names, int layer) {
        List<String> full = new ArrayList<>();
        for (String n : names) {
            if (layer < 0) {
                full.add(n);
            } else {
                for (String p : PREFIXES) {
                    full.add(p + "layers." + layer + "." + n);
                }
            }
        }
        return full;
    }

    private static boolean anyMatches(List<Matcher> matchers, List<String> names) {
        for (String n : names) {
            for (Matcher m : matchers) {
                if (m.matches(n)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Whether per-module formats or explicit targets name one of the part's modules. */
    private static boolean explicitlyQuantised(List<String> names, int layer, List<Matcher> targets, Optional<Node> perModule) {
        List<String> full = candidates(names, layer);
        return perModule.isPresent() && full.stream().anyMatch(perModule.get()::has) || anyMatches(targets, full);
    }

    /** The format of a part (module names relative to a layer, or whole names for layer −1). */
    private static Precision format(List<String> names, int layer, List<Matcher> exclude, List<Matcher> targets,
                                    Optional<Node> perModule, Precision main) {
        List<String> full = candidates(names, layer);
        if (anyMatches(exclude, full)) {
            return Precision.BF16;
        }
        if (perModule.isPresent()) {
            for (String n : full) {
                Optional<Node> entry = perModule.get().optional(n);
                if (entry.isPresent()) {
                    return algoFormat(entry.get().field("quant_algo"));
                }
            }
            return Precision.BF16;
        }
        if (!targets.isEmpty()) {
            return anyMatches(targets, full) ? main : Precision.BF16;
        }
        return main;
    }

    /** ModelOpt algorithms that quantise weights only (the GEMM dequantises and runs at the activations'). */
    private static boolean weightOnly(String algo) {
        String a = algo.toUpperCase(Locale.ROOT);
        return a.startsWith("W4A16") || a.equals("INT4_AWQ") || a.equals("FP8_PB_WO");
    }

    private static Precision algoFormat(Node algo) {
        return switch (algo.text().toUpperCase(Locale.ROOT)) {
            case "FP8" -> Precision.FP8;
            case "FP8_BLOCK", "FP8_PB_WO" -> Precision.FP8_BLOCK;
            case "NVFP4", "NVFP4_AWQ", "W4A16_NVFP4" -> Precision.NVFP4;
            case "MXFP4" -> Precision.MXFP4;
            case "MXFP8" -> Precision.MXFP8;
            case "W4A16_AWQ", "INT4_AWQ" -> Precision.INT4_G128;
            case "INT8_SQ", "W8A8_SQ_PER_CHANNEL" -> Precision.INT8;
            default -> throw algo.error("quant_algo '" + algo.text() + "' is not modelled (FP8, FP8_BLOCK, NVFP4, W4A16_NVFP4, "
                    + "MXFP4, MXFP8, W4A16_AWQ, INT8_SQ)");
        };
    }

    /** A compressed-tensors weights/activations block: {@code num_bits}, {@code type}, {@code group_size}. */
    private static Precision tensorFormat(Node t) {
        Node bitsNode = t.field("num_bits");
        long bits = bitsNode.whole();
        String type = t.optional("type").map(Node::text).orElse("int");
        Optional<Node> group = t.optional("group_size");
        if (type.equals("float")) {
            if (bits == 8) {
                return Precision.FP8;
            }
            if (bits == 4) {
                long g = group.map(Node::whole).orElse(16L);
                if (g == 16) {
                    return Precision.NVFP4;
                }
                if (g == 32) {
                    return Precision.MXFP4;
                }
                throw group.get().error("fp4 in groups of " + g + " is not a known format (16: NVFP4, 32: MXFP4)");
            }
        } else if (type.equals("int")) {
            if (bits == 8) {
                return Precision.INT8;
            }
            if (bits == 4) {
                return group.map(QuantConfigReader::groupedInt4).orElseThrow(() -> t.error("int4 needs a group_size"));
            }
        }
        throw bitsNode.error(bits + "-bit " + type + " is not modelled (8-bit float/int, 4-bit float groups 16/32, "
                + "4-bit int groups 32/128)");
    }

    private static Precision groupedInt4(Node group) {
        long g = group.whole();
        if (g == 128) {
            return Precision.INT4_G128;
        }
        if (g == 32) {
            return Precision.INT4_G32;
        }
        throw group.error("int4 groups of " + g + " are not modelled (32 or 128)");
    }

    /** A glob ({@code *} for any characters) or {@code re:} regular expression over module names. */
    private record Matcher(Pattern pattern) {
        /** {@code anyDepth}: the name may sit anywhere in a module path and cover its sub-modules (HF's modules_to_not_convert). */
        static Matcher of(Node n, boolean anyDepth) {
            String s = n.text();
            if (s.startsWith("re:")) {
                try {
                    return new Matcher(Pattern.compile(s.substring(3)));
                } catch (java.util.regex.PatternSyntaxException e) {
                    throw n.error("not a regular expression: " + e.getDescription());
                }
            }
            List<String> pieces = new ArrayList<>();
            for (String piece : s.split("\\*", -1)) {
                pieces.add(Pattern.quote(piece));
            }
            String glob = String.join(".*", pieces);
            return new Matcher(Pattern.compile(anyDepth ? "(.*\\.)?" + glob + "(\\..*)?" : glob));
        }

        static Matcher of(Node n) {
            return of(n, false);
        }

        boolean matches(String name) {
            return pattern.matcher(name).matches();
        }
    }
}
