package org.opsim.model.transformer;

import java.util.ArrayList;
import java.util.List;
import org.opsim.graph.AllGather;
import org.opsim.graph.AllReduce;
import org.opsim.graph.Attention;
import org.opsim.graph.BatchedMatMul;
import org.opsim.graph.Elementwise;
import org.opsim.graph.Embedding;
import org.opsim.graph.Gelu;
import org.opsim.graph.GroupedMatMul;
import org.opsim.graph.LayerNorm;
import org.opsim.graph.MatMul;
import org.opsim.graph.Op;
import org.opsim.graph.Precision;
import org.opsim.graph.RmsNorm;
import org.opsim.graph.Rope;
import org.opsim.graph.SiluAndMul;
import org.opsim.graph.Softmax;
import org.opsim.model.Workload;
import org.opsim.model.transformer.TransformerConfig.Mla;
import org.opsim.model.transformer.TransformerConfig.Mlp;
import org.opsim.model.transformer.TransformerConfig.Moe;
import org.opsim.model.transformer.TransformerConfig.Norm;
import org.opsim.model.transformer.TransformerConfig.Positions;

/**
 * The ops of one pass on one chip: {@code batch} sequences of {@code q} new tokens ({@code m = batch·q}
 * rows) attending to {@code kv} keys, with Megatron-style tensor parallelism over {@code t} chips
 * (column-parallel QKV/gate/up, row-parallel output/down, one all-reduce after each; vocab-parallel
 * embedding and LM head).
 */
final class Layers {
    private final TransformerConfig c;
    private final long batch;
    private final long q;
    private final long kv;
    private final long m;
    private final int t;
    private final boolean decodeStep;
    private final Precision w;
    private final Precision a;
    private final Precision kvp;
    private final Attention.Form form;
    private final long h;

    Layers(TransformerConfig c, Workload wl, long batch, long q, long kv, boolean decodeStep) {
        this.c = c;
        this.batch = batch;
        this.q = q;
        this.kv = kv;
        this.m = batch * q;
        this.t = wl.tensorParallel();
        this.decodeStep = decodeStep;
        this.w = wl.precisions().weights();
        this.a = wl.precisions().activations();
        this.kvp = wl.precisions().kvCache();
        this.form = wl.attentionForm();
        this.h = c.hiddenSize();
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

    List<Op> layer(boolean moeLayer) {
        List<Op> ops = new ArrayList<>();
        boolean postNorm = c.encoder();
        if (!postNorm) {
            ops.add(norm("input_norm", m, h));
        }
        if (c.mla().isPresent()) {
            mla(ops, c.mla().get());
        } else {
            attention(ops);
        }
        reduce(ops, "attn");
        ops.add(Elementwise.add("attn_residual", m * h, a));
        if (postNorm) {
            ops.add(norm("attn_norm", m, h));
        } else {
            ops.add(norm("post_attention_norm", m, h));
        }
        if (moeLayer) {
            moe(ops, c.moe().orElseThrow());
        } else {
            mlp(ops, "mlp", m, c.intermediateSize() / t);
        }
        reduce(ops, "mlp");
        ops.add(Elementwise.add("mlp_residual", m * h, a));
        if (postNorm) {
            ops.add(norm("output_norm", m, h));
        }
        return ops;
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
        ops.add(new MatMul("lm_head", rows, vocabPerChip, h, a, w, a));
        if (crossEntropy) {
            ops.add(new Softmax("cross_entropy", rows, vocabPerChip, a));
        }
        if (t > 1) {
            ops.add(new AllGather("lm_head.all_gather", rows * c.vocabSize() * a.bytesPerElement(), t));
        }
        return ops;
    }

    private void attention(List<Op> ops) {
        long hq = c.queryHeads() / t;
        long hkv = Math.max(1, c.kvHeads() / t);
        long d = c.headDim();
        ops.add(new MatMul("qkv_proj", m, (hq + 2 * hkv) * d, h, a, w, a));
        if (c.positions() == Positions.ROPE) {
            ops.add(new Rope("rope", m, (hq + hkv) * d, d, a));
        }
        ops.add(new Attention("attention", batch, hq, hkv, q, kv, d, d, false, !c.encoder(), form,
                Attention.Pass.FORWARD, a, kvp));
        ops.add(new MatMul("o_proj", m, h, hq * d, a, w, a));
    }

    /**
     * DeepSeek multi-head latent attention. Prefill and training decompress the latent into per-head
     * K and V for every key (the naive form); a decode step keeps attention in the latent space by
     * absorbing the up-projections into the query and output (the absorbed form DeepSeek serves with),
     * so it reads only the compressed cache.
     */
    private void mla(List<Op> ops, Mla ml) {
        long hq = c.queryHeads() / t;
        if (ml.qLoraRank() > 0) {
            ops.add(new MatMul("q_a_proj", m, ml.qLoraRank(), h, a, w, a));
            ops.add(new RmsNorm("q_a_norm", m, ml.qLoraRank(), a));
            ops.add(new MatMul("q_b_proj", m, hq * ml.qkHeadDim(), ml.qLoraRank(), a, w, a));
        } else {
            ops.add(new MatMul("q_proj", m, hq * ml.qkHeadDim(), h, a, w, a));
        }
        ops.add(new MatMul("kv_a_proj", m, ml.cacheWidth(), h, a, w, a));
        ops.add(new RmsNorm("kv_a_norm", m, ml.kvLoraRank(), a));
        ops.add(new Rope("rope", m, (hq + 1) * ml.qkRopeHeadDim(), ml.qkRopeHeadDim(), a));
        if (decodeStep) {
            ops.add(new BatchedMatMul("q_absorb", hq, m, ml.kvLoraRank(), ml.qkNopeHeadDim(), a));
            ops.add(new Attention("attention", batch, hq, 1, q, kv, ml.cacheWidth(), ml.kvLoraRank(), true, true,
                    form, Attention.Pass.FORWARD, a, kvp));
            ops.add(new BatchedMatMul("v_absorb", hq, m, ml.vHeadDim(), ml.kvLoraRank(), a));
        } else {
            ops.add(new MatMul("kv_b_proj", batch * kv, hq * (ml.qkNopeHeadDim() + ml.vHeadDim()), ml.kvLoraRank(), a, w, a));
            ops.add(new Attention("attention", batch, hq, hq, q, kv, ml.qkHeadDim(), ml.vHeadDim(), false, true,
                    form, Attention.Pass.FORWARD, a, a));
        }
        ops.add(new MatMul("o_proj", m, h, hq * ml.vHeadDim(), a, w, a));
    }

    private void mlp(List<Op> ops, String name, long rows, long widthPerChip) {
        if (c.mlp() == Mlp.SWIGLU) {
            ops.add(new MatMul(name + ".gate_up_proj", rows, 2 * widthPerChip, h, a, w, a));
            ops.add(new SiluAndMul(name + ".act", rows, widthPerChip, a));
            ops.add(new MatMul(name + ".down_proj", rows, h, widthPerChip, a, w, a));
        } else {
            ops.add(new MatMul(name + ".fc_in", rows, widthPerChip, h, a, w, a));
            ops.add(new Gelu(name + ".act", rows * widthPerChip, a));
            ops.add(new MatMul(name + ".fc_out", rows, h, widthPerChip, a, w, a));
        }
    }

    /**
     * Router (replicated), then each token's {@code k} experts as grouped GEMMs over the experts the
     * batch touches, then the always-on shared experts.
     */
    private void moe(List<Op> ops, Moe moe) {
        long e = moe.experts();
        long k = moe.expertsPerToken();
        long width = moe.expertIntermediateSize() / t;
        long groups = expertsTouched(e, k, m);
        ops.add(new MatMul("router", m, e, h, a, w, a));
        ops.add(new Softmax("router.softmax", m, e, a));
        long rows = m * k;
        ops.add(new GroupedMatMul("experts.gate_up_proj", rows, 2 * width, h, groups, a, w, a));
        ops.add(new SiluAndMul("experts.act", rows, width, a));
        ops.add(new GroupedMatMul("experts.down_proj", rows, h, width, groups, a, w, a));
        if (moe.sharedExperts() > 0) {
            mlp(ops, "shared_experts", m, moe.sharedExperts() * moe.expertIntermediateSize() / t);
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

    private void reduce(List<Op> ops, String name) {
        if (t > 1) {
            ops.add(new AllReduce(name + ".all_reduce", m * h * a.bytesPerElement(), t));
        }
    }

    private Op norm(String name, long rows, long width) {
        return c.norm() == Norm.RMS ? new RmsNorm(name, rows, width, a) : new LayerNorm(name, rows, width, a);
    }

    private static long ceilDiv(long x, long y) {
        return (x + y - 1) / y;
    }
}
