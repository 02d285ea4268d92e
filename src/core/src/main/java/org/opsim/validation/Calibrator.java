package org.opsim.validation;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.apache.commons.math3.fitting.leastsquares.LeastSquaresBuilder;
import org.apache.commons.math3.fitting.leastsquares.LeastSquaresOptimizer;
import org.apache.commons.math3.fitting.leastsquares.LevenbergMarquardtOptimizer;
import org.apache.commons.math3.fitting.leastsquares.MultivariateJacobianFunction;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.ArrayRealVector;
import org.apache.commons.math3.util.Pair;
import org.opsim.cost.CostModel;
import org.opsim.graph.ComputeOp;
import org.opsim.graph.Engine;
import org.opsim.graph.Op;
import org.opsim.graph.OpKind;
import org.opsim.hardware.EfficiencyCurve;
import org.opsim.hardware.EfficiencyRule;
import org.opsim.hardware.EfficiencyTable;
import org.opsim.hardware.Figure;
import org.opsim.hardware.HardwareProfile;

/**
 * Fits a profile's per-op-kind efficiencies to measured latencies with Levenberg–Marquardt least
 * squares (Apache Commons Math), minimising the squared log ratio of predicted to measured time (so
 * a 10% miss on a 5 µs op weighs as much as on a 50 ms one).
 *
 * <p>For each op kind in the data it fits: a fixed overhead per op; a memory-efficiency curve over
 * the op's bytes; and, for kinds with matrix work, a compute-efficiency curve over the op's FLOPs.
 * Curves have {@value #KNOTS} knots at quantiles of the kind's sizes (log10), so they are
 * size-dependent, not one constant per op; efficiencies are kept in (0, 1] and overheads ≥ 0 by
 * construction (logistic and exponential parameters). Peaks, bandwidths, compute units and tiles —
 * the datasheet figures — are not touched: the fit is of how close to them software gets, which is
 * what carries over to another chip.
 */
public final class Calibrator {

    static final int KNOTS = 4;
    /** At most this many cases per kind enter the fit (a fixed-seed sample); all are used to report. */
    static final int MAX_CASES_PER_KIND = 3000;

    private Calibrator() {
    }

    /** A calibrated profile and what the fit saw. */
    public record Result(HardwareProfile profile, Map<OpKind, Integer> casesPerKind) {
    }

    /** Fits {@code base}'s efficiencies to {@code cases}; {@code label} names the data in the sources. */
    public static Result fit(HardwareProfile base, List<MeasuredCase> cases, String label) {
        Map<OpKind, List<MeasuredCase>> byKind = new EnumMap<>(OpKind.class);
        for (MeasuredCase c : cases) {
            byKind.computeIfAbsent(c.op().kind(), k -> new ArrayList<>()).add(c);
        }
        List<EfficiencyRule> rules = new ArrayList<>();
        Map<OpKind, Integer> counts = new EnumMap<>(OpKind.class);
        for (Map.Entry<OpKind, List<MeasuredCase>> e : byKind.entrySet()) {
            List<MeasuredCase> sample = sample(e.getValue());
            counts.put(e.getKey(), e.getValue().size());
            rules.add(fitKind(base, e.getKey(), sample, label, e.getValue().size()));
        }
        // Keep the base profile's rules for kinds the data does not cover.
        for (EfficiencyRule r : base.efficiency().rules()) {
            if (!byKind.containsKey(r.kind())) {
                rules.add(r);
            }
        }
        EfficiencyTable table = new EfficiencyTable(base.efficiency().defaultCompute(), base.efficiency().defaultMemory(), rules);
        HardwareProfile out = base.toBuilder().name(base.name() + " (calibrated)").efficiency(table).build();
        return new Result(out, counts);
    }

    /** Marks every figure a fit produced (the start of its source). */
    public static final String SOURCE_PREFIX = "calibrated ";

    /**
     * {@code target}'s datasheet figures with the fitted rules of {@code calibrated}: how a fit on one
     * chip carries over to another. For each op kind the fit covered, its fitted (kind-wide) rule
     * replaces the target's kind-wide rule; the target keeps its defaults, its precision-specific rules
     * and its rules for kinds the fit never saw.
     */
    public static HardwareProfile transfer(HardwareProfile calibrated, HardwareProfile target) {
        List<EfficiencyRule> fitted = calibrated.efficiency().rules().stream()
                .filter(r -> r.precision().isEmpty() && isFitted(r)).toList();
        java.util.Set<OpKind> kinds = java.util.EnumSet.noneOf(OpKind.class);
        fitted.forEach(r -> kinds.add(r.kind()));
        List<EfficiencyRule> rules = new ArrayList<>(fitted);
        for (EfficiencyRule r : target.efficiency().rules()) {
            if (!kinds.contains(r.kind()) || r.precision().isPresent()) {
                rules.add(r);
            }
        }
        EfficiencyTable table = new EfficiencyTable(target.efficiency().defaultCompute(), target.efficiency().defaultMemory(), rules);
        return target.toBuilder().name(target.name() + " (efficiencies from " + calibrated.name() + ")")
                .efficiency(table).build();
    }

    private static boolean isFitted(EfficiencyRule r) {
        return r.overheadSeconds().map(f -> f.source().startsWith(SOURCE_PREFIX)).orElse(false);
    }

    private static List<MeasuredCase> sample(List<MeasuredCase> all) {
        if (all.size() <= MAX_CASES_PER_KIND) {
            return all;
        }
        List<MeasuredCase> copy = new ArrayList<>(all);
        java.util.Collections.shuffle(copy, new Random(42));
        return copy.subList(0, MAX_CASES_PER_KIND);
    }

    /**
     * Parameter layout: [log overhead, log per-unit cap (vector kinds on profiles with compute units),
     * memory knots (logit)…, compute knots (logit)… if matrix work]. For vector kinds a weak prior
     * holds the memory knots near the streaming efficiency {@value #STREAMING_PRIOR}, so that a kernel
     * that never reaches DRAM speed is explained by the per-unit cap (which scales with the next
     * chip's unit count) rather than by a low fraction of this chip's bandwidth.
     */
    private static EfficiencyRule fitKind(HardwareProfile base, OpKind kind, List<MeasuredCase> cases, String label, int total) {
        boolean matrix = cases.stream().anyMatch(c -> c.op() instanceof ComputeOp co && co.matrixFlops() > 0);
        boolean cap = !matrix && base.computeUnits().isPresent();
        double[] memKnots = knots(cases, false);
        double[] cmpKnots = matrix ? knots(cases, true) : new double[0];
        int capIndex = cap ? 1 : -1;
        int memOffset = cap ? 2 : 1;
        int n = memOffset + memKnots.length + cmpKnots.length;
        double[] start = new double[n];
        start[0] = Math.log(Math.max(1e-7, base.dispatchOverheadSeconds().value()));
        if (cap) {
            // Start the cap where it binds — at the throughput the kind's largest quarter of ops reaches —
            // so it has a gradient; the fit then raises it out of the way if the data says so.
            start[capIndex] = Math.log(achievedBytesPerSecond(cases) / base.computeUnits().get().value());
        }
        Arrays.fill(start, memOffset, memOffset + memKnots.length, logit(STREAMING_PRIOR));
        Arrays.fill(start, memOffset + memKnots.length, n, logit(0.75));
        double[] measured = cases.stream().mapToDouble(MeasuredCase::medianSeconds).toArray();
        List<Op> ops = cases.stream().map(MeasuredCase::op).toList();
        double noCap = cap ? Math.log(base.memory().bandwidthBytesPerSecond().value() / base.computeUnits().get().value()) : 0;
        Layout layout = new Layout(capIndex, memOffset, memKnots, cmpKnots, cap ? PRIOR_WEIGHT : 0, noCap);

        MultivariateJacobianFunction model = point -> {
            double[] p = point.toArray();
            double[] r = residuals(base, kind, cases, ops, measured, layout, p, label);
            double[][] jac = new double[r.length][n];
            for (int j = 0; j < n; j++) {
                double[] q = p.clone();
                double h = 1e-4 * Math.max(1, Math.abs(p[j]));
                q[j] += h;
                double[] rq = residuals(base, kind, cases, ops, measured, layout, q, label);
                for (int i = 0; i < r.length; i++) {
                    jac[i][j] = (rq[i] - r[i]) / h;
                }
            }
            return new Pair<>(new ArrayRealVector(r, false), new Array2DRowRealMatrix(jac, false));
        };
        int residualCount = cases.size() + (layout.priorWeight() > 0 ? memKnots.length + 1 : 0);
        LeastSquaresOptimizer.Optimum opt = new LevenbergMarquardtOptimizer().optimize(new LeastSquaresBuilder()
                .start(start).model(model).target(new double[residualCount]).lazyEvaluation(false)
                .maxEvaluations(400).maxIterations(200).build());
        EfficiencyRule fitted = rule(kind, layout, opt.getPoint().toArray(), label, total);
        return cap && !capBinds(base, fitted, cases) ? withoutCap(fitted) : fitted;
    }

    /** Whether the per-unit cap is the tighter limit for at least one of the fitted cases. */
    private static boolean capBinds(HardwareProfile base, EfficiencyRule rule, List<MeasuredCase> cases) {
        double units = base.computeUnits().orElseThrow().value();
        double capRate = units * rule.unitBytesPerSecond().orElseThrow().value();
        double bandwidth = base.memory().bandwidthBytesPerSecond().value();
        for (MeasuredCase c : cases) {
            if (capRate < 0.999 * bandwidth * rule.memory().orElseThrow().at(c.op().bytes())) {
                return true;
            }
        }
        return false;
    }

    /** A cap that never binds on the fitted chip says nothing about another chip: leave it out. */
    private static EfficiencyRule withoutCap(EfficiencyRule r) {
        return new EfficiencyRule(r.kind(), r.precision(), r.compute(), r.memory(), r.overheadSeconds(), Optional.empty());
    }

    /** Where each parameter sits, and the weight of the streaming prior on the memory knots. */
    private record Layout(int capIndex, int memOffset, double[] memKnots, double[] cmpKnots, double priorWeight,
                          double logUnitShareOfBandwidth) {
    }

    /** Streaming efficiency the memory knots of vector kinds are held near (a plain copy kernel's). */
    static final double STREAMING_PRIOR = 0.85;
    /** Residual weight of the prior per knot (one logit off costs as much as this many times a 100% miss). */
    static final double PRIOR_WEIGHT = 3.0;
    /**
     * Residual weight (per e-fold) pulling the per-unit cap up to one unit's share of the bandwidth,
     * where it stops binding: with one chip's data a kernel at the streaming efficiency is equally well
     * explained by a cap, and the physics prefers "bandwidth-bound" unless the data needs the cap.
     */
    static final double CAP_PRIOR_WEIGHT = 0.3;

    private static double[] residuals(HardwareProfile base, OpKind kind, List<MeasuredCase> cases, List<Op> ops,
                                      double[] measured, Layout layout, double[] p, String label) {
        EfficiencyRule rule = rule(kind, layout, p, label, cases.size());
        HardwareProfile trial = base.toBuilder().efficiency(new EfficiencyTable(base.efficiency().defaultCompute(),
                base.efficiency().defaultMemory(), List.of(rule))).build();
        boolean priors = layout.priorWeight() > 0;
        double[] r = new double[cases.size() + (priors ? layout.memKnots().length + 1 : 0)];
        double[] predicted = CostModel.latencies(ops, trial);
        for (int i = 0; i < cases.size(); i++) {
            r[i] = Math.log(predicted[i] / measured[i]);
        }
        if (priors) {
            for (int i = 0; i < layout.memKnots().length; i++) {
                r[cases.size() + i] = layout.priorWeight() * (p[layout.memOffset() + i] - logit(STREAMING_PRIOR));
            }
            double below = Math.min(0, p[layout.capIndex()] - layout.logUnitShareOfBandwidth());
            r[r.length - 1] = CAP_PRIOR_WEIGHT * below;
        }
        return r;
    }

    private static EfficiencyRule rule(OpKind kind, Layout layout, double[] p, String label, int total) {
        String src = SOURCE_PREFIX + LocalDate.now() + " by opsim calibrate (Levenberg-Marquardt, log error) on "
                + total + " " + kind.id() + " rows of " + label;
        double overhead = Math.exp(p[0]);
        EfficiencyCurve memory = curve(layout.memKnots(), p, layout.memOffset(), src);
        Optional<EfficiencyCurve> compute = layout.cmpKnots().length == 0 ? Optional.empty()
                : Optional.of(curve(layout.cmpKnots(), p, layout.memOffset() + layout.memKnots().length, src));
        Optional<Figure> cap = layout.capIndex() < 0 ? Optional.empty()
                : Optional.of(new Figure(Math.exp(p[layout.capIndex()]), src));
        return new EfficiencyRule(kind, Optional.empty(), compute, Optional.of(memory), Optional.of(new Figure(overhead, src)), cap);
    }

    private static EfficiencyCurve curve(double[] log10Sizes, double[] p, int offset, String src) {
        List<EfficiencyCurve.Point> pts = new ArrayList<>();
        for (int i = 0; i < log10Sizes.length; i++) {
            double e = Math.max(1e-4, Math.min(1.0, logistic(p[offset + i])));
            pts.add(new EfficiencyCurve.Point(Math.pow(10, log10Sizes[i]), e));
        }
        return new EfficiencyCurve(pts, src);
    }

    /** Median bytes/s of the largest quarter of the cases (by bytes). */
    private static double achievedBytesPerSecond(List<MeasuredCase> cases) {
        List<MeasuredCase> sorted = new ArrayList<>(cases);
        sorted.sort(java.util.Comparator.comparingDouble(c -> c.op().bytes()));
        List<MeasuredCase> top = sorted.subList(sorted.size() * 3 / 4, sorted.size());
        double[] rates = top.stream().mapToDouble(c -> c.op().bytes() / c.medianSeconds()).sorted().toArray();
        return rates[rates.length / 2];
    }

    /** {@value #KNOTS} distinct knots at quantiles of log10(bytes) or log10(FLOPs) of the cases. */
    private static double[] knots(List<MeasuredCase> cases, boolean flops) {
        double[] x = cases.stream().mapToDouble(c -> Math.log10(Math.max(1, flops ? c.op().flops() : c.op().bytes()))).sorted().toArray();
        double[] k = new double[KNOTS];
        for (int i = 0; i < KNOTS; i++) {
            k[i] = ErrorStats.quantile(x, i / (double) (KNOTS - 1));
        }
        // Strictly increasing (curves require it): drop repeated knots.
        return Arrays.stream(k).distinct().sorted().toArray();
    }

    private static double logistic(double z) {
        return 1 / (1 + Math.exp(-z));
    }

    private static double logit(double e) {
        return Math.log(e / (1 - e));
    }

    static boolean usesMatrix(Op op) {
        return op instanceof ComputeOp c && c.engine() == Engine.MATRIX;
    }
}
