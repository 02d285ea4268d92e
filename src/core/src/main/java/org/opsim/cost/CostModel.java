package org.opsim.cost;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.opsim.graph.AllGather;
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
 * The one place that maps an operator onto a chip (formulas: {@code docs/cost-model.md}).
 *
 * <p>Per op: {@code latency = max(matrix FLOPs / (peak × e_c), vector FLOPs / (peak × e_c),
 * bytes / (bandwidth × e_m)) + dispatch overhead}; collectives use ring formulas on the interconnect;
 * energy, dollars and breakdowns follow. The arithmetic itself is in {@link CostFormulas}, which the
 * compiled plan ({@code org.opsim.plan}) calls too. Stateless: safe to call from any number of threads.
 */
public final class CostModel {

    private CostModel() {
    }

    /** Costs one execution of {@code graph} on {@code profile}. */
    public static Evaluation evaluate(Graph graph, HardwareProfile profile) {
        List<OpResult> ops = new ArrayList<>();
        List<BlockResult> blocks = new ArrayList<>();
        Map<OpKind, Totals> byKind = new EnumMap<>(OpKind.class);
        Map<Bound, Totals> byBound = new EnumMap<>(Bound.class);
        Set<String> notes = new LinkedHashSet<>();
        Totals total = Totals.ZERO;
        for (Block block : graph.blocks()) {
            Totals perRepeat = Totals.ZERO;
            double[] boundSeconds = new double[Bound.values().length];
            for (Op op : block.ops()) {
                for (Op part : op.lower()) {
                    OpResult r = cost(block.name(), block.repeat(), part, profile);
                    ops.add(r);
                    boundSeconds[r.bound().ordinal()] += r.latencySeconds();
                    notes.addAll(r.notes());
                    Totals one = r.perExecution();
                    perRepeat = perRepeat.plus(one);
                    Totals all = one.times(block.repeat());
                    byKind.merge(part.kind(), all, Totals::plus);
                    byBound.merge(r.bound(), all, Totals::plus);
                }
            }
            Totals blockTotal = perRepeat.times(block.repeat());
            blocks.add(new BlockResult(block.name(), block.repeat(), perRepeat, blockTotal, Bound.mostTime(boundSeconds)));
            total = total.plus(blockTotal);
        }
        return new Evaluation(graph.name(), profile.name(), ops, blocks, byKind, byBound, total, new ArrayList<>(notes));
    }

    /** Costs a single execution of one op (a composite must be lowered first: see {@link Op#lower()}). */
    public static OpResult cost(Op op, HardwareProfile profile) {
        return cost("-", 1, op, profile);
    }

    static OpResult cost(String block, long count, Op op, HardwareProfile p) {
        if (op instanceof Collective c) {
            return collective(block, count, c, p);
        }
        ComputeOp c = (ComputeOp) op;
        if (c.lower().size() != 1 || c.lower().get(0) != c) {
            throw new IllegalArgumentException(op.name() + ": a composite op must be lowered before costing");
        }
        if (p.support().isNative(op.kind())) {
            return nativeOp(block, count, c, p);
        }
        Fallback f = p.support().fallbackFor(op.kind());
        return f.mode() == Fallback.Mode.VECTOR ? vectorFallback(block, count, c, f, p) : hostFallback(block, count, c, f, p);
    }

    private static OpResult nativeOp(String block, long count, ComputeOp op, HardwareProfile p) {
        List<String> notes = new ArrayList<>(1);
        EfficiencyTable eff = p.efficiency();
        Precision want = op.precision();
        double flops = op.flops();
        double computeSeconds = 0;
        double peakUsed = 0;
        double flopJoules = 0;
        Precision mainPrecision = want;
        for (Engine e : new Engine[] {Engine.MATRIX, Engine.VECTOR}) {
            double work = e == Engine.MATRIX ? op.matrixFlops() : op.vectorFlops();
            if (work <= 0) {
                continue;
            }
            Precision used = resolve(p, e, want, op, notes);
            double peak = p.peak(e, used).orElseThrow().value();
            double ec = eff.compute(op.kind(), used).at(flops);
            double effective = e == Engine.MATRIX ? Waves.effectiveMatrixFlops(op, p) : work;
            computeSeconds = Math.max(computeSeconds, CostFormulas.engineSeconds(effective, peak, ec));
            peakUsed += peak;
            flopJoules += work * CostFormulas.joulesPerFlop(p, used);
            if (e == op.engine()) {
                mainPrecision = used;
            }
        }
        double memorySeconds = memorySeconds(op, mainPrecision, p);
        double roof = Math.max(computeSeconds, memorySeconds);
        double overhead = CostFormulas.overheadSeconds(p, op.kind(), mainPrecision);
        double latency = roof + overhead;
        Bound bound = CostFormulas.bound(overhead, roof, computeSeconds, memorySeconds);
        double energy = computeEnergy(op, flopJoules, latency, peakUsed, p);
        return new OpResult(block, op, count, op.engine(), Optional.of(mainPrecision), bound, computeSeconds,
                memorySeconds, 0, overhead, latency, energy, dollars(latency, p), peakUsed, true, notes);
    }

    private static OpResult vectorFallback(String block, long count, ComputeOp op, Fallback f, HardwareProfile p) {
        List<String> notes = new ArrayList<>(2);
        double penalty = f.penaltyFactor().value();
        notes.add(op.kind().id() + " is not native on " + p.name() + ": runs on the vector unit, time ×" + fmt(penalty));
        Precision used = resolve(p, Engine.VECTOR, op.precision(), op, notes);
        double flops = op.flops();
        double peak = p.peak(Engine.VECTOR, used).orElseThrow().value();
        double computeSeconds = flops > 0
                ? CostFormulas.engineSeconds(flops, peak, p.efficiency().compute(op.kind(), used).at(flops)) : 0;
        double memorySeconds = memorySeconds(op, used, p);
        double roof = penalty * Math.max(computeSeconds, memorySeconds);
        double overhead = CostFormulas.overheadSeconds(p, op.kind(), used);
        double latency = roof + overhead;
        Bound bound = CostFormulas.bound(overhead, roof, computeSeconds, memorySeconds);
        double peakUsed = flops > 0 ? peak : 0;
        double energy = computeEnergy(op, flops * CostFormulas.joulesPerFlop(p, used), latency, peakUsed, p);
        return new OpResult(block, op, count, Engine.VECTOR, Optional.of(used), bound, computeSeconds, memorySeconds,
                0, overhead, latency, energy, dollars(latency, p), peakUsed, false, notes);
    }

    private static OpResult hostFallback(String block, long count, ComputeOp op, Fallback f, HardwareProfile p) {
        double penalty = f.penaltyFactor().value();
        HostLink host = p.support().host().orElseThrow();
        List<String> notes = List.of(op.kind().id() + " is not native on " + p.name()
                + ": runs on the host, time ×" + fmt(penalty));
        double transfer = CostFormulas.hostTransferSeconds(op.bytes(), host.bandwidthBytesPerSecond().value());
        double hostCompute = CostFormulas.hostComputeSeconds(op.flops(), host.flopsPerSecond().value());
        double linkSeconds = penalty * (transfer + hostCompute);
        double overhead = p.dispatchOverheadSeconds().value() + host.latencySeconds().value();
        double latency = linkSeconds + overhead;
        // The chip idles while the host works; its HBM still sources and sinks the transfer.
        double energy = p.power().idleWatts().value() * latency
                + CostFormulas.memoryByteEnergy(p.power().hasEnergyCoefficients(), op.bytes(), latency,
                        CostFormulas.joulesPerByte(p), p.memory().bandwidthBytesPerSecond().value(),
                        p.power().idleWatts().value(), p.power().tdpWatts().value());
        return new OpResult(block, op, count, Engine.HOST, Optional.of(op.precision()), Bound.HOST, hostCompute,
                transfer, linkSeconds, overhead, latency, energy, dollars(latency, p), host.flopsPerSecond().value(),
                false, notes);
    }

    private static OpResult collective(String block, long count, Collective op, HardwareProfile p) {
        int g = op.groupSize();
        double linkSeconds = 0;
        double linkBytes = 0;
        double overhead = 0;
        if (g > 1) {
            boolean allReduce = op instanceof AllReduce;
            assert allReduce || op instanceof AllGather;
            double effLink = p.efficiency().memory(op.kind(), null).at(op.payloadBytes());
            // All-gather: a ring; all-reduce: the faster of ring and tree, as NCCL picks per size.
            double alpha = p.interconnect().latencySeconds().value();
            double bw = p.interconnect().bandwidthBytesPerSecond().value();
            boolean tree = allReduce && CostFormulas.chipAllReduceUsesTree(g, alpha, op.payloadBytes(), bw, effLink);
            linkBytes = CostFormulas.chipCollectiveLinkBytes(allReduce, tree, g, op.payloadBytes());
            linkSeconds = CostFormulas.chipCollectiveSeconds(allReduce, tree, g, alpha, op.payloadBytes(), bw, effLink);
            overhead = CostFormulas.overheadSeconds(p, op.kind(), null);
        }
        double latency = linkSeconds + overhead;
        Bound bound = overhead > linkSeconds ? Bound.OVERHEAD : Bound.INTERCONNECT;
        double energy = CostFormulas.collectiveEnergy(p.power().idleWatts().value(), latency, linkBytes,
                CostFormulas.linkJoulesPerByte(p));
        return new OpResult(block, op, count, Engine.INTERCONNECT, Optional.empty(), bound, 0, 0, linkSeconds,
                overhead, latency, energy, dollars(latency, p), 0, true, List.of());
    }

    private static double memorySeconds(ComputeOp op, Precision used, HardwareProfile p) {
        double bytes = op.bytes();
        return CostFormulas.memorySeconds(bytes, p.memory().bandwidthBytesPerSecond().value(),
                p.efficiency().memory(op.kind(), used).at(bytes),
                CostFormulas.memoryCapBytesPerSecond(CostFormulas.unitBytesPerSecond(p, op.kind(), used),
                        CostFormulas.computeUnits(p), CostFormulas.parallelRows(op)));
    }

    /** Energy of an on-chip op (see {@link CostFormulas#computeEnergy}). */
    private static double computeEnergy(ComputeOp op, double flopJoules, double latency, double peakUsed, HardwareProfile p) {
        return CostFormulas.computeEnergy(p.power().hasEnergyCoefficients(), op.flops(), op.bytes(), flopJoules, latency,
                peakUsed, CostFormulas.joulesPerByte(p), p.memory().bandwidthBytesPerSecond().value(),
                p.power().idleWatts().value(), p.power().tdpWatts().value());
    }

    private static double dollars(double latencySeconds, HardwareProfile p) {
        return CostFormulas.dollars(latencySeconds, p.pricePerChipHourUsd().value());
    }

    private static Precision resolve(HardwareProfile p, Engine engine, Precision want, Op op, List<String> notes) {
        Precision used = CostFormulas.resolve(p, engine, want, op);
        if (used != want) {
            notes.add(engine.id() + " unit of " + p.name() + " has no " + want.id() + ": " + op.kind().id()
                    + " ran at " + used.id());
        }
        return used;
    }

    private static String fmt(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }
}
