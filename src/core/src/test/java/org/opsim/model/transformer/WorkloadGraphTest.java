package org.opsim.model.transformer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.opsim.Opsim;
import org.opsim.Repo;
import org.opsim.cost.CostModel;
import org.opsim.cost.Evaluation;
import org.opsim.graph.Attention;
import org.opsim.graph.Block;
import org.opsim.graph.Graph;
import org.opsim.graph.MatMul;
import org.opsim.graph.Op;
import org.opsim.graph.OpKind;
import org.opsim.graph.Precision;
import org.opsim.hardware.HardwareProfile;
import org.opsim.model.Precisions;
import org.opsim.model.Workload;

/** Graphs built from configs and workloads, checked against hand-derived FLOPs, bytes and sizes. */
class WorkloadGraphTest {

    private static final TransformerModel LLAMA8B = PublishedParameterCountTest.model("llama-3.1-8b");
    private static final TransformerModel LLAMA70B = PublishedParameterCountTest.model("llama-3.1-70b");

    private static double flopsOf(Graph g, OpKind kind) {
        double f = 0;
        for (Block b : g.blocks()) {
            for (Op op : b.ops()) {
                if (op.kind() == kind) {
                    f += b.repeat() * op.flops();
                }
            }
        }
        return f;
    }

    @Test
    void kvCachePerTokenOfLlama70bInBf16() {
        // 2 (K and V) · 80 layers · 8 KV heads · 128 head dim · 2 bytes = 327,680 B.
        assertEquals(327_680.0, LLAMA70B.kvCacheBytesPerToken(Precision.BF16));
        // fp8 cache halves it.
        assertEquals(163_840.0, LLAMA70B.kvCacheBytesPerToken(Precision.FP8));
    }

    @Test
    void kvCachePerTokenOfDeepSeekV3IsTheCompressedLatent() {
        // MLA caches kv_lora_rank 512 + rope 64 = 576 values per layer: 61 · 576 · 2 B = 70,272 B,
        // against 2·61·128·128·2 = 3,997,696 B an uncompressed 128-head cache would need.
        assertEquals(70_272.0, PublishedParameterCountTest.model("deepseek-v3").kvCacheBytesPerToken(Precision.BF16));
    }

    @Test
    void prefillMatmulFlopsAreTwiceTheNonEmbeddingParametersPerToken() {
        // Prefill of one 1024-token prompt: every layer matmul sees 1024 rows, so matmul FLOPs =
        // 2 · 1024 · (layer matmul weights) + the LM head on the last token only (2 · 1 · 128256·4096).
        // Layer matmul weights = 32 · (41,943,040 + 176,160,768) = 6,979,321,856.
        Graph g = LLAMA8B.graph(Workload.prefill(1, 1024));
        double expected = 2.0 * 1024 * 6_979_321_856L + 2.0 * 128_256 * 4096;
        assertEquals(expected, flopsOf(g, OpKind.MATMUL), expected * 1e-12);
        // Attention (causal): pairs = 1024·1025/2 = 524,800 per head; 4·d·pairs per head ·32 heads ·32 layers.
        double attention = 32 * 4.0 * 128 * 524_800 * 32 + 32 * 5.0 * 524_800 * 32;
        assertEquals(attention, flopsOf(g, OpKind.ATTENTION), attention * 1e-12);
    }

    @Test
    void decodeStepFlopsPerTokenAreTwiceTheActiveParametersPlusTheAttentionTerm() {
        // A decode step at context 4096: each token does 2 FLOPs per matmul weight (all 7.50B layer + head
        // weights: the embedding table is looked up, not multiplied) plus attention over 4097 keys:
        // 4·128·4097 matrix + 5·4097 softmax FLOPs per head, 32 heads, 32 layers.
        Graph g = LLAMA8B.graph(Workload.decode(1, 4096));
        double matmulWeights = LLAMA8B.parameterCount() - 128_256L * 4096 - 32 * 8192L - 4096;
        double attention = 32 * 32 * (4.0 * 128 + 5) * 4097;
        double expected = 2 * matmulWeights + attention;
        double actual = flopsOf(g, OpKind.MATMUL) + flopsOf(g, OpKind.ATTENTION);
        assertEquals(expected, actual, expected * 1e-12);
        // ≈ 2 × the 8.03B parameters, within the embedding's 6.5% and the attention's 2.2%.
        assertEquals(2 * 8.03e9, g.totalFlops(), 0.1 * 2 * 8.03e9);
    }

    @Test
    void mixtralDecodeTouchesOnlyTheRoutedExperts() {
        TransformerModel mixtral = PublishedParameterCountTest.model("mixtral-8x7b");
        // One token: 2 of 8 experts per layer, so expert matmul FLOPs = 2·(3·4096·14336)·2 experts per layer.
        Graph one = mixtral.graph(Workload.decode(1, 100));
        double experts = 0;
        for (Block b : one.blocks()) {
            for (Op op : b.ops()) {
                if (op.name().startsWith("experts.") && op.kind() == OpKind.MATMUL) {
                    experts += b.repeat() * op.flops();
                }
            }
        }
        assertEquals(32 * 2.0 * 2 * 3 * 4096 * 14336, experts, 1);
        // Expected experts touched by 16 tokens picking 2 of 8: 8·(1 − 0.75^16) = 7.92 → 8.
        assertEquals(8, Layers.expertsTouched(8, 2, 16));
        assertEquals(2, Layers.expertsTouched(8, 2, 1));
        // DeepSeek-V3, 16 tokens picking 8 of 256: (31/32)^16 = e^(16·ln 0.96875) = e^(−0.50798) = 0.60173,
        // 256·(1 − 0.60173) = 101.96 → 102.
        assertEquals(102, Layers.expertsTouched(256, 8, 16));
    }

    /**
     * DeepSeek-V3 (256 experts, 8 per token, expert width 2048) at 8 tokens over 8 chips. Split by TP 8: each chip
     * runs a 2048/8 = 256-wide slice of every touched expert over all 64 rows. By EP 8: 32 experts per chip at full
     * width; the busiest chip under random routing. By hand: p = 1 − (31/32)^8 = 0.224290; a chip's experts touched
     * have mean 32p = 7.1773 and deviation √(32p(1−p)) = 2.3596; E[max of 8 normals] (Blom) = Φ⁻¹(7.625/8.25) =
     * 1.4342: 7.1773 + 3.3840 = 10.56 → 11 experts. Its rows: mean 8·8/8 = 8, variance 8·(7/8)·(248/255) = 6.8078,
     * 8 + 2.6092·1.4342 = 11.74 → 12 rows. The gate/up GEMM per chip: 2·12·4096·7168 FLOPs (EP) against
     * 2·64·512·7168 (TP), 1.5 times; its weights 11·4096·7168 against 58·512·7168 elements, 1.52 times.
     */
    @Test
    void theBusiestChipOfExpertParallelismSetsTheExpertsWork() {
        assertEquals(1.4342, Layers.expectedMaxOfNormals(8), 5e-4);
        assertEquals(11, Layers.busiestGroups(256, 8, 8, 8));
        assertEquals(12, Layers.busiestRows(256, 8, 8, 8));
        // Many tokens: the busiest chip is close to an even share (8192 tokens: variance 8192·(7/8)·(248/255) = 6971.2,
        // rows 8192 + 1.4342·83.494 = 8311.7 → 8312, 1.5% above even).
        assertEquals(8312, Layers.busiestRows(256, 8, 8192, 8));
        assertEquals(32, Layers.busiestGroups(256, 8, 8192, 8));
        TransformerModel v3 = PublishedParameterCountTest.model("deepseek-v3");
        double tp = gateUpFlops(v3.graph(Workload.decode(8, 100).withTensorParallel(8)));
        double ep = gateUpFlops(v3.graph(Workload.decode(8, 100).withTensorParallel(8).withExpertParallel(8)));
        assertEquals(2.0 * 64 * 512 * 7168, tp, 1);
        assertEquals(2.0 * 12 * 4096 * 7168, ep, 1);
        // The dispatch permutes the rows a chip receives: by TP all 8 tokens' 64 rows, 8 · 7168 · 2 B · (1 + 8) =
        // 1,032,192 B; by EP the busiest chip's 12 rows, as ⌈12/8⌉ = 2 tokens of 8: 2 · 7168 · 2 · 9 = 258,048 B.
        assertEquals(1_032_192.0, opBytes(v3.graph(Workload.decode(8, 100).withTensorParallel(8)), "experts.dispatch"));
        assertEquals(258_048.0, opBytes(v3.graph(Workload.decode(8, 100).withTensorParallel(8).withExpertParallel(8)),
                "experts.dispatch"));
        assertThrows(IllegalArgumentException.class, () -> Workload.decode(8, 100).withTensorParallel(8).withExpertParallel(3));
        // A dense model has no experts to split: refused, not ignored.
        IllegalArgumentException dense = assertThrows(IllegalArgumentException.class,
                () -> LLAMA8B.graph(Workload.decode(8, 100).withTensorParallel(2).withExpertParallel(2)));
        assertTrue(dense.getMessage().startsWith("expert parallelism 2 needs a mixture of experts"), dense.getMessage());
    }

    @Test
    void attentionDpsTokenExchangeCarriesQuantisedTokensOutToTheirExpertsChipsOnlyAndBf16Back() {
        // DeepSeek-V3 as an fp8 serving recipe, 8 attention ranks of TP 1, EP 8: 8 tokens per rank, 64 over the ranks.
        TransformerModel v3 = PublishedParameterCountTest.model("deepseek-v3").quantized("fp8", Precision.FP8, true,
                Precision.FP8);
        Workload w = Workload.decode(64, 100).withPrecisions(new org.opsim.model.Precisions(Precision.FP8, Precision.BF16,
                Precision.FP8)).withTensorParallel(1).withAttentionDp(8).withExpertParallel(8);
        double[] moe = new double[1];
        double[] dense = new double[1];
        for (Block b : v3.graph(w).blocks()) {
            for (Op op : b.ops()) {
                if (op.name().equals("mlp.all_reduce")) {
                    boolean experts = b.ops().stream().anyMatch(o -> o.name().equals("experts.gate_up_proj"));
                    (experts ? moe : dense)[0] = op.bytes();
                }
            }
        }
        // A token's 8 experts miss one of the 8 expert groups with probability (7/8)^8 = 0.343609; it travels to a
        // share 0.656391 of them, out in fp8 (1 B) and back in bf16 (2 B): 64 · 7168 · 1.5 · 0.656391 = 451,700.6 B.
        assertEquals(64 * 7168 * 1.5 * (1 - Math.pow(7.0 / 8, 8)), moe[0], 1e-6);
        // A dense layer's MLP (the first three) needs every token: 64 · 7168 · 1.5 = 688,128 B.
        assertEquals(688_128.0, dense[0], 1e-9);
    }

    /** Bytes of the first op named {@code name}. */
    private static double opBytes(Graph g, String name) {
        for (Block b : g.blocks()) {
            for (Op op : b.ops()) {
                if (op.name().equals(name)) {
                    return op.bytes();
                }
            }
        }
        throw new AssertionError("no " + name);
    }

    /** FLOPs of one MoE layer's gate/up GEMM of the experts. */
    private static double gateUpFlops(Graph g) {
        for (Block b : g.blocks()) {
            for (Op op : b.ops()) {
                if (op.name().equals("experts.gate_up_proj")) {
                    return op.flops();
                }
            }
        }
        throw new AssertionError("no experts.gate_up_proj");
    }

    @Test
    void generationInClosedFormMatchesALoopOverEveryToken() {
        HardwareProfile h100 = Opsim.profile("nvidia-h100-sxm");
        long batch = 8;
        long prompt = 1000;
        long generated = 301;
        Evaluation closed = CostModel.evaluate(LLAMA8B.graph(Workload.generation(batch, prompt, generated)), h100);
        // The same generation by brute force: the prefill, then one decode step per new token after the first.
        double flops = CostModel.evaluate(LLAMA8B.graph(Workload.prefill(batch, prompt)), h100).total().flops();
        double seconds = CostModel.evaluate(LLAMA8B.graph(Workload.prefill(batch, prompt)), h100).total().latencySeconds();
        for (long context = prompt; context < prompt + generated - 1; context++) {
            Evaluation step = CostModel.evaluate(LLAMA8B.graph(Workload.decode(batch, context)), h100);
            flops += step.total().flops();
            seconds += step.total().latencySeconds();
        }
        // FLOPs (and bytes) are linear in the context, and each segment's mean context is exact.
        assertEquals(flops, closed.total().flops(), flops * 1e-12);
        // Latency is exact where an op's bound and efficiency do not change inside a segment.
        assertEquals(seconds, closed.total().latencySeconds(), seconds * 1e-3);
        // Sixteen segments of attention blocks, not 300 decode steps.
        assertTrue(closed.blocks().size() < 30, "blocks: " + closed.blocks().size());
    }

    @Test
    void trainingCostsAboutThreeForwardsInMatmulFlops() {
        Workload train = Workload.training(4, 2048);
        Graph step = LLAMA8B.graph(train);
        Graph forwardOnly = LLAMA8B.graph(Workload.prefill(4, 2048));
        // Forward matmul FLOPs = 2·tokens·(layer weights) + the LM head on every token (training) —
        // prefill only runs the head on the last token of each sequence, so add the rest.
        double tokens = 4 * 2048.0;
        double head = 2.0 * 128_256 * 4096;
        double forward = flopsOf(forwardOnly, OpKind.MATMUL) + (tokens - 4) * head;
        // Backward = 2 × forward (input and weight gradients).
        assertEquals(3 * forward, flopsOf(step, OpKind.MATMUL), 3 * forward * 1e-12);
        // Full recompute adds one more forward pass of the layers (not the head).
        Graph recompute = LLAMA8B.graph(train.withActivationRecompute(true));
        double layersForward = flopsOf(forwardOnly, OpKind.MATMUL) - 4 * head;
        assertEquals(3 * forward + layersForward, flopsOf(recompute, OpKind.MATMUL), forward * 1e-12);
        assertTrue(step.blocks().stream().anyMatch(b -> b.name().equals("optimizer")));
    }

    @Test
    void tensorParallelismSplitsMatmulsAndAddsAllReduces() {
        Graph tp8 = LLAMA70B.graph(Workload.decode(16, 2048).withTensorParallel(8));
        Block layer = tp8.blocks().stream().filter(b -> b.name().equals("layer")).findFirst().orElseThrow();
        MatMul qkv = (MatMul) layer.ops().stream().filter(o -> o.name().equals("qkv_proj")).findFirst().orElseThrow();
        // (64 + 2·8) heads · 128 / 8 chips = 1,280 columns per chip.
        assertEquals(1280, qkv.n());
        Attention attn = (Attention) layer.ops().stream().filter(o -> o instanceof Attention).findFirst().orElseThrow();
        assertEquals(8, attn.queryHeads());
        assertEquals(1, attn.kvHeads());
        // Two all-reduces per layer of 16 tokens × 8192 × 2 bytes = 262,144 B each.
        long reduces = layer.ops().stream().filter(o -> o.kind() == OpKind.ALL_REDUCE).count();
        assertEquals(2, reduces);
        assertEquals(262_144.0, layer.ops().stream().filter(o -> o.kind() == OpKind.ALL_REDUCE).findFirst().orElseThrow().bytes());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LLAMA70B.graph(Workload.decode(1, 10).withTensorParallel(3)));
        assertTrue(e.getMessage().contains("does not divide the 64 attention heads"), e.getMessage());
    }

    @Test
    void weightOnlyFp8AndAnFp8CacheCutDecodeBytes() {
        Precisions mixed = new Precisions(Precision.FP8, Precision.BF16, Precision.FP8);
        Graph bf16 = LLAMA70B.graph(Workload.decode(1, 8192));
        Graph fp8 = LLAMA70B.graph(Workload.decode(1, 8192).withPrecisions(mixed));
        // Weight bytes halve (~70.5 GB → 35.3 GB read per step) and so does the 8193-token cache
        // (8193 · 327,680 B = 2.68 GB → 1.34 GB): the step moves a bit over half the bytes.
        double ratio = fp8.totalBytes() / bf16.totalBytes();
        assertTrue(ratio > 0.5 && ratio < 0.51, "ratio " + ratio);
    }

    @Test
    void theHandWrittenDecodeGraphMatchesTheOneBuiltFromConfigJson() {
        // models/llama-3.1-8b-decode.yaml was lowered by hand from the same config: 16 sequences,
        // 4095 cached tokens + 1 new. Two independent derivations of one graph must agree exactly.
        Graph byHand = Repo.graph("llama-3.1-8b-decode");
        Graph built = LLAMA8B.graph(Workload.decode(16, 4095));
        assertEquals(byHand.totalFlops(), built.totalFlops());
        assertEquals(byHand.totalBytes(), built.totalBytes());
    }

    @Test
    void encodersHaveNoDecodePhase() {
        TransformerModel bert = PublishedParameterCountTest.model("bert-base-uncased");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> bert.graph(Workload.decode(1, 10)));
        assertTrue(e.getMessage().contains("encoder"), e.getMessage());
        // BERT prefill: bidirectional attention over all 128 tokens: pairs = 128² per head.
        Graph g = bert.graph(Workload.prefill(1, 128));
        Attention a = (Attention) g.blocks().get(1).ops().stream().filter(o -> o instanceof Attention).findFirst().orElseThrow();
        assertEquals(128.0 * 128, a.scorePairs());
    }
}
