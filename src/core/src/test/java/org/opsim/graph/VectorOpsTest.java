package org.opsim.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * FLOPs and bytes of the vector-unit ops. Per-element FLOP conventions: softmax 5, layernorm 8,
 * rmsnorm 4, GELU (tanh form) 9, SiLU 4, SiLU-and-mul 5, add/mul 1, rope 3, embedding 0.
 */
class VectorOpsTest {

    @Test
    void softmaxCostsFiveFlopsPerElementAndReadsAndWritesTheMatrixOnce() {
        Softmax s = new Softmax("sm", 4, 10, Precision.BF16);
        // 5·rows·cols = 5·4·10 = 200
        assertEquals(200.0, s.vectorFlops());
        assertEquals(0.0, s.matrixFlops());
        assertEquals(200.0, s.flops());
        // read + write: 2·4·10 = 80 elements · 2 B = 160 B
        assertEquals(160.0, s.bytes());
        assertEquals(OpKind.SOFTMAX, s.kind());
    }

    @Test
    void layerNormCostsEightFlopsPerElementAndReadsGammaAndBeta() {
        LayerNorm ln = new LayerNorm("ln", 3, 8, Precision.FP32);
        // 8·rows·hidden = 8·3·8 = 192
        assertEquals(192.0, ln.vectorFlops());
        assertEquals(0.0, ln.matrixFlops());
        // (2·rows·hidden + 2·hidden)·4 B = (2·24 + 2·8)·4 = (48 + 16)·4 = 256 B
        assertEquals(256.0, ln.bytes());
        assertEquals(OpKind.LAYERNORM, ln.kind());
    }

    @Test
    void rmsNormCostsFourFlopsPerElementAndReadsGammaOnly() {
        RmsNorm rn = new RmsNorm("rms", 3, 8, Precision.FP16);
        // 4·rows·hidden = 4·3·8 = 96
        assertEquals(96.0, rn.vectorFlops());
        assertEquals(0.0, rn.matrixFlops());
        // (2·rows·hidden + hidden)·2 B = (48 + 8)·2 = 112 B
        assertEquals(112.0, rn.bytes());
        assertEquals(OpKind.RMSNORM, rn.kind());
    }

    @Test
    void geluTanhFormCostsNineFlopsPerElement() {
        Gelu g = new Gelu("gelu", 100, Precision.BF16);
        // 9·100 = 900
        assertEquals(900.0, g.vectorFlops());
        assertEquals(0.0, g.matrixFlops());
        // read + write: 2·100·2 B = 400 B
        assertEquals(400.0, g.bytes());
        assertEquals(OpKind.GELU, g.kind());
    }

    @Test
    void siluCostsFourFlopsPerElement() {
        Silu s = new Silu("silu", 100, Precision.FP32);
        // 4·100 = 400
        assertEquals(400.0, s.vectorFlops());
        // read + write: 2·100·4 B = 800 B
        assertEquals(800.0, s.bytes());
        assertEquals(OpKind.SILU, s.kind());
    }

    @Test
    void siluAndMulCostsFiveFlopsPerOutputAndReadsTwiceTheOutputSize() {
        SiluAndMul s = new SiluAndMul("swiglu", 5, 6, Precision.BF16);
        // (4 SiLU + 1 multiply)·rows·cols = 5·5·6 = 150
        assertEquals(150.0, s.vectorFlops());
        assertEquals(0.0, s.matrixFlops());
        // read gate and up (2·5·6 = 60) + write 5·6 = 30: 90 elements · 2 B = 180 B
        assertEquals(180.0, s.bytes());
        assertEquals(OpKind.SILU_AND_MUL, s.kind());
    }

    @Test
    void addCostsOneFlopPerElementAndReadsTwoInputsAndWritesOne() {
        Elementwise add = Elementwise.add("residual", 1000, Precision.BF16);
        // 1·1000 = 1000
        assertEquals(1000.0, add.vectorFlops());
        assertEquals(0.0, add.matrixFlops());
        // 3·1000 elements · 2 B = 6,000 B
        assertEquals(6000.0, add.bytes());
        assertEquals(OpKind.ADD, add.kind());
    }

    @Test
    void mulCostsOneFlopPerElementLikeAdd() {
        Elementwise mul = Elementwise.mul("scale", 1000, Precision.FP8);
        assertEquals(1000.0, mul.flops());
        // 3·1000 elements · 1 B = 3,000 B
        assertEquals(3000.0, mul.bytes());
        assertEquals(OpKind.MUL, mul.kind());
        assertEquals(new Elementwise("scale", OpKind.MUL, 1000, Precision.FP8), mul);
    }

    @Test
    void ropeCostsThreeFlopsPerValueAndReadsTheCosAndSinTables() {
        Rope r = new Rope("rope", 4, 256, 64, Precision.BF16);
        // 3·tokens·width = 3·4·256 = 3,072
        assertEquals(3072.0, r.vectorFlops());
        assertEquals(0.0, r.matrixFlops());
        // (2·tokens·width + tokens·headDim)·2 B = (2·1,024 + 4·64)·2 = (2,048 + 256)·2 = 4,608 B
        assertEquals(4608.0, r.bytes());
        assertEquals(OpKind.ROPE, r.kind());
    }

    @Test
    void embeddingHasNoFlopsAndMovesOnlyTheGatheredRowsAndTheTokenIds() {
        Embedding e = new Embedding("embed", 7, 16, 32_000, Precision.BF16);
        assertEquals(0.0, e.flops());
        assertEquals(0.0, e.vectorFlops());
        assertEquals(0.0, e.matrixFlops());
        // read + write tokens·hidden: 2·7·16 = 224 elements · 2 B = 448 B; ids 4 B·7 = 28 B; 476 B
        assertEquals(476.0, e.bytes());
        assertEquals(OpKind.EMBEDDING, e.kind());
    }

    @Test
    void embeddingBytesDoNotDependOnVocabAndTokenIdsStayFourBytes() {
        Embedding small = new Embedding("embed", 7, 16, 10, Precision.FP32);
        Embedding large = new Embedding("embed", 7, 16, 1_000_000, Precision.FP32);
        // 2·7·16 = 224 elements · 4 B = 896 B + 4·7 = 28 B of ids = 924 B
        assertEquals(924.0, small.bytes());
        assertEquals(924.0, large.bytes());
        Embedding fp4 = new Embedding("embed", 7, 16, 10, Precision.FP4);
        // 224 · 0.5 B = 112 B + 28 B of int32 ids = 140 B
        assertEquals(140.0, fp4.bytes());
    }

    @Test
    void fp4ElementsAreHalfAByte() {
        // gelu: 2·10 elements · 0.5 B = 10 B
        assertEquals(10.0, new Gelu("g", 10, Precision.FP4).bytes());
        // softmax: 2·3·5 = 30 elements · 0.5 B = 15 B
        assertEquals(15.0, new Softmax("s", 3, 5, Precision.FP4).bytes());
        // an odd element count: silu 2·3 = 6 elements · 0.5 B = 3 B
        assertEquals(3.0, new Silu("s", 3, Precision.FP4).bytes());
        // add: 3·7 = 21 elements · 0.5 B = 10.5 B (fractional bytes are kept, not rounded)
        assertEquals(10.5, Elementwise.add("a", 7, Precision.FP4).bytes());
    }

    @Test
    void tf32IsStoredInFourBytesLikeFp32() {
        // softmax 2·4·10 = 80 elements · 4 B = 320 B in both
        assertEquals(320.0, new Softmax("s", 4, 10, Precision.TF32).bytes());
        assertEquals(320.0, new Softmax("s", 4, 10, Precision.FP32).bytes());
    }

    @Test
    void everyVectorOpRunsOnTheVectorUnitWithNoMatrixFlopsAndLowersToItself() {
        List<ComputeOp> ops = List.of(
                new Softmax("a", 2, 2, Precision.BF16),
                new LayerNorm("b", 2, 2, Precision.BF16),
                new RmsNorm("c", 2, 2, Precision.BF16),
                new Gelu("d", 2, Precision.BF16),
                new Silu("e", 2, Precision.BF16),
                new SiluAndMul("f", 2, 2, Precision.BF16),
                Elementwise.add("g", 2, Precision.BF16),
                Elementwise.mul("h", 2, Precision.BF16),
                new Rope("i", 2, 4, 2, Precision.BF16),
                new Embedding("j", 2, 2, 2, Precision.BF16));
        for (ComputeOp op : ops) {
            assertEquals(Engine.VECTOR, op.engine(), op.name());
            assertEquals(0.0, op.matrixFlops(), op.name());
            assertEquals(op.vectorFlops(), op.flops(), op.name());
            assertEquals(List.of(op), op.lower(), op.name());
        }
    }

    @Test
    void largeVectorShapesDoNotOverflow() {
        long n = 1L << 40;
        Softmax s = new Softmax("big", n, n, Precision.BF16);
        // 5·2^80 FLOPs and 2·2^80·2 = 2^82 B: far past Long.MAX_VALUE, exact as doubles
        assertEquals(5 * 0x1p80, s.flops());
        assertEquals(0x1p82, s.bytes());
    }
}
