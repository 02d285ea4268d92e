package org.opsim.plan;

import org.opsim.cost.CostFormulas;
import org.opsim.cost.Waves;
import org.opsim.graph.AllReduce;
import org.opsim.graph.Block;
import org.opsim.graph.Collective;
import org.opsim.graph.ComputeOp;
import org.opsim.graph.Engine;
import org.opsim.graph.Graph;
import org.opsim.graph.Op;
import org.opsim.graph.OpKind;
import org.opsim.graph.Precision;
import org.opsim.hardware.EfficiencyTable;
import org.opsim.hardware.Fallback;
import org.opsim.hardware.HardwareProfile;
import org.opsim.hardware.HostLink;

/**
 * A graph's ops (after {@link Op#lower()}) mapped onto one profile, as parallel primitive arrays:
 * op {@code i} of block {@code b} for {@code blockEnd[b−1] <= i < blockEnd[b]}.
 *
 * <p>Two kinds of array. <em>Structure</em>, fixed at lowering: how the chip runs the op (mode,
 * resolved peaks, efficiency-curve indices, overhead, memory cap, penalty, J/FLOP), which depends
 * on each op's kind, precision and engine only. <em>Shape</em>, refillable: block repeats, FLOPs
 * per engine, bytes, the wave model's effective matrix FLOPs, the logs of the sizes curves are
 * read at, and collective group sizes. {@link #refill} rewrites the shape arrays from another graph
 * of the same structure (a sweep's next batch size or context) without redoing any look-up, and
 * skips every op equal to the one already loaded (in a decode sweep over context lengths, all but
 * attention).
 */
final class LoweredOps {
    static final byte NATIVE = 0;
    static final byte VECTOR_FALLBACK = 1;
    static final byte HOST_FALLBACK = 2;
    static final byte COLLECTIVE = 3;

    final int size;
    final int blocks;
    final int[] blockEnd;
    final CurveTable curves = new CurveTable();

    // structure
    final int[] signature;
    final byte[] mode;
    final boolean[] allReduce;
    final int[] matrixCurve;
    final int[] vectorCurve;
    /**
     * Efficiencies read off the curves at the op's current size: they depend on shapes only, so
     * {@link #refill} looks them up once and the evaluation loop reads them.
     */
    final double[] matrixEff;
    final double[] vectorEff;
    final double[] memoryEff;
    final int[] memoryCurve;
    final double[] matrixPeak;
    final double[] vectorPeak;
    final double[] matrixJoulesPerFlop;
    final double[] vectorJoulesPerFlop;
    /** The kind's per-unit cap κ (NaN: none); the chip-wide cap depends on the op's rows. */
    final double[] unitCap;
    final double[] overhead;
    final double[] penalty;

    // shape
    /** The ops the shape arrays were last filled from: an equal op needs no refill. */
    private final Op[] loaded;
    final double[] repeat;
    final double[] matrixFlops;
    final double[] vectorFlops;
    final double[] flops;
    final double[] bytes;
    final double[] effectiveMatrixFlops;
    final double[] logFlops;
    final double[] logBytes;
    final int[] groupSize;
    /** {@code min(U, rows) × κ} at the op's current rows, NaN without a cap. */
    final double[] memoryCap;
    /** Collectives: whether the all-reduce runs as a tree (decided once per shape, not per evaluation). */
    final boolean[] tree;

    private final long units;
    private final long capUnits;
    private final long tileM;
    private final long tileN;
    private final double linkLatency;
    private final double linkBandwidth;

    private LoweredOps(Graph graph, HardwareProfile p) {
        int n = 0;
        for (Block b : graph.blocks()) {
            for (Op op : b.ops()) {
                n += op.lower().size();
            }
        }
        size = n;
        blocks = graph.blocks().size();
        blockEnd = new int[blocks];
        signature = new int[n];
        loaded = new Op[n];
        mode = new byte[n];
        allReduce = new boolean[n];
        matrixCurve = new int[n];
        vectorCurve = new int[n];
        matrixEff = new double[n];
        vectorEff = new double[n];
        memoryEff = new double[n];
        memoryCurve = new int[n];
        matrixPeak = new double[n];
        vectorPeak = new double[n];
        matrixJoulesPerFlop = new double[n];
        vectorJoulesPerFlop = new double[n];
        memoryCap = new double[n];
        unitCap = new double[n];
        overhead = new double[n];
        penalty = new double[n];
        repeat = new double[blocks];
        matrixFlops = new double[n];
        vectorFlops = new double[n];
        flops = new double[n];
        bytes = new double[n];
        effectiveMatrixFlops = new double[n];
        logFlops = new double[n];
        logBytes = new double[n];
        groupSize = new int[n];
        tree = new boolean[n];
        boolean waves = p.computeUnits().isPresent() && p.matmulTile().isPresent();
        units = waves ? (long) p.computeUnits().get().value() : 0;
        tileM = waves ? p.matmulTile().get().m() : 0;
        tileN = waves ? p.matmulTile().get().n() : 0;
        capUnits = CostFormulas.computeUnits(p);
        linkLatency = p.interconnect().latencySeconds().value();
        linkBandwidth = p.interconnect().bandwidthBytesPerSecond().value();
    }

    /** Lowers {@code graph} onto {@code p}; fails as CostModel would on a precision the chip cannot run. */
    static LoweredOps lower(Graph graph, HardwareProfile p) {
        LoweredOps l = new LoweredOps(graph, p);
        int i = 0;
        for (int b = 0; b < l.blocks; b++) {
            for (Op op : graph.blocks().get(b).ops()) {
                for (Op part : op.lower()) {
                    l.lowerOne(i++, part, p);
                }
            }
            l.blockEnd[b] = i;
        }
        if (!l.refill(graph)) {
            throw new IllegalStateException("a graph does not match its own lowering");
        }
        return l;
    }

    private void lowerOne(int i, Op op, HardwareProfile p) {
        signature[i] = signature(op);
        EfficiencyTable eff = p.efficiency();
        OpKind kind = op.kind();
        unitCap[i] = Double.NaN;
        memoryCap[i] = Double.NaN;
        if (op instanceof Collective) {
            mode[i] = COLLECTIVE;
            allReduce[i] = op instanceof AllReduce;
            memoryCurve[i] = curves.add(eff.memory(kind, null));
            overhead[i] = CostFormulas.overheadSeconds(p, kind, null);
            return;
        }
        ComputeOp c = (ComputeOp) op;
        if (c.lower().size() != 1 || c.lower().get(0) != c) {
            throw new IllegalArgumentException(op.name() + ": a composite op must be lowered before costing");
        }
        if (p.support().isNative(kind)) {
            mode[i] = NATIVE;
            Precision want = c.precision();
            Precision main = want;
            if (c.matrixFlops() > 0) {
                Precision used = CostFormulas.resolve(p, Engine.MATRIX, want, c);
                matrixPeak[i] = p.peak(Engine.MATRIX, used).orElseThrow().value();
                matrixCurve[i] = curves.add(eff.compute(kind, used));
                matrixJoulesPerFlop[i] = CostFormulas.joulesPerFlop(p, used);
                main = c.engine() == Engine.MATRIX ? used : main;
            }
            if (c.vectorFlops() > 0) {
                Precision used = CostFormulas.resolve(p, Engine.VECTOR, want, c);
                vectorPeak[i] = p.peak(Engine.VECTOR, used).orElseThrow().value();
                vectorCurve[i] = curves.add(eff.compute(kind, used));
                vectorJoulesPerFlop[i] = CostFormulas.joulesPerFlop(p, used);
                main = c.engine() == Engine.VECTOR ? used : main;
            }
            onChipMemory(i, kind, main, p);
            return;
        }
        Fallback f = p.support().fallbackFor(kind);
        penalty[i] = f.penaltyFactor().value();
        if (f.mode() == Fallback.Mode.VECTOR) {
            mode[i] = VECTOR_FALLBACK;
            Precision used = CostFormulas.resolve(p, Engine.VECTOR, c.precision(), c);
            vectorPeak[i] = p.peak(Engine.VECTOR, used).orElseThrow().value();
            vectorCurve[i] = curves.add(eff.compute(kind, used));
            vectorJoulesPerFlop[i] = CostFormulas.joulesPerFlop(p, used);
            onChipMemory(i, kind, used, p);
        } else {
            mode[i] = HOST_FALLBACK;
            HostLink host = p.support().host().orElseThrow();
            overhead[i] = p.dispatchOverheadSeconds().value() + host.latencySeconds().value();
        }
    }

    private void onChipMemory(int i, OpKind kind, Precision used, HardwareProfile p) {
        memoryCurve[i] = curves.add(p.efficiency().memory(kind, used));
        unitCap[i] = CostFormulas.unitBytesPerSecond(p, kind, used);
        overhead[i] = CostFormulas.overheadSeconds(p, kind, used);
    }

    /**
     * Everything lowering decided from an op: its kind, precision, main engine and which engines have
     * work (collectives: their kind). Two graphs whose ops agree on this lower to the same structure.
     */
    private static int signature(Op op) {
        if (op instanceof Collective) {
            return 1 << 30 | op.kind().ordinal();
        }
        ComputeOp c = (ComputeOp) op;
        return op.kind().ordinal() | c.precision().ordinal() << 8 | c.engine().ordinal() << 16
                | (c.matrixFlops() > 0 ? 1 << 20 : 0) | (c.vectorFlops() > 0 ? 1 << 21 : 0);
    }

    /**
     * Rewrites the shape arrays from {@code graph}. Returns false, with the shape arrays partly
     * rewritten, as soon as {@code graph}'s structure differs from the one lowered.
     */
    boolean refill(Graph graph) {
        if (graph.blocks().size() != blocks) {
            return false;
        }
        int i = 0;
        for (int b = 0; b < blocks; b++) {
            Block block = graph.blocks().get(b);
            for (Op op : block.ops()) {
                for (Op part : op.lower()) {
                    if (i >= size) {
                        return false;
                    }
                    Op was = loaded[i];
                    if (was != part && !part.equals(was)) {
                        if (signature(part) != signature[i]) {
                            return false;
                        }
                        refillOne(i, part);
                    }
                    i++;
                }
            }
            if (i != blockEnd[b]) {
                return false;
            }
            repeat[b] = block.repeat();
        }
        return i == size;
    }

    private void refillOne(int i, Op op) {
        loaded[i] = op;
        if (op instanceof Collective c) {
            flops[i] = c.flops();
            bytes[i] = c.payloadBytes();
            logBytes[i] = Math.log10(bytes[i]);
            groupSize[i] = c.groupSize();
            memoryEff[i] = curves.at(memoryCurve[i], bytes[i], logBytes[i]);
            tree[i] = allReduce[i] && CostFormulas.chipAllReduceUsesTree(groupSize[i], linkLatency, bytes[i], linkBandwidth,
                    memoryEff[i]);
            return;
        }
        ComputeOp c = (ComputeOp) op;
        matrixFlops[i] = c.matrixFlops();
        vectorFlops[i] = c.vectorFlops();
        flops[i] = c.flops();
        bytes[i] = c.bytes();
        logFlops[i] = Math.log10(flops[i]);
        logBytes[i] = Math.log10(bytes[i]);
        if (mode[i] == NATIVE && matrixFlops[i] > 0) {
            effectiveMatrixFlops[i] = units > 0 ? Waves.effectiveMatrixFlops(c, units, tileM, tileN) : matrixFlops[i];
            matrixEff[i] = curves.at(matrixCurve[i], flops[i], logFlops[i]);
        }
        boolean vectorWork = mode[i] == NATIVE ? vectorFlops[i] > 0 : mode[i] == VECTOR_FALLBACK && flops[i] > 0;
        if (vectorWork) {
            vectorEff[i] = curves.at(vectorCurve[i], flops[i], logFlops[i]);
        }
        if (mode[i] != HOST_FALLBACK) {
            memoryEff[i] = curves.at(memoryCurve[i], bytes[i], logBytes[i]);
            memoryCap[i] = CostFormulas.memoryCapBytesPerSecond(unitCap[i], capUnits, CostFormulas.parallelRows(c));
        }
    }
}
