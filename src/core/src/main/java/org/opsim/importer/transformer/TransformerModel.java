package org.opsim.importer.transformer;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import org.opsim.graph.Attention;
import org.opsim.graph.Block;
import org.opsim.graph.Graph;
import org.opsim.graph.Op;
import org.opsim.graph.Precision;
import org.opsim.importer.GraphFile;
import org.opsim.importer.transformer.TransformerConfig.Mla;
import org.opsim.importer.transformer.TransformerConfig.Mlp;
import org.opsim.importer.transformer.TransformerConfig.Moe;
import org.opsim.importer.transformer.TransformerConfig.Norm;
import org.opsim.importer.transformer.TransformerConfig.Positions;

/**
 * A transformer architecture with what follows from it: parameter counts, KV-cache size, memory
 * footprint and the operator graph of a {@link Workload}. Immutable and thread-safe. Formulas are
 * in {@code docs/importers.md}.
 */
public final class TransformerModel {

    /** Decode steps of a generation are summed over at most this many context segments. */
    static final int GENERATION_SEGMENTS = 16;

    private final TransformerConfig c;

    public TransformerModel(TransformerConfig config) {
        this.c = Objects.requireNonNull(config, "config");
    }

    public TransformerConfig config() {
        return c;
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
    public long parameterCount() {
        return count(false);
    }

    /** Parameters that touch each token: all but the routed experts a token is not sent to. */
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
    public MemoryFootprint memoryFootprint(Workload w) {
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

    /** The operator graph of one execution of {@code w}, with tokens per execution and source. */
    public GraphFile graph(Workload w) {
        checkParallel(w.tensorParallel());
        if (c.encoder() && w.phase() != Workload.Phase.PREFILL && w.phase() != Workload.Phase.TRAINING) {
            throw new IllegalArgumentException(c.modelType() + " is an encoder: it has no " + w.phase().id()
                    + " phase (use prefill to encode, or training)");
        }
        List<Block> blocks = new ArrayList<>();
        switch (w.phase()) {
            case PREFILL -> blocks.addAll(pass("", w, w.batch(), w.sequenceLength(), w.sequenceLength(), true, false));
            case DECODE -> blocks.addAll(pass("", w, w.batch(), 1, w.sequenceLength() + 1, true, true));
            case GENERATION -> generation(w, blocks);
            case TRAINING -> training(w, blocks);
        }
        Graph g = new Graph(c.modelType() + ": " + w.describe(), blocks);
        return new GraphFile(g, OptionalLong.of(w.tokens()), Optional.of("config " + c.describe()));
    }

    private void generation(Workload w, List<Block> blocks) {
        long p = w.sequenceLength();
        long steps = w.generatedTokens() - 1; // the first token comes out of the prefill
        blocks.addAll(pass("prefill/", w, w.batch(), p, p, true, false));
        if (steps == 0) {
            return;
        }
        // Every decode op but attention is the same at every step: one set of blocks, repeat × steps.
        List<Block> step = pass("decode/", w, w.batch(), 1, p + 1, true, true);
        for (Block b : step) {
            List<Op> rest = b.ops().stream().filter(o -> !(o instanceof Attention)).toList();
            if (!rest.isEmpty()) {
                blocks.add(new Block(b.name(), b.repeat() * steps, rest));
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
            blocks.add(new Block("decode/attention[context " + lo + "-" + hi + "]", repeat * c.layers(), ops));
        }
    }

    private static Attention withKv(Attention a, long kv) {
        return new Attention(a.name(), a.batch(), a.queryHeads(), a.kvHeads(), a.queryLength(), kv, a.headDim(),
                a.valueHeadDim(), a.sharedKv(), a.causal(), a.form(), a.pass(), a.precision(), a.kvPrecision());
    }

    private void training(Workload w, List<Block> blocks) {
        List<Block> forward = pass("forward/", w, w.batch(), w.sequenceLength(), w.sequenceLength(), false, false);
        blocks.addAll(forward);
        if (w.activationRecompute()) {
            for (Block b : forward) {
                if (b.name().contains("layer")) {
                    blocks.add(new Block(b.name().replace("forward/", "recompute/"), b.repeat(), b.ops()));
                }
            }
        }
        for (int i = forward.size() - 1; i >= 0; i--) {
            Block b = forward.get(i);
            blocks.add(new Block(b.name().replace("forward/", "backward/"), b.repeat(), Backward.of(b.ops())));
        }
        int t = w.tensorParallel();
        blocks.add(new Block("optimizer", 1, new org.opsim.graph.OptimizerUpdate("adamw",
                Math.max(1, parameterCount() / t), w.precisions().weights(), w.precisions().activations())));
    }

    /**
     * One pass of {@code batch} sequences of {@code q} new tokens attending to {@code kv} keys:
     * embedding, layers, head. {@code lastTokenLogits}: the head runs on each sequence's last token
     * only (inference); otherwise on every token (training). {@code decodeStep}: MLA uses its
     * absorbed (latent) form.
     */
    private List<Block> pass(String prefix, Workload w, long batch, long q, long kv, boolean lastTokenLogits,
                             boolean decodeStep) {
        Layers layers = new Layers(c, w, batch, q, kv, decodeStep);
        List<Block> out = new ArrayList<>();
        out.add(new Block(prefix + "embed", 1, layers.embedding()));
        if (c.moe().isEmpty()) {
            out.add(new Block(prefix + "layer", c.layers(), layers.layer(false)));
        } else {
            long dense = c.moe().get().firstDenseLayers();
            if (dense > 0) {
                out.add(new Block(prefix + "dense_layer", dense, layers.layer(false)));
            }
            if (c.moeLayers() > 0) {
                out.add(new Block(prefix + "moe_layer", c.moeLayers(), layers.layer(true)));
            }
        }
        out.add(new Block(prefix + "head", 1, layers.head(lastTokenLogits ? batch : batch * q, !lastTokenLogits)));
        return out;
    }

    long kvHeadsPerChip(int t) {
        return Math.max(1, c.kvHeads() / t);
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
