package org.opsim.cost;

import java.util.ArrayList;
import java.util.List;
import org.opsim.graph.AllReduce;
import org.opsim.graph.Block;
import org.opsim.graph.Collective;
import org.opsim.graph.ComputeOp;
import org.opsim.graph.CustomOp;
import org.opsim.graph.Engine;
import org.opsim.graph.Graph;
import org.opsim.graph.Op;
import org.opsim.graph.OpKind;
import org.opsim.graph.Precision;
import org.opsim.graph.Stage;
import org.opsim.hardware.AllReduceAlgorithms;
import org.opsim.hardware.EfficiencyCurve;
import org.opsim.hardware.EfficiencyTable;
import org.opsim.hardware.Fallback;
import org.opsim.hardware.HardwareProfile;
import org.opsim.hardware.Figure;
import org.opsim.hardware.GemmConfig;
import org.opsim.hardware.HostLink;
import org.opsim.hardware.KernelRule;
import org.opsim.hardware.SoftwareStack;
import org.opsim.internal.cost.CostFormulas;
import org.opsim.io.InputException;
import org.opsim.internal.cost.Waves;

/**
 * A graph's ops (after {@link Op#lower()}) mapped onto one profile, as parallel primitive arrays:
 * op {@code i} of block {@code b} for {@code blockEnd[b−1] <= i < blockEnd[b]}. Lowering is the one
 * place that decides how a chip runs an op; {@link Kernel} costs op {@code i} from these arrays, for
 * the compiled plan's loop and for the per-op results of the object API alike.
 *
 * <p>Two kinds of array. <em>Structure</em>, fixed at lowering: how the chip runs the op (mode,
 * engine, the precision it runs at, resolved peaks, efficiency curves, overhead, per-unit cap,
 * penalty, J/FLOP, notes), which depends on each op's kind, precision and engine only.
 * <em>Shape</em>, refillable: block repeats, FLOPs per engine, bytes, the wave model's effective
 * matrix FLOPs, the efficiencies read off the curves at the op's size, memory caps at its rows, and
 * collective group sizes and algorithms. {@link #refill} rewrites the shape arrays from another graph
 * of the same structure (a sweep's next batch size or context) without redoing any look-up, and
 * skips every op equal to the one already loaded (in a decode sweep over context lengths, all but
 * attention). Not thread-safe while refilling; read-only otherwise.
 */
final class LoweredOps {
    static final byte NATIVE = 0;
    static final byte VECTOR_FALLBACK = 1;
    static final byte HOST_FALLBACK = 2;
    static final byte COLLECTIVE = 3;

    final int size;
    /**
     * Op i's place in the bound signature: 5^(size − 1 − i), wrapping (the signature is the ops' bound
     * ordinals as the digits of a base-5 number, mod 2^64; a sum, so ops may be costed in parts).
     */
    final long[] place;
    final int blocks;
    final int[] blockEnd;
    final String[] blockName;
    final Stage[] blockStage;

    // structure
    final int[] signature;
    final byte[] mode;
    final OpKind[] kind;
    final Engine[] engine;
    /** The precision the op's main engine runs at after any fallback; null for collectives. */
    final Precision[] precision;
    final List<List<Note>> notes;
    final boolean[] allReduce;
    final EfficiencyCurve[] matrixCurve;
    final EfficiencyCurve[] vectorCurve;
    final EfficiencyCurve[] memoryCurve;
    final double[] matrixPeak;
    final double[] vectorPeak;
    final double[] matrixJoulesPerFlop;
    final double[] vectorJoulesPerFlop;
    /** The stack's per-unit cap κ × clock in bytes/s per unit (NaN: none); the chip-wide cap depends on the op's rows. */
    final double[] unitCap;
    /** The op's fixed time per call as lowered; {@link #overhead} is what a shape gets (a GEMV path may change it). */
    final double[] baseOverhead;
    /** Whether the op's base overhead is the stack's cycles at the clock (else seconds). */
    final boolean[] baseInCycles;
    /** Whether {@link #overhead} is, as derived, cycles at the clock (a figure scale on the clock then scales it). */
    final boolean[] overheadInCycles;
    final double[] penalty;
    /** The least time a call takes (the stack's per-call floor; 0: none). */
    final double[] floor;
    /** Row chain of the stack's kernel (docs/cost-model.md §8.3): threads per row block, 0 if none. */
    final long[] blockThreads;
    final double[] fixedCycles;
    final double[] cyclesPerIteration;
    /** The stack's factors on the chip's compute and memory efficiencies (null: 1). */
    final EfficiencyCurve[] computeFactor;
    final EfficiencyCurve[] memoryFactor;
    /** Fused by the stack into its producer (docs/cost-model.md §8.7). */
    final boolean[] fused;
    /** A fused op's bytes that still move: a binary element-wise op's second operand (0 otherwise). */
    final double[] fusedBytes;
    /** A GEMM's library configurations (null: the chip's tile and its halvings and doublings). */
    final GemmConfig[][] gemmConfigs;
    /** A GEMM's skinny path (docs/cost-model.md §8.6): at most this many rows (0: none), its memory factor and overhead (NaN: the rule's). */
    final long[] gemvRows;
    final double[] gemvFactor;
    final double[] gemvOverhead;
    /** A GEMM rule's overlap exponent p (docs/cost-model.md §8.6); 0: perfect overlap, max(t_c, t_m). */
    final double[] overlap;

    // shape
    /** The ops the shape arrays were last filled from: an equal op needs no refill. */
    final Op[] op;
    final double[] repeat;
    final long[] repeatCount;
    /** FLOPs and bytes of one repeat of each block (shape-only sums, for the evaluation loop's totals). */
    final double[] blockFlops;
    final double[] blockBytes;
    final double[] matrixFlops;
    final double[] vectorFlops;
    final double[] flops;
    final double[] bytes;
    final double[] effectiveMatrixFlops;
    /** Efficiencies read off the curves at the op's current size (shape-dependent, so read once per refill). */
    final double[] matrixEff;
    final double[] vectorEff;
    final double[] memoryEff;
    /** The fixed time per call at the op's current shape. */
    final double[] overhead;
    /** {@code min(U, rows) × κ} at the op's current rows, NaN without a cap. */
    final double[] memoryCap;
    /** The row chain's time at the op's current shape (0 without a chain). */
    final double[] chainSeconds;
    /** The op's bytes served from on-chip memory (L2, SBUF, VMEM) at its current shape. */
    final double[] onChipBytes;
    final int[] groupSize;
    /**
     * What the cost reads off an op's shape besides FLOPs and bytes ({@link #derive} works from these
     * numbers alone, so a workload-parametric plan can fill them without building the op): a GEMM's rows
     * ({@code Long.MAX_VALUE} for other ops; a grouped GEMM's of all groups), columns, count and depth; the rows a kernel spreads
     * over; a row's elements; the bytes main memory streams however small the op; an op's own efficiency.
     */
    final long[] gemmRows;
    /** A grouped GEMM (structure): {@link #gemmRows} are all groups' rows, spread over {@link #gemmCount} groups. */
    final boolean[] gemmGrouped;
    final long[] gemmColumns;
    final double[] gemmCount;
    final long[] gemmDepth;
    final long[] parallelRows;
    final long[] rowElements;
    final double[] streamedBytes;
    final double[] ownEfficiency;
    /** A binary element-wise op (structure: a fused one still reads its other operand). */
    final boolean[] binaryElementwise;
    /** All-reduces: the algorithm's ordinal ({@link AllReduceAlgorithms.Algorithm}; decided once per shape). */
    final int[] algorithm;
    /** All-reduces: the algorithms the stack's collective library may use. */
    final AllReduceAlgorithms[] allReduceAlgorithms;

    // the chip
    final HardwareProfile profile;
    final double bandwidth;
    final double idleWatts;
    final double tdpWatts;
    final double pricePerHour;
    final boolean coefficients;
    final double joulesPerByte;
    final double linkLatency;
    final double linkBandwidth;
    final double linkJoulesPerByte;
    final double hostBandwidth;
    final double hostFlopsPerSecond;
    final double hostLatency;
    /** On-chip memory rate (bandwidth × efficiency), NaN without one. */
    final double onChipRate;
    final MemoryState state;
    private final double onChipCapacity;
    private final double clockHz;
    private final long threadsPerUnit;
    private final long units;
    private final long capUnits;
    private final long tileM;
    private final long tileN;

    private LoweredOps(Graph graph, HardwareProfile p, MemoryState state) {
        int n = 0;
        for (Block b : graph.blocks()) {
            for (Op o : b.ops()) {
                n += o.lower().size();
            }
        }
        size = n;
        place = new long[n];
        long power = 1;
        for (int i = n - 1; i >= 0; i--) {
            place[i] = power;
            power *= 5;
        }
        blocks = graph.blocks().size();
        blockEnd = new int[blocks];
        blockName = new String[blocks];
        blockStage = new Stage[blocks];
        signature = new int[n];
        mode = new byte[n];
        kind = new OpKind[n];
        engine = new Engine[n];
        precision = new Precision[n];
        notes = new ArrayList<>(n);
        allReduce = new boolean[n];
        matrixCurve = new EfficiencyCurve[n];
        vectorCurve = new EfficiencyCurve[n];
        memoryCurve = new EfficiencyCurve[n];
        matrixPeak = new double[n];
        vectorPeak = new double[n];
        matrixJoulesPerFlop = new double[n];
        vectorJoulesPerFlop = new double[n];
        unitCap = new double[n];
        overhead = new double[n];
        baseOverhead = new double[n];
        baseInCycles = new boolean[n];
        overheadInCycles = new boolean[n];
        gemmConfigs = new GemmConfig[n][];
        fused = new boolean[n];
        fusedBytes = new double[n];
        gemvRows = new long[n];
        gemvFactor = new double[n];
        gemvOverhead = new double[n];
        overlap = new double[n];
        penalty = new double[n];
        floor = new double[n];
        blockThreads = new long[n];
        fixedCycles = new double[n];
        cyclesPerIteration = new double[n];
        computeFactor = new EfficiencyCurve[n];
        memoryFactor = new EfficiencyCurve[n];
        chainSeconds = new double[n];
        onChipBytes = new double[n];
        op = new Op[n];
        repeat = new double[blocks];
        repeatCount = new long[blocks];
        blockFlops = new double[blocks];
        blockBytes = new double[blocks];
        matrixFlops = new double[n];
        vectorFlops = new double[n];
        flops = new double[n];
        bytes = new double[n];
        effectiveMatrixFlops = new double[n];
        matrixEff = new double[n];
        vectorEff = new double[n];
        memoryEff = new double[n];
        memoryCap = new double[n];
        groupSize = new int[n];
        algorithm = new int[n];
        allReduceAlgorithms = new AllReduceAlgorithms[n];
        gemmRows = new long[n];
        gemmGrouped = new boolean[n];
        gemmColumns = new long[n];
        gemmCount = new double[n];
        gemmDepth = new long[n];
        parallelRows = new long[n];
        rowElements = new long[n];
        streamedBytes = new double[n];
        ownEfficiency = new double[n];
        binaryElementwise = new boolean[n];

        profile = p;
        bandwidth = p.memory().bandwidthBytesPerSecond().value();
        idleWatts = p.power().idleWatts().value();
        tdpWatts = p.power().tdpWatts().value();
        pricePerHour = p.pricePerChipHourUsd().value();
        coefficients = p.power().hasEnergyCoefficients();
        joulesPerByte = CostFormulas.joulesPerByte(p);
        linkLatency = p.interconnect().latencySeconds().value();
        linkBandwidth = p.interconnect().bandwidthBytesPerSecond().value();
        linkJoulesPerByte = CostFormulas.linkJoulesPerByte(p);
        hostBandwidth = p.support().host().map(h -> h.bandwidthBytesPerSecond().value()).orElse(Double.NaN);
        hostFlopsPerSecond = p.support().host().map(h -> h.flopsPerSecond().value()).orElse(Double.NaN);
        hostLatency = p.support().host().map(h -> h.latencySeconds().value()).orElse(Double.NaN);
        boolean waves = p.computeUnits().isPresent() && p.matmulTile().isPresent();
        units = waves ? (long) p.computeUnits().get().value() : 0;
        tileM = waves ? p.matmulTile().get().m() : 0;
        tileN = waves ? p.matmulTile().get().n() : 0;
        capUnits = CostFormulas.computeUnits(p);
        this.state = state;
        clockHz = p.clock().map(c -> c.hz()).orElse(Double.NaN);
        threadsPerUnit = p.threadsPerUnit().map(f -> (long) f.value()).orElse(0L);
        onChipCapacity = p.onChip().map(c -> c.capacityBytes().value()).orElse(0.0);
        onChipRate = p.onChip().map(c -> c.bandwidthBytesPerSecond().value()
                * c.efficiency().map(f -> f.value()).orElse(p.efficiency().defaultMemory().at(c.capacityBytes().value())))
                .orElse(Double.NaN);
    }

    /**
     * Lowers {@code graph} onto {@code p}: an {@code InputException} naming the profile and the op for a
     * precision the chip has neither natively nor by fallback.
     */
    static LoweredOps lower(Graph graph, HardwareProfile p) {
        return lower(graph, p, MemoryState.IN_GRAPH);
    }

    static LoweredOps lower(Graph graph, HardwareProfile p, MemoryState state) {
        LoweredOps l = new LoweredOps(graph, p, state);
        int i = 0;
        for (int b = 0; b < l.blocks; b++) {
            Block block = graph.blocks().get(b);
            l.blockName[b] = block.name();
            l.blockStage[b] = block.stage();
            for (Op o : block.ops()) {
                for (Op part : o.lower()) {
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

    private void lowerOne(int i, Op o, HardwareProfile p) {
        signature[i] = signature(o);
        EfficiencyTable eff = p.efficiency();
        OpKind k = o.kind();
        kind[i] = k;
        unitCap[i] = Double.NaN;
        memoryCap[i] = Double.NaN;
        List<Note> opNotes = new ArrayList<>(1);
        if (o instanceof Collective) {
            mode[i] = COLLECTIVE;
            engine[i] = Engine.INTERCONNECT;
            allReduce[i] = o instanceof AllReduce;
            memoryCurve[i] = eff.memory(k, null);
            baseOverhead[i] = CostFormulas.overheadSeconds(p, k, null);
            allReduceAlgorithms[i] = p.stackOrNone().kernel(k).flatMap(KernelRule::allReduce)
                    .orElse(AllReduceAlgorithms.NCCL);
            notes.add(List.of());
            return;
        }
        ComputeOp c = (ComputeOp) o;
        if (c.lower().size() != 1 || c.lower().get(0) != c) {
            throw new IllegalArgumentException(o.name() + ": a composite op must be lowered before costing");
        }
        boolean isNative;
        if (c instanceof CustomOp custom) {
            isNative = p.support().isNativeCustom(custom.supportKey());
            if (!isNative && !p.support().hasCustomFallback()) {
                throw new InputException(p.name(), "$.customOps", "custom op '" + o.name() + "' needs kernel '"
                        + custom.supportKey() + "', which the profile neither lists in customOps nor has a fallback for "
                        + "(add it to customOps, custom to nativeOps, or a fallback.ops.custom)");
            }
        } else {
            isNative = p.support().isNative(k);
        }
        if (isNative) {
            mode[i] = NATIVE;
            engine[i] = c.engine();
            Precision want = c.precision();
            Precision main = want;
            if (c.matrixFlops() > 0) {
                Precision used = resolve(p, Engine.MATRIX, want, c, opNotes);
                matrixPeak[i] = p.peak(Engine.MATRIX, used).orElseThrow().value();
                matrixCurve[i] = eff.compute(k, used);
                matrixJoulesPerFlop[i] = CostFormulas.joulesPerFlop(p, used);
                main = c.engine() == Engine.MATRIX ? used : main;
            }
            if (c.vectorFlops() > 0) {
                Precision used = resolve(p, Engine.VECTOR, want, c, opNotes);
                vectorPeak[i] = p.peak(Engine.VECTOR, used).orElseThrow().value();
                vectorCurve[i] = eff.compute(k, used);
                vectorJoulesPerFlop[i] = CostFormulas.joulesPerFlop(p, used);
                main = c.engine() == Engine.VECTOR ? used : main;
            }
            precision[i] = main;
            onChipMemory(i, k, main, p, opNotes);
            notes.add(List.copyOf(opNotes));
            return;
        }
        Fallback f = p.support().fallbackFor(k);
        penalty[i] = f.penaltyFactor().value();
        if (f.mode() == Fallback.Mode.VECTOR) {
            mode[i] = VECTOR_FALLBACK;
            engine[i] = Engine.VECTOR;
            opNotes.add(Note.fallback(Note.Kind.VECTOR_FALLBACK, p.name(), k, penalty[i]));
            Precision used = resolve(p, Engine.VECTOR, c.precision(), c, opNotes);
            precision[i] = used;
            vectorPeak[i] = p.peak(Engine.VECTOR, used).orElseThrow().value();
            vectorCurve[i] = eff.compute(k, used);
            vectorJoulesPerFlop[i] = CostFormulas.joulesPerFlop(p, used);
            onChipMemory(i, k, used, p, opNotes);
        } else {
            mode[i] = HOST_FALLBACK;
            engine[i] = Engine.HOST;
            precision[i] = c.precision();
            opNotes.add(Note.fallback(Note.Kind.HOST_FALLBACK, p.name(), k, penalty[i]));
            HostLink host = p.support().host().orElseThrow();
            baseOverhead[i] = p.dispatchOverheadSeconds().value() + host.latencySeconds().value();
        }
        notes.add(List.copyOf(opNotes));
    }

    private static Precision resolve(HardwareProfile p, Engine e, Precision want, ComputeOp c, List<Note> notes) {
        Precision used = CostFormulas.resolve(p, e, want, c);
        if (used != want.arithmetic()) {
            notes.add(Note.precisionFallback(p.name(), c.kind(), e, want, used));
        }
        return used;
    }

    private void onChipMemory(int i, OpKind k, Precision used, HardwareProfile p, List<Note> opNotes) {
        memoryCurve[i] = p.efficiency().memory(k, used);
        baseOverhead[i] = CostFormulas.overheadSeconds(p, k, used);
        SoftwareStack stack = p.stackOrNone();
        floor[i] = stack.floorSeconds().map(Figure::value).orElse(0.0);
        KernelRule r = stack.kernel(k).orElse(null);
        if (r == null) {
            return;
        }
        if (r.fused().isPresent() && mode[i] == NATIVE) {
            // Fused into its producer (docs/cost-model.md §8.7): no launch, no floor; only a binary op's other operand moves.
            fused[i] = true;
            baseOverhead[i] = 0;
            floor[i] = 0;
            opNotes.add(Note.fused(p.name(), k, stack.id()));
            return;
        }
        double kernels = r.kernelsPerOp().map(Figure::value).orElse(1.0);
        if (r.overheadCycles().isPresent()) {
            baseOverhead[i] = kernels * r.overheadCycles().get().value() / clockHz;
            baseInCycles[i] = true;
        } else {
            baseOverhead[i] = kernels * r.overheadSeconds().map(Figure::value).orElse(baseOverhead[i]);
        }
        floor[i] = r.floorSeconds().map(Figure::value).orElse(floor[i]);
        unitCap[i] = r.unitBytesPerCycle().map(f -> f.value() * clockHz).orElse(Double.NaN);
        computeFactor[i] = r.computeFactor().orElse(null);
        memoryFactor[i] = r.memoryFactor().orElse(null);
        if (!r.gemmConfigs().isEmpty()) {
            gemmConfigs[i] = r.gemmConfigs().toArray(new GemmConfig[0]);
        }
        overlap[i] = r.overlapExponent().map(Figure::value).orElse(0.0);
        r.gemv().ifPresent(g -> {
            gemvRows[i] = g.maxRows();
            gemvFactor[i] = g.factor();
            gemvOverhead[i] = g.overheadSeconds().map(f -> kernels * f.value()).orElse(Double.NaN);
        });
        if (r.chain()) {
            blockThreads[i] = (long) r.blockThreads().orElseThrow().value();
            fixedCycles[i] = r.fixedCycles().map(Figure::value).orElse(0.0);
            cyclesPerIteration[i] = r.cyclesPerIteration().orElseThrow().value();
        }
    }

    /**
     * Everything lowering decided from an op: its kind, precision, main engine and which engines have
     * work (collectives: their kind). Two graphs whose ops agree on this lower to the same structure.
     */
    static int signature(Op o) {
        if (o instanceof Collective) {
            return 1 << 30 | o.kind().ordinal();
        }
        ComputeOp c = (ComputeOp) o;
        return o.kind().ordinal() | c.precision().ordinal() << 8 | c.engine().ordinal() << 16
                | (c.matrixFlops() > 0 ? 1 << 20 : 0) | (c.vectorFlops() > 0 ? 1 << 21 : 0);
    }

    /**
     * Rewrites the shape arrays from {@code graph}. Returns false, with the shape arrays partly
     * rewritten, as soon as {@code graph}'s structure differs from the one lowered (other ops, or the
     * same ops in blocks of other stages).
     */
    boolean refill(Graph graph) {
        if (graph.blocks().size() != blocks) {
            return false;
        }
        int i = 0;
        for (int b = 0; b < blocks; b++) {
            Block block = graph.blocks().get(b);
            if (block.stage() != blockStage[b]) {
                return false;
            }
            for (Op o : block.ops()) {
                for (Op part : o.lower()) {
                    if (i >= size) {
                        return false;
                    }
                    Op was = op[i];
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
            double f = 0;
            double by = 0;
            for (int j = b == 0 ? 0 : blockEnd[b - 1]; j < blockEnd[b]; j++) {
                f += flops[j];
                by += bytes[j];
            }
            blockFlops[b] = f;
            blockBytes[b] = by;
            repeat[b] = block.repeat();
            repeatCount[b] = block.repeat();
            blockName[b] = block.name();
        }
        return i == size;
    }

    private static double factor(EfficiencyCurve c, double size) {
        return c == null ? 1.0 : c.at(size);
    }

    private void refillOne(int i, Op o) {
        op[i] = o;
        if (o instanceof Collective c) {
            flops[i] = c.flops();
            bytes[i] = c.payloadBytes();
            groupSize[i] = c.groupSize();
            derive(i);
            return;
        }
        ComputeOp c = (ComputeOp) o;
        matrixFlops[i] = c.matrixFlops();
        vectorFlops[i] = c.vectorFlops();
        flops[i] = c.flops();
        bytes[i] = c.bytes();
        gemmGrouped[i] = c instanceof org.opsim.graph.GroupedMatMul;
        gemmRows[i] = c instanceof org.opsim.graph.GroupedMatMul g ? g.rows() : Waves.rowsPerGemm(c);
        gemmColumns[i] = Waves.columns(c);
        gemmCount[i] = Waves.gemms(c);
        gemmDepth[i] = Waves.depth(c);
        parallelRows[i] = CostFormulas.parallelRows(c);
        rowElements[i] = CostFormulas.rowElements(c);
        streamedBytes[i] = CostFormulas.streamedBytes(c, state == MemoryState.WARM);
        ownEfficiency[i] = c instanceof CustomOp custom ? custom.efficiency() : 0;
        binaryElementwise[i] = c instanceof org.opsim.graph.Elementwise;
        derive(i);
    }

    /**
     * Fills op {@code i}'s shape-dependent arrays (waves, kernel choice, efficiencies at its size, caps,
     * on-chip bytes, the row chain, a collective's algorithm) from its shape numbers: FLOPs, bytes and
     * {@link #gemmRows} … {@link #ownEfficiency} (a collective: FLOPs, payload bytes, group size). The one
     * place these are worked out, for a graph's ops and for a workload-parametric plan alike. Allocation-free.
     */
    void derive(int i) {
        overhead[i] = baseOverhead[i];
        overheadInCycles[i] = baseInCycles[i];
        if (mode[i] == COLLECTIVE) {
            memoryEff[i] = memoryCurve[i].at(bytes[i]);
            algorithm[i] = allReduce[i] ? CostFormulas.allReduceAlgorithm(allReduceAlgorithms[i], groupSize[i], linkLatency,
                    bytes[i], linkBandwidth, memoryEff[i]) : 0;
            return;
        }
        double own = ownEfficiency[i];
        boolean gemm = gemmRows[i] != Long.MAX_VALUE;
        long perGemm = gemmGrouped[i] ? Waves.rowsPerGroup(gemmRows[i], (long) gemmCount[i]) : gemmRows[i];
        if (mode[i] == NATIVE && matrixFlops[i] > 0) {
            double chip = matrixCurve[i].at(flops[i]);
            double f = factor(computeFactor[i], flops[i]);
            effectiveMatrixFlops[i] = units > 0 && gemm
                    ? Waves.effectiveMatrixFlops(perGemm, gemmColumns[i], gemmCount[i], gemmDepth[i], units, tileM, tileN)
                    : matrixFlops[i];
            matrixEff[i] = own > 0 ? own : CostFormulas.efficiency(chip, f);
            GemmConfig[] configs = gemmConfigs[i];
            if (configs != null && own <= 0) {
                // The library's fastest configuration for this shape (docs/cost-model.md §8.6); on the GEMV
                // path its skinny kernels cover at most maxRows rows per tile, not the tile's.
                long skinny = gemvRows[i] > 0 && perGemm <= gemvRows[i] ? gemvRows[i] : Long.MAX_VALUE;
                double best = Double.POSITIVE_INFINITY;
                for (GemmConfig g : configs) {
                    double work = !gemm ? matrixFlops[i]
                            : Waves.effectiveMatrixFlops(perGemm, gemmColumns[i], gemmCount[i], gemmDepth[i], capUnits,
                                    Math.min(g.tileM(), skinny), g.tileN(),
                                    g.decomposition() == GemmConfig.Decomposition.STREAM_K, g.tileK().orElse(1L));
                    double e = CostFormulas.efficiency(chip, f * g.factor());
                    if (work / e < best) {
                        best = work / e;
                        effectiveMatrixFlops[i] = work;
                        matrixEff[i] = e;
                    }
                }
            }
        }
        boolean vectorWork = mode[i] == NATIVE ? vectorFlops[i] > 0 : mode[i] == VECTOR_FALLBACK && flops[i] > 0;
        if (vectorWork) {
            vectorEff[i] = own > 0 ? own : CostFormulas.efficiency(vectorCurve[i].at(flops[i]), factor(computeFactor[i], flops[i]));
        }
        if (fused[i]) {
            // The producer's output is consumed in its kernel; a binary op still reads its other operand.
            fusedBytes[i] = binaryElementwise[i] ? bytes[i] / 3 : 0;
        }
        if (mode[i] != HOST_FALLBACK) {
            boolean gemv = gemvRows[i] > 0 && perGemm <= gemvRows[i];
            memoryEff[i] = CostFormulas.efficiency(memoryCurve[i].at(bytes[i]),
                    gemv ? gemvFactor[i] : factor(memoryFactor[i], bytes[i]));
            if (gemv && !Double.isNaN(gemvOverhead[i])) {
                overhead[i] = gemvOverhead[i];
                overheadInCycles[i] = false;
            }
            long rows = parallelRows[i];
            // A row chain's cap is its rate at full residency (U·b blocks), fewer rows are chain-bound; others' per unit.
            memoryCap[i] = blockThreads[i] == 0 ? CostFormulas.memoryCapBytesPerSecond(unitCap[i], capUnits, rows)
                    : CostFormulas.rowChainCapBytesPerSecond(unitCap[i], capUnits,
                            CostFormulas.residentBlocks(rowElements[i], blockThreads[i], threadsPerUnit));
            onChipBytes[i] = Double.isNaN(onChipRate) ? 0
                    : CostFormulas.onChipBytes(bytes[i], streamedBytes[i], onChipCapacity);
            chainSeconds[i] = blockThreads[i] == 0 ? 0
                    : CostFormulas.chainSeconds(rows, rowElements[i], blockThreads[i], fixedCycles[i],
                            cyclesPerIteration[i], capUnits, threadsPerUnit, clockHz);
        }
    }
}
