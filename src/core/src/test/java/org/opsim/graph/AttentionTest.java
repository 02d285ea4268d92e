package org.opsim.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Score pairs, flash and unfused FLOPs/bytes, and lowering of {@link Attention}. */
class AttentionTest {

    private static Attention attention(long batch, long qHeads, long kvHeads, long q, long kv, long d,
                                       boolean causal, Attention.Form form) {
        return new Attention("attn", batch, qHeads, kvHeads, q, kv, d, causal, form, Precision.BF16);
    }

    // The GQA case used below: b = 2, h_q = 8, h_kv = 2, q = 16, kv = 64, d = 128, bf16.
    private static Attention gqa(boolean causal, Attention.Form form) {
        return attention(2, 8, 2, 16, 64, 128, causal, form);
    }

    @Test
    void causalScorePairsForPrefillWithoutCacheAreTheLowerTriangle() {
        // q = kv = 4: q·(kv − q) + q(q+1)/2 = 4·0 + 4·5/2 = 10
        assertEquals(10.0, attention(1, 1, 1, 4, 4, 8, true, Attention.Form.FLASH).scorePairs());
    }

    @Test
    void unmaskedScorePairsAreQueryLengthTimesKvLength() {
        // 4·4 = 16
        assertEquals(16.0, attention(1, 1, 1, 4, 4, 8, false, Attention.Form.FLASH).scorePairs());
        // 3·10 = 30
        assertEquals(30.0, attention(1, 1, 1, 3, 10, 8, false, Attention.Form.FLASH).scorePairs());
    }

    @Test
    void causalDecodeOfOneTokenSeesTheWholeCache() {
        // q = 1, kv = 1000: 1·999 + 1·2/2 = 999 + 1 = 1000, the same as without a mask
        assertEquals(1000.0, attention(1, 1, 1, 1, 1000, 8, true, Attention.Form.FLASH).scorePairs());
        assertEquals(1000.0, attention(1, 1, 1, 1, 1000, 8, false, Attention.Form.FLASH).scorePairs());
    }

    @Test
    void causalPrefillWithACacheCountsTheCachePlusATriangle() {
        // q = 3, kv = 10: 3·(10 − 3) + 3·4/2 = 21 + 6 = 27
        assertEquals(27.0, attention(1, 1, 1, 3, 10, 8, true, Attention.Form.FLASH).scorePairs());
    }

    @Test
    void flashFlopsSplitIntoMatrixFourBHqDPAndVectorFiveBHqP() {
        Attention a = gqa(true, Attention.Form.FLASH);
        // P = 16·(64 − 16) + 16·17/2 = 768 + 136 = 904
        assertEquals(904.0, a.scorePairs());
        // matrix: 4·b·h_q·d·P = 4·2·8·128·904 = 8,192·904 = 7,405,568
        assertEquals(7_405_568.0, a.matrixFlops());
        // vector: 5·b·h_q·P = 5·2·8·904 = 80·904 = 72,320
        assertEquals(72_320.0, a.vectorFlops());
        // total: 7,405,568 + 72,320 = 7,477,888
        assertEquals(7_477_888.0, a.flops());
        assertEquals(Engine.MATRIX, a.engine());
        assertEquals(OpKind.ATTENTION, a.kind());
    }

    @Test
    void flashBytesReadQKVAndWriteOOnceWithKvPerKvHead() {
        Attention a = gqa(true, Attention.Form.FLASH);
        // Q + O: 2·b·h_q·q·d = 2·2·8·16·128 = 65,536 elements
        // K + V: 2·b·h_kv·kv·d = 2·2·2·64·128 = 65,536 elements
        // (65,536 + 65,536)·2 B = 262,144 B; no score matrix
        assertEquals(262_144.0, a.bytes());
        // the mask skips work, not traffic: unmasked reads the same bytes
        assertEquals(262_144.0, gqa(false, Attention.Form.FLASH).bytes());
    }

    @Test
    void flashBytesGrowWithKvHeadsNotQueryHeads() {
        // multi-head (h_kv = h_q = 8): K + V = 2·2·8·64·128 = 262,144 elements;
        // (65,536 + 262,144)·2 B = 655,360 B
        assertEquals(655_360.0, attention(2, 8, 8, 16, 64, 128, true, Attention.Form.FLASH).bytes());
        // multi-query (h_kv = 1): K + V = 2·2·1·64·128 = 32,768 elements; (65,536 + 32,768)·2 B = 196,608 B
        assertEquals(196_608.0, attention(2, 8, 1, 16, 64, 128, true, Attention.Form.FLASH).bytes());
    }

    @Test
    void flashAttentionLowersToItself() {
        Attention a = gqa(true, Attention.Form.FLASH);
        assertEquals(List.of(a), a.lower());
    }

    @Test
    void unfusedAttentionLowersToBatchedMatmulSoftmaxBatchedMatmulWithBroadcastKv() {
        List<Op> parts = gqa(true, Attention.Form.UNFUSED).lower();
        assertEquals(List.of(OpKind.BATCHED_MATMUL, OpKind.SOFTMAX, OpKind.BATCHED_MATMUL),
                parts.stream().map(Op::kind).toList());
        // heads = b·h_q = 2·8 = 16 (K and V broadcast to every query head)
        // Q·Kᵀ: 16 products of [q × d]·[d × kv] → m = 16, n = 64, k = 128
        assertEquals(new BatchedMatMul("attn.qk", 16, 16, 64, 128, Precision.BF16), parts.get(0));
        // softmax over b·h_q·q = 16·16 = 256 rows of kv = 64 scores
        assertEquals(new Softmax("attn.softmax", 256, 64, Precision.BF16), parts.get(1));
        // scores·V: 16 products of [q × kv]·[kv × d] → m = 16, n = 128, k = 64
        assertEquals(new BatchedMatMul("attn.pv", 16, 16, 128, 64, Precision.BF16), parts.get(2));
    }

    @Test
    void unfusedFlopsAreTheSumOfItsPartsAndExceedCausalFlashFlops() {
        Attention a = gqa(true, Attention.Form.UNFUSED);
        // each batched matmul: 2·16·16·64·128 = 4,194,304; matrix = 2·4,194,304 = 8,388,608
        //   (= 4·b·h_q·q·kv·d = 4·2·8·16·64·128)
        assertEquals(8_388_608.0, a.matrixFlops());
        // softmax: 5·256·64 = 81,920
        assertEquals(81_920.0, a.vectorFlops());
        // total 8,388,608 + 81,920 = 8,470,528
        assertEquals(8_470_528.0, a.flops());
        double sumOfParts = 0;
        for (Op part : a.lower()) {
            sumOfParts += part.flops();
        }
        assertEquals(8_470_528.0, sumOfParts);
        // causal flash: 7,477,888 < 8,470,528
        assertTrue(a.flops() > gqa(true, Attention.Form.FLASH).flops());
    }

    @Test
    void unfusedCausalMaskSavesNothing() {
        Attention causal = gqa(true, Attention.Form.UNFUSED);
        Attention unmasked = gqa(false, Attention.Form.UNFUSED);
        assertEquals(8_470_528.0, unmasked.flops());
        assertEquals(unmasked.flops(), causal.flops());
        assertEquals(unmasked.bytes(), causal.bytes());
        // unmasked flash does the same FLOPs as unfused: P = q·kv = 1,024;
        // matrix 4·2·8·128·1,024 = 8,388,608, vector 5·16·1,024 = 81,920
        assertEquals(8_470_528.0, gqa(false, Attention.Form.FLASH).flops());
    }

    @Test
    void unfusedBytesAreTheSumOfItsPartsIncludingTheScoreMatrix() {
        Attention a = gqa(true, Attention.Form.UNFUSED);
        // qk: 16·(16·128 + 128·64 + 16·64) = 16·(2,048 + 8,192 + 1,024) = 16·11,264 = 180,224 elements
        // softmax: 2·256·64 = 32,768 elements
        // pv: 16·(16·64 + 64·128 + 16·128) = 16·11,264 = 180,224 elements
        // (180,224 + 32,768 + 180,224)·2 B = 393,216·2 = 786,432 B
        //   (= b·h_q·(2·q·d + 2·kv·d + 4·q·kv)·e = 16·(4,096 + 16,384 + 4,096)·2)
        assertEquals(786_432.0, a.bytes());
        double sumOfParts = 0;
        for (Op part : a.lower()) {
            sumOfParts += part.bytes();
        }
        assertEquals(786_432.0, sumOfParts);
        // 786,432 B unfused vs 262,144 B flash
        assertTrue(a.bytes() > gqa(true, Attention.Form.FLASH).bytes());
    }

    @Test
    void queryHeadsThatAreNotAMultipleOfKvHeadsAreRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Attention("attn", 1, 6, 4, 1, 1, 64, true, Attention.Form.FLASH, Precision.BF16));
        assertTrue(e.getMessage().contains("attn"), e.getMessage());
        assertTrue(e.getMessage().contains("queryHeads"), e.getMessage());
        assertTrue(e.getMessage().contains("kvHeads"), e.getMessage());
    }

    @Test
    void queryLengthLongerThanKvLengthIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Attention("attn", 1, 8, 8, 11, 10, 64, true, Attention.Form.FLASH, Precision.BF16));
        assertTrue(e.getMessage().contains("attn"), e.getMessage());
        assertTrue(e.getMessage().contains("queryLength"), e.getMessage());
    }

    @Test
    void zeroHeadDimIsRejectedNamingTheField() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Attention("attn", 1, 8, 8, 1, 1, 0, true, Attention.Form.FLASH, Precision.BF16));
        assertTrue(e.getMessage().contains("attn"), e.getMessage());
        assertTrue(e.getMessage().contains("headDim"), e.getMessage());
    }

    @Test
    void formsParseFromTheirIds() {
        assertEquals(Attention.Form.FLASH, Attention.Form.parse("flash"));
        assertEquals(Attention.Form.UNFUSED, Attention.Form.parse("UNFUSED"));
        assertEquals("unfused", Attention.Form.UNFUSED.id());
        assertThrows(IllegalArgumentException.class, () -> Attention.Form.parse("paged"));
    }

    @Test
    void largeAttentionShapesDoNotOverflow() {
        // b = 2^10, h_q = h_kv = 2^7, q = kv = 2^20, d = 2^7, unmasked: P = 2^40
        Attention a = new Attention("big", 1L << 10, 1L << 7, 1L << 7, 1L << 20, 1L << 20, 1L << 7,
                false, Attention.Form.FLASH, Precision.BF16);
        assertEquals(0x1p40, a.scorePairs());
        // 4·2^10·2^7·2^7·2^40 = 2^2·2^64 = 2^66
        assertEquals(0x1p66, a.matrixFlops());
        // 5·2^10·2^7·2^40 = 5·2^57
        assertEquals(5 * 0x1p57, a.vectorFlops());
    }
}
