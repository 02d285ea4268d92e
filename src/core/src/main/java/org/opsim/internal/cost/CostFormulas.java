package org.opsim.internal.cost;

import java.util.Optional;
import org.opsim.graph.ComputeOp;
import org.opsim.graph.CustomOp;
import org.opsim.graph.Engine;
import org.opsim.graph.Op;
import org.opsim.graph.OpKind;
import org.opsim.graph.Precision;
import org.opsim.graph.VectorOp;
import org.opsim.hardware.AllReduceAlgorithms;
import org.opsim.hardware.Figure;
import org.opsim.hardware.HardwareProfile;
import org.opsim.io.InputException;

/**
 * The arithmetic of an op's and a collective's cost, on primitives, and the profile look-ups that
 * feed it (formulas: {@code docs/cost-model.md}): the cost kernel ({@code org.opsim.cost.Kernel})
 * and the deployment model's collectives ({@code org.opsim.deploy.Collectives}) take their formulas
 * from here. Units: FLOPs, bytes, seconds, FLOP/s, bytes/s, watts,
 * joules, dollars.
 */
public final class CostFormulas {

    private CostFormulas() {
    }

    // ---------------------------------------------------------------- profile look-ups

    /**
     * The precision {@code engine} runs {@code want} at on {@code p}: itself or its first fallback the
     * engine has; an {@link InputException} naming the profile, the engine and {@code op} if none.
     */
    public static Precision resolve(HardwareProfile p, Engine engine, Precision want, Op op) {
        Optional<Precision> used = p.resolve(engine, want);
        if (used.isEmpty()) {
            throw new InputException(p.name(), "$.engines." + engine.id() + ".peakFlopsPerSecond",
                    "no " + want.id() + " rate and none of its fallbacks " + want.fallbacks()
                            + " either, needed by op '" + op.name() + "' (" + op.kind().id() + ")");
        }
        return used.get();
    }

    /**
     * An on-chip op's fixed time per call: the stack's launch time if it gives one, else the kind's
     * overhead in the profile's efficiency table, else the profile's dispatch overhead (a stack's
     * per-kind {@code overheadSeconds} replaces all of these, in lowering).
     */
    public static double overheadSeconds(HardwareProfile p, OpKind kind, Precision used) {
        Optional<Figure> launch = p.stack().flatMap(s -> s.launchSeconds());
        if (launch.isPresent() && used != null) {
            return launch.get().value();
        }
        return p.efficiency().overhead(kind, used).map(Figure::value).orElse(p.dispatchOverheadSeconds().value());
    }

    /** A chip efficiency times a stack's factor, kept in (0, 1]. */
    public static double efficiency(double chipEfficiency, double factor) {
        return Math.min(1.0, chipEfficiency * factor);
    }

    /**
     * The bytes of an op that main memory streams however small the op is: a GEMM's weights, an
     * attention's KV cache (in a model's pass they were last touched a layer or a step ago). The rest,
     * the activations just written by the op before, may sit in on-chip memory. Timed alone in a loop
     * ({@code warm}) only a GEMM's weights still stream: cuBLAS reads them once per output strip, and
     * keeping them warm made the A100-fitted matmuls transfer worse to the A40 (14.4% → 17.9% MAPE,
     * docs/validation.md).
     */
    public static double streamedBytes(ComputeOp op, boolean warm) {
        if (op instanceof org.opsim.graph.MatMul m) {
            return m.weightBytes();
        }
        if (op instanceof org.opsim.graph.GroupedMatMul g) {
            return g.weightBytes();
        }
        if (!warm && op instanceof org.opsim.graph.Attention a) {
            return Math.min(a.bytes(), a.kvCacheBytes());
        }
        return 0;
    }

    /**
     * The bytes served from on-chip memory of capacity {@code C}: of an op's {@code bytes}, the part
     * that is not {@code streamed} (its footprint {@code F}) is resident in the share {@code min(1, C/F)²}
     * (all of it when it fits; falling off as a loop over more than the capacity evicts its own
     * operands; docs/cost-model.md §8.4).
     */
    public static double onChipBytes(double bytes, double streamed, double capacityBytes) {
        double footprint = bytes - streamed;
        if (capacityBytes <= 0 || footprint <= 0) {
            return 0;
        }
        double share = Math.min(1.0, capacityBytes / footprint);
        return footprint * share * share;
    }

    /** The elements of one row of a row-wise op ({@link VectorOp#rowElements}); 1 otherwise. */
    public static long rowElements(ComputeOp op) {
        return op instanceof VectorOp v ? v.rowElements() : 1;
    }

    /**
     * Row blocks of {@code min(rowElements, blockThreads)} threads one unit holds at once:
     * {@code max(1, floor(threadsPerUnit / threads))}, 1 when the chip gives no thread count.
     */
    public static long residentBlocks(long rowElements, long blockThreads, long threadsPerUnit) {
        long threads = Math.max(1, Math.min(rowElements, blockThreads));
        return threadsPerUnit > 0 ? Math.max(1, threadsPerUnit / threads) : 1;
    }

    /**
     * A row-wise kernel's latency chain (docs/cost-model.md §8.3): one block of
     * {@code T = min(rowElements, blockThreads)} threads per row, {@code b = max(1, floor(threadsPerUnit / T))}
     * blocks resident per unit (1 without a thread count), so {@code ceil(rows / (U·b))} waves of rows,
     * each {@code fixedCycles + ceil(rowElements / T) · cyclesPerIteration} cycles at the clock.
     */
    public static double chainSeconds(long rows, long rowElements, long blockThreads, double fixedCycles,
                                      double cyclesPerIteration, long units, long threadsPerUnit, double clockHz) {
        long threads = Math.max(1, Math.min(rowElements, blockThreads));
        long resident = residentBlocks(rowElements, blockThreads, threadsPerUnit);
        double waves = Math.ceil((double) rows / ((double) units * resident));
        double iterations = Math.ceil((double) rowElements / threads);
        return waves * (fixedCycles + iterations * cyclesPerIteration) / clockHz;
    }

    /** The profile's compute units, or 0 when it gives none. */
    public static long computeUnits(HardwareProfile p) {
        return p.computeUnits().map(f -> (long) f.value()).orElse(0L);
    }

    /** How many rows {@code op}'s kernel spreads over the units ({@link VectorOp#parallelRows}); unlimited for GEMMs. */
    public static long parallelRows(ComputeOp op) {
        if (op instanceof CustomOp c) {
            return c.parallelRows();
        }
        return op instanceof VectorOp v ? v.parallelRows() : Long.MAX_VALUE;
    }

    /**
     * The chip-wide memory-throughput cap {@code min(U, rows) × κ}: a kernel with {@code rows}
     * independent rows (one thread block each) keeps at most that many of the {@code U} units busy.
     * NaN (no cap) when {@code unitBytesPerSecond} is NaN.
     */
    public static double memoryCapBytesPerSecond(double unitBytesPerSecond, long computeUnits, long parallelRows) {
        return Double.isNaN(unitBytesPerSecond) ? Double.NaN
                : Math.min(computeUnits, parallelRows) * unitBytesPerSecond;
    }

    /**
     * A row chain's memory-throughput cap (docs/cost-model.md §8.3): {@code U · b · κ}, κ per resident row
     * block, whatever the rows. It is the kernel's rate with every unit full, what sharing a unit's load
     * path and the memory system among the blocks allows; fewer rows than {@code U·b} are not held to a
     * share of it, their blocks run as fast as their own chain of loads lets them (the chain bounds them).
     * NaN (no cap) when {@code blockBytesPerSecond} is NaN.
     */
    public static double rowChainCapBytesPerSecond(double blockBytesPerSecond, long computeUnits, long residentBlocks) {
        return Double.isNaN(blockBytesPerSecond) ? Double.NaN
                : (double) computeUnits * residentBlocks * blockBytesPerSecond;
    }

    /** J/FLOP at {@code used} (present for every engine precision when coefficients are given), else 0. */
    public static double joulesPerFlop(HardwareProfile p, Precision used) {
        Figure f = p.power().energyPerFlopJoules().get(used);
        return f == null ? 0.0 : f.value();
    }

    /** J/byte of main-memory traffic, or 0 without energy coefficients. */
    public static double joulesPerByte(HardwareProfile p) {
        return p.power().energyPerByteJoules().map(Figure::value).orElse(0.0);
    }

    /** J/byte sent over the interconnect, or 0 when the profile gives none. */
    public static double linkJoulesPerByte(HardwareProfile p) {
        return p.interconnect().energyPerByteJoules().map(Figure::value).orElse(0.0);
    }

    // ---------------------------------------------------------------- time

    /**
     * An op's roofline time from its compute and memory times: {@code max(t_c, t_m)} when they overlap
     * perfectly ({@code overlapExponent} 0, or either time 0); otherwise the p-norm
     * {@code (t_c^p + t_m^p)^(1/p)} of a kernel whose software pipeline hides its loads behind its MMAs
     * only in part ({@code p} 1: not at all, the sum; large: the max), written as
     * {@code max · (1 + (min/max)^p)^(1/p)} so it cannot overflow (docs/cost-model.md §8.6).
     */
    public static double roofSeconds(double computeSeconds, double memorySeconds, double overlapExponent) {
        double hi = Math.max(computeSeconds, memorySeconds);
        if (overlapExponent <= 0 || computeSeconds <= 0 || memorySeconds <= 0) {
            return hi;
        }
        double lo = Math.min(computeSeconds, memorySeconds);
        return hi * Math.pow(1 + Math.pow(lo / hi, overlapExponent), 1 / overlapExponent);
    }

    /** One engine's time: (effective) FLOPs ÷ (peak × compute efficiency). */
    public static double engineSeconds(double flops, double peakFlopsPerSecond, double efficiency) {
        return flops / (peakFlopsPerSecond * efficiency);
    }

    /**
     * Memory time: bytes ÷ min(bandwidth × e_m, cap); {@code capBytesPerSecond} NaN means no cap
     * (see {@link #memoryCapBytesPerSecond}).
     */
    public static double memorySeconds(double bytes, double bandwidthBytesPerSecond, double efficiency,
                                       double capBytesPerSecond) {
        double rate = bandwidthBytesPerSecond * efficiency;
        if (!Double.isNaN(capBytesPerSecond)) {
            rate = Math.min(rate, capBytesPerSecond);
        }
        return bytes / rate;
    }

    /**
     * The memory term of an on-chip op over two levels (docs/cost-model.md §8.3–8.4): the bytes not
     * held on chip at {@code min(bandwidth × e_m, cap)}, plus the {@code onChipBytes} at the on-chip
     * rate, and at least the row chain {@code chainSeconds}.
     */
    public static double twoLevelSeconds(double bytes, double onChipBytes, double bandwidthBytesPerSecond, double efficiency,
                                         double capBytesPerSecond, double onChipBytesPerSecond, double chainSeconds) {
        double t;
        if (onChipBytes > 0) {
            double onChipRate = Double.isNaN(capBytesPerSecond) ? onChipBytesPerSecond
                    : Math.min(onChipBytesPerSecond, capBytesPerSecond);
            t = memorySeconds(bytes - onChipBytes, bandwidthBytesPerSecond, efficiency, capBytesPerSecond)
                    + onChipBytes / onChipRate;
        } else {
            t = memorySeconds(bytes, bandwidthBytesPerSecond, efficiency, capBytesPerSecond);
        }
        return Math.max(t, chainSeconds);
    }

    /** A host fallback's transfer: the op's bytes to the host and back over the host link. */
    public static double hostTransferSeconds(double bytes, double hostBytesPerSecond) {
        return 2.0 * bytes / hostBytesPerSecond;
    }

    /** A host fallback's compute: the op's FLOPs at the host's rate. */
    public static double hostComputeSeconds(double flops, double hostFlopsPerSecond) {
        return flops / hostFlopsPerSecond;
    }

    /** Ring steps of a collective over {@code g} chips: 2(g−1) for an all-reduce, g−1 for an all-gather. */
    public static double ringSteps(boolean allReduce, int g) {
        return allReduce ? 2.0 * (g - 1) : g - 1.0;
    }

    /** Bytes each chip sends in a ring collective of a {@code payloadBytes} buffer. */
    public static double ringLinkBytes(boolean allReduce, int g, double payloadBytes) {
        double frac = (g - 1.0) / g;
        return (allReduce ? 2.0 : 1.0) * frac * payloadBytes;
    }

    /** A ring collective's link time: per-step latency plus the bytes at the efficient link rate. */
    public static double ringLinkSeconds(double steps, double latencySeconds, double linkBytes,
                                         double bandwidthBytesPerSecond, double efficiency) {
        return steps * latencySeconds + linkBytes / (bandwidthBytesPerSecond * efficiency);
    }

    /**
     * Double-binary-tree all-reduce (NCCL's tree): a reduce up and a broadcast down trees of depth
     * ⌈log2 g⌉, pipelined, so {@code 2·⌈log2 g⌉·α + 2·S/(B·e)}. Fewer latency steps than a ring, twice
     * the payload per chip instead of 2(g−1)/g of it: it wins for small payloads and large groups.
     */
    public static double treeAllReduceSeconds(int g, double latencySeconds, double payloadBytes,
                                              double bandwidthBytesPerSecond, double efficiency) {
        if (g <= 1) {
            return 0.0;
        }
        return 2.0 * treeDepth(g) * latencySeconds + 2.0 * payloadBytes / (bandwidthBytesPerSecond * efficiency);
    }

    /**
     * One-shot all-reduce through peer memory (vLLM's custom all-reduce, TensorRT-LLM's ONESHOT): each chip reads
     * every peer's whole buffer and reduces it locally, between two barriers: {@code 2α + (g−1)·S/(B·e)}.
     */
    public static double oneShotAllReduceSeconds(int g, double latencySeconds, double payloadBytes,
                                                 double bandwidthBytesPerSecond, double efficiency) {
        return g <= 1 ? 0.0 : 2.0 * latencySeconds + (g - 1.0) * payloadBytes / (bandwidthBytesPerSecond * efficiency);
    }

    /**
     * Two-shot all-reduce through peer memory: a reduce-scatter and an all-gather, each chip reading its peers'
     * shards, three barriers: {@code 3α + 2(g−1)/g·S/(B·e)}.
     */
    public static double twoShotAllReduceSeconds(int g, double latencySeconds, double payloadBytes,
                                                 double bandwidthBytesPerSecond, double efficiency) {
        return g <= 1 ? 0.0 : 3.0 * latencySeconds + ringLinkBytes(true, g, payloadBytes)
                / (bandwidthBytesPerSecond * efficiency);
    }

    /** An all-reduce's link time by algorithm ({@link AllReduceAlgorithms.Algorithm}'s ordinal). */
    public static double allReduceSeconds(int algorithm, int g, double latencySeconds, double payloadBytes,
                                          double bandwidthBytesPerSecond, double efficiency) {
        return switch (algorithm) {
            case 0 -> ringAllReduceSeconds(g, latencySeconds, payloadBytes, bandwidthBytesPerSecond, efficiency);
            case 1 -> treeAllReduceSeconds(g, latencySeconds, payloadBytes, bandwidthBytesPerSecond, efficiency);
            case 2 -> oneShotAllReduceSeconds(g, latencySeconds, payloadBytes, bandwidthBytesPerSecond, efficiency);
            case 3 -> twoShotAllReduceSeconds(g, latencySeconds, payloadBytes, bandwidthBytesPerSecond, efficiency);
            default -> throw new IllegalArgumentException("all-reduce algorithm " + algorithm);
        };
    }

    /** Bytes each chip moves over its link in an all-reduce by algorithm (one-shot: (g−1)·S read in). */
    public static double allReduceLinkBytes(int algorithm, int g, double payloadBytes) {
        if (g <= 1) {
            return 0.0;
        }
        return switch (algorithm) {
            case 1 -> treeLinkBytes(payloadBytes);
            case 2 -> (g - 1.0) * payloadBytes;
            default -> ringLinkBytes(true, g, payloadBytes);
        };
    }

    /**
     * The algorithm an all-reduce of {@code payloadBytes} over {@code g} chips runs: the fastest the stack's
     * library allows (ties to the earlier: ring, tree, one-shot, two-shot). The one place the choice is made, for
     * CostModel and the compiled plan alike.
     */
    public static int allReduceAlgorithm(AllReduceAlgorithms allowed, int g, double latencySeconds, double payloadBytes,
                                         double bandwidthBytesPerSecond, double efficiency) {
        int best = 0;
        double bestSeconds = Double.POSITIVE_INFINITY;
        for (int i = 0; i < AllReduceAlgorithms.Algorithm.ALL.size(); i++) {
            AllReduceAlgorithms.Algorithm a = AllReduceAlgorithms.Algorithm.ALL.get(i);
            if (!allowed.allows(a, g)) {
                continue;
            }
            double t = allReduceSeconds(a.ordinal(), g, latencySeconds, payloadBytes, bandwidthBytesPerSecond, efficiency);
            if (t < bestSeconds) {
                best = a.ordinal();
                bestSeconds = t;
            }
        }
        return best;
    }

    /** Bytes each chip sends in a tree all-reduce: the payload up the tree and down again. */
    public static double treeLinkBytes(double payloadBytes) {
        return 2.0 * payloadBytes;
    }

    /**
     * A collective on a chip profile's one link: an all-gather as a ring; an all-reduce by {@code algorithm}
     * ({@link #allReduceAlgorithm}). Link seconds, without dispatch overhead.
     */
    public static double chipCollectiveSeconds(boolean allReduce, int algorithm, int g, double latencySeconds,
                                               double payloadBytes, double bandwidthBytesPerSecond, double efficiency) {
        if (g <= 1) {
            return 0.0;
        }
        return allReduce ? allReduceSeconds(algorithm, g, latencySeconds, payloadBytes, bandwidthBytesPerSecond, efficiency)
                : ringLinkSeconds(ringSteps(false, g), latencySeconds, ringLinkBytes(false, g, payloadBytes),
                        bandwidthBytesPerSecond, efficiency);
    }

    /** Bytes each chip sends in {@link #chipCollectiveSeconds}'s algorithm. */
    public static double chipCollectiveLinkBytes(boolean allReduce, int algorithm, int g, double payloadBytes) {
        return g <= 1 ? 0.0 : allReduce ? allReduceLinkBytes(algorithm, g, payloadBytes)
                : ringLinkBytes(false, g, payloadBytes);
    }

    /** ⌈log2 g⌉ for g ≥ 1, exactly, in integer arithmetic (no Math.log in the compiled plan's loop). */
    public static int treeDepth(int g) {
        return 32 - Integer.numberOfLeadingZeros(g - 1);
    }

    /** Ring all-reduce of {@code payloadBytes} over {@code g} chips: {@code 2(g−1)·α + 2(g−1)/g·S/(B·e)}. */
    public static double ringAllReduceSeconds(int g, double latencySeconds, double payloadBytes,
                                              double bandwidthBytesPerSecond, double efficiency) {
        return g <= 1 ? 0.0 : ringLinkSeconds(ringSteps(true, g), latencySeconds, ringLinkBytes(true, g, payloadBytes),
                bandwidthBytesPerSecond, efficiency);
    }

    /**
     * Ring all-gather or reduce-scatter of a {@code payloadBytes} buffer (the whole, gathered size) over
     * {@code g} chips, and the all-to-all of a {@code payloadBytes} per-chip buffer on a switched fabric
     * (each chip sends {@code (g−1)/g} of it): {@code (g−1)·α + (g−1)/g·S/(B·e)}.
     */
    public static double ringGatherSeconds(int g, double latencySeconds, double payloadBytes,
                                           double bandwidthBytesPerSecond, double efficiency) {
        return g <= 1 ? 0.0 : ringLinkSeconds(ringSteps(false, g), latencySeconds, ringLinkBytes(false, g, payloadBytes),
                bandwidthBytesPerSecond, efficiency);
    }

    /**
     * The bisection limit of an all-to-all of {@code payloadBytes} per chip on a torus whose largest
     * dimension is {@code largestDimension}, with {@code linkBytesPerSecond} per link per direction: half
     * the chips send half their buffer across a cut of {@code 2·g/d} links, so
     * {@code (g·S/4) / (2·g/d·b) = S·d/(8·b)} (divided by the link efficiency).
     */
    public static double torusBisectionSeconds(double payloadBytes, int largestDimension, double linkBytesPerSecond,
                                               double efficiency) {
        return payloadBytes * largestDimension / (8.0 * linkBytesPerSecond * efficiency);
    }

    /** A point-to-point transfer (a pipeline hand-off): {@code α + S/(B·e)}. */
    public static double pointToPointSeconds(double latencySeconds, double payloadBytes, double bandwidthBytesPerSecond,
                                             double efficiency) {
        return latencySeconds + payloadBytes / (bandwidthBytesPerSecond * efficiency);
    }

    /**
     * The GPipe / 1F1B pipeline bubble: with {@code p} stages and {@code m} micro-batches a pass takes
     * {@code m + p − 1} slots of which {@code p − 1} are fill and drain, so the idle fraction is
     * {@code (p − 1)/(m + p − 1)}.
     */
    public static double bubbleFraction(int stages, int microBatches) {
        return (stages - 1.0) / (microBatches + stages - 1.0);
    }

    /** A collective's energy: the chip idles at {@code idleWatts} while {@code linkBytes} cross the link. */
    public static double collectiveEnergy(double idleWatts, double latencySeconds, double linkBytes, double linkJoulesPerByte) {
        return idleWatts * latencySeconds + linkBytes * linkJoulesPerByte;
    }

    // ---------------------------------------------------------------- energy and dollars

    /**
     * An on-chip op's energy. With coefficients: {@code flopJoules} + bytes × J/byte + idle × t.
     * Without: (idle + (TDP − idle) × u) × t, u = the busier of compute and bandwidth utilisation.
     */
    public static double computeEnergy(boolean coefficients, double flops, double bytes, double flopJoules,
                                       double latencySeconds, double peakUsed, double joulesPerByte,
                                       double bandwidthBytesPerSecond, double idleWatts, double tdpWatts) {
        if (coefficients) {
            return flopJoules + bytes * joulesPerByte + idleWatts * latencySeconds;
        }
        if (latencySeconds <= 0) {
            return 0; // an op that takes no time (fused, with no arithmetic) draws nothing above what its neighbour does
        }
        double flopUtil = peakUsed > 0 ? flops / (latencySeconds * peakUsed) : 0;
        double byteUtil = bytes / (latencySeconds * bandwidthBytesPerSecond);
        double u = Math.min(1.0, Math.max(flopUtil, byteUtil));
        return (idleWatts + (tdpWatts - idleWatts) * u) * latencySeconds;
    }

    /** Energy of main-memory traffic alone (a host fallback's transfer), above idle. */
    public static double memoryByteEnergy(boolean coefficients, double bytes, double latencySeconds,
                                          double joulesPerByte, double bandwidthBytesPerSecond, double idleWatts,
                                          double tdpWatts) {
        if (coefficients) {
            return bytes * joulesPerByte;
        }
        double u = Math.min(1.0, bytes / (latencySeconds * bandwidthBytesPerSecond));
        return (tdpWatts - idleWatts) * u * latencySeconds;
    }

    /** Dollars for {@code latencySeconds} of one chip at its hourly price. */
    public static double dollars(double latencySeconds, double pricePerChipHourUsd) {
        return pricePerChipHourUsd * latencySeconds / 3600.0;
    }
}
