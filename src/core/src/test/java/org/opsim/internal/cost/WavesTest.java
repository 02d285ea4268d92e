package org.opsim.internal.cost;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.opsim.graph.BatchedMatMul;
import org.opsim.graph.MatMul;
import org.opsim.graph.Precision;
import org.opsim.hardware.HardwareProfile;
import org.opsim.cost.TestChips;

/** The wave model of GEMM time, worked by hand on an A100-like chip: 108 units, 128 × 128 tiles. */
class WavesTest {

    private static final HardwareProfile A100ISH = TestChips.gpu().computeUnits(108, TestChips.SRC)
            .matmulTile(128, 128, TestChips.SRC).build();

    @Test
    void aFullMachineGemmPaysOnlyForItsLastPartialWave() {
        // m = n = 4096, k = 8192. Tile shapes tried: 128×128, 128×256, 256×128, 64×128, 128×64.
        //  128×128: 32·32 = 1024 tiles → ceil(1024/108) = 10 waves → 10·108·128·128·2·8192 = 2.899e11 FLOPs
        //  128×256 and 256×128: 32·16 = 512 tiles → 5 waves (540 slots) → 5·108·128·256·2·8192 = 2.899e11
        //  64×128 and 128×64: 64·32 = 2048 tiles → 19 waves (2052 slots) → 19·108·64·128·2·8192 = 2.754e11 (least)
        //  (no 16-row skinny tile: m = 4096 > 16 rows)
        // The GEMM itself is 2·4096²·8192 = 2.749e11 FLOPs.
        double best = 19.0 * 108 * 64 * 128 * 2 * 8192;
        assertEquals(best, Waves.effectiveMatrixFlops(new MatMul("g", 4096, 4096, 8192, Precision.FP16), A100ISH));
    }

    @Test
    void aSkinnyGemmSplitsKToFillTheUnits() {
        // m = 16, n = 4096, k = 4096. 128×128: 1·32 = 32 tiles < 108 units → split K by
        // min(floor(108/32) = 3, ceil(4096/128) = 32) = 3 → 96 tiles, 1 wave → 108·128·128·2·(4096/3).
        //  128×256: 16 tiles → split 6 → 96 tiles → 108·128·256·2·(4096/6) = same 4.530e9.
        //  256×128: 32 tiles → split 3 → 108·256·128·2·4096/3 = 7.550e9.
        //  64×128: 1·32 tiles → split 3 → 108·64·128·2·4096/3 = 2.265e9 (least).
        //  128×64: 64 tiles → split 1 → 1 wave → 108·128·64·2·4096 = 7.248e9.
        //  16×128 (skinny): 1·32 = 32 tiles → split min(3, ceil(4096/16) = 256) = 3 → 96 tiles, 1 wave →
        //  108·16·128·2·(4096/3) = 6.04e8 (least: 16 rows is exactly the GEMM's m).
        double best = 108.0 * 16 * 128 * 2 * (4096 / 3.0);
        assertEquals(best, Waves.effectiveMatrixFlops(new MatMul("g", 16, 4096, 4096, Precision.FP16), A100ISH), best * 1e-12);
    }

    @Test
    void batchedGemmsShareTheWaves() {
        // 12 heads of 128×128×32: 128×128 tiles: 12 tiles → split min(floor(108/12) = 9, ceil(32/128) = 1) = 1
        // → 1 wave → 108·128·128·2·32 = 1.132e8. 64×128: 24 tiles → 1 wave → 108·64·128·2·32 = 5.66e7.
        // (no 16-row skinny tile: each GEMM has m = 128 > 16 rows, so 64×128 at 5.66e7 is the least.)
        double best = 108.0 * 64 * 128 * 2 * 32;
        assertEquals(best, Waves.effectiveMatrixFlops(new BatchedMatMul("qk", 12, 128, 128, 32, Precision.FP16), A100ISH));
    }

    @Test
    void aBatchOneDecodeGemvStaysMemoryBoundOnBigTiles() {
        // MI300X-like: 304 units, 256×256 tiles, 1307 TFLOP/s; Llama-70B o_proj at batch 1: 1×8192×8192.
        // 16×256 tiles: 32 tiles → split min(floor(304/32) = 9, ceil(8192/16) = 512) = 9 → 288 tiles, 1 wave →
        // 304·16·256·2·(8192/9) = 2.27e9 FLOPs → 2.27e9 / (1307e12·0.7) = 2.5 µs; weights 8192²·2 B = 134 MB at
        // 5.3e12 B/s = 25 µs: memory-bound, as a GEMV is. (256×256 alone would give 304·256²·2·8192/9 = 3.6e10.)
        HardwareProfile mi300ish = TestChips.gpu().computeUnits(304, TestChips.SRC).matmulTile(256, 256, TestChips.SRC).build();
        MatMul gemv = new MatMul("o_proj", 1, 8192, 8192, Precision.BF16);
        assertEquals(304.0 * 16 * 256 * 2 * (8192 / 9.0), Waves.effectiveMatrixFlops(gemv, mi300ish), 1);
    }

    @Test
    void withoutUnitsOrTileTheGemmCostsItsOwnFlops() {
        MatMul g = new MatMul("g", 16, 4096, 4096, Precision.FP16);
        assertEquals(g.flops(), Waves.effectiveMatrixFlops(g, TestChips.gpu().build()));
    }
}
