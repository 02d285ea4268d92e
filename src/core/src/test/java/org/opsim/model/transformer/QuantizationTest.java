package org.opsim.model.transformer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.opsim.Opsim;
import org.opsim.cost.CostModel;
import org.opsim.cost.Evaluation;
import org.opsim.cost.Note;
import org.opsim.cost.OpResult;
import org.opsim.graph.GroupedMatMul;
import org.opsim.graph.MatMul;
import org.opsim.graph.Precision;
import org.opsim.internal.load.HfConfigLoader;
import org.opsim.io.InputException;
import org.opsim.model.Workload;
import org.opsim.model.transformer.Quantization.LayerFormats;

/** Checkpoint formats read from quantization_config and hf_quant_config.json, and what they do to the graph. */
class QuantizationTest {

    static Quantization quant(String file) {
        return FamiliesTest.shared(file).quantization().orElseThrow();
    }

    @Test
    void modelOptNvfp4KeepsTheExcludedModulesInBf16() {
        // nvidia--DeepSeek-V3.1-NVFP4_hf_quant_config.json: NVFP4 (groups of 16), FP8 KV cache; lm_head and the
        // attention projections of every layer excluded.
        Quantization q = quant("nvidia--DeepSeek-V3.1-NVFP4_config.json");
        LayerFormats five = q.layers().get(5);
        assertEquals(Precision.NVFP4, five.experts());
        assertEquals(Precision.BF16, five.attention());
        assertEquals(Precision.BF16, q.lmHead());
        assertEquals(Optional.of(Precision.FP8), q.kvCache());
        assertTrue(q.quantisedInputs().contains(Precision.NVFP4), "NVFP4 W4A4: the GEMM inputs are NVFP4 too");
    }

    @Test
    void nvfp4RunsNativelyOnB200AndFallsBackOnH100() {
        TransformerModel m = FamiliesTest.shared("nvidia--DeepSeek-V3.1-NVFP4_config.json");
        var g = m.graph(Workload.prefill(1, 1024));
        Evaluation b200 = CostModel.evaluate(g, Opsim.profile("nvidia-b200"));
        OpResult experts = b200.ops().stream().filter(o -> o.op() instanceof GroupedMatMul).findFirst().orElseThrow();
        assertEquals(Optional.of(Precision.FP4), experts.precision());
        assertTrue(experts.notes().isEmpty(), experts.notes().toString());
        Evaluation h100 = CostModel.evaluate(g, Opsim.profile("nvidia-h100-sxm"));
        OpResult onH100 = h100.ops().stream().filter(o -> o.op() instanceof GroupedMatMul).findFirst().orElseThrow();
        assertEquals(Optional.of(Precision.FP8), onH100.precision());
        assertTrue(onH100.notes().stream().anyMatch(n -> n.kind() == Note.Kind.PRECISION_FALLBACK), onH100.notes().toString());
    }

    @Test
    void mxfp4ExpertsAreWeightOnlyAndDequantiseToBf16() {
        // gpt-oss: quant_method mxfp4, modules_to_not_convert model.layers.*.self_attn, the router, embeddings, lm_head.
        TransformerModel m = FamiliesTest.shared("openai--gpt-oss-120b_config.json");
        Quantization q = m.quantization().orElseThrow();
        assertEquals(Precision.MXFP4, q.layers().get(0).experts());
        assertEquals(Precision.BF16, q.layers().get(0).attention());
        assertEquals(Precision.BF16, q.layers().get(0).router());
        assertTrue(q.quantisedInputs().isEmpty());
        GroupedMatMul experts = (GroupedMatMul) m.graph(Workload.decode(1, 100)).blocks().stream()
                .flatMap(b -> b.ops().stream()).filter(o -> o instanceof GroupedMatMul).findFirst().orElseThrow();
        assertEquals(Precision.MXFP4, experts.weightPrecision());
        assertEquals(Precision.BF16, experts.precision()); // W4A16: computed in bf16
        // The experts' weights: 36 layers × 128 experts × (3·2880·2880 + 2·2880 + 2880) × 0.53125 B = 43.4 GB of
        // the checkpoint; every other weight bf16.
        double experts36 = 36.0 * 128 * (3.0 * 2880 * 2880 + 3 * 2880) * 0.53125;
        double rest = (m.parameterCount() - 36.0 * 128 * (3.0 * 2880 * 2880 + 3 * 2880)) * 2;
        assertEquals(experts36 + rest, m.weightBytes(Precision.BF16), 1e-6 * (experts36 + rest));
    }

    @Test
    void compressedTensorsInt4GroupsAndIgnoreRegexes() {
        // Kimi-K2.5: int4 in groups of 32, weight-only; ignore re:.*self_attn.*, re:.*shared_experts.*, dense MLPs.
        Quantization q = quant("moonshotai--Kimi-K2.5_config.json");
        LayerFormats l = q.layers().get(3);
        assertEquals(Precision.INT4_G32, l.experts());
        assertEquals(Precision.BF16, l.attention());
        assertEquals(Precision.BF16, l.sharedExperts());
        assertEquals(Precision.BF16, q.layers().get(0).mlp());
        assertTrue(q.quantisedInputs().isEmpty());
    }

    @Test
    void fp8BlockScaledAndModulesToNotConvertAtAnyDepth() {
        // MiniMax-M2.5: fp8 128×128 blocks; modules_to_not_convert "gate" and "lm_head" match at any depth.
        Quantization q = quant("MiniMaxAI--MiniMax-M2.5_config.json");
        assertEquals(Precision.FP8_BLOCK, q.layers().get(0).experts());
        assertEquals(Precision.BF16, q.layers().get(0).router());
        assertEquals(Precision.BF16, q.lmHead());
        MatMul router = (MatMul) FamiliesTest.shared("MiniMaxAI--MiniMax-M2.5_config.json").graph(Workload.decode(1, 10))
                .blocks().stream().flatMap(b -> b.ops().stream()).filter(o -> o.name().equals("router"))
                .findFirst().orElseThrow();
        assertEquals(Precision.BF16, router.weightPrecision());
    }

    @Test
    void perTensorFp8WithAnFp8KvCacheFromTheSidecar() {
        Quantization q = quant("Qwen--Qwen3-32B-FP8-Static-PerTensor_config.json");
        assertEquals(Precision.FP8, q.layers().get(0).attention());
        assertEquals(Optional.of(Precision.FP8), q.kvCache());
        // An FP8 KV cache halves the cache of the bf16 one: 64 layers × 8 × 128 × 2 × 1 B per token.
        TransformerModel m = FamiliesTest.shared("Qwen--Qwen3-32B-FP8-Static-PerTensor_config.json");
        assertEquals(64.0 * 8 * 128 * 2 * 1000 * 8,
                m.memoryFootprint(Workload.decode(8, 999)).kvCacheBytes(), 1e-6);
    }

    @Test
    void weightOnlyModulesReadBf16InputsWhileW8A8ModulesReadFp8() {
        // Qwen3.6-27B-NVFP4 (hf_quant_config.json): its MLPs are W4A16_NVFP4, its linear-attention projections FP8.
        TransformerModel m = FamiliesTest.shared("nvidia--Qwen3.6-27B-NVFP4_config.json");
        var ops = m.graph(Workload.decode(1, 100)).blocks().stream().flatMap(b -> b.ops().stream()).toList();
        MatMul gateUp = (MatMul) ops.stream().filter(o -> o.name().equals("mlp.gate_up_proj")).findFirst().orElseThrow();
        assertEquals(Precision.NVFP4, gateUp.weightPrecision());
        assertEquals(Precision.BF16, gateUp.activationPrecision());
        assertEquals(Precision.BF16, gateUp.precision());
        // 1·5120·2 + 5120·34816·0.5625 + 34816·2 = 100,349,952 bytes.
        assertEquals(100_349_952.0, gateUp.bytes());
        MatMul inProj = (MatMul) ops.stream().filter(o -> o.name().equals("in_proj")).findFirst().orElseThrow();
        assertEquals(Precision.FP8, inProj.activationPrecision());
        assertEquals(Precision.FP8, inProj.precision());
    }

    @Test
    void aServingRecipesNvfp4QuantisesTheGemmsAndKeepsTheResidualStreamAndAllReducesInBf16() {
        // Llama-3.1-8B as a serving benchmark's nvfp4 row runs it: W4A4 GEMMs, bf16 lm_head, fp8 KV, bf16 elsewhere.
        TransformerModel m = ((TransformerModel) Opsim.model("llama-3.1-8b")).quantized("nvfp4 recipe", Precision.NVFP4,
                true, Precision.FP8);
        var ops = m.graph(Workload.decode(4, 1024).withTensorParallel(2)).blocks().stream()
                .flatMap(b -> b.ops().stream()).toList();
        MatMul gateUp = (MatMul) ops.stream().filter(o -> o.name().equals("mlp.gate_up_proj")).findFirst().orElseThrow();
        assertEquals(Precision.NVFP4, gateUp.weightPrecision());
        assertEquals(Precision.NVFP4, gateUp.activationPrecision());
        MatMul head = (MatMul) ops.stream().filter(o -> o.name().equals("lm_head")).findFirst().orElseThrow();
        assertEquals(Precision.BF16, head.weightPrecision());
        // The attention output's all-reduce: 4 tokens × 4,096 × 2 B (bf16) = 32,768 bytes.
        assertEquals(32_768.0, ops.stream().filter(o -> o.name().equals("attn.all_reduce")).findFirst().orElseThrow().bytes());
        assertEquals(Precision.FP8, m.quantization().orElseThrow().kvCache().orElseThrow());
    }

    @Test
    void routersAndTheLmHeadStayBf16WithoutAModuleListNamingThem() {
        // DeepSeek-V3's fp8 quantization_config has no module list; its checkpoint keeps lm_head and the gates bf16.
        Quantization q = quant("deepseek-ai--DeepSeek-V3_config.json");
        assertEquals(Precision.BF16, q.lmHead());
        assertEquals(Precision.BF16, q.layers().get(10).router());
        assertEquals(Precision.FP8_BLOCK, q.layers().get(10).experts());
    }

    @Test
    void aSidecarIsReadWhenTheModelIsOpenedByPathAndGemma4ExpertsAreFoundBesideItsMlp() {
        // Opsim.model(path) goes through the importer, which must pick up the hf_quant_config.json beside the file.
        var m = (TransformerModel) Opsim.model(org.opsim.Repo.shared("hf-configs/nvidia--Gemma-4-26B-A4B-NVFP4_config.json")
                .toString());
        Quantization q = m.quantization().orElseThrow();
        assertEquals(Optional.of(Precision.FP8), q.kvCache());
        // Gemma 4's exclude list keeps layers.i.mlp* (the dense MLP) and layers.i.router* in bf16; the experts
        // (layers.i.experts) are NVFP4.
        assertEquals(Precision.NVFP4, q.layers().get(3).experts());
        assertEquals(Precision.BF16, q.layers().get(3).sharedExperts());
        assertEquals(Precision.BF16, q.layers().get(3).router());
    }

    @Test
    void fusedExpertModulesAndAStringKvSchemeAreRead() {
        // Qwen3.6-35B-A3B-NVFP4: quantized_layers names the fused layers.i.mlp.experts (W4A16_NVFP4).
        assertEquals(Precision.NVFP4, quant("nvidia--Qwen3.6-35B-A3B-NVFP4_config.json").layers().get(3).experts());
        // Qwen3-32B-FP8-Static-PerTensor's inline config gives kv_cache_scheme as the string "FP8".
        var inline = org.opsim.internal.load.HfConfigLoader.parse(org.opsim.internal.io.Documents.read(
                org.opsim.Repo.shared("hf-configs/Qwen--Qwen3-32B-FP8-Static-PerTensor_config.json")).json().toString(), "x");
        assertEquals(Optional.of(Precision.FP8), inline.quantization().orElseThrow().kvCache());
    }

    @Test
    void trainingUsesTheWorkloadsPrecisionsNotTheCheckpointsStorageFormats() {
        TransformerModel m = FamiliesTest.shared("openai--gpt-oss-20b_config.json");
        Workload w = Workload.training(1, 512);
        assertEquals(m.unquantized().memoryFootprint(w), m.memoryFootprint(w));
        assertEquals(m.unquantized().graph(w).totalFlops(), m.graph(w).totalFlops());
    }

    @Test
    void anUnknownFormatNamesItsField() {
        InputException e = assertThrows(InputException.class, () -> HfConfigLoader.parse("""
                {"model_type": "llama", "hidden_size": 64, "num_attention_heads": 4, "num_hidden_layers": 2,
                 "intermediate_size": 128, "vocab_size": 100, "quantization_config": {"quant_method": "bitsandbytes"}}""",
                "config.json"));
        assertEquals("$.quantization_config.quant_method", e.path());
        assertTrue(e.problem().contains("'bitsandbytes' is not modelled"), e.problem());
    }
}
