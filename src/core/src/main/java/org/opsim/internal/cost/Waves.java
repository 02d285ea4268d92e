package org.opsim.internal.cost;

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
public final class Waves {
    private Waves() {
    }

    /** Effective matrix FLOPs of {@code op} on {@code p}, or the op's own FLOPs when the model does not apply. */
    public static double effectiveMatrixFlops(ComputeOp op, HardwareProfile p) {
        if (p.computeUnits().isEmpty() || p.matmulTile().isEmpty()) {
            return op.matrixFlops();
        }
        MatmulTile t = p.matmulTile().get();
        return effectiveMatrixFlops(op, (long) p.computeUnits().get().value(), t.m(), t.n());
    }

    /**
     * Effective matrix FLOPs of {@code op} on {@code units} compute units with a {@code tm × tn} profile
     * tile. GEMM libraries pick a tile shape per problem: the best of the profile's tile and its halvings
     * and doublings along each side; and for a GEMM of at most 16 rows (a decode step's handful of
     * tokens) a 16-row tile, as libraries switch to GEMV/skinny split-K kernels there. Allocation-free,
     * for the compiled plan.
     */
    public static double effectiveMatrixFlops(ComputeOp op, long units, long tm, long tn) {
        long rows = rowsPerGemm(op);
        if (rows == Long.MAX_VALUE) {
            return op.matrixFlops();
        }
        return effectiveMatrixFlops(rows, columns(op), gemms(op), depth(op), units, tm, tn);
    }

    /** The same for {@code gemms} GEMMs of {@code rows × columns} over {@code depth}, given as numbers. */
    public static double effectiveMatrixFlops(long rows, long columns, double gemms, long depth, long units, long tm, long tn) {
        double best = Double.POSITIVE_INFINITY;
        best = Math.min(best, effectiveMatrixFlops(rows, columns, gemms, depth, units, tm, tn, false, 1));
        best = Math.min(best, effectiveMatrixFlops(rows, columns, gemms, depth, units, tm, 2 * tn, false, 1));
        best = Math.min(best, effectiveMatrixFlops(rows, columns, gemms, depth, units, 2 * tm, tn, false, 1));
        best = Math.min(best, effectiveMatrixFlops(rows, columns, gemms, depth, units, Math.max(16, tm / 2), tn, false, 1));
        best = Math.min(best, effectiveMatrixFlops(rows, columns, gemms, depth, units, tm, Math.max(16, tn / 2), false, 1));
        if (rows <= SKINNY_ROWS) {
            best = Math.min(best, effectiveMatrixFlops(rows, columns, gemms, depth, units, Math.min(SKINNY_ROWS, tm), tn, false, 1));
        }
        return best;
    }

    /** Libraries switch to GEMV/skinny kernels when a GEMM has at most this many rows. */
    static final long SKINNY_ROWS = 16;

    /** The rows (m) of one GEMM of {@code op} (a grouped GEMM's rows per group, rounded up); unlimited for other ops. */
    public static long rowsPerGemm(ComputeOp op) {
        if (op instanceof MatMul mm) {
            return mm.m();
        }
        if (op instanceof BatchedMatMul b) {
            return b.m();
        }
        if (op instanceof GroupedMatMul g) {
            return rowsPerGroup(g.rows(), g.groups());
        }
        return Long.MAX_VALUE;
    }

    /** A grouped GEMM's rows per group: its {@code rows} spread evenly over {@code groups}, rounded up. */
    public static long rowsPerGroup(long rows, long groups) {
        return (rows + groups - 1) / groups;
    }

    /**
     * Effective matrix FLOPs of {@code op} with one library configuration: {@code tm × tn} tiles in
     * waves with split-K ({@code tileK} ignored); or stream-K: the tiles' {@code ceil(K / tk)} loop
     * iterations dealt evenly over the units, so {@code ceil(tiles·ceil(K/tk) / U) · U · tm·tn·2·tk}
     * (docs/cost-model.md §8.6). Allocation-free.
     */
    public static double effectiveMatrixFlops(ComputeOp op, long units, long tileM, long tileN, boolean streamK, long tileK) {
        long rows = rowsPerGemm(op);
        if (rows == Long.MAX_VALUE) {
            return op.matrixFlops();
        }
        return effectiveMatrixFlops(rows, columns(op), gemms(op), depth(op), units, tileM, tileN, streamK, tileK);
    }

    /**
     * The same for {@code gemms} GEMMs of {@code rows × columns} over {@code depth}, given as numbers (the
     * workload-parametric plan's path; the op form above reads them off the op and calls this).
     */
    public static double effectiveMatrixFlops(long rows, long columns, double gemms, long depth, long units,
                                              long tileM, long tileN, boolean streamK, long tileK) {
        double tiles = tiles(rows, tileM) * tiles(columns, tileN) * gemms;
        if (!streamK) {
            return effective(tiles, depth, units, tileM, tileN);
        }
        double iterations = tiles * Math.ceil((double) depth / tileK);
        return Math.ceil(iterations / units) * units * tileM * tileN * 2.0 * tileK;
    }

    /** The columns (n) of {@code op}'s GEMMs; 0 for other ops. */
    public static long columns(ComputeOp op) {
        if (op instanceof MatMul mm) {
            return mm.n();
        }
        if (op instanceof BatchedMatMul b) {
            return b.n();
        }
        return op instanceof GroupedMatMul g ? g.n() : 0;
    }

    /** How many GEMMs {@code op} is (a batched GEMM's batch, a grouped GEMM's groups, else 1). */
    public static double gemms(ComputeOp op) {
        if (op instanceof BatchedMatMul b) {
            return b.batch();
        }
        return op instanceof GroupedMatMul g ? g.groups() : 1;
    }

    /** The reduction depth K of {@code op}'s GEMMs; 0 for other ops. */
    public static long depth(ComputeOp op) {
        if (op instanceof MatMul mm) {
            return mm.k();
        }
        if (op instanceof BatchedMatMul b) {
            return b.k();
        }
        return op instanceof GroupedMatMul g ? g.k() : 0;
    }

    private static double effective(double tiles, long k, long units, long tileM, long tileN) {
        double splits = 1;
        if (tiles < units) {
            double maxSplits = Math.max(1, Math.ceil((double) k / tileM));
            splits = Math.max(1, Math.min(Math.floor(units / tiles), maxSplits));
        }
        double waves = Math.ceil(tiles * splits / units);
        return waves * units * tileM * tileN * 2.0 * (k / splits);
    }

    private static double tiles(long extent, long tile) {
        return Math.ceil((double) extent / tile);
    }
}
