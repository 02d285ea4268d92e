package org.opsim.model.transformer;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.opsim.graph.Attention;
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
import org.opsim.model.transformer.TransformerConfig.Mla;
import org.opsim.model.transformer.TransformerConfig.Mlp;
import org.opsim.model.transformer.TransformerConfig.Moe;
import org.opsim.model.transformer.TransformerConfig.Norm;
import org.opsim.model.transformer.TransformerConfig.Positions;

/**
 * A transformer architecture with what follows from it: parameter counts, KV-cache size, memory
 * footprint and the operator graph of a {@link Workload}. Immutable and thread-safe. Formulas are
 * in {@code docs/importers.md}.
 */
public final class TransformerModel implements Model {

    /** Decode steps of a generation are summed over at most this many context segments. */
    static final int GENERATION_SEGMENTS = 16;

    private final String name;
    private final String source;
    private final TransformerConfig c;

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
    }

    /** A model named after its {@code model_type}, built in Java. */
    public TransformerModel(TransformerConfig config) {
        this(config.modelType(), "built in Java", config);
    }

    public TransformerConfig config() {
        return c;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String describe() {
        return c.describe() + ", from " + source;
    }

    @Override
    public Set<Workload.Phase> phases() {
        return c.encoder() ? EnumSet.of(Workload.Phase.PREFILL, Workload.Phase.TRAINING) : EnumSet.allOf(Workload.Phase.class);
    }

    @Override
    public Optional<Architecture> architecture() {
        Optional<Architecture.Experts> experts = c.moe().filter(m -> c.moeLayers() > 0)
                .map(m -> new Architecture.Experts(m.experts(), m.expertsPerToken(), c.moeLayers(), routedExpertParameters()));
        return Optional.of(new Architecture(c.layers(), c.hiddenSize(), c.queryHeads(), c.kvHeads(), experts));
    }

    /**
     * Parameters of all routed experts: {@code (all − active) · E/(E − k)}, since the parameters a token
     * does not touch are exactly the {@code E − k} experts it is not routed to, in every MoE layer.
     */
    double routedExpertParameters() {
        Moe m = c.moe().orElseThrow();
        if (m.experts() == m.expertsPerToken()) {
            return (double) c.moeLayers() * m.experts() * mlpParameters(m.expertIntermediateSize());
        }
        return (double) (parameterCount() - activeParameterCount()) * m.experts() / (m.experts() - m.expertsPerToken());
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

    /** Attention weights and biases of one layer. */
    public long attentionParametersPerLayer() {
        long h = c.hiddenSize();
        if (c.mla().isPresent()) {
            Mla m = c.mla().get();
            long hq = c.queryHeads();
            long q = m.qLoraRank() > 0
                    ? h * m.qLoraRank() + m.qLoraRank() + m.qLoraRank() * hq * m.qkHeadDim()
                    : h * hq * m.qkHeadDim();
            long kv = h * m.cacheWidth() + m.kvLoraRank() + m.kvLoraRank() * hq * (m.qkNopeHeadDim() + m.vHeadDim());
            return q + kv + hq * m.vHeadDim() * h;
        }
        long qkv = (c.queryHeads() + 2 * c.kvHeads()) * c.headDim();
        long p = h * qkv + c.queryHeads() * c.headDim() * h;
        if (c.qkvBias()) {
            p += qkv;
        }
        if (c.outputBias()) {
            p += h;
        }
        return p;
    }

    /** Feed-forward weights of one dense layer. */
    public long denseMlpParametersPerLayer() {
        return mlpParameters(c.intermediateSize());
    }

    private long mlpParameters(long width) {
        long h = c.hiddenSize();
        if (c.mlp() == Mlp.SWIGLU) {
            return 3 * h * width + (c.mlpBias() ? 3 * width : 0);
        }
        return 2 * h * width + (c.mlpBias() ? width + h : 0);
    }

    private long normParametersPerLayer() {
        return (c.norm() == Norm.RMS ? 2 : 4) * c.hiddenSize();
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

    private long moeLayerParameters(long expertsCounted) {
        Moe m = c.moe().orElseThrow();
        long router = c.hiddenSize() * m.experts();
        return router + (expertsCounted + m.sharedExperts()) * mlpParameters(m.expertIntermediateSize());
    }

    /** All parameters (the figure a model card quotes as the model's size). */
    @Override
    public long parameterCount() {
        return count(false);
    }

    /** Parameters that touch each token: all but the routed experts a token is not sent to. */
    @Override
    public long activeParameterCount() {
        return count(true);
    }

    private long count(boolean activeOnly) {
        long perLayerFixed = attentionParametersPerLayer() + normParametersPerLayer();
        long total = embeddingParameters() + headParameters() + c.layers() * perLayerFixed;
        if (c.moe().isEmpty()) {
            return total + c.layers() * denseMlpParametersPerLayer();
        }
        Moe m = c.moe().get();
        total += m.firstDenseLayers() * denseMlpParametersPerLayer();
        total += c.moeLayers() * moeLayerParameters(activeOnly ? m.expertsPerToken() : m.experts());
        return total;
    }

    // ---------------------------------------------------------------- KV cache and memory

    /** KV-cache bytes per token of context, all layers, whole model (before any parallelism). */
    public double kvCacheBytesPerToken(Precision kv) {
        long perLayer = c.mla().map(Mla::cacheWidth).orElse(2 * c.kvHeads() * c.headDim());
        return c.encoder() ? 0 : (double) c.layers() * perLayer * kv.bytesPerElement();
    }

    /** What one chip holds for {@code w} (weights, KV cache, activations, training state). */
    @Override
    public MemoryFootprint memoryFootprint(Workload w) {
        checkPhase(w);
        checkParallel(w.tensorParallel());
        int t = w.tensorParallel();
        Precisions p = w.precisions();
        double params = parameterCount();
        double weights = params * p.weights().bytesPerElement() / t;
        long context = switch (w.phase()) {
            case PREFILL, TRAINING -> w.sequenceLength();
            case DECODE -> w.sequenceLength() + 1;
            case GENERATION -> w.sequenceLength() + w.generatedTokens();
        };
        double kvPerTokenPerChip = c.mla().isPresent()
                ? kvCacheBytesPerToken(p.kvCache())
                : (double) c.layers() * 2 * kvHeadsPerChip(t) * c.headDim() * p.kvCache().bytesPerElement();
        double kv = w.phase() == Workload.Phase.TRAINING || c.encoder() ? 0 : w.batch() * context * kvPerTokenPerChip;
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
            long widest = Math.max(h, Math.max((c.queryHeads() + 2 * c.kvHeads()) * c.headDim() / t,
                    2 * c.intermediateSize() / t));
            if (c.moe().isPresent()) {
                Moe m = c.moe().get();
                widest = Math.max(widest, m.expertsPerToken() * 2 * m.expertIntermediateSize() / t);
            }
            activations = 2 * rows * widest * a + w.batch() * (double) c.vocabSize() / t * a;
        }
        return new MemoryFootprint(weights, kv, activations, training);
    }

    // ---------------------------------------------------------------- graphs

    /** The operator graph of one execution of {@code w} on one chip. */
    @Override
    public Graph graph(Workload w) {
        checkPhase(w);
        checkParallel(w.tensorParallel());
        List<Block> blocks = new ArrayList<>();
        switch (w.phase()) {
            case PREFILL -> blocks.addAll(pass("", Stage.PREFILL, w, w.batch(), w.sequenceLength(), w.sequenceLength(),
                    true, false));
            case DECODE -> blocks.addAll(pass("", Stage.DECODE, w, w.batch(), 1, w.sequenceLength() + 1, true, true));
            case GENERATION -> generation(w, blocks);
            case TRAINING -> training(w, blocks);
        }
        return new Graph(name + ": " + w.describe(), blocks);
    }

    private void generation(Workload w, List<Block> blocks) {
        long p = w.sequenceLength();
        long steps = w.generatedTokens() - 1; // the first token comes out of the prefill
        blocks.addAll(pass("prefill/", Stage.PREFILL, w, w.batch(), p, p, true, false));
        if (steps == 0) {
            return;
        }
        // Every decode op but attention is the same at every step: one set of blocks, repeat × steps.
        List<Block> step = pass("decode/", Stage.DECODE, w, w.batch(), 1, p + 1, true, true);
        for (Block b : step) {
            List<Op> rest = b.ops().stream().filter(o -> !(o instanceof Attention)).toList();
            if (!rest.isEmpty()) {
                blocks.add(new Block(b.name(), Stage.DECODE, b.repeat() * steps, rest));
            }
        }
        // Attention reads a cache that grows by one token a step: contexts p+1 … p+steps, split into
        // segments whose attention ops have the segment's mean context, so Σ kvLength is exact.
        Block layer = step.stream().filter(b -> b.ops().stream().anyMatch(o -> o instanceof Attention)).findFirst().orElseThrow();
        Attention proto = (Attention) layer.ops().stream().filter(o -> o instanceof Attention).findFirst().orElseThrow();
        long segments = Math.min(steps, GENERATION_SEGMENTS);
        long first = p + 1;
        for (long s = 0; s < segments; s++) {
            long lo = first + steps * s / segments;
            long hi = first + steps * (s + 1) / segments - 1;
            long n = hi - lo + 1;
            List<Op> ops = new ArrayList<>();
            long repeat;
            if ((lo + hi) % 2 == 0) {
                ops.add(withKv(proto, (lo + hi) / 2));
                repeat = n;
            } else {
                // lo + hi odd ⇒ n even: half the steps at each of the two middle contexts.
                ops.add(withKv(proto, (lo + hi - 1) / 2));
                ops.add(withKv(proto, (lo + hi + 1) / 2));
                repeat = n / 2;
            }
            blocks.add(new Block("decode/attention[context " + lo + "-" + hi + "]", Stage.DECODE, repeat * c.layers(), ops));
        }
    }

    private static Attention withKv(Attention a, long kv) {
        return new Attention(a.name(), a.batch(), a.queryHeads(), a.kvHeads(), a.queryLength(), kv, a.headDim(),
                a.valueHeadDim(), a.sharedKv(), a.causal(), a.form(), a.pass(), a.precision(), a.kvPrecision());
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
     * embedding, layers, head. {@code lastTokenLogits}: the head runs on each sequence's last token
     * only (inference); otherwise on every token (training). {@code decodeStep}: MLA uses its
     * absorbed (latent) form.
     */
    private List<Block> pass(String prefix, Stage stage, Workload w, long batch, long q, long kv,
                             boolean lastTokenLogits, boolean decodeStep) {
        Layers layers = new Layers(c, w, batch, q, kv, decodeStep);
        List<Block> out = new ArrayList<>();
        out.add(new Block(prefix + "embed", stage, 1, layers.embedding()));
        if (c.moe().isEmpty()) {
            out.add(new Block(prefix + "layer", stage, c.layers(), layers.layer(false)));
        } else {
            long dense = c.moe().get().firstDenseLayers();
            if (dense > 0) {
                out.add(new Block(prefix + "dense_layer", stage, dense, layers.layer(false)));
            }
            if (c.moeLayers() > 0) {
                out.add(new Block(prefix + "moe_layer", stage, c.moeLayers(), layers.layer(true)));
            }
        }
        out.add(new Block(prefix + "head", stage, 1, layers.head(lastTokenLogits ? batch : batch * q, !lastTokenLogits)));
        return out;
    }

    long kvHeadsPerChip(int t) {
        return Math.max(1, c.kvHeads() / t);
    }

    private void checkPhase(Workload w) {
        if (!phases().contains(w.phase())) {
            throw new IllegalArgumentException(name + " (" + c.modelType() + ") is an encoder: it has no " + w.phase().id()
                    + " phase (use prefill to encode, or training)");
        }
    }

    private void checkParallel(int t) {
        if (t == 1) {
            return;
        }
        if (c.queryHeads() % t != 0) {
            throw new IllegalArgumentException("tensor-parallel degree " + t + " does not divide the "
                    + c.queryHeads() + " attention heads of " + c.modelType());
        }
        if (c.kvHeads() % t != 0 && t % c.kvHeads() != 0) {
            throw new IllegalArgumentException("tensor-parallel degree " + t + " and the " + c.kvHeads()
                    + " key/value heads of " + c.modelType() + " do not divide one another");
        }
        if (c.intermediateSize() % t != 0) {
            throw new IllegalArgumentException("tensor-parallel degree " + t + " does not divide the intermediate size "
                    + c.intermediateSize() + " of " + c.modelType());
        }
        if (c.moe().isPresent() && c.moe().get().expertIntermediateSize() % t != 0) {
            throw new IllegalArgumentException("tensor-parallel degree " + t + " does not divide the expert width "
                    + c.moe().get().expertIntermediateSize() + " of " + c.modelType());
        }
    }
}
