package org.opsim.internal.cost;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.opsim.cost.TestChips;
import org.opsim.graph.BatchedMatMul;
import org.opsim.graph.MatMul;
import org.opsim.graph.Precision;
import org.opsim.hardware.HardwareProfile;

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

    /**
     * A non-square profile tile (H100-like: 132 units, 128 × 256), so that each tile shape the library
     * may pick wins alone for some GEMM: dropping any one of them from {@link Waves} changes one of
     * these. Each line: tiles → splits (min(⌊132/tiles⌋, ⌈k/tm⌉), when the tiles leave units idle) →
     * waves → waves·132·tm·tn·2·k/splits effective FLOPs; the least is the answer.
     */
    private static final HardwareProfile H100ISH = TestChips.gpu().computeUnits(132, TestChips.SRC)
            .matmulTile(128, 256, TestChips.SRC).build();

    @Test
    void theProfileTileWinsWhereItFillsTheUnitsBest() {
        // m 96, n 1024, k 8192. 128×256: 4 tiles → 33 splits (≤ 64) → 1 wave → 132·128·256·2·8192/33 = 2.147e9 (least);
        // 128×512: 2 → 64 → 2.215e9; 256×256: 4 → min(33, 32) = 32 → 4.429e9; 64×256: 8 → 16 → 2.215e9;
        // 128×128: 8 → 16 → 2.215e9.
        assertEquals(132.0 * 128 * 256 * 2 * (8192 / 33.0), effective(96, 1024, 8192), 1);
    }

    @Test
    void aWiderTileWinsWhenItLeavesFewerUnitsIdle() {
        // m 96, n 2048, k 8192. 128×512: 4 tiles → 33 splits → 1 wave → 132·128·512·2·8192/33 = 4.295e9 (least);
        // 128×256: 8 → 16 → 4.429e9; 256×256: 8 → 16 → 8.858e9; 64×256: 16 → 8 → 4.429e9; 128×128: 16 → 8 → 4.429e9.
        assertEquals(132.0 * 128 * 512 * 2 * (8192 / 33.0), effective(96, 2048, 8192), 1);
    }

    @Test
    void aTallerTileWinsWhenItLeavesFewerUnitsIdle() {
        // m 1024, n 768, k 4096. 256×256: 12 tiles → 11 splits (≤ 16) → 1 wave → 132·256·256·2·4096/11 = 6.442e9
        // (least); 128×256: 24 → 5 → 7.087e9; 128×512: 16 → 8 → 8.858e9; 64×256: 48 → 2 → 8.858e9;
        // 128×128: 48 → 2 → 8.858e9.
        assertEquals(132.0 * 256 * 256 * 2 * (4096 / 11.0), effective(1024, 768, 4096), 1);
    }

    @Test
    void aHalfHeightTileWinsForAShortGemm() {
        // m 48 (more than 16 rows: no skinny tile), n 256, k 512. 64×256: 1 tile → min(132, ⌈512/64⌉ = 8) = 8
        // splits → 132·64·256·2·64 = 2.768e8 (least); 128×256: 1 → 4 → 1.107e9; 128×512: 1 → 4 → 2.215e9;
        // 256×256: 1 → 2 → 4.429e9; 128×128: 1 → 4 → 5.536e8.
        assertEquals(132.0 * 64 * 256 * 2 * 64, effective(48, 256, 512), 1);
    }

    @Test
    void aHalfWidthTileWinsWhenNIsAnOddNumberOfProfileTiles() {
        // m 128, n 640, k 4096. 128×128: 5 tiles → min(26, 32) = 26 splits → 130 → 1 wave → 132·128·128·2·4096/26
        // = 6.814e8 (least); 128×256: 3 → 32 → 1.107e9; 128×512: 2 → 32 → 2.215e9; 256×256: 3 → 16 → 4.429e9;
        // 64×256: 6 → 22 → 132·64·256·2·4096/22 = 8.053e8.
        assertEquals(132.0 * 128 * 128 * 2 * (4096 / 26.0), effective(128, 640, 4096), 1);
    }

    @Test
    void aDecodeGemmOfSixteenRowsTakesTheSkinnyTile() {
        // m 16, n 256, k 512. 16×256: 1 tile → min(132, ⌈512/16⌉ = 32) = 32 splits → 132·16·256·2·16 = 1.730e7
        // (least); 64×256 would be 2.768e8.
        assertEquals(132.0 * 16 * 256 * 2 * 16, effective(16, 256, 512), 1);
    }

    private static double effective(long m, long n, long k) {
        return Waves.effectiveMatrixFlops(new MatMul("g", m, n, k, Precision.BF16), H100ISH);
    }

    /**
     * Every GEMM of a batch or group counts its tiles, for one configuration (10 units, 128×128):
     * 20 GEMMs of 128×128×128 are 20 tiles ≥ 10 units, no split, 2 waves: 2·10·128·128·2·128 = 83,886,080
     * FLOPs (one GEMM alone would be 1 wave: 41,943,040). Stream-K over 8 groups of 8 rows × 256 × 512
     * (64-deep iterations): 1·2 tiles × 8 groups = 16 tiles × 8 iterations = 128 over 10 units → 13 rounds:
     * 13·10·128·128·2·64 = 272,629,760.
     */
    @Test
    void everyGemmOfABatchOrGroupCountsItsTiles() {
        assertEquals(83_886_080.0, Waves.effectiveMatrixFlops(new BatchedMatMul("b", 20, 128, 128, 128, Precision.FP16),
                10, 128, 128, false, 1));
        assertEquals(272_629_760.0, Waves.effectiveMatrixFlops(new org.opsim.graph.GroupedMatMul("g", 64, 256, 512, 8,
                Precision.BF16, Precision.BF16, Precision.BF16), 10, 128, 128, true, 64));
    }
}
