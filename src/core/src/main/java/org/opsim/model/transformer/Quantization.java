package org.opsim.model.transformer;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.opsim.graph.Precision;

/**
 * A checkpoint's storage formats, part by part and layer by layer, as its {@code quantization_config}
 * or {@code hf_quant_config.json} gives them: what each weight GEMM streams (scales included, see
 * {@link Precision}), what its activations are quantised to when the scheme quantises them (W8A8,
 * W4A4), and the KV cache's format. Parts the checkpoint keeps unquantised (an {@code ignore} list,
 * lm_head, routers) are bf16.
 *
 * @param scheme what the config called it, e.g. {@code "modelopt NVFP4"}
 * @param layers one entry per layer
 * @param quantisedInputs the weight formats whose GEMMs quantise their inputs too (W8A8, W4A4): such a
 *        GEMM reads its input in its weights' format. A GEMM of any other format is weight-only
 *        (W4A16): it reads the workload's activations and runs at the wider of the two (it
 *        dequantises)
 * @param kvCache the KV cache's format (empty: the workload's)
 */
public record Quantization(String scheme, List<LayerFormats> layers, Precision lmHead, Precision embedding,
                           java.util.Set<Precision> quantisedInputs, Optional<Precision> kvCache) {

    /** Weight formats of one layer's parts. */
    public record LayerFormats(Precision attention, Precision mlp, Precision sharedExperts, Precision experts,
                               Precision router) {
        public LayerFormats {
            Objects.requireNonNull(attention, "attention");
            Objects.requireNonNull(mlp, "mlp");
            Objects.requireNonNull(sharedExperts, "sharedExperts");
            Objects.requireNonNull(experts, "experts");
            Objects.requireNonNull(router, "router");
        }
    }

    public Quantization {
        Objects.requireNonNull(scheme, "scheme");
        layers = List.copyOf(layers);
        Objects.requireNonNull(lmHead, "lmHead");
        Objects.requireNonNull(embedding, "embedding");
        quantisedInputs = quantisedInputs.isEmpty() ? java.util.Set.of()
                : java.util.Set.copyOf(java.util.EnumSet.copyOf(quantisedInputs));
        Objects.requireNonNull(kvCache, "kvCache");
    }

    /** {@code "nvfp4 experts, bf16 attention; fp8 KV"}-style summary of the most common formats. */
    public String summary() {
        java.util.Map<String, Long> parts = new java.util.LinkedHashMap<>();
        for (LayerFormats l : layers) {
            parts.merge("attention " + l.attention().id(), 1L, Long::sum);
            parts.merge("mlp/experts " + l.experts().id(), 1L, Long::sum);
        }
        StringBuilder sb = new StringBuilder(scheme).append(": ");
        java.util.List<String> top = parts.entrySet().stream()
                .sorted((a, b) -> Long.compare(b.getValue(), a.getValue())).limit(3)
                .map(e -> e.getKey() + " (" + e.getValue() + " layers)").toList();
        sb.append(String.join(", ", top));
        sb.append("; lm_head ").append(lmHead.id());
        if (!quantisedInputs.isEmpty()) {
            sb.append("; GEMM inputs quantised for ").append(quantisedInputs.stream().map(Precision::id).sorted().toList());
        }
        kvCache.ifPresent(k -> sb.append("; KV ").append(k.id()));
        return sb.toString();
    }
}
