package org.opsim.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.opsim.graph.BatchedMatMul;
import org.opsim.graph.ComputeOp;
import org.opsim.graph.Elementwise;
import org.opsim.graph.Embedding;
import org.opsim.graph.Gelu;
import org.opsim.graph.LayerNorm;
import org.opsim.graph.MatMul;
import org.opsim.graph.Op;
import org.opsim.graph.OpKind;
import org.opsim.graph.Precision;
import org.opsim.graph.Softmax;
import org.opsim.io.InputException;

/**
 * Imports a real ONNX file nobody on this project wrote: all-MiniLM-L6-v2 (see {@link TestModels}).
 * Every expected number is derived from the published architecture: L = 6 layers, hidden H = 384,
 * FFN F = 1536, 12 heads of d = 32, vocab V = 30522, P = 512 positions, 2 token types.
 */
class MiniLmImportTest {
    private static final long L = 6;
    private static final long H = 384;
    private static final long F = 1536;
    private static final long HEADS = 12;
    private static final long D = H / HEADS;
    private static final long V = 30522;

    private static OnnxModel model;
    /** batch 1, sequence length 128: T = 128 tokens. */
    private static OnnxImport bert;
    private static final long S = 128;

    @BeforeAll
    static void parseOnce() {
        model = OnnxImporter.read(new ByteArrayInputStream(TestModels.miniLmBytes()), "all-minilm-l6-v2.onnx");
        bert = model.bind(Map.of("batch_size", 1L, "sequence_length", S));
    }

    private static List<Op> ops(OnnxImport r) {
        assertEquals(1, r.graph().blocks().size());
        assertEquals(1, r.graph().blocks().get(0).repeat());
        return r.graph().blocks().get(0).ops();
    }

    private static <T extends Op> List<T> all(OnnxImport r, Class<T> type) {
        return ops(r).stream().filter(type::isInstance).map(type::cast).toList();
    }

    private static <T extends Op> T named(OnnxImport r, Class<T> type, String name) {
        return all(r, type).stream().filter(o -> o.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + type.getSimpleName() + " named " + name));
    }

    private static <T> long count(List<T> list, Predicate<T> p) {
        return list.stream().filter(p).count();
    }

    @Test
    void projectionsAreThirtySixWeightMatMulsWithBertShapes() {
        List<MatMul> mm = all(bert, MatMul.class);
        // Per layer: Q, K, V, O (H×H), FFN in (H×F), FFN out (F×H): 6 layers × 6 = 36; m = 1·128 tokens.
        assertEquals(L * 6, mm.size());
        assertEquals(L * 4, count(mm, m -> m.m() == S && m.n() == H && m.k() == H));
        assertEquals(L, count(mm, m -> m.m() == S && m.n() == F && m.k() == H));
        assertEquals(L, count(mm, m -> m.m() == S && m.n() == H && m.k() == F));
        assertEquals(new MatMul("/encoder/layer.0/attention/self/query/MatMul", S, H, H, Precision.FP32),
                mm.get(0));
        assertEquals(new MatMul("/encoder/layer.5/intermediate/dense/MatMul", S, F, H, Precision.FP32),
                named(bert, MatMul.class, "/encoder/layer.5/intermediate/dense/MatMul"));
        assertEquals(new MatMul("/encoder/layer.5/output/dense/MatMul", S, H, F, Precision.FP32),
                named(bert, MatMul.class, "/encoder/layer.5/output/dense/MatMul"));
    }

    @Test
    void attentionIsTwelveBatchedMatMulsAndSixSoftmaxes() {
        // Q·Kᵀ and P·V per layer, over batch·heads = 12 matrices. Their k = 32 and n = 32 come from the
        // head split, a Reshape whose target is computed at run time by Shape → Gather → Unsqueeze →
        // Concat: the importer has to evaluate that chain to get d = 384 / 12 = 32.
        List<BatchedMatMul> bmm = all(bert, BatchedMatMul.class);
        assertEquals(2 * L, bmm.size());
        assertEquals(new BatchedMatMul("/encoder/layer.0/attention/self/MatMul", HEADS, S, S, D, Precision.FP32),
                bmm.get(0));
        assertEquals(new BatchedMatMul("/encoder/layer.0/attention/self/MatMul_1", HEADS, S, D, S, Precision.FP32),
                bmm.get(1));
        // Softmax over the key axis of [1, 12, 128, 128] scores: rows = 1·12·128 = 1536, cols = 128.
        List<Softmax> sm = all(bert, Softmax.class);
        assertEquals(L, sm.size());
        assertTrue(sm.stream().allMatch(s -> s.rows() == HEADS * S && s.cols() == S));
    }

    @Test
    void decomposedLayerNormsAndErfGelusAreFused() {
        // 2 LayerNorms per layer (after attention, after FFN) + 1 after the embeddings = 13, each fused
        // from ReduceMean → Sub → Pow → ReduceMean → Add → Sqrt → Div → Mul(γ) → Add(β).
        List<LayerNorm> ln = all(bert, LayerNorm.class);
        assertEquals(2 * L + 1, ln.size());
        assertTrue(ln.stream().allMatch(n -> n.rows() == S && n.hidden() == H));
        assertEquals("/embeddings/LayerNorm", ln.get(0).name());
        assertEquals("/encoder/layer.0/attention/output/LayerNorm", ln.get(1).name());
        // One GELU per FFN, fused from x/√2 → Erf → +1 → ·x → ·0.5, over 128 × 1536 = 196,608 values.
        List<Gelu> gelu = all(bert, Gelu.class);
        assertEquals(L, gelu.size());
        assertEquals(new Gelu("/encoder/layer.0/intermediate/intermediate_act_fn", S * F, Precision.FP32), gelu.get(0));
        // Fused nodes count as mapped, each under its own op_type: 2 ReduceMeans per LayerNorm, 1 Erf per GELU.
        assertEquals(2 * (2 * L + 1), (long) bert.mappedOpTypes().get("ReduceMean"));
        assertEquals(L, (long) bert.mappedOpTypes().get("Erf"));
    }

    @Test
    void wordEmbeddingLookupHasTheVocabularyAndHiddenSize() {
        assertEquals(new Embedding("/embeddings/word_embeddings/Gather", S, H, V, Precision.FP32),
                named(bert, Embedding.class, "/embeddings/word_embeddings/Gather"));
        // Word, position (512 rows) and token type (2 rows) lookups.
        List<Embedding> emb = all(bert, Embedding.class);
        assertEquals(3, emb.size());
        assertEquals(512, named(bert, Embedding.class, "/embeddings/position_embeddings/Gather").vocab());
        assertEquals(2, named(bert, Embedding.class, "/embeddings/token_type_embeddings/Gather").vocab());
    }

    @Test
    void matrixFlopsMatchTheArchitecture() {
        // Per layer, with T = 128 tokens:
        //   Q, K, V, O: 4 · 2·T·H·H = 4 · 2·128·384·384  = 150,994,944
        //   FFN in/out: 2 · 2·T·H·F = 2 · 2·128·384·1536 = 301,989,888
        //   Q·Kᵀ, P·V:  2 · 2·12·T·T·d = 2 · 2·12·128·128·32 = 25,165,824
        //   = 478,150,656; × 6 layers = 2,868,903,936.
        double flops = 0;
        for (Op op : ops(bert)) {
            flops += ((ComputeOp) op).matrixFlops();
        }
        assertEquals(2_868_903_936.0, flops);
    }

    @Test
    void parameterCountIsThePublishedFigureLessThePooler() {
        // word 30522·384 = 11,720,448; position 512·384 = 196,608; token type 2·384 = 768; embedding LN 768
        //   → 11,918,592.
        // per layer: 4·(384·384 + 384) = 591,360; 384·1536 + 1536 = 591,360; 1536·384 + 384 = 590,208;
        //   2 LayerNorms 2·2·384 = 1,536 → 1,774,464; × 6 = 10,646,784.
        // Total 22,565,376. The published 22,713,216 (22.7M) includes BERT's pooler (384·384 + 384 =
        // 147,840); this export ends at last_hidden_state and has none: 22,713,216 − 147,840 = 22,565,376.
        // The int64 position_ids buffer (512 values) is an index table, not parameters.
        long embeddings = V * H + 512 * H + 2 * H + 2 * H;
        long layer = 4 * (H * H + H) + (H * F + F) + (F * H + H) + 2 * 2 * H;
        assertEquals(22_565_376L, embeddings + L * layer);
        assertEquals(22_713_216L - (H * H + H), bert.parameterCount());
    }

    @Test
    void everyNodeIsAccountedForAndNoneIsUnmapped() {
        assertEquals("all-minilm-l6-v2", bert.graph().name());
        assertEquals("torch_jit", bert.graph().blocks().get(0).name());
        assertEquals(Map.of(), bert.unmappedOpTypes());
        assertEquals(List.of(), bert.unmappedNodes());
        int total = 0;
        for (Map<String, Integer> m : List.of(bert.mappedOpTypes(), bert.foldedOpTypes(), bert.unmappedOpTypes())) {
            total += m.values().stream().mapToInt(Integer::intValue).sum();
        }
        assertEquals(model.nodeCount(), total);
        // Folded, from BertSelfAttention: per layer Q, K, V are reshaped to heads and transposed, and
        // the context is transposed back and reshaped: 4 Reshapes and 4 Transposes; 6 biases per layer
        // (Q, K, V, O, FFN in, FFN out) are Adds folded into their MatMuls.
        assertEquals(4 * L, (long) bert.foldedOpTypes().get("Reshape"));
        assertEquals(4 * L, (long) bert.foldedOpTypes().get("Transpose"));
        assertEquals(6 * L, (long) bert.foldedOpTypes().get("Add"));
        assertEquals(List.of(), bert.notes());
    }

    @Test
    void elementwiseOpsAreResidualsScoreScalingMaskAndEmbeddingSums() {
        List<Elementwise> ew = all(bert, Elementwise.class);
        // Per layer: 2 residual adds (T·H = 49,152), scores ÷ √d and + mask (12·T·T = 196,608) = 4 → 24.
        // Embeddings: word + token type, + position = 2 adds of T·H. Mask preparation (1 − mask)·min =
        // 2 ops over the [1, 1, 1, 128] mask. Total 28.
        assertEquals(4 * L + 2 + 2, ew.size());
        assertEquals(2 * L + 2, count(ew, e -> e.kind() == OpKind.ADD && e.elements() == S * H));
        assertEquals(L, count(ew, e -> e.kind() == OpKind.ADD && e.elements() == HEADS * S * S));
        assertEquals(L, count(ew, e -> e.kind() == OpKind.MUL && e.elements() == HEADS * S * S));
        assertEquals(2, count(ew, e -> e.elements() == S));
    }

    @Test
    void otherBindingsGiveOtherShapes() {
        OnnxImport b2 = model.bind(Map.of("batch_size", 2L, "sequence_length", 64L));
        // 2 × 64 = 128 tokens through the projections; attention over 2·12 = 24 heads of 64 × 64.
        assertEquals(new MatMul("/encoder/layer.0/attention/self/query/MatMul", 128, H, H, Precision.FP32),
                all(b2, MatMul.class).get(0));
        assertEquals(new BatchedMatMul("/encoder/layer.0/attention/self/MatMul", 24, 64, 64, D, Precision.FP32),
                all(b2, BatchedMatMul.class).get(0));
        assertEquals(new Softmax("/encoder/layer.0/attention/self/Softmax", 24 * 64, 64, Precision.FP32),
                all(b2, Softmax.class).get(0));
        assertEquals(128, named(b2, Embedding.class, "/embeddings/word_embeddings/Gather").tokens());
        // Position ids are position_ids[:, :64], broadcast over the batch: 64 lookups, not 128.
        assertEquals(64, named(b2, Embedding.class, "/embeddings/position_embeddings/Gather").tokens());
    }

    @Test
    void precisionOverrideCostsEveryOpInIt() {
        OnnxImport bf16 = model.bind(Map.of("batch_size", 1L, "sequence_length", S), Precision.BF16);
        assertTrue(ops(bf16).stream().allMatch(o -> ((ComputeOp) o).precision() == Precision.BF16));
        // Q projection bytes at 2 bytes/element: (T·H + H·H + T·H)·2 = (49,152 + 147,456 + 49,152)·2.
        assertEquals(491_520.0, all(bf16, MatMul.class).get(0).bytes());
        assertEquals(2 * 491_520.0, all(bert, MatMul.class).get(0).bytes());
    }

    @Test
    void unboundSymbolicDimensionsAreNamed() {
        InputException one = assertThrows(InputException.class, () -> model.bind(Map.of("batch_size", 1L)));
        assertEquals("all-minilm-l6-v2.onnx", one.file());
        assertEquals("$.graph.input[0](input_ids)", one.path());
        assertTrue(one.problem().contains("not bound: sequence_length"), one.problem());
        InputException both = assertThrows(InputException.class, () -> model.bind(Map.of()));
        assertTrue(both.problem().contains("not bound: batch_size, sequence_length"), both.problem());
        assertEquals(java.util.Set.of("batch_size", "sequence_length"), model.symbolicDimensions());
    }

    @Test
    void sequenceLongerThanThePositionTableDoesNotFit() {
        // 600 tokens, but only 512 learned positions: the position slice stops at 512 and the sum with the
        // [1, 600, 384] word embeddings cannot broadcast.
        InputException e = assertThrows(InputException.class,
                () -> model.bind(Map.of("batch_size", 1L, "sequence_length", 600L)));
        assertEquals("$.graph.node[19](/embeddings/Add_1)", e.path());
        assertTrue(e.problem().contains("[1, 600, 384] and [1, 512, 384] do not broadcast"), e.problem());
    }

    @Test
    void bindingThatMatchesNoDimensionIsNoted() {
        OnnxImport r = model.bind(Map.of("batch_size", 1L, "sequence_length", 8L, "seq_len", 8L));
        assertEquals(1, r.notes().size());
        assertTrue(r.notes().get(0).contains("seq_len"), r.notes().get(0));
    }
}
