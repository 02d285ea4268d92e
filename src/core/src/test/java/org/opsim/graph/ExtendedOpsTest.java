package org.opsim.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** Ops added for real architectures: MoE grouped GEMMs, MLA attention, backward attention, AdamW. */
class ExtendedOpsTest {

    @Test
    void groupedMatmulReadsEachTouchedExpertOnce() {
        // 32 token-rows over 3 touched experts of 4096×1024 bf16 weights:
        // FLOPs = 2·32·1024·4096 = 268,435,456;
        // bytes = 32·4096·2 (A) + 3·4096·1024·2 (experts) + 32·1024·2 (C) = 262,144 + 25,165,824 + 65,536.
        GroupedMatMul g = new GroupedMatMul("experts", 32, 1024, 4096, 3, Precision.BF16, Precision.BF16, Precision.BF16);
        assertEquals(268_435_456.0, g.flops());
        assertEquals(25_493_504.0, g.bytes());
        assertEquals(OpKind.MATMUL, g.kind());
        assertEquals(25_165_824.0, g.weightBytes());
    }

    @Test
    void adamwMovesTwentyEightBytesPerBf16Parameter() {
        // bf16 grad 2 + fp32 master/m/v read 12 + written 12 + bf16 weight copy 2 = 28 B; 12 FLOPs.
        OptimizerUpdate u = new OptimizerUpdate("adamw", 1_000_000, Precision.BF16, Precision.BF16);
        assertEquals(28e6, u.bytes());
        assertEquals(12e6, u.flops());
        assertEquals(Engine.VECTOR, u.engine());
    }

    @Test
    void mlaAbsorbedDecodeReadsTheSharedLatentOnce() {
        // DeepSeek-V3 decode on one chip: 128 heads, one shared latent "KV head" of 576 (512 + 64 rope),
        // V = the first 512 values; 1 query attending to 4096 keys, bf16.
        Attention a = new Attention("mla", 1, 128, 1, 1, 4096, 576, 512, true, true, Attention.Form.FLASH,
                Attention.Pass.FORWARD, Precision.BF16, Precision.BF16);
        // Pairs (causal, q = 1) = 4096. Matrix FLOPs = 2·1·128·4096·(576 + 512) = 1,140,850,688.
        assertEquals(1_140_850_688.0, a.matrixFlops());
        // Bytes: Q and O = 1·128·1·(576 + 512)·2 = 278,528; cache = 1·1·4096·576·2 = 4,718,592 (read once).
        assertEquals(278_528.0 + 4_718_592.0, a.bytes());
        assertEquals(4_718_592.0, a.kvCacheBytes());
    }

    @Test
    void anFp8CacheHalvesOnlyTheCacheBytes() {
        Attention bf16 = new Attention("a", 2, 32, 8, 1, 1000, 128, 128, false, true, Attention.Form.FLASH,
                Attention.Pass.FORWARD, Precision.BF16, Precision.BF16);
        Attention fp8 = new Attention("a", 2, 32, 8, 1, 1000, 128, 128, false, true, Attention.Form.FLASH,
                Attention.Pass.FORWARD, Precision.BF16, Precision.FP8);
        // Q+O: 2·32·1·256·2 = 32,768 B; cache: 2·8·1000·256 values = 4,096,000 values → 8,192,000 B (bf16), 4,096,000 B (fp8).
        assertEquals(32_768.0 + 8_192_000.0, bf16.bytes());
        assertEquals(32_768.0 + 4_096_000.0, fp8.bytes());
        assertEquals(bf16.flops(), fp8.flops());
    }

    @Test
    void flashBackwardIsFiveMatmulsAndTwiceTheTraffic() {
        Attention fwd = new Attention("a", 1, 16, 16, 512, 512, 64, false, Attention.Form.FLASH, Precision.BF16);
        Attention bwd = fwd.backward("a.bwd");
        // Forward matrix FLOPs = 4·16·64·512² = 1,073,741,824; backward 2.5× = 2,684,354,560.
        assertEquals(1_073_741_824.0, fwd.matrixFlops());
        assertEquals(2_684_354_560.0, bwd.matrixFlops());
        assertEquals(2 * fwd.vectorFlops(), bwd.vectorFlops());
        assertEquals(2 * fwd.bytes(), bwd.bytes());
        assertEquals(Attention.Pass.BACKWARD, bwd.pass());
    }

    @Test
    void inconsistentAttentionShapesAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> new Attention("a", 1, 8, 1, 1, 10, 64, 128, true, true,
                Attention.Form.FLASH, Attention.Pass.FORWARD, Precision.BF16, Precision.BF16));
        assertThrows(IllegalArgumentException.class, () -> new Attention("a", 1, 8, 8, 1, 10, 64, 64, false, true,
                Attention.Form.UNFUSED, Attention.Pass.BACKWARD, Precision.BF16, Precision.BF16));
        assertThrows(IllegalArgumentException.class, () -> new GroupedMatMul("g", 4, 8, 8, 0, Precision.BF16, Precision.BF16, Precision.BF16));
        assertThrows(IllegalArgumentException.class, () -> new OptimizerUpdate("o", 0, Precision.BF16, Precision.BF16));
    }
}
