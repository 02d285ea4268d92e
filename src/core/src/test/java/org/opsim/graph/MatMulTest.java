package org.opsim.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** FLOPs, bytes and compute precision of {@link MatMul} and {@link BatchedMatMul}; all expectations worked by hand. */
class MatMulTest {

    @Test
    void matmulFlopsAreTwoTimesMTimesNTimesKAllOnTheMatrixUnit() {
        MatMul mm = new MatMul("mm", 64, 128, 256, Precision.BF16);
        // 2·M·N·K = 2·64·128·256 = 128·32,768 = 4,194,304
        assertEquals(4_194_304.0, mm.matrixFlops());
        assertEquals(0.0, mm.vectorFlops());
        assertEquals(4_194_304.0, mm.flops());
        assertEquals(Engine.MATRIX, mm.engine());
        assertEquals(OpKind.MATMUL, mm.kind());
    }

    @Test
    void matmulReadsEachOperandOnceAndWritesTheOutputOnce() {
        MatMul mm = new MatMul("mm", 64, 128, 256, Precision.BF16);
        // A: m·k = 64·256 = 16,384; B: k·n = 256·128 = 32,768; C: m·n = 64·128 = 8,192
        // (16,384 + 32,768 + 8,192) elements · 2 B = 57,344 · 2 = 114,688 B
        assertEquals(114_688.0, mm.bytes());
        // weight operand alone: 32,768 · 2 = 65,536 B
        assertEquals(65_536.0, mm.weightBytes());
    }

    @Test
    void matmulInFp32CountsFourBytesPerElement() {
        MatMul mm = new MatMul("mm", 64, 128, 256, Precision.FP32);
        // 57,344 elements · 4 B = 229,376 B
        assertEquals(229_376.0, mm.bytes());
        assertEquals(Precision.FP32, mm.precision());
    }

    @Test
    void fp8WeightsWithBf16ActivationsComputeInBf16ButReadHalfTheWeightBytes() {
        MatMul mm = new MatMul("mm", 64, 128, 256, Precision.BF16, Precision.FP8, Precision.BF16);
        // computes in the wider of bf16 (2 B) and fp8 (1 B): bf16
        assertEquals(Precision.BF16, mm.precision());
        // weights: k·n = 32,768 elements · 1 B = 32,768 B (half of the bf16 65,536 B)
        assertEquals(32_768.0, mm.weightBytes());
        // A: 16,384 · 2 = 32,768; B: 32,768 · 1 = 32,768; C: 8,192 · 2 = 16,384; total 81,920 B
        assertEquals(81_920.0, mm.bytes());
        // FLOPs do not depend on precision: 2·64·128·256 = 4,194,304
        assertEquals(4_194_304.0, mm.flops());
    }

    @Test
    void fp4WeightsReadAQuarterOfTheBf16WeightBytes() {
        MatMul mm = new MatMul("mm", 64, 128, 256, Precision.BF16, Precision.FP4, Precision.BF16);
        assertEquals(Precision.BF16, mm.precision());
        // k·n = 32,768 elements · 0.5 B = 16,384 B
        assertEquals(16_384.0, mm.weightBytes());
        // 16,384·2 + 32,768·0.5 + 8,192·2 = 32,768 + 16,384 + 16,384 = 65,536 B
        assertEquals(65_536.0, mm.bytes());
    }

    @Test
    void mixedPrecisionComputesInTheWiderPrecisionWhicheverOperandHoldsIt() {
        MatMul narrowActivations = new MatMul("mm", 4, 4, 4, Precision.FP8, Precision.BF16, Precision.BF16);
        assertEquals(Precision.BF16, narrowActivations.precision());
        MatMul fp32Weights = new MatMul("mm", 4, 4, 4, Precision.BF16, Precision.FP32, Precision.BF16);
        assertEquals(Precision.FP32, fp32Weights.precision());
    }

    @Test
    void outputPrecisionChangesOnlyTheOutputBytes() {
        MatMul mm = new MatMul("mm", 64, 128, 256, Precision.FP8, Precision.FP8, Precision.FP32);
        // compute precision ignores the output: wider(fp8, fp8) = fp8
        assertEquals(Precision.FP8, mm.precision());
        // A: 16,384·1 + B: 32,768·1 + C: 8,192·4 = 16,384 + 32,768 + 32,768 = 81,920 B
        assertEquals(81_920.0, mm.bytes());
    }

    @Test
    void aMatmulLowersToItself() {
        MatMul mm = new MatMul("mm", 1, 1, 1, Precision.BF16);
        assertEquals(List.of(mm), mm.lower());
    }

    @Test
    void largeMatmulShapesDoNotOverflow() {
        long n = 1L << 20;
        MatMul mm = new MatMul("huge", n, n, n, Precision.BF16);
        // 2·(2^20)^3 = 2·2^60 = 2^61 = 2,305,843,009,213,693,952: a power of two, exact as a double
        assertEquals(0x1p61, mm.flops());
        assertEquals(2_305_843_009_213_693_952.0, mm.flops());
        // 3 operands of 2^40 elements · 2 B = 6·2^40 = 6,597,069,766,656 B
        assertEquals(6_597_069_766_656.0, mm.bytes());
    }

    @Test
    void batchedMatmulFlopsAreTwoTimesBatchTimesMTimesNTimesK() {
        BatchedMatMul bmm = new BatchedMatMul("bmm", 8, 16, 32, 64, Precision.FP16);
        // 2·batch·m·n·k = 2·8·16·32·64 = 16·16·32·64 = 256·2,048 = 524,288
        assertEquals(524_288.0, bmm.matrixFlops());
        assertEquals(0.0, bmm.vectorFlops());
        assertEquals(524_288.0, bmm.flops());
        assertEquals(Engine.MATRIX, bmm.engine());
        assertEquals(OpKind.BATCHED_MATMUL, bmm.kind());
    }

    @Test
    void batchedMatmulReadsBothOperandsAndWritesTheOutputForEveryBatch() {
        BatchedMatMul bmm = new BatchedMatMul("bmm", 8, 16, 32, 64, Precision.FP16);
        // batch·(m·k + k·n + m·n) = 8·(16·64 + 64·32 + 16·32) = 8·(1,024 + 2,048 + 512) = 8·3,584
        //   = 28,672 elements · 2 B = 57,344 B
        assertEquals(57_344.0, bmm.bytes());
        BatchedMatMul fp32 = new BatchedMatMul("bmm", 8, 16, 32, 64, Precision.FP32);
        // 28,672 · 4 B = 114,688 B
        assertEquals(114_688.0, fp32.bytes());
    }

    @Test
    void largeBatchedMatmulShapesDoNotOverflow() {
        long n = 1L << 20;
        BatchedMatMul bmm = new BatchedMatMul("huge", 1L << 10, n, n, n, Precision.FP8);
        // 2·2^10·2^60 = 2^71: beyond any long, exact as a double
        assertEquals(0x1p71, bmm.flops());
        // 2^10·3·2^40 elements · 1 B = 3·2^50 B
        assertEquals(3 * 0x1p50, bmm.bytes());
    }
}
