package org.opsim.model.transformer;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.opsim.io.InvalidValueException;
import org.opsim.model.transformer.LayerSpec.Csa;
import org.opsim.model.transformer.LayerSpec.Gqa;
import org.opsim.model.transformer.LayerSpec.LinearAttn;
import org.opsim.model.transformer.LayerSpec.Mamba;
import org.opsim.model.transformer.LayerSpec.Mla;
import org.opsim.model.transformer.LayerSpec.Moe;

/**
 * A transformer's architecture, normalised from whatever config.json it came in: the embedding and
 * head, and one {@link LayerSpec} per layer. Validated on construction.
 *
 * @param tokenTypes BERT's segment-embedding rows (0 for decoders)
 * @param encoder bidirectional attention, a pooler and no LM head (BERT)
 * @param hyperConnections residual streams (DeepSeek-V4's hyper-connections, {@code hc_mult}); 1 = a
 *        plain residual
 * @param notes what the importer modelled differently from the checkpoint, or left out (a vision
 *        tower, multi-token-prediction layers), shown with every result
 * @param quantization the checkpoint's formats, when its config gives them
 */
public record TransformerConfig(String modelType, long hiddenSize, long vocabSize, long maxPositions,
                                boolean tiedEmbeddings, Norm norm, Positions positions, long tokenTypes,
                                boolean encoder, int hyperConnections, List<LayerSpec> layerSpecs, List<String> notes,
                                java.util.Optional<Quantization> quantization) {

    public enum Norm { RMS, LAYER }

    public enum Positions { ROPE, LEARNED }

    public TransformerConfig {
        Objects.requireNonNull(modelType, "modelType");
        positive("hidden_size", hiddenSize);
        positive("vocab_size", vocabSize);
        positive("max_position_embeddings", maxPositions);
        nonNegative("type_vocab_size", tokenTypes);
        Objects.requireNonNull(norm, "norm");
        Objects.requireNonNull(positions, "positions");
        if (hyperConnections < 1) {
            throw new InvalidValueException("hc_mult", "must be >= 1, got " + hyperConnections);
        }
        Objects.requireNonNull(layerSpecs, "layerSpecs");
        if (layerSpecs.isEmpty()) {
            throw new InvalidValueException("num_hidden_layers", "must be > 0, got 0");
        }
        layerSpecs = List.copyOf(layerSpecs);
        notes = List.copyOf(notes);
        Objects.requireNonNull(quantization, "quantization");
    }

    /** A uniform model without notes or quantization. */
    public static TransformerConfig uniform(String modelType, long hiddenSize, long vocabSize, long maxPositions,
                                            boolean tied, Norm norm, Positions positions, long layers, LayerSpec layer) {
        return new TransformerConfig(modelType, hiddenSize, vocabSize, maxPositions, tied, norm, positions, 0, false, 1,
                java.util.Collections.nCopies((int) layers, layer), List.of(), java.util.Optional.empty());
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

    public long layers() {
        return layerSpecs.size();
    }

    /** The same architecture with other checkpoint formats (or none). */
    public TransformerConfig withQuantization(java.util.Optional<Quantization> q) {
        return new TransformerConfig(modelType, hiddenSize, vocabSize, maxPositions, tiedEmbeddings, norm, positions,
                tokenTypes, encoder, hyperConnections, layerSpecs, notes, q);
    }

    /** Identical layers grouped, in order of first appearance, with their counts. */
    public Map<LayerSpec, Long> layerGroups() {
        Map<LayerSpec, Long> groups = new LinkedHashMap<>();
        for (LayerSpec l : layerSpecs) {
            groups.merge(l, 1L, Long::sum);
        }
        return groups;
    }

    /** The first softmax-attention layer's query heads (the figure that bounds tensor parallelism). */
    public long queryHeads() {
        for (LayerSpec l : layerSpecs) {
            if (l.mixer() instanceof Gqa g) {
                return g.queryHeads();
            }
            if (l.mixer() instanceof Mla m) {
                return m.queryHeads();
            }
            if (l.mixer() instanceof Csa c) {
                return c.queryHeads();
            }
        }
        return 0;
    }

    /** The first GQA layer's KV heads (MLA and DeepSeek-V4: 1 shared latent). */
    public long kvHeads() {
        for (LayerSpec l : layerSpecs) {
            if (l.mixer() instanceof Gqa g) {
                return g.kvHeads();
            }
            if (l.mixer() instanceof Mla || l.mixer() instanceof Csa) {
                return 1;
            }
        }
        return 0;
    }

    /** Layers with routed experts. */
    public long moeLayers() {
        return layerSpecs.stream().filter(l -> l.ffn() instanceof Moe).count();
    }

    /** The first MoE layer's experts, if any. */
    public java.util.Optional<Moe> moe() {
        return layerSpecs.stream().map(LayerSpec::ffn).filter(f -> f instanceof Moe).map(f -> (Moe) f).findFirst();
    }

    /** A short description of the layer forms: {@code "45 linear-attention + 15 attention (window 128)"}. */
    public String attentionForms() {
        Map<String, Long> forms = new LinkedHashMap<>();
        for (LayerSpec l : layerSpecs) {
            forms.merge(form(l.mixer()), 1L, Long::sum);
        }
        StringBuilder sb = new StringBuilder();
        forms.forEach((k, v) -> sb.append(sb.length() == 0 ? "" : " + ").append(v).append(' ').append(k));
        return sb.toString();
    }

    private static String form(LayerSpec.Mixer m) {
        if (m instanceof Gqa g) {
            String base = g.kvHeads() == g.queryHeads() ? "MHA" : g.kvHeads() == 1 ? "MQA" : "GQA";
            String limit = switch (g.limit()) {
                case NONE -> "";
                case WINDOW -> " window " + g.keyLimit();
                case CHUNK -> " chunk " + g.keyLimit();
                case TOP_K -> " top-" + g.keyLimit();
            };
            return base + limit + (g.indexer().isPresent() ? " sparse" : "") + (g.sinks() ? " +sinks" : "");
        }
        if (m instanceof Mla ml) {
            return ml.indexer().isPresent() ? "MLA sparse (top-" + ml.indexer().get().topK() + ")" : "MLA";
        }
        if (m instanceof Csa c) {
            return c.compressRatio() == 0 ? "MQA window " + c.window()
                    : "MQA window " + c.window() + " with " + c.compressRatio() + "x-compressed"
                    + (c.indexer().isPresent() ? " top-" + c.indexer().get().topK() : "");
        }
        if (m instanceof LinearAttn la) {
            return la.kind() == LayerSpec.LinearKind.KDA ? "KDA linear" : "gated-DeltaNet linear";
        }
        if (m instanceof Mamba) {
            return "Mamba-2";
        }
        return "FFN-only";
    }

    public String describe() {
        return String.format(Locale.ROOT, "%s: %d layers (%s), hidden %d", modelType, layers(), attentionForms(),
                hiddenSize);
    }
}
