package org.opsim.validation;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.apache.commons.math3.exception.TooManyEvaluationsException;
import org.apache.commons.math3.exception.TooManyIterationsException;
import org.apache.commons.math3.fitting.leastsquares.LeastSquaresBuilder;
import org.apache.commons.math3.fitting.leastsquares.LeastSquaresOptimizer;
import org.apache.commons.math3.fitting.leastsquares.LevenbergMarquardtOptimizer;
import org.apache.commons.math3.fitting.leastsquares.MultivariateJacobianFunction;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.ArrayRealVector;
import org.apache.commons.math3.util.Pair;
import org.opsim.cost.CostModel;
import org.opsim.cost.MemoryState;
import org.opsim.graph.ComputeOp;
import org.opsim.graph.Op;
import org.opsim.graph.OpKind;
import org.opsim.graph.VectorOp;
import org.opsim.hardware.EfficiencyCurve;
import org.opsim.hardware.EfficiencyRule;
import org.opsim.hardware.EfficiencyTable;
import org.opsim.hardware.Figure;
import org.opsim.hardware.GemmConfig;
import org.opsim.hardware.Gemv;
import org.opsim.hardware.HardwareProfile;
import org.opsim.hardware.KernelRule;
import org.opsim.hardware.OnChipMemory;
import org.opsim.hardware.SoftwareStack;

/**
 * Fits a chip's figures and a software stack's figures to measured latencies, separately, with
 * Levenberg–Marquardt least squares (Apache Commons Math) on the log ratio of predicted to measured
 * time (a 10% miss on a 5 µs op weighs as much as on a 50 ms one). The measurements are costed as
 * they were timed: one op at a time in a loop ({@link MemoryState#WARM}).
 *
 * <ol>
 * <li><b>Chip</b> (when the data has plain element-wise adds, the purest probe of a memory system):
 *   the chip's streaming efficiency (the fraction of DRAM bandwidth a streaming kernel reaches) and
 *   its on-chip memory's efficiency (the fraction of L2/SBUF bandwidth operands that stay on chip move
 *   at). Written into the chip profile. Peaks, bandwidths, units, tiles and clocks, the datasheet
 *   figures, are never touched.</li>
 * <li><b>Stack</b>, per op kind in the data, with the chip fitted first held fixed: the kernel's
 *   overhead per call; for row-wise kernels whose stack rule gives a block size, the row chain
 *   (fixed cycles and cycles per iteration); for vector kernels, a per-unit cap in bytes per
 *   unit-cycle; memory- and (GEMMs) compute-efficiency factors relative to the chip, as curves over
 *   bytes and FLOPs with {@value #KNOTS} knots; and, for a stack with a per-call floor, the kind's
 *   floor. Written into the stack version.</li>
 * </ol>
 *
 * Cycles and bytes per unit-cycle are what carries to another chip: {@link #transfer} runs a fitted
 * stack on another chip's datasheet profile. Every fitted figure's source names the rows it came from.
 */
public final class Calibrator {

    static final int KNOTS = 4;
    /** At most this many cases per kind enter the fit (a fixed-seed sample); all are used to report. */
    static final int MAX_CASES_PER_KIND = 3000;
    /** Marks every figure a fit produced (the start of its source). */
    public static final String SOURCE_PREFIX = "calibrated ";

    private Calibrator() {
    }

    /** What a fit produced: the chip profile (no stack attached) and the stack, and what it saw. */
    public record Result(HardwareProfile chip, SoftwareStack stack, Map<OpKind, Integer> casesPerKind) {
        /** The chip running the fitted stack: what the fit predicts with. */
        public HardwareProfile profile() {
            return chip.withStack(stack);
        }
    }

    /**
     * Fits {@code base}'s chip figures and the stack {@code start} (its structure: block sizes, which
     * kinds have a floor) to {@code cases}; {@code label} names the rows in every fitted figure's
     * source. {@code fitChip} false keeps the chip's figures as they are (a stack fitted on a chip that
     * is already calibrated, or data without a memory probe).
     */
    public static Result fit(HardwareProfile base, SoftwareStack start, List<MeasuredCase> cases, String label, boolean fitChip) {
        Map<OpKind, List<MeasuredCase>> byKind = new EnumMap<>(OpKind.class);
        for (MeasuredCase c : cases) {
            byKind.computeIfAbsent(c.op().kind(), k -> new ArrayList<>()).add(c);
        }
        HardwareProfile chip = base.toBuilder().stack(null).build();
        SoftwareStack stack = start;
        String date = LocalDate.now().toString();
        if (fitChip && byKind.containsKey(OpKind.ADD)) {
            chip = fitChip(chip, stack, sample(byKind.get(OpKind.ADD)), src(date, byKind.get(OpKind.ADD).size(), "add", label));
        }
        Map<OpKind, Integer> counts = new EnumMap<>(OpKind.class);
        // The plain add first: its overhead is the time every small kernel of the stack pays per call,
        // which the row chains then share (on one chip a chain's fixed cycles and a per-call overhead
        // are otherwise the same number).
        List<OpKind> order = new ArrayList<>(byKind.keySet());
        if (order.remove(OpKind.ADD)) {
            order.add(0, OpKind.ADD);
        }
        Optional<Figure> launch = Optional.empty();
        for (OpKind kind : order) {
            List<MeasuredCase> all = byKind.get(kind);
            counts.put(kind, all.size());
            KernelRule fitted = fitKind(chip, stack, kind, sample(all), src(date, all.size(), kind.id(), label), launch);
            stack = stack.with(fitted);
            if (kind == OpKind.ADD) {
                launch = fitted.overheadCycles();
            }
        }
        return new Result(chip, stack, counts);
    }

    /** Fits {@code base} and its own stack (or none) to {@code cases}, chip figures included. */
    public static Result fit(HardwareProfile base, List<MeasuredCase> cases, String label) {
        return fit(base, base.stackOrNone(), cases, label, true);
    }

    /** {@code target}'s datasheet figures running the stack fitted in {@code fitted}: how a fit carries to another chip. */
    public static HardwareProfile transfer(Result fitted, HardwareProfile target) {
        return target.withStack(fitted.stack());
    }

    private static String src(String date, int rows, String kind, String label) {
        return SOURCE_PREFIX + date + " by opsim calibrate (Levenberg-Marquardt, log error) on " + rows + " " + kind
                + " rows of " + label;
    }

    private static List<MeasuredCase> sample(List<MeasuredCase> all) {
        if (all.size() <= MAX_CASES_PER_KIND) {
            return all;
        }
        List<MeasuredCase> copy = new ArrayList<>(all);
        Collections.shuffle(copy, new Random(42));
        return copy.subList(0, MAX_CASES_PER_KIND);
    }

    // ---------------------------------------------------------------- chip

    /** Parameters: [log overhead of add, logit streaming efficiency, logit on-chip efficiency (if any)]. */
    private static HardwareProfile fitChip(HardwareProfile chip, SoftwareStack stack, List<MeasuredCase> cases, String src) {
        boolean onChip = chip.onChip().isPresent();
        double[] start = {Math.log(Math.max(1e-7, chip.dispatchOverheadSeconds().value())), logit(0.85), logit(0.5)};
        if (!onChip) {
            start = Arrays.copyOf(start, 2);
        }
        List<Op> ops = cases.stream().map(MeasuredCase::op).toList();
        double[] measured = cases.stream().mapToDouble(MeasuredCase::medianSeconds).toArray();
        double[] p = optimize(start, q -> {
            HardwareProfile trial = chipWith(chip, q, src).withStack(stack.with(overheadOnly(OpKind.ADD, q[0], src)));
            return logResiduals(ops, trial, measured);
        }, measured.length);
        return chipWith(chip, p, src);
    }

    private static KernelRule overheadOnly(OpKind kind, double logOverhead, String src) {
        return new KernelRule(kind, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.of(new Figure(Math.exp(logOverhead), src)), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty());
    }

    /**
     * The chip with streaming efficiency {@code logistic(p[1])} as its default memory efficiency and as
     * every kind-wide memory rule of a vector kind, and its on-chip efficiency {@code logistic(p[2])}.
     */
    private static HardwareProfile chipWith(HardwareProfile chip, double[] p, String src) {
        String s = src + " (chip: streaming efficiency)";
        EfficiencyCurve stream = EfficiencyCurve.constant(clamp(logistic(p[1])), s);
        List<EfficiencyRule> rules = new ArrayList<>();
        for (EfficiencyRule r : chip.efficiency().rules()) {
            if (r.precision().isEmpty() && r.memory().isPresent() && r.compute().isEmpty() && isVectorKind(r.kind())) {
                rules.add(new EfficiencyRule(r.kind(), r.precision(), r.compute(), Optional.of(stream), r.overheadSeconds()));
            } else {
                rules.add(r);
            }
        }
        HardwareProfile.Builder b = chip.toBuilder().efficiency(new EfficiencyTable(chip.efficiency().defaultCompute(), stream, rules));
        if (p.length > 2) {
            OnChipMemory m = chip.onChip().orElseThrow();
            b.onChip(m.withEfficiency(new Figure(clamp(logistic(p[2])), src + " (chip: " + m.name() + " efficiency)")));
        }
        return b.build();
    }

    private static boolean isVectorKind(OpKind k) {
        return switch (k) {
            case MATMUL, BATCHED_MATMUL, ATTENTION, ALL_REDUCE, ALL_GATHER, LINEAR_ATTENTION, SSM_SCAN, INDEXER, CUSTOM -> false;
            default -> true;
        };
    }

    // ---------------------------------------------------------------- stack

    /** Where each parameter of a kind's fit sits (-1: not fitted). */
    private record Layout(int chain, int cap, int floor, int memOffset, double[] memKnots, int cmpOffset, double[] cmpKnots,
                          int cfgOffset, List<GemmConfig> configs, int gemvOffset, int overlap, int size, long blockThreads,
                          boolean overheadInCycles) {
    }

    /** Streaming factor the memory knots of vector kinds are held near: the kernel streams as the chip does. */
    static final double STREAMING_PRIOR = 0.995;
    /** Residual weight of that prior per knot. */
    static final double PRIOR_WEIGHT = 3.0;
    /**
     * Residual weight (per e-fold) pulling the per-unit cap up to where it stops binding: with one
     * chip's data a kernel at the streaming efficiency is as well explained by a cap, and the physics
     * prefers bandwidth-bound unless the data needs the cap.
     */
    static final double CAP_PRIOR_WEIGHT = 0.3;
    /** Where the overlap exponent's fit starts (fitted in the coordinate ln(p − 1), so p stays above 1). */
    static final double OVERLAP_START = 3.0;

    private static KernelRule fitKind(HardwareProfile chip, SoftwareStack stack, OpKind kind, List<MeasuredCase> cases, String src,
                                      Optional<Figure> sharedOverhead) {
        Optional<KernelRule> was = stack.kernel(kind);
        boolean matrix = cases.stream().anyMatch(c -> c.op() instanceof ComputeOp co && co.matrixFlops() > 0);
        boolean cycles = chip.clock().isPresent() && chip.computeUnits().isPresent();
        boolean rowWise = cases.stream().allMatch(c -> c.op() instanceof VectorOp v && v.rowElements() > 1);
        long blockThreads = was.flatMap(KernelRule::blockThreads).map(f -> (long) f.value()).orElse(0L);
        boolean chain = cycles && rowWise && blockThreads > 0;
        boolean cap = cycles && !matrix;
        boolean floor = stack.floorSeconds().isPresent() || was.flatMap(KernelRule::floorSeconds).isPresent();
        List<GemmConfig> configs = matrix ? was.map(KernelRule::gemmConfigs).orElse(List.of()) : List.of();
        boolean gemv = matrix && was.flatMap(KernelRule::gemv).isPresent();
        // With the library's configurations the compute side is one factor per configuration, and the
        // memory side of the GEMMs one constant (the weights stream as the chip streams).
        double[] memKnots = configs.isEmpty() ? knots(cases, false) : new double[] {medianLog10Bytes(cases)};
        double[] cmpKnots = matrix && configs.isEmpty() ? knots(cases, true) : new double[0];
        int n = 1;
        int chainAt = chain ? n : -1;
        n += chain ? 2 : 0;
        int capAt = cap ? n : -1;
        n += cap ? 1 : 0;
        int floorAt = floor ? n : -1;
        n += floor ? 1 : 0;
        int memAt = n;
        n += memKnots.length;
        int cmpAt = n;
        n += cmpKnots.length;
        int cfgAt = n;
        n += configs.size();
        int gemvAt = gemv ? n : -1;
        n += gemv ? 2 : 0;
        // With configurations, how well the kernels overlap their loads with their MMAs (p of the p-norm
        // roof): the shapes whose compute and memory times are close pin it down on one chip.
        int overlapAt = configs.isEmpty() ? -1 : n;
        n += configs.isEmpty() ? 0 : 1;
        // A small kernel's fixed time is launch, block scheduling and drain: cycles, where the chip has a
        // clock (it scales with the clock across chips: docs/validation.md). A GEMM's is its pipeline's
        // prologue of dependent loads, in seconds.
        boolean inCycles = cycles && !matrix;
        Layout layout = new Layout(chainAt, capAt, floorAt, memAt, memKnots, cmpAt, cmpKnots, cfgAt, configs, gemvAt, overlapAt, n,
                blockThreads, inCycles);

        double[] measured = cases.stream().mapToDouble(MeasuredCase::medianSeconds).toArray();
        List<Op> ops = cases.stream().map(MeasuredCase::op).toList();
        double clock = cycles ? chip.clock().get().hz() : 1;
        double units = cycles ? chip.computeUnits().get().value() : 1;
        double[] start = new double[n];
        start[0] = Math.log(Math.max(1e-7, was.flatMap(KernelRule::overheadSeconds).map(Figure::value)
                .orElse(chip.dispatchOverheadSeconds().value()) / 2) * (inCycles ? clock : 1));
        boolean shared = chain && sharedOverhead.isPresent() && cycles;
        if (shared) {
            start[0] = Math.log(sharedOverhead.get().value());
        }
        if (chain) {
            // One row of the smallest case, ~2 µs of cycles split between the fixed part and the loop.
            start[chainAt] = Math.log(2e-6 * clock / 2);
            start[chainAt + 1] = Math.log(2e-6 * clock / 8);
        }
        double noCap = 0;
        if (cap) {
            // A chain's cap is per resident row block (units × blocks per unit of them, at full residency), per unit otherwise.
            double slots = units * (chain ? medianResidentBlocks(cases, blockThreads, chip) : 1);
            start[capAt] = Math.log(achievedBytesPerSecond(cases) / slots / clock);
            noCap = Math.log(chip.memory().bandwidthBytesPerSecond().value() / slots / clock);
        }
        if (floor) {
            start[floorAt] = Math.log(minimum(measured) * 0.9);
        }
        Arrays.fill(start, memAt, memAt + memKnots.length, logit(STREAMING_PRIOR));
        Arrays.fill(start, cmpAt, cmpAt + cmpKnots.length, logit(0.9));
        Arrays.fill(start, cfgAt, cfgAt + configs.size(), logit(0.9));
        if (gemv) {
            start[gemvAt] = logit(0.9);
            start[gemvAt + 1] = start[0];
        }
        if (overlapAt >= 0) {
            start[overlapAt] = Math.log(OVERLAP_START - 1);
        }
        boolean priors = !matrix;
        int extra = priors ? memKnots.length + (cap ? 1 : 0) : 0;
        double noCapLog = noCap;
        double fixedOverhead = start[0];
        double[] p = optimize(start, q -> {
            if (shared) {
                q = q.clone();
                q[0] = fixedOverhead;
            }
            KernelRule rule = rule(kind, was, layout, q, src);
            double[] r = logResiduals(ops, chip.withStack(stack.with(rule)), measured);
            if (!priors) {
                return r;
            }
            double[] all = Arrays.copyOf(r, r.length + extra);
            for (int i = 0; i < memKnots.length; i++) {
                all[r.length + i] = PRIOR_WEIGHT * (q[memAt + i] - logit(STREAMING_PRIOR));
            }
            if (cap) {
                all[all.length - 1] = CAP_PRIOR_WEIGHT * Math.min(0, q[capAt] - noCapLog);
            }
            return all;
        }, measured.length + extra);
        if (shared) {
            p[0] = fixedOverhead;
        }
        KernelRule fitted = rule(kind, was, layout, p, src);
        if (shared) {
            fitted = fitted.withOverheadCycles(sharedOverhead.get());
        }
        if (cap && !capBinds(chip, stack.with(fitted), kind, ops)) {
            fitted = fitted.withoutCap();
        }
        return fitted;
    }

    /** Whether removing the cap changes any fitted case's prediction (a cap that never binds says nothing). */
    private static boolean capBinds(HardwareProfile chip, SoftwareStack stack, OpKind kind, List<Op> ops) {
        KernelRule without = stack.kernel(kind).orElseThrow().withoutCap();
        double[] with = CostModel.latencies(ops, chip.withStack(stack), MemoryState.WARM);
        double[] free = CostModel.latencies(ops, chip.withStack(stack.with(without)), MemoryState.WARM);
        for (int i = 0; i < with.length; i++) {
            if (with[i] > free[i] * 1.001) {
                return true;
            }
        }
        return false;
    }

    private static KernelRule rule(OpKind kind, Optional<KernelRule> was, Layout l, double[] p, String src) {
        Optional<Figure> overhead = l.overheadInCycles() ? Optional.empty() : Optional.of(new Figure(bexp(p[0]), src));
        Optional<Figure> overheadCycles = l.overheadInCycles() ? Optional.of(new Figure(bexp(p[0]), src)) : Optional.empty();
        Optional<Figure> c0 = Optional.empty();
        Optional<Figure> c1 = Optional.empty();
        Optional<Figure> bt = was.flatMap(KernelRule::blockThreads);
        if (l.chain() >= 0) {
            c0 = Optional.of(new Figure(bexp(p[l.chain()]), src));
            c1 = Optional.of(new Figure(bexp(p[l.chain() + 1]), src));
        } else {
            bt = Optional.empty();
        }
        Optional<Figure> cap = l.cap() < 0 ? Optional.empty() : Optional.of(new Figure(bexp(p[l.cap()]), src));
        Optional<Figure> floor = l.floor() < 0 ? Optional.empty() : Optional.of(new Figure(bexp(p[l.floor()]), src));
        Optional<EfficiencyCurve> mem = Optional.of(curve(l.memKnots(), p, l.memOffset(), src));
        Optional<EfficiencyCurve> cmp = l.cmpKnots().length == 0 ? Optional.empty()
                : Optional.of(curve(l.cmpKnots(), p, l.cmpOffset(), src));
        List<GemmConfig> configs = new ArrayList<>();
        for (int i = 0; i < l.configs().size(); i++) {
            configs.add(l.configs().get(i).withFactor(new Figure(clamp(logistic(p[l.cfgOffset() + i])), src)));
        }
        if (l.configs().isEmpty()) {
            configs.addAll(was.map(KernelRule::gemmConfigs).orElse(List.of()));
        }
        Optional<Gemv> gemv = was.flatMap(KernelRule::gemv);
        if (l.gemvOffset() >= 0) {
            Gemv g = gemv.orElseThrow();
            gemv = Optional.of(new Gemv(g.maxRows(), Optional.of(new Figure(clamp(logistic(p[l.gemvOffset()])), src)),
                    Optional.of(new Figure(bexp(p[l.gemvOffset() + 1]), src)), g.source()));
        }
        Optional<Figure> overlap = l.overlap() < 0 ? was.flatMap(KernelRule::overlapExponent)
                : Optional.of(new Figure(1 + bexp(p[l.overlap()]), src));
        return new KernelRule(kind, bt, c0, c1, cap, overhead, floor, was.flatMap(KernelRule::kernelsPerOp), cmp, mem,
                configs, gemv, overheadCycles, was.flatMap(KernelRule::fused), was.flatMap(KernelRule::allReduce), overlap);
    }

    // ---------------------------------------------------------------- machinery

    private interface Residuals {
        double[] at(double[] p);
    }

    /**
     * Levenberg–Marquardt with a forward-difference Jacobian. A fastest-of-configurations model is
     * piecewise in its factors, so the optimizer may run out of iterations bouncing between pieces;
     * then the best point it evaluated is taken (the lowest sum of squares seen).
     */
    private static double[] optimize(double[] start, Residuals f, int count) {
        int n = start.length;
        double[] best = start.clone();
        double[] bestCost = {Double.POSITIVE_INFINITY};
        MultivariateJacobianFunction model = point -> {
            double[] p = point.toArray();
            double[] r = f.at(p);
            double cost = 0;
            for (double v : r) {
                cost += v * v;
            }
            if (cost < bestCost[0]) {
                bestCost[0] = cost;
                System.arraycopy(p, 0, best, 0, n);
            }
            double[][] jac = new double[r.length][n];
            for (int j = 0; j < n; j++) {
                double[] q = p.clone();
                double h = 1e-4 * Math.max(1, Math.abs(p[j]));
                q[j] += h;
                double[] rq = f.at(q);
                for (int i = 0; i < r.length; i++) {
                    jac[i][j] = (rq[i] - r[i]) / h;
                }
            }
            return new Pair<>(new ArrayRealVector(r, false), new Array2DRowRealMatrix(jac, false));
        };
        try {
            return new LevenbergMarquardtOptimizer().optimize(new LeastSquaresBuilder()
                    .start(start).model(model).target(new double[count]).lazyEvaluation(false)
                    .maxEvaluations(1000).maxIterations(500).build()).getPoint().toArray();
        } catch (TooManyIterationsException | TooManyEvaluationsException e) {
            return best;
        }
    }

    private static double[] logResiduals(List<Op> ops, HardwareProfile trial, double[] measured) {
        double[] predicted = CostModel.latencies(ops, trial, MemoryState.WARM);
        double[] r = new double[measured.length];
        for (int i = 0; i < r.length; i++) {
            r[i] = Math.log(predicted[i] / measured[i]);
        }
        return r;
    }

    private static EfficiencyCurve curve(double[] log10Sizes, double[] p, int offset, String src) {
        List<EfficiencyCurve.Point> pts = new ArrayList<>();
        for (int i = 0; i < log10Sizes.length; i++) {
            pts.add(new EfficiencyCurve.Point(Math.pow(10, log10Sizes[i]), clamp(logistic(p[offset + i]))));
        }
        return new EfficiencyCurve(pts, src);
    }

    private static double clamp(double e) {
        return Math.max(1e-4, Math.min(1.0, e));
    }

    private static double minimum(double[] v) {
        return Arrays.stream(v).min().orElse(1e-6);
    }

    /** The median over the cases of the row blocks a unit holds at once (docs/cost-model.md §8.3). */
    private static double medianResidentBlocks(List<MeasuredCase> cases, long blockThreads, HardwareProfile chip) {
        long threadsPerUnit = chip.threadsPerUnit().map(f -> (long) f.value()).orElse(0L);
        double[] b = cases.stream().mapToDouble(c -> org.opsim.internal.cost.CostFormulas.residentBlocks(
                org.opsim.internal.cost.CostFormulas.rowElements((ComputeOp) c.op()), blockThreads, threadsPerUnit)).sorted().toArray();
        return b[b.length / 2];
    }

    /** Median bytes/s of the largest quarter of the cases (by bytes). */
    private static double achievedBytesPerSecond(List<MeasuredCase> cases) {
        List<MeasuredCase> sorted = new ArrayList<>(cases);
        sorted.sort(java.util.Comparator.comparingDouble(c -> c.op().bytes()));
        List<MeasuredCase> top = sorted.subList(sorted.size() * 3 / 4, sorted.size());
        double[] rates = top.stream().mapToDouble(c -> c.op().bytes() / c.medianSeconds()).sorted().toArray();
        return rates[rates.length / 2];
    }

    /** The median log10(bytes) of the cases: where a one-knot (constant) curve sits. */
    private static double medianLog10Bytes(List<MeasuredCase> cases) {
        double[] x = cases.stream().mapToDouble(c -> Math.log10(Math.max(1, c.op().bytes()))).sorted().toArray();
        return ErrorStats.quantile(x, 0.5);
    }

    /** {@value #KNOTS} distinct knots at quantiles of log10(bytes) or log10(FLOPs) of the cases. */
    private static double[] knots(List<MeasuredCase> cases, boolean flops) {
        double[] x = cases.stream().mapToDouble(c -> Math.log10(Math.max(1, flops ? c.op().flops() : c.op().bytes()))).sorted().toArray();
        double[] k = new double[KNOTS];
        for (int i = 0; i < KNOTS; i++) {
            k[i] = ErrorStats.quantile(x, i / (double) (KNOTS - 1));
        }
        return Arrays.stream(k).distinct().sorted().toArray();
    }

    /** exp kept finite over the optimizer's trial steps. */
    private static double bexp(double p) {
        return Math.exp(Math.max(-200, Math.min(60, p)));
    }

    private static double logistic(double z) {
        return 1 / (1 + Math.exp(-z));
    }

    private static double logit(double e) {
        return Math.log(e / (1 - e));
    }
}
