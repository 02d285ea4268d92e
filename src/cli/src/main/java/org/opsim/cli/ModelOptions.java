package org.opsim.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import org.opsim.Catalogue;
import org.opsim.graph.Attention;
import org.opsim.graph.Precision;
import org.opsim.model.GraphFile;
import org.opsim.model.ImportedModel;
import org.opsim.model.Model;
import org.opsim.model.Precisions;
import org.opsim.model.Workload;
import org.opsim.onnx.OnnxWorkloadModel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Option;

/**
 * Where the model comes from ({@code -m}: a catalogue name or a file of any kind, told apart by
 * content) and the workload it runs. Phase, batch and tensor-parallel degree have no fixed
 * defaults here: each command supplies its own ({@code run} costs one decode step, {@code compare}
 * a serving run).
 */
final class ModelOptions {
    private static final Logger LOG = LoggerFactory.getLogger(ModelOptions.class);

    @Option(names = {"-m", "--model", "-c", "--config"}, paramLabel = "MODEL",
            description = "a bundled model (llama-3.1-70b; see opsim models), a Hugging Face config.json, a native graph "
                    + "file or an ONNX file, told apart by content (-c/--config: the same)")
    String model;

    @Option(names = "--dim", paramLabel = "NAME=SIZE",
            description = "an ONNX model's symbolic dimension that is neither a batch nor a sequence (repeatable)")
    Map<String, Long> dims = new LinkedHashMap<>();

    @Option(names = "--phase", paramLabel = "PHASE",
            description = "prefill, decode, generation or training (default: see the command)")
    String phase;

    @Option(names = "--batch", paramLabel = "N", description = "sequences per batch (default: see the command)")
    Long batch;

    // Defaults are applied in workload(), not by picocli, so that a fixed-shape graph can refuse every
    // workload option that was given rather than ignore it.
    @Option(names = {"--prompt", "--context"}, paramLabel = "N",
            description = "prompt length (prefill, generation, training; with --cached the new tokens only) or cached "
                    + "context (decode) (default: 2048)")
    Long length;

    @Option(names = "--cached", paramLabel = "N",
            description = "with --phase prefill: tokens already cached per sequence before the --prompt new ones "
                    + "(a prefill chunk, or a prefix-cache hit; default: 0)")
    Long cached;

    @Option(names = "--generate", paramLabel = "N",
            description = "with --phase generation: new tokens per sequence (default: 256)")
    Long generate;

    @Option(names = "--weights", description = "weight format: bf16, fp8, fp8_block, mxfp8, nvfp4, mxfp4, int8, int4_g128, "
            + "int4_g32, ... (default: the checkpoint's formats when its config gives them, else bf16)")
    String weights;

    @Option(names = "--activations", description = "activation precision (default: bf16)")
    String activations;

    @Option(names = "--kv", description = "KV-cache precision (default: the activation precision)")
    String kv;

    @Option(names = "--tp", paramLabel = "N", description = "tensor-parallel degree (default: see the command)")
    Integer tensorParallel;

    @Option(names = "--recompute", description = "with --phase training: full activation recompute")
    boolean recompute;

    @Option(names = "--allow-unmapped", description = "ONNX: cost each node opsim has no operator for as a memory-bound "
            + "elementwise op over its known tensors (default: refuse the model, listing them)")
    boolean allowUnmapped;

    @Option(names = "--unfused-attention", description = "attention as matmul + softmax + matmul instead of flash")
    boolean unfused;

    /** The model named by -m, else {@code defaultModel}, from {@code catalogue}. */
    ImportedModel load(Catalogue catalogue, String defaultModel) {
        String ref = model != null ? model : defaultModel;
        ImportedModel m = catalogue.model(ref);
        if (!dims.isEmpty() || allowUnmapped) {
            if (m instanceof ImportedModel.Parametric p && p.model() instanceof OnnxWorkloadModel onnx) {
                OnnxWorkloadModel bound = onnx.withDimensions(dims);
                m = new ImportedModel.Parametric(allowUnmapped ? bound.allowingUnmapped() : bound);
                if (allowUnmapped) {
                    LOG.warn("model {}: nodes opsim has no operator for are costed as memory-bound elementwise ops "
                            + "(--allow-unmapped); the result may understate them", ref);
                }
            } else {
                throw new IllegalArgumentException("--dim and --allow-unmapped apply to ONNX models; " + m.name()
                        + " is not one");
            }
        }
        if ((weights != null || kv != null) && m instanceof ImportedModel.Parametric p
                && p.model() instanceof org.opsim.model.transformer.TransformerModel tm && tm.quantization().isPresent()) {
            // Formats given on the command line replace the checkpoint's, everywhere.
            LOG.warn("model {}: --weights/--kv replace the checkpoint's formats ({})", ref, tm.quantization().get().scheme());
            m = new ImportedModel.Parametric(weights != null ? tm.unquantized() : tm.withKvCache(Precision.parse(kv)));
        }
        if (m instanceof ImportedModel.Parametric p) {
            LOG.info("model {}: {}, {} parameters", ref, p.model().describe(), p.model().parameterCount());
        } else {
            LOG.info("model {}: a graph with fixed shapes", ref);
        }
        return m;
    }

    /** A model that takes a workload (for {@code what}: "a sweep", "a deployment"). */
    Model parametric(Catalogue catalogue, String defaultModel, String what) {
        ImportedModel m = load(catalogue, defaultModel);
        return m.requireModel(what);
    }

    /**
     * The graph of a fixed-shape model; refuses workload options, which such a graph cannot use (its
     * shapes, precisions and parallelism are in the file).
     */
    GraphFile fixedGraph(ImportedModel.Fixed fixed) {
        if (phase != null || batch != null || length != null || cached != null || generate != null || weights != null
                || activations != null
                || kv != null || tensorParallel != null || recompute || unfused) {
            throw new IllegalArgumentException(fixed.name() + " is a graph with fixed shapes: --phase, --batch, "
                    + "--prompt/--context, --cached, --generate, --weights, --activations, --kv, --tp, --recompute and "
                    + "--unfused-attention do not apply to it");
        }
        return fixed.file();
    }

    /** The workload the options describe, with the command's defaults for what was not given. */
    Workload workload(Workload.Phase defaultPhase, long defaultBatch, int defaultTensorParallel) {
        Workload.Phase p = phase != null ? Workload.Phase.parse(phase) : defaultPhase;
        if (generate != null && p != Workload.Phase.GENERATION) {
            throw new IllegalArgumentException("--generate applies to --phase generation only (this is " + p.id() + ")");
        }
        if (cached != null && p != Workload.Phase.PREFILL) {
            throw new IllegalArgumentException("--cached applies to --phase prefill only (this is " + p.id() + ")");
        }
        String a = activations != null ? activations : "bf16";
        return new Workload(p, batch != null ? batch : defaultBatch, length != null ? length : 2048,
                p == Workload.Phase.GENERATION ? (generate != null ? generate : 256) : 0,
                new Precisions(Precision.parse(weights != null ? weights : "bf16"), Precision.parse(a),
                        Precision.parse(kv != null ? kv : a)),
                tensorParallel != null ? tensorParallel : defaultTensorParallel, recompute,
                unfused ? Attention.Form.UNFUSED : Attention.Form.FLASH, cached != null ? cached : 0);
    }
}
