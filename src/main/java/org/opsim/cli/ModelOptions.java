package org.opsim.cli;

import java.nio.file.Path;
import org.opsim.Opsim;
import org.opsim.graph.Attention;
import org.opsim.graph.Precision;
import org.opsim.importer.GraphFile;
import org.opsim.importer.transformer.HfConfigLoader;
import org.opsim.importer.transformer.Precisions;
import org.opsim.importer.transformer.TransformerModel;
import org.opsim.importer.transformer.Workload;
import picocli.CommandLine.Option;

/**
 * Where the model comes from: a native graph file ({@code --model}) or a Hugging Face config.json
 * ({@code --config}) with a workload.
 */
final class ModelOptions {
    static final String DEFAULT_MODEL = "models/llama-3.1-8b-decode.yaml";

    @Option(names = {"-m", "--model"}, paramLabel = "FILE",
            description = "native graph file (default when no --config: " + DEFAULT_MODEL + ")")
    Path model;

    @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = "Hugging Face config.json (see models/hf/)")
    Path config;

    @Option(names = "--phase", defaultValue = "decode", description = "with --config: prefill, decode, generation or training (default: ${DEFAULT-VALUE})")
    String phase;

    @Option(names = "--batch", defaultValue = "1", description = "with --config: sequences per batch (default: ${DEFAULT-VALUE})")
    long batch;

    @Option(names = {"--prompt", "--context"}, defaultValue = "2048",
            description = "with --config: prompt length (prefill, generation, training) or cached context (decode) (default: ${DEFAULT-VALUE})")
    long length;

    @Option(names = "--generate", defaultValue = "256", description = "with --config --phase generation: new tokens (default: ${DEFAULT-VALUE})")
    long generate;

    @Option(names = "--weights", defaultValue = "bf16", description = "weight precision (default: ${DEFAULT-VALUE})")
    String weights;

    @Option(names = "--activations", defaultValue = "bf16", description = "activation precision (default: ${DEFAULT-VALUE})")
    String activations;

    @Option(names = "--kv", description = "KV-cache precision (default: the activation precision)")
    String kv;

    @Option(names = "--tp", defaultValue = "1", description = "tensor-parallel degree (default: ${DEFAULT-VALUE})")
    int tensorParallel;

    @Option(names = "--recompute", description = "with --phase training: full activation recompute")
    boolean recompute;

    @Option(names = "--unfused-attention", description = "attention as matmul + softmax + matmul instead of flash")
    boolean unfused;

    /** Chips one execution runs on: the tensor-parallel degree of a config's workload (the graph is per chip). */
    int chips() {
        return config == null ? 1 : tensorParallel;
    }

    GraphFile load() {
        if (config == null) {
            return Opsim.loadGraph(model != null ? model : Path.of(DEFAULT_MODEL));
        }
        if (model != null) {
            throw new IllegalArgumentException("give --model or --config, not both");
        }
        TransformerModel m = new TransformerModel(HfConfigLoader.load(config));
        Workload.Phase p = Workload.Phase.parse(phase);
        Workload w = new Workload(p, batch, length, p == Workload.Phase.GENERATION ? generate : 0,
                new Precisions(Precision.parse(weights), Precision.parse(activations),
                        Precision.parse(kv != null ? kv : activations)),
                tensorParallel, recompute, unfused ? Attention.Form.UNFUSED : Attention.Form.FLASH);
        return m.graph(w);
    }
}
