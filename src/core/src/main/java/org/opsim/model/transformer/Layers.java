package org.opsim.model.transformer;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.opsim.graph.AllGather;
import org.opsim.graph.AllReduce;
import org.opsim.graph.Attention;
import org.opsim.graph.BatchedMatMul;
import org.opsim.graph.CausalConv1d;
import org.opsim.graph.CustomOp;
import org.opsim.graph.Elementwise;
import org.opsim.graph.Embedding;
import org.opsim.graph.Engine;
import org.opsim.graph.Gelu;
import org.opsim.graph.GroupedMatMul;
import org.opsim.graph.Indexer;
import org.opsim.graph.LayerNorm;
import org.opsim.graph.LinearAttention;
import org.opsim.graph.MatMul;
import org.opsim.graph.MoeDispatch;
import org.opsim.graph.Op;
import org.opsim.graph.Precision;
import org.opsim.graph.RmsNorm;
import org.opsim.graph.Rope;
import org.opsim.graph.SelectiveScan;
import org.opsim.graph.SiluAndMul;
import org.opsim.graph.Softmax;
import org.opsim.graph.TopK;
import org.opsim.model.Workload;
import org.opsim.model.transformer.LayerSpec.Csa;
import org.opsim.model.transformer.LayerSpec.Dense;
import org.opsim.model.transformer.LayerSpec.Gqa;
import org.opsim.model.transformer.LayerSpec.IndexerSpec;
import org.opsim.model.transformer.LayerSpec.LinearAttn;
import org.opsim.model.transformer.LayerSpec.Mamba;
import org.opsim.model.transformer.LayerSpec.Mla;
import org.opsim.model.transformer.LayerSpec.Moe;
import org.opsim.model.transformer.LayerSpec.NoFfn;
import org.opsim.model.transformer.LayerSpec.NoMixer;
import org.opsim.model.transformer.Quantization.LayerFormats;
import org.opsim.model.transformer.TransformerConfig.Norm;
import org.opsim.model.transformer.TransformerConfig.Positions;

/**
 * The ops of one pass on one chip: {@code batch} sequences of {@code q} new tokens ({@code m = batch·q}
 * rows) attending to {@code kv} keys, with Megatron-style tensor parallelism over {@code t} chips
 * (column-parallel QKV/gate/up, row-parallel output/down, one all-reduce after each mixer and each
 * feed-forward; heads of every mixer split over the chips; vocab-parallel embedding and LM head).
 * Weight formats come from the checkpoint's {@link Quantization} when the model has one, else from
 * the workload's precisions.
 */
final class Layers {
    /** Chunk length of the gated-delta-rule kernels (fla {@code chunk_gated_delta_rule}: 64). */
    static final long LINEAR_CHUNK = 64;

    private final TransformerConfig c;
    private final long batch;
    private final long q;
    private final long kv;
    private final long m;
    private final int t;
    /** Chips the feed-forward layers are split over: t × attention DP (t without it). */
    private final int tf;
    /** Expert parallelism: each chip holds 1/ep of the experts (MoE-TP = tf / ep splits their width). */
    private final int ep;
    private final boolean decodeStep;
    private final Precision w;
    private final Precision a;
    private final Precision kvp;
    private final java.util.Set<Precision> quantisedInputs;
    private final Attention.Form form;
    private final long h;

    Layers(TransformerConfig c, Workload wl, long batch, long q, long kv, boolean decodeStep) {
        this.c = c;
        this.batch = batch;
        this.q = q;
        this.kv = kv;
        this.m = batch * q;
        this.t = wl.tensorParallel();
        this.ep = wl.expertParallel();
        this.tf = wl.feedForwardChips();
        this.decodeStep = decodeStep;
        this.w = wl.precisions().weights();
        this.a = wl.precisions().activations();
        this.kvp = c.quantization().flatMap(Quantization::kvCache).orElse(wl.precisions().kvCache());
        this.quantisedInputs = c.quantization().map(Quantization::quantisedInputs).orElse(java.util.Set.of());
        this.form = wl.attentionForm();
        this.h = c.hiddenSize();
    }

    /** The weight formats of layer {@code i} (the workload's weights for every part without a checkpoint format). */
    LayerFormats formats(int i) {
        return c.quantization().map(qz -> qz.layers().get(i)).orElse(new LayerFormats(w, w, w, w, w));
    }

    private Precision lmHeadFormat() {
        return c.quantization().map(Quantization::lmHead).orElse(w);
    }

    /**
     * A weight GEMM. When the checkpoint's scheme quantises activations too (W8A8, W4A4), a quantised
     * weight's GEMM takes its input in the weight's own format; weight-only schemes (W4A16) keep the
     * activation precision, and the GEMM runs at the wider of the two (it dequantises).
     */
    private MatMul gemm(String name, long rows, long n, long k, Precision weights) {
        return new MatMul(name, rows, n, k, input(weights), weights, a);
    }

    private GroupedMatMul grouped(String name, long rows, long n, long k, long groups, Precision weights) {
        return new GroupedMatMul(name, rows, n, k, groups, input(weights), weights, a);
    }

    /** A weight GEMM's input format: its weights' own under a W=A scheme, else the activations'. */
    private Precision input(Precision weights) {
        return quantisedInputs.contains(weights) ? weights : a;
    }

    List<Op> embedding() {
        List<Op> ops = new ArrayList<>();
        ops.add(new Embedding("embed_tokens", m, h, c.vocabSize(), a));
        if (t > 1) {
            ops.add(new AllReduce("embed_tokens.all_reduce", m * h * a.bytesPerElement(), t));
        }
        if (c.positions() == Positions.LEARNED) {
            ops.add(new Embedding("embed_positions", m, h, c.maxPositions(), a));
            ops.add(Elementwise.add("embed_positions.add", m * h, a));
        }
        if (c.tokenTypes() > 0) {
            ops.add(new Embedding("embed_token_types", m, h, c.tokenTypes(), a));
            ops.add(Elementwise.add("embed_token_types.add", m * h, a));
        }
        if (c.encoder()) {
            ops.add(new LayerNorm("embed_norm", m, h, a));
        }
        return ops;
    }

    List<Op> layer(LayerSpec spec, LayerFormats f) {
        List<Op> ops = new ArrayList<>();
        boolean postNorm = c.encoder();
        boolean hasMixer = !(spec.mixer() instanceof NoMixer);
        boolean hasFfn = !(spec.ffn() instanceof NoFfn);
        int norms = spec.norms();
        if (hasMixer) {
            hyperConnection(ops, "attn");
            if (!postNorm && norms > 0) {
                ops.add(norm("input_norm", m, h));
            }
            mixer(ops, spec.mixer(), f);
            reduce(ops, "attn");
            if (norms == 4) {
                ops.add(norm("post_attention_norm", m, h));
            }
            ops.add(Elementwise.add("attn_residual", m * h, a));
            if (postNorm) {
                ops.add(norm("attn_norm", m, h));
            }
        }
        if (hasFfn) {
            hyperConnection(ops, "mlp");
            if (!postNorm && (norms >= 2 || (norms == 1 && !hasMixer))) {
                ops.add(norm(norms == 4 ? "pre_feedforward_norm" : hasMixer ? "post_attention_norm" : "input_norm", m, h));
            }
            if (spec.ffn() instanceof Moe moe) {
                moe(ops, moe, f);
            } else {
                Dense d = (Dense) spec.ffn();
                mlp(ops, "mlp", m, d.width() / tf, d.gated(), f.mlp());
            }
            if (tf > t) {
                exchange(ops, spec.ffn(), f);
            } else {
                reduce(ops, "mlp", tf);
            }
            if (norms == 4) {
                ops.add(norm("post_feedforward_norm", m, h));
            }
            ops.add(Elementwise.add("mlp_residual", m * h, a));
            if (postNorm) {
                ops.add(norm("output_norm", m, h));
            }
        }
        return ops;
    }

    /**
     * DeepSeek-V4's hyper-connections around a sub-layer, {@code n = hc_mult} residual streams: the
     * dynamic mixing weights (a GEMM from the n·h streams to n² + 2n coefficients) and the mixing
     * itself (reading the n streams and the sub-layer's output, writing n streams: 2·n·(n + 2) FLOPs
     * per hidden value), a custom op with support key {@code hyper_connection}.
     */
    private void hyperConnection(List<Op> ops, String where) {
        int n = c.hyperConnections();
        if (n == 1) {
            return;
        }
        ops.add(new MatMul(where + ".hc_weights", m, (long) n * n + 2L * n, n * h, a, Precision.BF16, Precision.FP32));
        ops.add(new CustomOp(where + ".hc_mix", "hyper_connection", Engine.VECTOR, 0, 2.0 * m * h * n * (n + 2),
                (double) m * h * (2 * n + 1) * a.bytesPerElement(), a));
    }

    /** Final norm and LM head over {@code rows} tokens (BERT: the pooler over the first tokens). */
    List<Op> head(long rows, boolean crossEntropy) {
        List<Op> ops = new ArrayList<>();
        if (c.encoder()) {
            ops.add(new MatMul("pooler", batch, h, h, a, w, a));
            return ops;
        }
        ops.add(norm("final_norm", rows, h));
        long vocabPerChip = ceilDiv(c.vocabSize(), t);
        ops.add(new MatMul("lm_head", rows, vocabPerChip, h, a, lmHeadFormat(), a));
        if (crossEntropy) {
            ops.add(new Softmax("cross_entropy", rows, vocabPerChip, a));
        }
        if (t > 1) {
            ops.add(new AllGather("lm_head.all_gather", rows * c.vocabSize() * a.bytesPerElement(), t));
        }
        return ops;
    }

    private void mixer(List<Op> ops, LayerSpec.Mixer mixer, LayerFormats f) {
        Precision wa = f.attention();
        if (mixer instanceof Gqa g) {
            gqa(ops, g, wa);
        } else if (mixer instanceof Mla ml) {
            mla(ops, ml, wa);
        } else if (mixer instanceof Csa cs) {
            csa(ops, cs, wa);
        } else if (mixer instanceof LinearAttn la) {
            linear(ops, la, wa);
        } else if (mixer instanceof Mamba mb) {
            mamba(ops, mb, wa);
        }
    }

    private void gqa(List<Op> ops, Gqa g, Precision wa) {
        long hq = g.queryHeads() / t;
        long hkv = Math.max(1, g.kvHeads() / t);
        long d = g.headDim();
        long dv = g.valueHeadDim();
        long qWidth = hq * d * (g.outputGate() ? 2 : 1);
        long kvWidth = hkv * (g.kEqV() ? d : d + dv);
        ops.add(gemm("qkv_proj", m, qWidth + kvWidth, h, wa));
        switch (g.qkNorm()) {
            case PER_HEAD -> ops.add(new RmsNorm("qk_norm", m * (hq + hkv), d, a));
            case PER_LAYER -> {
                ops.add(new RmsNorm("q_norm", m, hq * d, a));
                ops.add(new RmsNorm("k_norm", m, hkv * d, a));
            }
            case NONE -> { }
        }
        if (g.ropeDim() > 0 && c.positions() == Positions.ROPE) {
            ops.add(new Rope("rope", m, (hq + hkv) * g.ropeDim(), g.ropeDim(), a));
        }
        Attention.Limit limit = g.limit();
        long keyLimit = g.keyLimit();
        if (g.indexer().isPresent()) {
            IndexerSpec ix = g.indexer().get();
            ops.add(gemm("indexer.qk_proj", m, (ix.heads() + 1) * ix.headDim(), h, wa));
            indexer(ops, ix);
            limit = Attention.Limit.TOP_K;
            keyLimit = ix.topK();
        }
        ops.add(new Attention("attention", batch, hq, hkv, q, kv, d, dv, g.kEqV(), !c.encoder(), form,
                Attention.Pass.FORWARD, a, kvp, limit, keyLimit, g.sinks(), 1));
        if (g.outputGate()) {
            ops.add(Elementwise.mul("attn_output_gate", m * hq * dv, a));
        }
        ops.add(gemm("o_proj", m, h, hq * dv, wa));
    }

    /** The indexer's scores over every visible key and their top-k (DeepSeek sparse attention). */
    private void indexer(List<Op> ops, IndexerSpec ix) {
        ops.add(new Indexer("indexer", batch, ix.heads(), q, kv, ix.headDim(), a, kvp));
        ops.add(new TopK("indexer.topk", m, kv, Math.min(ix.topK(), kv), Precision.FP32));
    }

    /**
     * DeepSeek multi-head latent attention. Prefill and training decompress the latent into per-head
     * K and V for every key (the naive form); a decode step keeps attention in the latent space by
     * absorbing the up-projections into the query and output (the absorbed form DeepSeek serves with),
     * so it reads only the compressed cache. With an indexer every query attends to its top-k keys.
     */
    private void mla(List<Op> ops, Mla ml, Precision wa) {
        long hq = ml.queryHeads() / t;
        if (ml.qLoraRank() > 0) {
            ops.add(gemm("q_a_proj", m, ml.qLoraRank(), h, wa));
            ops.add(new RmsNorm("q_a_norm", m, ml.qLoraRank(), a));
            ops.add(gemm("q_b_proj", m, hq * ml.qkHeadDim(), ml.qLoraRank(), wa));
        } else {
            ops.add(gemm("q_proj", m, hq * ml.qkHeadDim(), h, wa));
        }
        ops.add(gemm("kv_a_proj", m, ml.cacheWidth(), h, wa));
        ops.add(new RmsNorm("kv_a_norm", m, ml.kvLoraRank(), a));
        ops.add(new Rope("rope", m, (hq + 1) * ml.qkRopeHeadDim(), ml.qkRopeHeadDim(), a));
        Attention.Limit limit = Attention.Limit.NONE;
        long keyLimit = 0;
        if (ml.indexer().isPresent()) {
            IndexerSpec ix = ml.indexer().get();
            long source = ml.qLoraRank() > 0 ? ml.qLoraRank() : h;
            ops.add(gemm("indexer.wq_b", m, ix.heads() * ix.headDim(), source, wa));
            ops.add(gemm("indexer.wk", m, ix.headDim(), h, wa));
            ops.add(new LayerNorm("indexer.k_norm", m, ix.headDim(), a));
            ops.add(gemm("indexer.weights_proj", m, ix.heads(), h, wa));
            indexer(ops, ix);
            limit = Attention.Limit.TOP_K;
            keyLimit = ix.topK();
        }
        if (decodeStep) {
            ops.add(new BatchedMatMul("q_absorb", hq, m, ml.kvLoraRank(), ml.qkNopeHeadDim(), a));
            ops.add(new Attention("attention", batch, hq, 1, q, kv, ml.cacheWidth(), ml.kvLoraRank(), true, true,
                    form, Attention.Pass.FORWARD, a, kvp, limit, keyLimit, false, 1));
            ops.add(new BatchedMatMul("v_absorb", hq, m, ml.vHeadDim(), ml.kvLoraRank(), a));
        } else {
            ops.add(gemm("kv_b_proj", batch * kv, hq * (ml.qkNopeHeadDim() + ml.vHeadDim()), ml.kvLoraRank(), wa));
            ops.add(new Attention("attention", batch, hq, hq, q, kv, ml.qkHeadDim(), ml.vHeadDim(), false, true,
                    form, Attention.Pass.FORWARD, a, a, limit, keyLimit, false, 1));
        }
        ops.add(gemm("o_proj", m, h, hq * ml.vHeadDim(), wa));
    }

    /**
     * DeepSeek-V4's attention (see {@link Csa}): q through its LoRA, one shared K=V head, a sliding
     * window over the raw cache and, for a compress ratio r, attention over the pooled cache (every
     * r tokens one entry, built by a gated pooling GEMM), top-k through an indexer where the layer
     * has one; the output through grouped low-rank projections.
     */
    private void csa(List<Op> ops, Csa cs, Precision wa) {
        long hq = cs.queryHeads() / t;
        long d = cs.headDim();
        ops.add(gemm("q_a_proj", m, cs.qLoraRank(), h, wa));
        ops.add(new RmsNorm("q_a_norm", m, cs.qLoraRank(), a));
        ops.add(gemm("q_b_proj", m, hq * d, cs.qLoraRank(), wa));
        ops.add(gemm("kv_proj", m, d, h, wa));
        ops.add(new RmsNorm("kv_norm", m, d, a));
        ops.add(new Rope("rope", m, (hq + 1) * cs.ropeDim(), cs.ropeDim(), a));
        ops.add(new Attention("attention.window", batch, hq, 1, q, kv, d, d, true, true, form, Attention.Pass.FORWARD,
                a, kvp, Attention.Limit.WINDOW, cs.window(), true, 1));
        long r = cs.compressRatio();
        if (r > 0) {
            ops.add(gemm("compressor", m, 2 * d, h, wa));
            ops.add(Elementwise.mul("compressor.pool", m * d, a));
            Attention.Limit limit = Attention.Limit.NONE;
            long keyLimit = 0;
            if (cs.indexer().isPresent()) {
                IndexerSpec ix = cs.indexer().get();
                long entries = ceilDiv(kv, r);
                ops.add(gemm("indexer.wq_b", m, ix.heads() * ix.headDim(), cs.qLoraRank(), wa));
                ops.add(gemm("indexer.compressor", m, 2 * ix.headDim(), h, wa));
                ops.add(gemm("indexer.weights_proj", m, ix.heads(), h, wa));
                // q > 1: query p sees ⌊(p+1)/r⌋ entries, ≈ r sequences of ⌈q/r⌉ queries over the entries.
                ops.add(q == 1 ? new Indexer("indexer", batch, ix.heads(), 1, entries, ix.headDim(), a, kvp)
                        : new Indexer("indexer", batch * r, ix.heads(), Math.min(ceilDiv(q, r), entries), entries,
                                ix.headDim(), a, kvp));
                ops.add(new TopK("indexer.topk", m, entries, Math.min(ix.topK(), entries), Precision.FP32));
                limit = Attention.Limit.TOP_K;
                keyLimit = ix.topK();
            }
            ops.add(new Attention("attention.compressed", batch, hq, 1, q, kv, d, d, true, true, form,
                    Attention.Pass.FORWARD, a, kvp, limit, keyLimit, false, r));
        }
        long groupWidth = hq * d / Math.max(1, cs.oGroups() / t);
        long groups = Math.max(1, cs.oGroups() / t);
        ops.add(new BatchedMatMul("o_a_proj", groups, m, cs.oLoraRank(), groupWidth, a));
        ops.add(gemm("o_b_proj", m, h, groups * cs.oLoraRank(), wa));
    }

    /**
     * A pass of several new tokens after tokens already seen (a prefill chunk): a recurrent layer starts
     * from the state they left, which it reads (a decode step's one token reads it anyway).
     */
    private boolean carried() {
        return q > 1 && kv > q;
    }

    /** Gated delta-rule linear attention: input projections, short conv, the recurrence, gated norm, output. */
    private void linear(List<Op> ops, LinearAttn la, Precision wa) {
        long hk = la.keyHeads() / t;
        long hv = la.valueHeads() / t;
        long dk = la.keyDim();
        long dv = la.valueDim();
        long qkv = 2 * hk * dk + hv * dv;
        // Gated DeltaNet: z (the output gate), β and the decay from in_proj. KDA: its full-rank decay gate and β;
        // its output gate is low rank (h → dv → H·dv), two GEMMs of its own.
        boolean kda = la.kind() == LayerSpec.LinearKind.KDA;
        long gates = kda ? hv * dk + hv : hv * dv + 2 * hv;
        ops.add(gemm("in_proj", m, qkv + gates, h, wa));
        if (kda) {
            ops.add(gemm("output_gate.a", m, dv, h, wa));
            ops.add(gemm("output_gate.b", m, hv * dv, dv, wa));
        }
        ops.add(new CausalConv1d("conv1d", batch, q, qkv, la.convKernel(), a, carried()));
        ops.add(new LinearAttention("linear_attention", batch, q, hk, hv, dk, dv, LINEAR_CHUNK, a, Precision.FP32,
                carried()));
        ops.add(new RmsNorm("o_norm", m * hv, dv, a));
        ops.add(Elementwise.mul("output_gate", m * hv * dv, a));
        ops.add(gemm("out_proj", m, h, hv * dv, wa));
    }

    /** Mamba-2: in_proj (z, x, B, C, dt), causal conv, the SSD scan, gated norm, out_proj. */
    private void mamba(List<Op> ops, Mamba mb, Precision wa) {
        long heads = mb.heads() / t;
        long groups = Math.max(1, mb.groups() / t);
        long inner = heads * mb.headDim();
        long conv = inner + 2 * groups * mb.stateSize();
        ops.add(gemm("in_proj", m, inner + conv + heads, h, wa));
        ops.add(new CausalConv1d("conv1d", batch, q, conv, mb.convKernel(), a, carried()));
        ops.add(new SelectiveScan("ssm_scan", batch, q, heads, mb.headDim(), mb.stateSize(), groups, mb.chunk(), a,
                Precision.FP32, carried()));
        ops.add(new RmsNorm("gated_norm", m, inner, a));
        ops.add(Elementwise.mul("gate", m * inner, a));
        ops.add(gemm("out_proj", m, h, inner, wa));
    }

    private void mlp(List<Op> ops, String name, long rows, long widthPerChip, boolean gated, Precision wf) {
        if (gated) {
            ops.add(gemm(name + ".gate_up_proj", rows, 2 * widthPerChip, h, wf));
            ops.add(new SiluAndMul(name + ".act", rows, widthPerChip, a));
            ops.add(gemm(name + ".down_proj", rows, h, widthPerChip, wf));
        } else {
            ops.add(gemm(name + ".fc_in", rows, widthPerChip, h, wf));
            ops.add(new Gelu(name + ".act", rows * widthPerChip, a));
            ops.add(gemm(name + ".fc_out", rows, h, widthPerChip, wf));
        }
    }

    /**
     * Router (replicated), its top-k, the dispatch of each token's rows to its {@code k} experts,
     * the experts as grouped GEMMs over the experts the batch touches, the weighted combine, then the
     * always-on shared experts. A latent MoE projects into and out of its latent width around it.
     */
    private void moe(List<Op> ops, Moe moe, LayerFormats f) {
        long e = moe.experts();
        long k = moe.expertsPerToken();
        long width = moe.expertWidth() / (tf / ep);
        long groups = ep == 1 ? expertsTouched(e, k, m) : busiestGroups(e, k, m, ep);
        long rows = ep == 1 ? m * k : busiestRows(e, k, m, ep);
        long inner = moe.latent() > 0 ? moe.latent() : h;
        ops.add(gemm("router", m, e, h, f.router()));
        ops.add(new Softmax("router.score", m, e, a));
        ops.add(new TopK("router.topk", m, e, k, a));
        if (moe.latent() > 0) {
            ops.add(gemm("experts.latent_in", m, inner, h, f.experts()));
        }
        // Under EP a chip permutes only the rows its experts receive (the busiest chip's): as ⌈rows/k⌉ tokens of k.
        long permuted = ep == 1 ? m : Math.max(1, (rows + k - 1) / k);
        ops.add(new MoeDispatch("experts.dispatch", MoeDispatch.Direction.DISPATCH, permuted, k, inner, a));
        if (moe.gated()) {
            ops.add(grouped("experts.gate_up_proj", rows, 2 * width, inner, groups, f.experts()));
            ops.add(new SiluAndMul("experts.act", rows, width, a));
        } else {
            ops.add(grouped("experts.fc_in", rows, width, inner, groups, f.experts()));
            ops.add(new Gelu("experts.act", rows * width, a));
        }
        ops.add(grouped("experts.down_proj", rows, inner, width, groups, f.experts()));
        ops.add(new MoeDispatch("experts.combine", MoeDispatch.Direction.COMBINE, permuted, k, inner, a));
        if (moe.latent() > 0) {
            ops.add(gemm("experts.latent_out", m, h, inner, f.experts()));
        }
        if (moe.sharedWidth() > 0) {
            mlp(ops, "shared_experts", m, moe.sharedWidth() / tf, moe.gated(), f.sharedExperts());
        }
    }

    /**
     * Expected number of distinct experts {@code tokens} tokens touch when each picks {@code k} of
     * {@code e} uniformly: {@code e·(1 − (1 − k/e)^tokens)}, rounded up.
     */
    static long expertsTouched(long e, long k, long tokens) {
        double untouched = Math.pow(1.0 - (double) k / e, tokens);
        long touched = (long) Math.ceil(e * (1.0 - untouched) - 1e-9);
        return Math.max(Math.min(e, k), Math.min(e, touched));
    }

    /**
     * E[max of n standard normals] by Blom's approximation, Φ⁻¹((n − 0.375) / (n + 0.25)): 0.56 for 2, 1.03 for 4,
     * 1.43 for 8, 1.77 for 16 (exact 0.56, 1.03, 1.42, 1.77).
     */
    static double expectedMaxOfNormals(int n) {
        if (n <= 1) {
            return 0;
        }
        return new org.apache.commons.math3.distribution.NormalDistribution(null, 0, 1)
                .inverseCumulativeProbability((n - 0.375) / (n + 0.25));
    }

    /**
     * Expert parallelism over {@code ep} chips, {@code e/ep} experts each, under random routing ({@code tokens} tokens
     * each picking {@code k} of {@code e} experts uniformly): the expected number of distinct experts the busiest chip
     * runs. Each expert is touched with p = 1 − (1 − k/e)^tokens; a chip's count is about Binomial(e/ep, p); the
     * busiest of ep is its mean plus its deviation times the expected maximum of ep normals, at most e/ep and at least
     * an even share of the experts touched.
     */
    static long busiestGroups(long e, long k, long tokens, int ep) {
        double n = Math.ceil((double) e / ep);
        double p = 1.0 - Math.pow(1.0 - (double) k / e, tokens);
        double max = n * p + Math.sqrt(n * p * (1 - p)) * expectedMaxOfNormals(ep);
        long even = (expertsTouched(e, k, tokens) + ep - 1) / ep;
        return Math.max(even, Math.min((long) n, (long) Math.ceil(max - 1e-9)));
    }

    /**
     * The expected token-expert rows of the busiest of {@code ep} chips: a token sends Hypergeometric(k of e, e/ep on
     * the chip) rows to a chip, so a chip's rows over {@code tokens} tokens have mean tokens·k/ep and variance
     * tokens·k·(1/ep)·(1 − 1/ep)·(e − k)/(e − 1); the busiest is the mean plus the deviation times the expected maximum
     * of ep normals, at most tokens·min(k, e/ep) and at least an even share.
     */
    static long busiestRows(long e, long k, long tokens, int ep) {
        double mean = (double) tokens * k / ep;
        double var = mean * (1 - 1.0 / ep) * (e - k) / (double) Math.max(1, e - 1);
        double max = mean + Math.sqrt(var) * expectedMaxOfNormals(ep);
        long cap = tokens * Math.min(k, (e + ep - 1) / ep);
        long even = (tokens * k + ep - 1) / ep;
        return Math.max(even, Math.min(cap, (long) Math.ceil(max - 1e-9)));
    }

    /**
     * Attention DP's token exchange around the feed-forward layers over its {@code tf} chips, costed as an all-reduce
     * (an all-gather out and a reduce-scatter back): the tokens go out in the GEMMs' input format (quantised before
     * the exchange, as DeepEP's fp8 dispatch and TensorRT-LLM's quantised all-gather do) and come back in the
     * activations', so the payload counts each element at the mean of the two sizes. Under expert parallelism a
     * token travels only to the chips of its experts: a share {@code 1 − (1 − 1/ep)^k} of them (each of the ep expert
     * groups misses all k of a token's experts with probability about {@code (1 − 1/ep)^k}).
     */
    private void exchange(List<Op> ops, LayerSpec.Ffn ffn, LayerFormats f) {
        double share = 1.0;
        Precision in;
        if (ffn instanceof Moe moe) {
            in = input(f.experts());
            if (ep > 1) {
                share = 1.0 - Math.pow(1.0 - 1.0 / ep, moe.expertsPerToken());
            }
        } else {
            in = input(f.mlp());
        }
        double bytes = m * h * (in.bytesPerElement() + a.bytesPerElement()) / 2.0 * share;
        ops.add(new AllReduce("mlp.all_reduce", bytes, tf));
    }

    private void reduce(List<Op> ops, String name) {
        reduce(ops, name, t);
    }

    private void reduce(List<Op> ops, String name, int chips) {
        if (chips > 1) {
            ops.add(new AllReduce(name + ".all_reduce", m * h * a.bytesPerElement(), chips));
        }
    }

    private Op norm(String name, long rows, long width) {
        return c.norm() == Norm.RMS ? new RmsNorm(name, rows, width, a) : new LayerNorm(name, rows, width, a);
    }

    static long ceilDiv(long x, long y) {
        return (x + y - 1) / y;
    }
}
