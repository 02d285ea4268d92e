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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Option;

/**
 * Where the model comes from: a native graph file ({@code --model}) or a Hugging Face config.json
 * ({@code --config}) with a workload. Phase, batch and tensor-parallel degree have no fixed defaults
 * here: each command supplies its own ({@code run} costs one decode step, {@code compare} a serving run).
 */
final class ModelOptions {
    private static final Logger LOG = LoggerFactory.getLogger(ModelOptions.class);

    static final String DEFAULT_MODEL = "models/llama-3.1-8b-decode.yaml";

    @Option(names = {"-m", "--model"}, paramLabel = "FILE", description = "native graph file")
    Path model;

    @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = "Hugging Face config.json (see models/hf/)")
    Path config;

    @Option(names = "--phase", paramLabel = "PHASE",
            description = "with --config: prefill, decode, generation or training (default: see the command)")
    String phase;

    @Option(names = "--batch", paramLabel = "N", description = "with --config: sequences per batch (default: see the command)")
    Long batch;

    @Option(names = {"--prompt", "--context"}, defaultValue = "2048", paramLabel = "N",
            description = "with --config: prompt length (prefill, generation, training) or cached context (decode) (default: ${DEFAULT-VALUE})")
    long length;

    @Option(names = "--generate", defaultValue = "256", paramLabel = "N",
            description = "with --config --phase generation: new tokens per sequence (default: ${DEFAULT-VALUE})")
    long generate;

    @Option(names = "--weights", defaultValue = "bf16", description = "weight precision (default: ${DEFAULT-VALUE})")
    String weights;

    @Option(names = "--activations", defaultValue = "bf16", description = "activation precision (default: ${DEFAULT-VALUE})")
    String activations;

    @Option(names = "--kv", description = "KV-cache precision (default: the activation precision)")
    String kv;

    @Option(names = "--tp", paramLabel = "N", description = "tensor-parallel degree (default: see the command)")
    Integer tensorParallel;

    @Option(names = "--recompute", description = "with --phase training: full activation recompute")
    boolean recompute;

    @Option(names = "--unfused-attention", description = "attention as matmul + softmax + matmul instead of flash")
    boolean unfused;

    /** Chips one execution runs on: the tensor-parallel degree of a config's workload (the graph is per chip). */
    int chips() {
        return config == null || tensorParallel == null ? 1 : tensorParallel;
    }

    /** The model as {@code run} reads it: a graph file (default {@link #DEFAULT_MODEL}), or a config's decode step. */
    GraphFile load() {
        if (config == null) {
            return graphFile(model != null ? model : Path.of(DEFAULT_MODEL));
        }
        return transformer().graph(workload(Workload.Phase.DECODE, 1, 1));
    }

    GraphFile graphFile(Path file) {
        GraphFile gf = Opsim.loadGraph(file);
        LOG.info("loaded graph file {}: {} blocks", file, gf.graph().blocks().size());
        return gf;
    }

    TransformerModel transformer() {
        if (model != null) {
            throw new IllegalArgumentException("give --model or --config, not both");
        }
        TransformerModel m = new TransformerModel(HfConfigLoader.load(config));
        LOG.info("loaded config {}: {}, {} parameters", config, m.config().describe(), m.parameterCount());
        return m;
    }

    /** The workload the options describe, with the command's defaults for what was not given. */
    Workload workload(Workload.Phase defaultPhase, long defaultBatch, int defaultTensorParallel) {
        Workload.Phase p = phase != null ? Workload.Phase.parse(phase) : defaultPhase;
        return new Workload(p, batch != null ? batch : defaultBatch, length, p == Workload.Phase.GENERATION ? generate : 0,
                new Precisions(Precision.parse(weights), Precision.parse(activations),
                        Precision.parse(kv != null ? kv : activations)),
                tensorParallel != null ? tensorParallel : defaultTensorParallel, recompute,
                unfused ? Attention.Form.UNFUSED : Attention.Form.FLASH);
    }
}
