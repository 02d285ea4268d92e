package org.opsim.model.transformer;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.opsim.graph.Block;
import org.opsim.graph.Graph;
import org.opsim.graph.Op;
import org.opsim.graph.OptimizerUpdate;
import org.opsim.graph.Precision;
import org.opsim.graph.Stage;
import org.opsim.model.Architecture;
import org.opsim.model.MemoryFootprint;
import org.opsim.model.Model;
import org.opsim.model.Precisions;
import org.opsim.model.Workload;
import org.opsim.model.transformer.LayerSpec.Csa;
import org.opsim.model.transformer.LayerSpec.Dense;
import org.opsim.model.transformer.LayerSpec.Ffn;
import org.opsim.model.transformer.LayerSpec.Gqa;
import org.opsim.model.transformer.LayerSpec.IndexerSpec;
import org.opsim.model.transformer.LayerSpec.LinearAttn;
import org.opsim.model.transformer.LayerSpec.Mamba;
import org.opsim.model.transformer.LayerSpec.Mixer;
import org.opsim.model.transformer.LayerSpec.Mla;
import org.opsim.model.transformer.LayerSpec.Moe;
import org.opsim.model.transformer.Quantization.LayerFormats;
import org.opsim.model.transformer.TransformerConfig.Norm;
import org.opsim.model.transformer.TransformerConfig.Positions;

/**
 * A transformer architecture with what follows from it: parameter counts, KV-cache (and recurrent
 * state) size, memory footprint and the operator graph of a {@link Workload}. Immutable and
 * thread-safe. Formulas are in {@code docs/importers.md}.
 */
public final class TransformerModel implements Model {

    /** Decode steps of a generation are summed over at most this many context segments. */
    static final int GENERATION_SEGMENTS = 16;

    private final String name;
    private final String source;
    private final TransformerConfig c;
    private final long parameters;
    private final long activeParameters;
    /** The distinct layer specs, in first-seen order, and how many layers each stands for. */
    private final LayerSpec[] distinct;
    private final long[] layerCounts;

    /**
     * @param name the model's short name ({@code llama-3.1-70b})
     * @param source where the config came from, for {@link #describe()} ({@code models/hf/llama-3.1-70b.json})
     */
    public TransformerModel(String name, String source, TransformerConfig config) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a model name must not be blank");
        }
        this.name = name;
        this.source = Objects.requireNonNull(source, "source");
        this.c = Objects.requireNonNull(config, "config");
        // Counted once: a sweep asks for the memory footprint (which needs them) at every configuration.
        this.parameters = count(false);
        this.activeParameters = count(true);
        Map<LayerSpec, Long> groups = c.layerGroups();
        this.distinct = groups.keySet().toArray(new LayerSpec[0]);
        this.layerCounts = groups.values().stream().mapToLong(Long::longValue).toArray();
    }

    /** A model named after its {@code model_type}, built in Java. */
    public TransformerModel(TransformerConfig config) {
        this(config.modelType(), "built in Java", config);
    }

    public TransformerConfig config() {
        return c;
    }

    /** The checkpoint's formats, if its config gives them (the graph then uses them for the weights). */
    public Optional<Quantization> quantization() {
        return c.quantization();
    }

    /** The same model with every weight in the workload's precision (the checkpoint's formats set aside). */
    public TransformerModel unquantized() {
        return c.quantization().isEmpty() ? this : new TransformerModel(name, source, c.withQuantization(Optional.empty()));
    }

    /**
     * The model as a serving recipe quantises it: every weight GEMM of the layers (attention, dense MLP, shared and
     * routed experts) in {@code weights}, their inputs quantised to the same format when {@code quantisedInputs}
     * (W8A8, W4A4; else weight-only), routers, embedding and lm_head in bf16 (as the publishers' FP8 and NVFP4
     * checkpoints keep them), the KV cache in {@code kv}. The checkpoint's own formats are set aside. Everything
     * else (norms, residuals, all-reduces, attention's arithmetic) stays in the workload's activations.
     */
    public TransformerModel quantized(String scheme, Precision weights, boolean quantisedInputs, Precision kv) {
        java.util.List<Quantization.LayerFormats> layers = new java.util.ArrayList<>();
        for (long i = 0; i < c.layers(); i++) {
            layers.add(new Quantization.LayerFormats(weights, weights, weights, weights, Precision.BF16));
        }
        return new TransformerModel(name, source, c.withQuantization(Optional.of(new Quantization(scheme, layers,
                Precision.BF16, Precision.BF16, quantisedInputs ? java.util.Set.of(weights) : java.util.Set.of(),
                Optional.of(kv)))));
    }

    /**
     * {@link #quantized} as serving engines run a weight format: its GEMMs quantise their inputs alike where the
     * format has matching arithmetic ({@link #quantisesInputs}), else weight-only. The scheme is named after it.
     */
    public TransformerModel servedIn(Precision weights, Precision kv) {
        return quantized(weights.id() + (quantisesInputs(weights) ? " weights and GEMM inputs" : " weights (weight-only)"),
                weights, quantisesInputs(weights), kv);
    }

    /**
     * Whether serving engines run GEMMs of weights in {@code w} on inputs quantised alike (W8A8, W4A4: fp8, fp8
     * block-scaled, mxfp8, int8, fp4, nvfp4), rather than weight-only with bf16 inputs (int4 and its grouped forms,
     * mxfp4: the dequantising kernels of AWQ/GPTQ and gpt-oss's MoE).
     */
    public static boolean quantisesInputs(Precision w) {
        return switch (w) {
            case FP8, FP8_BLOCK, MXFP8, INT8, FP4, NVFP4 -> true;
            default -> false;
        };
    }

    /**
     * The KV-cache format a serving recipe pairs with weights in {@code w} when none is named: fp8 where the GEMMs
     * quantise their inputs (the publishers' FP8 and NVFP4 serving recipes run an fp8 KV cache), else bf16 (an
     * assumption, docs/serving.md §5). The one place {@code serve} and the serving cases take it from.
     */
    public static Precision servedKvCache(Precision w) {
        return quantisesInputs(w) ? Precision.FP8 : Precision.BF16;
    }

    /** The checkpoint's weight formats with another KV-cache format. */
    public TransformerModel withKvCache(Precision kv) {
        return c.quantization().map(q -> new TransformerModel(name, source, c.withQuantization(Optional.of(
                new Quantization(q.scheme(), q.layers(), q.lmHead(), q.embedding(), q.quantisedInputs(), Optional.of(kv))))))
                .orElse(this);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String describe() {
        StringBuilder sb = new StringBuilder(c.describe()).append(", from ").append(source);
        c.quantization().ifPresent(q -> sb.append("; weights ").append(q.summary()));
        for (String n : c.notes()) {
            sb.append("; ").append(n);
        }
        return sb.toString();
    }

    @Override
    public Set<Workload.Phase> phases() {
        return c.encoder() ? EnumSet.of(Workload.Phase.PREFILL, Workload.Phase.TRAINING) : EnumSet.allOf(Workload.Phase.class);
    }

    @Override
    public Optional<Architecture> architecture() {
        Optional<Architecture.Experts> experts = c.moe().filter(m -> c.moeLayers() > 0)
                .map(m -> new Architecture.Experts(m.experts(), m.expertsPerToken(), c.moeLayers(), routedExpertParameters()));
        long heads = c.queryHeads() > 0 ? c.queryHeads() : 1;
        long kvHeads = c.kvHeads() > 0 ? c.kvHeads() : 1;
        return Optional.of(new Architecture(c.layers(), c.hiddenSize(), heads, kvHeads, experts));
    }

    /** Parameters of all routed experts of all MoE layers. */
    double routedExpertParameters() {
        double total = 0;
        for (LayerSpec l : c.layerSpecs()) {
            if (l.ffn() instanceof Moe m) {
                total += (double) m.experts() * expertParameters(m);
            }
        }
        return total;
    }

    // ---------------------------------------------------------------- parameters

    /** Token (+ position, + token-type) embedding tables, and BERT's embedding LayerNorm. */
    public long embeddingParameters() {
        long h = c.hiddenSize();
        long p = c.vocabSize() * h;
        if (c.positions() == Positions.LEARNED) {
            p += c.maxPositions() * h;
        }
        p += c.tokenTypes() * h;
        if (c.encoder()) {
            p += 2 * h;
        }
        return p;
    }

    /** Token-mixer (attention, linear attention, SSM) weights of one layer. */
    public long mixerParameters(Mixer mixer) {
        long h = c.hiddenSize();
        if (mixer instanceof Gqa g) {
            long d = g.headDim();
            long qWidth = g.queryHeads() * d;
            long kvWidth = g.kvHeads() * (g.kEqV() ? d : d + g.valueHeadDim());
            long p = h * (qWidth * (g.outputGate() ? 2 : 1) + kvWidth) + g.queryHeads() * g.valueHeadDim() * h;
            if (g.qkvBias()) {
                p += qWidth + kvWidth;
            }
            if (g.outputBias()) {
                p += h;
            }
            p += switch (g.qkNorm()) {
                case PER_HEAD -> 2 * d;
                case PER_LAYER -> (g.queryHeads() + g.kvHeads()) * d;
                case NONE -> 0;
            };
            if (g.sinks()) {
                p += g.queryHeads();
            }
            if (g.indexer().isPresent()) {
                IndexerSpec ix = g.indexer().get();
                p += h * (ix.heads() + 1) * ix.headDim();
            }
            return p;
        }
        if (mixer instanceof Mla m) {
            long hq = m.queryHeads();
            long q = m.qLoraRank() > 0
                    ? h * m.qLoraRank() + m.qLoraRank() + m.qLoraRank() * hq * m.qkHeadDim()
                    : h * hq * m.qkHeadDim();
            long kv = h * m.cacheWidth() + m.kvLoraRank() + m.kvLoraRank() * hq * (m.qkNopeHeadDim() + m.vHeadDim());
            long p = q + kv + hq * m.vHeadDim() * h;
            if (m.indexer().isPresent()) {
                IndexerSpec ix = m.indexer().get();
                long source = m.qLoraRank() > 0 ? m.qLoraRank() : h;
                p += source * ix.heads() * ix.headDim() + h * ix.headDim() + 2 * ix.headDim() + h * ix.heads();
            }
            return p;
        }
        if (mixer instanceof Csa cs) {
            long d = cs.headDim();
            long p = h * cs.qLoraRank() + cs.qLoraRank() + cs.qLoraRank() * cs.queryHeads() * d // q
                    + h * d + d                                                             // shared K=V, its norm
                    + cs.queryHeads() * d * cs.oLoraRank() + cs.oGroups() * cs.oLoraRank() * h // grouped low-rank o
                    + cs.queryHeads();                                                      // sinks
            if (cs.compressRatio() > 0) {
                p += h * 2 * d;
                if (cs.indexer().isPresent()) {
                    IndexerSpec ix = cs.indexer().get();
                    p += cs.qLoraRank() * ix.heads() * ix.headDim() + h * 2 * ix.headDim() + h * ix.heads();
                }
            }
            return p;
        }
        if (mixer instanceof LinearAttn la) {
            long hk = la.keyHeads();
            long hv = la.valueHeads();
            long qkv = 2 * hk * la.keyDim() + hv * la.valueDim();
            long conv = la.convChannels() * la.convKernel();
            if (la.kind() == LayerSpec.LinearKind.KDA) {
                // q, k, v; full-rank decay gate h→H·dk; β h→H; output gate low-rank h→dv→H·dv; A_log, dt_bias (H·dk).
                return h * qkv + conv + h * hv * la.keyDim() + h * hv + (h * la.valueDim() + la.valueDim() * hv * la.valueDim())
                        + hv + hv * la.keyDim() + la.valueDim() + hv * la.valueDim() * h;
            }
            // in_proj_qkvz (qkv + z), in_proj_ba (β, a), conv, A_log and dt_bias, the gated norm, out_proj.
            return h * (qkv + hv * la.valueDim() + 2 * hv) + conv + 2 * hv + la.valueDim() + hv * la.valueDim() * h;
        }
        if (mixer instanceof Mamba mb) {
            long inner = mb.innerSize();
            long conv = mb.convChannels();
            return h * (inner + conv + mb.heads()) + conv * mb.convKernel() + conv + 3 * mb.heads() + inner + inner * h;
        }
        return 0;
    }

    private long mlpParameters(long width, boolean gated, boolean bias) {
        long h = c.hiddenSize();
        if (gated) {
            return 3 * h * width + (bias ? 2 * width + h : 0); // gate and up biases (width each), down (h)
        }
        return 2 * h * width + (bias ? width + h : 0);
    }

    /** One routed expert (gpt-oss's biases: gate_up 2·w, down h). */
    private long expertParameters(Moe m) {
        long inner = m.latent() > 0 ? m.latent() : c.hiddenSize();
        long w = m.expertWidth();
        long p = (m.gated() ? 3 : 2) * inner * w;
        if (m.bias()) {
            p += (m.gated() ? 2 * w : w) + inner;
        }
        return p;
    }

    private long ffnParameters(Ffn f, boolean activeOnly) {
        long h = c.hiddenSize();
        if (f instanceof Dense d) {
            return mlpParameters(d.width(), d.gated(), d.bias());
        }
        if (f instanceof Moe m) {
            long router = h * m.experts() + (m.bias() ? m.experts() : 0);
            long experts = (activeOnly ? m.expertsPerToken() : m.experts()) * expertParameters(m);
            long latent = m.latent() > 0 ? 2 * h * m.latent() : 0;
            long shared = m.sharedWidth() > 0 ? mlpParameters(m.sharedWidth(), m.gated(), false) : 0;
            return router + experts + latent + shared;
        }
        return 0;
    }

    private long normParameters(LayerSpec l) {
        return (c.norm() == Norm.RMS ? 1 : 2) * c.hiddenSize() * l.norms();
    }

    /** Hyper-connection mixing weights of one layer: two sub-layers, each n·h → n² + 2n, plus static terms. */
    private long hyperConnectionParameters() {
        long n = c.hyperConnections();
        if (n == 1) {
            return 0;
        }
        return 2 * (n * c.hiddenSize() * (n * n + 2 * n) + (n * n + 2 * n) + 3);
    }

    /** Everything outside the layers after the embeddings: final norm, LM head (if untied), BERT pooler. */
    private long headParameters() {
        long h = c.hiddenSize();
        if (c.encoder()) {
            return h * h + h;
        }
        long finalNorm = c.norm() == Norm.RMS ? h : 2 * h;
        return finalNorm + (c.tiedEmbeddings() ? 0 : c.vocabSize() * h);
    }

    /** All parameters (the figure a model card quotes as the model's size). */
    @Override
    public long parameterCount() {
        return parameters;
    }

    /** Parameters that touch each token: all but the routed experts a token is not sent to. */
    @Override
    public long activeParameterCount() {
        return activeParameters;
    }

    private long count(boolean activeOnly) {
        long total = embeddingParameters() + headParameters();
        for (Map.Entry<LayerSpec, Long> e : c.layerGroups().entrySet()) {
            LayerSpec l = e.getKey();
            long perLayer = mixerParameters(l.mixer()) + ffnParameters(l.ffn(), activeOnly) + normParameters(l)
                    + hyperConnectionParameters();
            total += e.getValue() * perLayer;
        }
        return total;
    }

    // ---------------------------------------------------------------- KV cache and memory

    /**
     * KV-cache bytes each further token of context adds once the context is longer than every
     * window, all layers, whole model (before any parallelism): full-attention layers' K and V (MLA:
     * latent + rope key, plus the indexer's key), compressed layers' 1/r of an entry; sliding-window,
     * chunked and recurrent layers add nothing (see {@link #kvCacheBytes}).
     */
    public double kvCacheBytesPerToken(Precision kv) {
        if (c.encoder()) {
            return 0;
        }
        double total = 0;
        for (LayerSpec l : c.layerSpecs()) {
            total += growthPerToken(l.mixer(), kv, 1);
        }
        return total;
    }

    /** A window or a chunk: the cache holds at most {@code keyLimit} tokens. */
    private static boolean bounded(Gqa g) {
        return g.limit() == org.opsim.graph.Attention.Limit.WINDOW || g.limit() == org.opsim.graph.Attention.Limit.CHUNK;
    }

    /** One token's cache entry of a GQA layer on one of {@code t} chips: K and V (one tensor when K = V), the index key. */
    private static double gqaEntryBytes(Gqa g, int t, double e) {
        long kvHeads = Math.max(1, g.kvHeads() / t);
        return ((double) kvHeads * (g.kEqV() ? g.headDim() : g.headDim() + g.valueHeadDim())
                + g.indexer().map(IndexerSpec::headDim).orElse(0L)) * e;
    }

    private double growthPerToken(Mixer mixer, Precision kv, int t) {
        double e = kv.bytesPerElement();
        if (mixer instanceof Gqa g) {
            return bounded(g) ? 0 : gqaEntryBytes(g, t, e);
        }
        if (mixer instanceof Mla m) {
            return (m.cacheWidth() + m.indexer().map(IndexerSpec::headDim).orElse(0L)) * e;
        }
        if (mixer instanceof Csa cs) {
            if (cs.compressRatio() == 0) {
                return 0;
            }
            long width = cs.headDim() + cs.indexer().map(IndexerSpec::headDim).orElse(0L);
            return (double) width * e / cs.compressRatio();
        }
        return 0;
    }

    /**
     * Bytes of one sequence's cache at {@code context} tokens, all layers, on one of {@code t}
     * tensor-parallel chips: growing caches at their length, windows and chunks at
     * {@code min(context, window)}, DeepSeek-V4's pooled caches at ⌈context/r⌉ entries, linear
     * attention's and Mamba-2's fp32 states and their convolutions' last kernel − 1 inputs (in the
     * activation precision {@code act}).
     */
    public double kvCacheBytes(long context, Precision kv, Precision act, int t) {
        if (c.encoder()) {
            return 0;
        }
        double total = 0;
        double e = kv.bytesPerElement();
        for (int i = 0; i < distinct.length; i++) {
            double before = total;
            Mixer mixer = distinct[i].mixer();
            if (mixer instanceof Gqa g) {
                total += (bounded(g) ? Math.min(context, g.keyLimit()) : context) * gqaEntryBytes(g, t, e);
            } else if (mixer instanceof Mla) {
                total += context * growthPerToken(mixer, kv, t);
            } else if (mixer instanceof Csa cs) {
                total += (double) Math.min(context, cs.window()) * cs.headDim() * e;
                if (cs.compressRatio() > 0) {
                    long entries = Layers.ceilDiv(context, cs.compressRatio());
                    total += (double) entries * (cs.headDim() + cs.indexer().map(IndexerSpec::headDim).orElse(0L)) * e;
                }
            } else if (mixer instanceof LinearAttn la) {
                total += (double) la.stateElements() / t * Precision.FP32.bytesPerElement()
                        + (double) (la.convKernel() - 1) * la.convChannels() / t * act.bytesPerElement();
            } else if (mixer instanceof Mamba mb) {
                total += (double) mb.stateElements() / t * Precision.FP32.bytesPerElement()
                        + (double) (mb.convKernel() - 1) * mb.convChannels() / t * act.bytesPerElement();
            }
            // Layers alike are counted once and weighted by how many there are.
            total = before + (total - before) * layerCounts[i];
        }
        return total;
    }

    /** The weight bytes of the whole model in its checkpoint formats (or {@code w} for all, without them). */
    public double weightBytes(Precision w) {
        if (c.quantization().isEmpty()) {
            return parameterCount() * w.bytesPerElement();
        }
        Quantization q = c.quantization().get();
        double total = embeddingParameters() * q.embedding().bytesPerElement()
                + headParameters() * (c.tiedEmbeddings() ? q.embedding() : q.lmHead()).bytesPerElement();
        for (int i = 0; i < c.layerSpecs().size(); i++) {
            LayerSpec l = c.layerSpecs().get(i);
            LayerFormats f = q.layers().get(i);
            total += mixerParameters(l.mixer()) * f.attention().bytesPerElement();
            total += (normParameters(l) + hyperConnectionParameters()) * 2.0;
            if (l.ffn() instanceof Moe m) {
                long h = c.hiddenSize();
                total += (double) h * m.experts() * f.router().bytesPerElement();
                total += (double) m.experts() * expertParameters(m) * f.experts().bytesPerElement();
                total += (m.latent() > 0 ? 2.0 * h * m.latent() : 0) * f.experts().bytesPerElement();
                total += (m.sharedWidth() > 0 ? mlpParameters(m.sharedWidth(), m.gated(), false) : 0)
                        * f.sharedExperts().bytesPerElement();
            } else {
                total += ffnParameters(l.ffn(), false) * f.mlp().bytesPerElement();
            }
        }
        return total;
    }

    /** What one chip holds for {@code w} (weights, KV cache, activations, training state). */
    @Override
    public MemoryFootprint memoryFootprint(Workload w) {
        if (w.phase() == Workload.Phase.TRAINING && c.quantization().isPresent()) {
            return unquantized().memoryFootprint(w);
        }
        checkPhase(w);
        checkParallel(w);
        int t = w.tensorParallel();
        Precisions p = w.precisions();
        double params = parameterCount();
        double weights = weightBytes(p.weights()) / t;
        long context = w.contextTokens();
        Precision kvp = c.quantization().flatMap(Quantization::kvCache).orElse(p.kvCache());
        double kv = w.phase() == Workload.Phase.TRAINING || c.encoder() ? 0
                : w.batch() * kvCacheBytes(context, kvp, p.activations(), t);
        double a = p.activations().bytesPerElement();
        long h = c.hiddenSize();
        double activations;
        double training = 0;
        if (w.phase() == Workload.Phase.TRAINING) {
            double tokens = (double) w.batch() * w.sequenceLength();
            // Korthikanti et al. 2022, "Reducing Activation Recomputation in Large Transformer Models",
            // Table 2: 34·s·b·h/t bytes per layer with 16-bit activations, tensor and sequence parallelism
            // and a flash (score-free) attention; 2·s·b·h per layer with full recompute.
            double perLayer = w.activationRecompute() ? 2 * tokens * h : 34 * tokens * h / t;
            activations = c.layers() * perLayer * (a / 2.0) + tokens * c.vocabSize() / t * a;
            training = params / t * (p.activations().bytesPerElement() + 12.0);
        } else {
            // A decode step works on one row per sequence; prefill (also a generation's) on every prompt token.
            double rows = w.phase() == Workload.Phase.DECODE ? w.batch() : (double) w.batch() * w.sequenceLength();
            activations = 2 * rows * widestActivation(t) * a + w.batch() * (double) c.vocabSize() / t * a;
        }
        return new MemoryFootprint(weights, kv, activations, training);
    }

    /** The widest per-token activation any layer writes on one chip. */
    private long widestActivation(int t) {
        long widest = c.hiddenSize();
        for (LayerSpec l : distinct) {
            if (l.mixer() instanceof Gqa g) {
                widest = Math.max(widest, (2 * g.queryHeads() + 2 * g.kvHeads()) * g.headDim() / t);
            } else if (l.mixer() instanceof Mla m) {
                widest = Math.max(widest, m.queryHeads() * (m.qkHeadDim() + m.vHeadDim()) / t);
            } else if (l.mixer() instanceof Csa cs) {
                widest = Math.max(widest, cs.queryHeads() * cs.headDim() / t);
            } else if (l.mixer() instanceof LinearAttn la) {
                widest = Math.max(widest, 2 * la.convChannels() / t);
            } else if (l.mixer() instanceof Mamba mb) {
                widest = Math.max(widest, 2 * (mb.innerSize() + mb.convChannels()) / t);
            }
            if (l.ffn() instanceof Dense d) {
                widest = Math.max(widest, 2 * d.width() / t);
            } else if (l.ffn() instanceof Moe m) {
                widest = Math.max(widest, m.expertsPerToken() * 2 * m.expertWidth() / t);
            }
        }
        return widest;
    }

    // ---------------------------------------------------------------- graphs

    /**
     * The operator graph of one execution of {@code w} on one chip. Training runs in the workload's
     * precisions: a checkpoint's storage formats are for serving (training keeps bf16/fp32 weights).
     */
    @Override
    public Graph graph(Workload w) {
        if (w.phase() == Workload.Phase.TRAINING && c.quantization().isPresent()) {
            return unquantized().graph(w);
        }
        checkPhase(w);
        checkParallel(w);
        List<Block> blocks = new ArrayList<>();
        switch (w.phase()) {
            case PREFILL -> blocks.addAll(pass("", Stage.PREFILL, w, w.batch(), w.sequenceLength(), w.contextTokens(),
                    true, false));
            case DECODE -> blocks.addAll(pass("", Stage.DECODE, w, w.batch(), 1, w.sequenceLength() + 1, true, true));
            case GENERATION -> generation(w, blocks);
            case TRAINING -> training(w, blocks);
        }
        return new Graph(name + ": " + describe(w), blocks);
    }

    /**
     * A prefill, then {@code generated − 1} decode steps. Ops that do not depend on the context (all
     * but attention, its indexer and the indexer's top-k) are the same at every step: one set of
     * blocks, repeat × steps. The context-dependent ones are found by building the step at two
     * contexts and comparing; they are summed over contexts p+1 … p+steps in at most
     * {@link #GENERATION_SEGMENTS} segments, each at its mean context (two middle contexts when the
     * segment's length is even), so the sum is exact for every op linear in the context.
     */
    private void generation(Workload w, List<Block> blocks) {
        long p = w.sequenceLength();
        long steps = w.generatedTokens() - 1; // the first token comes out of the prefill
        blocks.addAll(pass("prefill/", Stage.PREFILL, w, w.batch(), p, p, true, false));
        if (steps == 0) {
            return;
        }
        List<Block> step = decodeStep(w, p + 1);
        List<Block> other = decodeStep(w, p + 2);
        List<boolean[]> varies = new ArrayList<>();
        for (int b = 0; b < step.size(); b++) {
            List<Op> ops = step.get(b).ops();
            boolean[] v = new boolean[ops.size()];
            List<Op> rest = new ArrayList<>();
            for (int i = 0; i < ops.size(); i++) {
                v[i] = !ops.get(i).equals(other.get(b).ops().get(i));
                if (!v[i]) {
                    rest.add(ops.get(i));
                }
            }
            varies.add(v);
            if (!rest.isEmpty()) {
                blocks.add(new Block(step.get(b).name(), Stage.DECODE, step.get(b).repeat() * steps, rest));
            }
        }
        long segments = Math.min(steps, GENERATION_SEGMENTS);
        long first = p + 1;
        for (long s = 0; s < segments; s++) {
            long lo = first + steps * s / segments;
            long hi = first + steps * (s + 1) / segments - 1;
            long n = hi - lo + 1;
            List<List<Block>> at = new ArrayList<>();
            long repeat;
            if ((lo + hi) % 2 == 0) {
                at.add(decodeStep(w, (lo + hi) / 2));
                repeat = n;
            } else {
                // lo + hi odd ⇒ n even: half the steps at each of the two middle contexts.
                at.add(decodeStep(w, (lo + hi - 1) / 2));
                at.add(decodeStep(w, (lo + hi + 1) / 2));
                repeat = n / 2;
            }
            for (int b = 0; b < step.size(); b++) {
                boolean[] v = varies.get(b);
                List<Op> ops = new ArrayList<>();
                for (List<Block> built : at) {
                    List<Op> all = built.get(b).ops();
                    for (int i = 0; i < all.size(); i++) {
                        if (v[i]) {
                            ops.add(all.get(i));
                        }
                    }
                }
                if (!ops.isEmpty()) {
                    String base = step.get(b).name().substring("decode/".length());
                    blocks.add(new Block("decode/" + base + "/attention[context " + lo + "-" + hi + "]", Stage.DECODE,
                            repeat * step.get(b).repeat(), ops));
                }
            }
        }
    }

    /** {@code w.describe()}, with the checkpoint's formats in place of the workload's weight (and KV) precision. */
    @Override
    public String describe(Workload w) {
        String d = w.describe();
        if (c.quantization().isEmpty()) {
            return d;
        }
        Quantization q = c.quantization().get();
        d = d.replace("weights " + w.precisions().weights().id(), "weights as in the checkpoint (" + q.scheme() + ")");
        if (q.kvCache().isPresent()) {
            d = d.replace("KV " + w.precisions().kvCache().id(), "KV " + q.kvCache().get().id());
        }
        return d;
    }

    /** One decode step's blocks at {@code kv} keys (the context including the new token). */
    private List<Block> decodeStep(Workload w, long kv) {
        return pass("decode/", Stage.DECODE, w, w.batch(), 1, kv, true, true);
    }

    private void training(Workload w, List<Block> blocks) {
        List<Block> forward = pass("", Stage.FORWARD, w, w.batch(), w.sequenceLength(), w.sequenceLength(), false, false);
        for (Block b : forward) {
            blocks.add(b.renamed("forward/" + b.name()));
        }
        if (w.activationRecompute()) {
            // The layers (everything between the embedding and the head) run forward once more.
            for (Block b : forward.subList(1, forward.size() - 1)) {
                blocks.add(new Block("recompute/" + b.name(), Stage.RECOMPUTE, b.repeat(), b.ops()));
            }
        }
        for (int i = forward.size() - 1; i >= 0; i--) {
            Block b = forward.get(i);
            blocks.add(new Block("backward/" + b.name(), Stage.BACKWARD, b.repeat(), Backward.of(b.ops())));
        }
        int t = w.tensorParallel();
        blocks.add(new Block("optimizer", Stage.OPTIMIZER, 1, new OptimizerUpdate("adamw",
                Math.max(1, parameterCount() / t), w.precisions().weights(), w.precisions().activations())));
    }

    /**
     * One pass of {@code batch} sequences of {@code q} new tokens attending to {@code kv} keys:
     * embedding, layers (identical layers, formats included, as one block repeated), head.
     * {@code lastTokenLogits}: the head runs on each sequence's last token only (inference); otherwise
     * on every token (training). {@code decodeStep}: MLA uses its absorbed (latent) form.
     */
    private List<Block> pass(String prefix, Stage stage, Workload w, long batch, long q, long kv,
                             boolean lastTokenLogits, boolean decodeStep) {
        Layers layers = new Layers(c, w, batch, q, kv, decodeStep);
        List<Block> out = new ArrayList<>();
        out.add(new Block(prefix + "embed", stage, 1, layers.embedding()));
        Map<List<Object>, long[]> groups = new LinkedHashMap<>();
        List<LayerSpec> specs = c.layerSpecs();
        for (int i = 0; i < specs.size(); i++) {
            List<Object> key = List.of(specs.get(i), layers.formats(i));
            groups.computeIfAbsent(key, k -> new long[] {0, 0})[0]++;
        }
        boolean uniform = groups.size() == 1;
        int g = 0;
        for (Map.Entry<List<Object>, long[]> e : groups.entrySet()) {
            LayerSpec spec = (LayerSpec) e.getKey().get(0);
            LayerFormats f = (LayerFormats) e.getKey().get(1);
            String blockName = uniform ? "layer" : "layer." + g + "[" + blockLabel(spec) + "]";
            out.add(new Block(prefix + blockName, stage, e.getValue()[0], layers.layer(spec, f)));
            g++;
        }
        out.add(new Block(prefix + "head", stage, 1, layers.head(lastTokenLogits ? batch : batch * q, !lastTokenLogits)));
        return out;
    }

    private static String blockLabel(LayerSpec l) {
        String mixer;
        if (l.mixer() instanceof Gqa g) {
            mixer = g.limit() == org.opsim.graph.Attention.Limit.NONE ? (g.indexer().isPresent() ? "sparse" : "attn")
                    : g.limit().id() + "-" + g.keyLimit();
        } else if (l.mixer() instanceof Mla m) {
            mixer = m.indexer().isPresent() ? "mla-sparse" : "mla";
        } else if (l.mixer() instanceof Csa cs) {
            mixer = "csa-" + cs.compressRatio();
        } else if (l.mixer() instanceof LinearAttn) {
            mixer = "linear";
        } else if (l.mixer() instanceof Mamba) {
            mixer = "mamba";
        } else {
            mixer = "-";
        }
        String ffn = l.ffn() instanceof Dense ? "dense" : l.ffn() instanceof Moe ? "moe" : "-";
        return mixer + "/" + ffn;
    }

    private void checkPhase(Workload w) {
        if (!phases().contains(w.phase())) {
            throw new IllegalArgumentException(name + " (" + c.modelType() + ") is an encoder: it has no " + w.phase().id()
                    + " phase (use prefill to encode, or training)");
        }
        if (c.encoder() && w.cachedTokens() != 0) {
            throw new IllegalArgumentException(name + " (" + c.modelType() + ") is an encoder: it keeps no cache, so a prefill"
                    + " chunk after " + w.cachedTokens() + " cached tokens does not apply to it");
        }
    }

    /** Attention split over TP; the feed-forward layers over TP × attention DP, experts by EP × MoE-TP. */
    private void checkParallel(Workload w) {
        int t = w.tensorParallel();
        int tf = w.feedForwardChips();
        int moeTp = tf / w.expertParallel();
        if (w.expertParallel() > 1 && java.util.Arrays.stream(distinct).noneMatch(l -> l.ffn() instanceof Moe)) {
            throw new IllegalArgumentException("expert parallelism " + w.expertParallel() + " needs a mixture of experts; "
                    + name + " (" + c.modelType() + ") has none");
        }
        if (tf == 1) {
            return;
        }
        for (LayerSpec l : distinct) {
            Mixer mixer = l.mixer();
            if (mixer instanceof Gqa g) {
                divides(t, g.queryHeads(), "attention heads");
                if (g.kvHeads() % t != 0 && t % g.kvHeads() != 0) {
                    throw new IllegalArgumentException("tensor-parallel degree " + t + " and the " + g.kvHeads()
                            + " key/value heads of " + c.modelType() + " do not divide one another");
                }
            } else if (mixer instanceof Mla m) {
                divides(t, m.queryHeads(), "attention heads");
            } else if (mixer instanceof Csa cs) {
                divides(t, cs.queryHeads(), "attention heads");
            } else if (mixer instanceof LinearAttn la) {
                divides(t, la.keyHeads(), "linear-attention key heads");
                divides(t, la.valueHeads(), "linear-attention value heads");
            } else if (mixer instanceof Mamba mb) {
                divides(t, mb.heads(), "Mamba heads");
                divides(t, mb.groups(), "Mamba groups");
            }
            if (l.ffn() instanceof Dense d) {
                divides(tf, d.width(), "intermediate size");
            } else if (l.ffn() instanceof Moe m) {
                divides(moeTp, m.expertWidth(), "expert width");
                if (m.sharedWidth() > 0) {
                    divides(tf, m.sharedWidth(), "shared-expert width");
                }
            }
        }
    }

    private void divides(int t, long v, String what) {
        if (v % t != 0) {
            throw new IllegalArgumentException("tensor-parallel degree " + t + " does not divide the " + v + " " + what
                    + " of " + c.modelType());
        }
    }
}
