package org.opsim.cost;

import org.opsim.graph.BatchedMatMul;
import org.opsim.graph.ComputeOp;
import org.opsim.graph.GroupedMatMul;
import org.opsim.graph.MatMul;
import org.opsim.hardware.HardwareProfile;
import org.opsim.hardware.MatmulTile;

/**
 * The wave model of GEMM time: C is cut into {@code tm × tn} output tiles, the tiles run on
 * {@code units} compute units in waves, and a wave costs as much as a full one whatever its fill.
 * When there are fewer tiles than units, the reduction (K) is split to fill them (split-K), each
 * split at least one tile deep. Returns the FLOPs the machine effectively spends:
 * {@code waves · units · tm · tn · 2 · K/splits}, which is ≥ the op's FLOPs.
 */
final class Waves {
    private Waves() {
    }

    /** Effective matrix FLOPs of {@code op} on {@code p}, or the op's own FLOPs when the model does not apply. */
    static double effectiveMatrixFlops(ComputeOp op, HardwareProfile p) {
        if (p.computeUnits().isEmpty() || p.matmulTile().isEmpty()) {
            return op.matrixFlops();
        }
        MatmulTile t = p.matmulTile().get();
        long units = (long) p.computeUnits().get().value();
        // GEMM libraries pick a tile shape per problem: take the best of the profile's tile and its
        // halvings and doublings along each side.
        double best = Double.POSITIVE_INFINITY;
        long[][] shapes = {{t.m(), t.n()}, {t.m(), 2 * t.n()}, {2 * t.m(), t.n()}, {Math.max(16, t.m() / 2), t.n()},
            {t.m(), Math.max(16, t.n() / 2)}};
        for (long[] s : shapes) {
            best = Math.min(best, effective(op, units, s[0], s[1]));
        }
        return best;
    }

    private static double effective(ComputeOp op, long units, long tm, long tn) {
        record Tile(long m, long n) {
        }
        Tile tile = new Tile(tm, tn);
        double tilesPerGemm;
        double gemms;
        long k;
        if (op instanceof MatMul mm) {
            tilesPerGemm = tiles(mm.m(), tile.m()) * tiles(mm.n(), tile.n());
            gemms = 1;
            k = mm.k();
        } else if (op instanceof BatchedMatMul b) {
            tilesPerGemm = tiles(b.m(), tile.m()) * tiles(b.n(), tile.n());
            gemms = b.batch();
            k = b.k();
        } else if (op instanceof GroupedMatMul g) {
            long rowsPerGroup = (g.rows() + g.groups() - 1) / g.groups();
            tilesPerGemm = tiles(rowsPerGroup, tile.m()) * tiles(g.n(), tile.n());
            gemms = g.groups();
            k = g.k();
        } else {
            return op.matrixFlops();
        }
        double tiles = tilesPerGemm * gemms;
        double splits = 1;
        if (tiles < units) {
            double maxSplits = Math.max(1, Math.ceil((double) k / tile.m()));
            splits = Math.max(1, Math.min(Math.floor(units / tiles), maxSplits));
        }
        double waves = Math.ceil(tiles * splits / units);
        return waves * units * tile.m() * tile.n() * 2.0 * (k / splits);
    }

    private static double tiles(long extent, long tile) {
        return Math.ceil((double) extent / tile);
    }
}
