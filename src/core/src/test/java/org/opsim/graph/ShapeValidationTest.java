package org.opsim.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Bad shapes are rejected at construction with a message naming the op and the field. */
class ShapeValidationTest {

    private static String rejects(Executable construct, String... fragments) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, construct);
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), "message '" + e.getMessage() + "' should mention '" + f + "'");
        }
        return e.getMessage();
    }

    @Test
    void aMatmulWithZeroMIsRejectedNamingTheOpAndTheField() {
        String msg = rejects(() -> new MatMul("q_proj", 0, 128, 256, Precision.BF16), "q_proj", "m");
        assertEquals("q_proj: m: must be > 0, got 0", msg);
    }

    @Test
    void everyMatmulDimensionMustBePositive() {
        rejects(() -> new MatMul("o_proj", 1, -1, 1, Precision.BF16), "o_proj", "n", "-1");
        rejects(() -> new MatMul("o_proj", 1, 1, 0, Precision.BF16), "o_proj", "k");
        rejects(() -> new BatchedMatMul("scores", 0, 1, 1, 1, Precision.BF16), "scores", "batch");
    }

    @Test
    void aLayerNormWithNegativeRowsIsRejected() {
        rejects(() -> new LayerNorm("ln_1", -1, 4096, Precision.BF16), "ln_1", "rows", "-1");
        rejects(() -> new LayerNorm("ln_1", 1, 0, Precision.BF16), "ln_1", "hidden");
    }

    @Test
    void vectorOpsWithNonPositiveSizesAreRejected() {
        rejects(() -> new Softmax("sm", 0, 1, Precision.BF16), "sm", "rows");
        rejects(() -> new Softmax("sm", 1, -5, Precision.BF16), "sm", "cols");
        rejects(() -> new RmsNorm("rms", -2, 8, Precision.BF16), "rms", "rows");
        rejects(() -> new Gelu("gelu", 0, Precision.BF16), "gelu", "elements");
        rejects(() -> new Silu("silu", -1, Precision.BF16), "silu", "elements");
        rejects(() -> new SiluAndMul("swiglu", 4, 0, Precision.BF16), "swiglu", "cols");
        rejects(() -> Elementwise.add("residual", 0, Precision.BF16), "residual", "elements");
        rejects(() -> new Embedding("embed", 4, 8, 0, Precision.BF16), "embed", "vocab");
        rejects(() -> new Rope("rope", 0, 128, 64, Precision.BF16), "rope", "tokens");
    }

    @Test
    void aRopeWidthThatIsNotAMultipleOfHeadDimIsRejected() {
        // 96 = 1.5 heads of 64
        rejects(() -> new Rope("rope", 4, 96, 64, Precision.BF16), "rope", "width", "96", "headDim", "64");
    }

    @Test
    void aRopeWithAnOddHeadDimIsRejected() {
        rejects(() -> new Rope("rope", 4, 9, 3, Precision.BF16), "rope", "headDim", "3");
    }

    @Test
    void anElementwiseOpWithKindSoftmaxIsRejected() {
        rejects(() -> new Elementwise("resid", OpKind.SOFTMAX, 8, Precision.BF16), "resid", "kind", "softmax");
    }

    @Test
    void attentionShapeErrorsNameTheOpAndTheField() {
        rejects(() -> new Attention("self_attn", 1, 6, 4, 1, 1, 64, false, Attention.Form.FLASH, Precision.BF16),
                "self_attn", "queryHeads", "6", "kvHeads", "4");
        rejects(() -> new Attention("self_attn", 1, 8, 8, 11, 10, 64, true, Attention.Form.FLASH, Precision.BF16),
                "self_attn", "queryLength", "11", "kvLength", "10");
        rejects(() -> new Attention("self_attn", 0, 8, 8, 1, 1, 64, true, Attention.Form.FLASH, Precision.BF16),
                "self_attn", "batch");
    }

    @Test
    void aBlankOpNameIsRejected() {
        rejects(() -> new MatMul(" ", 1, 1, 1, Precision.BF16), "name");
        rejects(() -> new Softmax(null, 1, 1, Precision.BF16), "name");
    }

    @Test
    void aMissingPrecisionNamesTheOpAndTheField() {
        NullPointerException e = assertThrows(NullPointerException.class,
                () -> new Softmax("sm", 1, 1, null));
        assertEquals("sm: precision is required", e.getMessage());
        NullPointerException w = assertThrows(NullPointerException.class,
                () -> new MatMul("mm", 1, 1, 1, Precision.BF16, null, Precision.BF16));
        assertEquals("mm: weightPrecision is required", w.getMessage());
    }

    @Test
    void theSmallestValidShapesAreAccepted() {
        // 2·1·1·1 = 2 FLOPs; (1 + 1 + 1)·2 B = 6 B
        MatMul mm = new MatMul("mm", 1, 1, 1, Precision.BF16);
        assertEquals(2.0, mm.flops());
        assertEquals(6.0, mm.bytes());
        // q = kv = 1 causal: 1·0 + 1·2/2 = 1 score pair
        assertEquals(1.0, new Attention("a", 1, 1, 1, 1, 1, 1, true, Attention.Form.FLASH, Precision.BF16).scorePairs());
    }
}
