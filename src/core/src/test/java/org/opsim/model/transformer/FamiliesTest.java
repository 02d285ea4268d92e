package org.opsim.model.transformer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.opsim.Repo;
import org.opsim.graph.Attention;
import org.opsim.graph.Block;
import org.opsim.graph.Graph;
import org.opsim.graph.Indexer;
import org.opsim.graph.LinearAttention;
import org.opsim.graph.Op;
import org.opsim.graph.OpKind;
import org.opsim.graph.Precision;
import org.opsim.graph.SelectiveScan;
import org.opsim.internal.load.HfConfigLoader;
import org.opsim.model.Workload;

/**
 * The 2026 families from their publishers' configs ({@code ../shared/hf-configs/}): parameter counts
 * against published figures (source per case; 1%, or the rounding of the figure in the model's
 * name), KV-cache and state bytes worked by hand, and the graph's layer structure.
 */
class FamiliesTest {

    static TransformerModel shared(String file) {
        TransformerConfig c = HfConfigLoader.load(Repo.shared("hf-configs/" + file));
        return new TransformerModel(file, file, c);
    }

    private static void within(double published, double tolerance, double actual, String what) {
        double err = Math.abs(actual - published) / published;
        assertTrue(err <= tolerance, what + ": " + actual + " vs published " + published + " (" + 100 * err + "% off)");
    }

    private static void rounds(double nameFigure, double actual, String what) {
        assertTrue(Math.abs(actual - nameFigure) <= 0.5e9, what + ": " + actual + " does not round to " + nameFigure);
    }

    @Test
    void gptOss() {
        // OpenAI gpt-oss model card, Table 1: 116.83B total, 5.13B active; 20.91B total, 3.61B active. The active
        // figures leave out the input embedding (201,088 × 2,880 = 579,133,440), which a token only gathers from.
        TransformerModel big = shared("openai--gpt-oss-120b_config.json");
        within(116.83e9, 0.001, big.parameterCount(), "gpt-oss-120b");
        // Exactly, per layer: attention 2880·9216 weights + 8,000 biases + 64 sinks, norms 5,760, router 368,768
        // (2880·128 + 128 biases), 128 experts × 24,891,840 (3·2880·2880 + 2·2880 + 2880) = 3,213,080,192;
        // × 36, + 2 × 579,133,440 (embedding, LM head) + 2,880 (final norm) = 116,829,156,672.
        assertEquals(116_829_156_672L, big.parameterCount());
        within(5.13e9, 0.01, big.activeParameterCount() - 579_133_440L, "gpt-oss-120b active");
        TransformerModel small = shared("openai--gpt-oss-20b_config.json");
        within(20.91e9, 0.001, small.parameterCount(), "gpt-oss-20b");
        assertEquals(20_914_757_184L, small.parameterCount()); // likewise, 24 layers of 32 experts, 24·64 sinks
        within(3.61e9, 0.01, small.activeParameterCount() - 579_133_440L, "gpt-oss-20b active");
        // KV per token: the 18 full-attention layers × 8 KV heads × 64 × (K + V) × 2 B = 36,864; the 18 sliding
        // layers hold at most 128 tokens: 18 × 128 × 2,048 B = 4,718,592 B whatever the context.
        assertEquals(36_864.0, big.kvCacheBytesPerToken(Precision.BF16));
        assertEquals(36_864.0 * 10_000 + 4_718_592, big.kvCacheBytes(10_000, Precision.BF16, Precision.BF16, 1));
    }

    @Test
    void qwen3DenseAndMoe() {
        // Model names: Qwen3-235B-A22B, Qwen3-30B-A3B, Qwen3-Coder-480B-A35B; Qwen3 technical report Table 1: 32.8B, 8.2B.
        TransformerModel big = shared("Qwen--Qwen3-235B-A22B_config.json");
        rounds(235e9, big.parameterCount(), "Qwen3-235B");
        rounds(22e9, big.activeParameterCount(), "Qwen3-235B active");
        TransformerModel moe = shared("Qwen--Qwen3-30B-A3B_config.json");
        rounds(30.5e9, moe.parameterCount(), "Qwen3-30B-A3B");
        rounds(3.3e9, moe.activeParameterCount(), "Qwen3-30B-A3B active");
        rounds(480e9, shared("Qwen--Qwen3-Coder-480B-A35B-Instruct_config.json").parameterCount(), "Qwen3-Coder-480B");
        within(32.8e9, 0.01, shared("Qwen--Qwen3-32B_config.json").parameterCount(), "Qwen3-32B");
        within(8.2e9, 0.01, shared("Qwen--Qwen3-8B_config.json").parameterCount(), "Qwen3-8B");
        // q/k norm: one RMSNorm over each head of q and k, 2 × 128 weights per layer.
        LayerSpec.Gqa g = (LayerSpec.Gqa) moe.config().layerSpecs().get(0).mixer();
        assertEquals(LayerSpec.QkNorm.PER_HEAD, g.qkNorm());
    }

    @Test
    void qwen35HybridHasGatedDeltaNetBesideFullAttention() {
        TransformerModel m = shared("Qwen--Qwen3.5-397B-A17B_config.json");
        within(397e9, 0.01, m.parameterCount(), "Qwen3.5-397B (its name; the vision tower is not counted)");
        rounds(17e9, m.activeParameterCount(), "Qwen3.5-397B active");
        // 15 full-attention layers × 2 KV heads × 256 × (K + V) × 2 B = 30,720 B per token.
        assertEquals(30_720.0, m.kvCacheBytesPerToken(Precision.BF16));
        // Per sequence, the 45 linear layers' fp32 states 64 × 128 × 128 × 4 B and conv states 3 × (2·16·128 + 64·128) × 2 B.
        double state = 45 * (64.0 * 128 * 128 * 4 + 3 * 12_288 * 2);
        assertEquals(state, m.kvCacheBytes(0, Precision.BF16, Precision.BF16, 1));
        Graph decode = m.graph(Workload.decode(4, 8192));
        List<Block> layers = decode.blocks().stream().filter(b -> b.name().startsWith("layer")).toList();
        assertEquals(2, layers.size());
        assertEquals(45, layers.stream().filter(b -> has(b, OpKind.LINEAR_ATTENTION)).mapToLong(Block::repeat).sum());
        assertEquals(15, layers.stream().filter(b -> has(b, OpKind.ATTENTION)).mapToLong(Block::repeat).sum());
        LinearAttention la = (LinearAttention) find(decode, OpKind.LINEAR_ATTENTION);
        assertTrue(la.recurrent(), "a decode step is the recurrent form");
        assertTrue(has(layers.get(0), OpKind.CONV1D));
    }

    @Test
    void deepSeekSparseAttentionReadsTopKKeys() {
        TransformerModel v32 = shared("deepseek-ai--DeepSeek-V3.2_config.json");
        // 61 layers × (512 latent + 64 rope + 128 index key) × 2 B = 85,888 B per token.
        assertEquals(85_888.0, v32.kvCacheBytesPerToken(Precision.BF16));
        Graph decode = v32.graph(Workload.decode(1, 9999));
        Attention a = (Attention) find(decode, OpKind.ATTENTION);
        assertEquals(2048.0, a.scorePairs()); // index_topk
        assertEquals(10_000, ((Indexer) find(decode, OpKind.INDEXER)).kvLength());
        // DeepSeek-V3.2 is V3 plus the indexer: 671B (report) and a little more.
        within(671e9, 0.01, v32.parameterCount(), "DeepSeek-V3.2");
    }

    @Test
    void glmKimiMiniMaxMimoStep() {
        within(744e9, 0.01, shared("zai-org--GLM-5_config.json").parameterCount(), "GLM-5 (Z.ai: 744B)");
        // Moonshot: Kimi-K2 "1 trillion total, 32 billion activated" (the latter without the 163,840 × 7,168 embedding).
        TransformerModel k2 = shared("moonshotai--Kimi-K2-Instruct_config.json");
        within(1.0e12, 0.05, k2.parameterCount(), "Kimi-K2");
        rounds(32e9, k2.activeParameterCount() - 163_840L * 7168, "Kimi-K2 active");
        // MiniMax-M2: 230B total, 10B active (MiniMax; active without the 200,064 × 3,072 embedding).
        TransformerModel m2 = shared("MiniMaxAI--MiniMax-M2.5_config.json");
        within(230e9, 0.01, m2.parameterCount(), "MiniMax-M2.5");
        rounds(10e9, m2.activeParameterCount() - 200_064L * 3072, "MiniMax-M2.5 active");
        // Xiaomi MiMo-V2-Flash: 309B total, 15B active.
        TransformerModel mimo = shared("XiaomiMiMo--MiMo-V2-Flash_config.json");
        within(309e9, 0.01, mimo.parameterCount(), "MiMo-V2-Flash");
        rounds(15e9, mimo.activeParameterCount(), "MiMo-V2-Flash active");
    }

    @Test
    void theVisionLanguageMiniMaxM3HasTheTextModelsLayers() {
        // minimax_m3_vl's text_config has no first_k_dense_replace: its per-layer moe_layer_freq list decides.
        assertEquals(shared("MiniMaxAI--MiniMax-M3_config.json").parameterCount(),
                shared("nvidia--MiniMax-M3-NVFP4_config.json").parameterCount());
        // Per token: 60 layers × 4 KV heads × 128 × (K + V) × 2 B = 122,880, plus the 57 sparse layers' 128-wide
        // index key × 2 B = 14,592: 137,472.
        assertEquals(137_472.0, shared("MiniMaxAI--MiniMax-M3_config.json").kvCacheBytesPerToken(Precision.BF16));
    }

    @Test
    void llama4InterleavesMoeAndChunkedAttention() {
        // Meta: Llama 4 Maverick 400B total, 17B active; Scout 17B active (its 109B includes the vision encoder).
        TransformerModel maverick = shared("meta-llama--Llama-4-Maverick-17B-128E-Instruct_config.json");
        within(400e9, 0.01, maverick.parameterCount(), "Llama-4-Maverick");
        rounds(17e9, maverick.activeParameterCount(), "Llama-4-Maverick active");
        TransformerModel scout = shared("meta-llama--Llama-4-Scout-17B-16E-Instruct_config.json");
        rounds(17e9, scout.activeParameterCount(), "Llama-4-Scout active");
        assertTrue(scout.parameterCount() < 109e9, "the text model is less than the 109B with the vision encoder");
        // Maverick: MoE every second layer (24 of 48); 12 global NoPE layers × 8 × 128 × 2 × 2 B = 49,152 B per token.
        assertEquals(24, maverick.config().moeLayers());
        assertEquals(49_152.0, maverick.kvCacheBytesPerToken(Precision.BF16));
    }

    @Test
    void nemotronHybridsAndNas() {
        // NVIDIA model cards: Nemotron-3-Nano 31.6B total, 3.6B active (with embeddings); Nemotron-H-56B;
        // Llama-3.3-Nemotron-Super-49B 49.9B (Hugging Face page).
        TransformerModel nano = shared("nvidia--NVIDIA-Nemotron-3-Nano-30B-A3B-BF16_config.json");
        within(31.6e9, 0.01, nano.parameterCount(), "Nemotron-3-Nano");
        rounds(3.6e9, nano.activeParameterCount(), "Nemotron-3-Nano active");
        rounds(56e9, shared("nvidia--Nemotron-H-56B-Base-8K_config.json").parameterCount(), "Nemotron-H-56B");
        within(49.9e9, 0.01, shared("nvidia--Llama-3_3-Nemotron-Super-49B-v1_config.json").parameterCount(),
                "Nemotron-Super-49B");
        // Nano's 6 attention layers × 2 KV heads × 128 × 2 × 2 B = 6,144 B per token; the Mamba layers add none.
        assertEquals(6_144.0, nano.kvCacheBytesPerToken(Precision.BF16));
        SelectiveScan scan = (SelectiveScan) find(nano.graph(Workload.decode(1, 100)), OpKind.SSM_SCAN);
        assertTrue(scan.recurrent());
        assertEquals(64, scan.heads());
    }

    @Test
    void deepSeekV4CompressesItsCache() {
        TransformerModel flash = shared("deepseek-ai--DeepSeek-V4-Flash_config.json");
        // Per token: 21 layers of ratio 4 × (512 + 128 index) / 4 × 2 B + 20 layers of ratio 128 × 512 / 128 × 2 B
        // = 6,720 + 160 = 6,880 B; the ratio-0 layers keep only their 128-token window.
        assertEquals(6_880.0, flash.kvCacheBytesPerToken(Precision.BF16));
        within(284e9, 0.01, flash.parameterCount(), "DeepSeek-V4-Flash (DeepSeek: 284B)");
        assertTrue(flash.describe().contains("estimates"), flash.describe());
    }

    @Test
    void gemma4AlternatesLocalAndGlobalLayers() {
        TransformerModel g = shared("google--gemma-4-26B-A4B_config.json");
        rounds(4e9, g.activeParameterCount(), "Gemma-4-26B-A4B active");
        // 5 global layers × 2 KV heads × 512 (keys are values: one tensor) × 2 B = 10,240 B per token.
        assertEquals(10_240.0, g.kvCacheBytesPerToken(Precision.BF16));
        assertTrue(g.describe().contains("vision tower is not costed"), g.describe());
    }

    static boolean has(Block b, OpKind k) {
        return b.ops().stream().anyMatch(o -> o.kind() == k);
    }

    static Op find(Graph g, OpKind k) {
        return g.blocks().stream().flatMap(b -> b.ops().stream()).filter(o -> o.kind() == k).findFirst().orElseThrow();
    }
}
