package org.opsim.validation;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import org.opsim.Catalogue;
import org.opsim.graph.OpKind;
import org.opsim.hardware.EfficiencyCurve;
import org.opsim.hardware.Figure;
import org.opsim.hardware.KernelRule;
import org.opsim.hardware.ServingEngine;
import org.opsim.hardware.SoftwareStack;
import org.opsim.serve.ServingResult;
import org.opsim.serve.ServingSimulator;

/**
 * Fits a serving stack's five physical parameters on part of a file of serving benchmarks and scores them on the rest
 * (docs/validation.md "Serving"): the time one kernel adds in a step ({@code launchSeconds}), the host time per step
 * and per scheduled sequence, the time a request spends outside the engine before its first token, and the share of
 * the chip's streaming rate its GEMMs reach where weight-bound (decode). The same five numbers for every model, chip
 * and deployment of a backend; no per-row correction.
 *
 * <p>Each row is simulated at a base point and with each parameter moved (a step's time is linear in all five, the
 * last as the GEMMs' slowdown; the schedule moves little, least so for the request overhead, which in a closed loop
 * also acts as the clients' think time), which gives each row's TTFT and TPOT as linear functions of the parameters;
 * a fit minimises a robust loss of the log errors of both over its rows (non-negative Gauss-Newton steps); every score
 * is a fresh simulation at the fitted parameters.
 */
public final class ServingFit {

    /** How many parameters a fit has. */
    static final int N = 5;

    /**
     * The five parameters.
     *
     * @param gemmMemoryFactor the share of the chip's streaming efficiency the stack's GEMM kernels reach where they
     *     are bound by their bytes (a decode step's weight streaming), in (0, 1]: set as the stack's matmul
     *     {@code memoryFactor}; fitted as {@code 1 / factor − 1 ≥ 0}, in which a weight-bound GEMM's time is linear
     */
    public record Parameters(double launchSeconds, double stepSeconds, double sequenceSeconds, double requestSeconds,
                             double gemmMemoryFactor) {
        public Parameters {
            if (!(gemmMemoryFactor > 0 && gemmMemoryFactor <= 1)) {
                throw new IllegalArgumentException("a GEMM memory factor is in (0, 1], got " + gemmMemoryFactor);
            }
        }

        /** The fit's coordinates: the four overheads, then the GEMMs' slowdown {@code 1 / factor − 1}. */
        double get(int i) {
            return switch (i) {
                case 0 -> launchSeconds;
                case 1 -> stepSeconds;
                case 2 -> sequenceSeconds;
                case 3 -> requestSeconds;
                default -> 1 / gemmMemoryFactor - 1;
            };
        }

        double[] coordinates() {
            double[] v = new double[N];
            for (int i = 0; i < N; i++) {
                v[i] = get(i);
            }
            return v;
        }

        static Parameters of(double[] t) {
            return new Parameters(t[0], t[1], t[2], t[3], 1 / (1 + t[4]));
        }

        public String describe() {
            return String.format(Locale.ROOT,
                    "launch %.2f µs, step %.3f ms, per sequence %.2f µs, per request %.1f ms, GEMM memory factor %.3f",
                    launchSeconds * 1e6, stepSeconds * 1e3, sequenceSeconds * 1e6, requestSeconds * 1e3, gemmMemoryFactor);
        }
    }

    /** A row's TTFT and TPOT at the base and their change per unit of each parameter. */
    public record Linear(ServingCases.Case row, double ttft0, double tpot0, double[] dTtft, double[] dTpot) {
        double ttft(Parameters p, Parameters base) {
            double v = ttft0;
            for (int i = 0; i < N; i++) {
                v += dTtft[i] * (p.get(i) - base.get(i));
            }
            return v;
        }

        double tpot(Parameters p, Parameters base) {
            double v = tpot0;
            for (int i = 0; i < N; i++) {
                v += dTpot[i] * (p.get(i) - base.get(i));
            }
            return v;
        }
    }

    /** The base point and the steps of the linearisation. */
    public static final Parameters BASE = new Parameters(1.5e-6, 5.0e-4, 1.0e-5, 2.0e-2, 1.0);
    static final double[] DELTA = {2.0e-6, 1.0e-3, 1.0e-5, 1.0e-2, 0.25};

    private ServingFit() {
    }

    /**
     * {@code stack} with the five parameters: the overheads of its serving section, its launch time per kernel, and
     * its matmul rule's memory factor (the rule added where the stack has none; left as it is at a factor of 1 there).
     * The factor covers the matmul kind (dense and grouped expert GEMMs), not batched matmuls (attention's, MLA's
     * absorbed projections).
     *
     * @throws IllegalArgumentException where the matmul rule has a GEMV path or a memory-factor curve (the factor would
     *     be ignored on the path, or flatten the curve)
     */
    public static SoftwareStack apply(SoftwareStack stack, Parameters p, String source) {
        ServingEngine e = stack.serving().orElseThrow(() -> new IllegalArgumentException(stack.id() + " has no serving section"));
        ServingEngine fitted = e.withOverheads(Figure.of(p.stepSeconds(), source), Figure.of(p.sequenceSeconds(), source),
                Figure.of(p.requestSeconds(), source));
        SoftwareStack out = stack.withServing(fitted, stack.version(), stack.description().orElse(stack.version()))
                .withLaunchSeconds(Figure.of(p.launchSeconds(), source));
        Optional<KernelRule> matmul = stack.kernel(OpKind.MATMUL);
        if (matmul.isPresent() && (matmul.get().gemv().isPresent() || matmul.get().memoryFactor().isPresent()
                && matmul.get().memoryFactor().get().points().size() > 1)) {
            // A GEMV path's own factor decides decode GEMMs, and a curve would be flattened: the fifth parameter would
            // do nothing, or replace what the file says. Refused rather than fitted as a no-op.
            throw new IllegalArgumentException(stack.id() + "'s matmul rule has a GEMV path or a memory-factor curve: "
                    + "the serving fit's GEMM memory factor is a single factor on a rule without either");
        }
        if (matmul.isEmpty() && p.gemmMemoryFactor() == 1) {
            return out;
        }
        return out.with(matmul.map(r -> r.withMemoryFactor(EfficiencyCurve.constant(p.gemmMemoryFactor(), source)))
                .orElseGet(() -> KernelRule.memoryFactorOnly(OpKind.MATMUL, EfficiencyCurve.constant(p.gemmMemoryFactor(), source))));
    }

    /**
     * Simulates {@code rows} with {@code params(row)} on {@code threads} threads (rows that share plans on one thread),
     * in the rows' order.
     */
    public static List<ServingCases.Prediction> simulate(ServingCases.Options base, List<ServingCases.Case> rows,
                                                        Function<ServingCases.Case, Parameters> params, int threads) {
        Map<String, List<Integer>> groups = new LinkedHashMap<>();
        for (int i = 0; i < rows.size(); i++) {
            groups.computeIfAbsent(planKey(rows.get(i)), k -> new ArrayList<>()).add(i);
        }
        ServingCases.Prediction[] out = new ServingCases.Prediction[rows.size()];
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, threads));
        try {
            List<Future<?>> jobs = new ArrayList<>();
            for (List<Integer> g : groups.values()) {
                jobs.add(pool.submit(() -> {
                    ServingSimulator.PlanCache cache = new ServingSimulator.PlanCache();
                    for (int i : g) {
                        ServingCases.Case c = rows.get(i);
                        Parameters p = params.apply(c);
                        UnaryOperator<SoftwareStack> edit = s -> apply(s, p, "serving fit candidate");
                        out[i] = ServingCases.predict(c, base.withStackEdit(edit), cache);
                    }
                }));
            }
            for (Future<?> f : jobs) {
                f.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } finally {
            pool.shutdownNow();
        }
        return List.of(out);
    }

    /** Rows that compile the same plans (model, chip, backend, precision, pools, lengths). */
    static String planKey(ServingCases.Case c) {
        return String.join("|", c.get("model_path"), c.get("system"), c.get("backend"), c.get("gemm_quant_mode"),
                c.get("precision"), c.get("mode"), c.get("tp_size"), c.get("prefill_tp_size"), c.get("decode_tp_size"),
                c.get("isl"), c.get("osl"));
    }

    /**
     * Each representable row's linearisation: six simulations (the base, then each parameter moved by its step).
     * Rows a simulation refuses are left out (the refusals are in {@code refused}, by reason).
     */
    public static List<Linear> linearise(ServingCases.Options base, List<ServingCases.Case> rows, int threads,
                                         Map<String, Integer> refused) {
        List<List<ServingCases.Prediction>> runs = new ArrayList<>();
        runs.add(simulate(base, rows, c -> BASE, threads));
        for (int k = 0; k < N; k++) {
            double[] v = BASE.coordinates();
            v[k] += DELTA[k];
            Parameters moved = Parameters.of(v);
            runs.add(simulate(base, rows, c -> moved, threads));
        }
        List<Linear> out = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            ServingCases.Prediction b = runs.get(0).get(i);
            if (b.result().isEmpty()) {
                refused.merge(b.error().orElse("?"), 1, Integer::sum);
                continue;
            }
            ServingResult r0 = b.result().get();
            double[] dF = new double[N];
            double[] dT = new double[N];
            boolean all = true;
            for (int k = 0; k < N; k++) {
                ServingCases.Prediction m = runs.get(k + 1).get(i);
                if (m.result().isEmpty()) {
                    all = false;
                    break;
                }
                dF[k] = (m.result().get().ttft().mean() - r0.ttft().mean()) / DELTA[k];
                dT[k] = (m.result().get().tpot().mean() - r0.tpot().mean()) / DELTA[k];
            }
            if (all) {
                out.add(new Linear(b.row(), r0.ttft().mean(), r0.tpot().mean(), dF, dT));
            } else {
                refused.merge("a moved parameter made the row unrepresentable", 1, Integer::sum);
            }
        }
        return out;
    }

    /** Log errors beyond this count linearly (Huber): a row off by more than ~28% steers the fit no more than that. */
    static final double HUBER = 0.25;

    /**
     * The non-negative parameters minimising a robust loss of the rows' log errors ln(predicted / measured) of TTFT
     * (weighted by {@code ttftWeight}) and TPOT, from their linearisations: Gauss-Newton steps, each solved as
     * non-negative least squares (every subset of free parameters, the best feasible kept), with Huber weights
     * (errors beyond {@link #HUBER} in log count linearly) and step halving on the loss.
     */
    public static Parameters fit(List<Linear> rows, double ttftWeight) {
        if (rows.isEmpty()) {
            throw new IllegalArgumentException("no rows to fit");
        }
        double[] theta = BASE.coordinates();
        double loss = loss(rows, params(theta), ttftWeight);
        for (int iteration = 0; iteration < 30; iteration++) {
            double[] next = step(rows, theta, ttftWeight);
            if (next == null) {
                break;
            }
            double scale = 1;
            double[] tried = next;
            double l = loss(rows, params(tried), ttftWeight);
            while (!(l < loss) && scale > 1e-3) {
                scale /= 2;
                tried = new double[N];
                for (int k = 0; k < N; k++) {
                    tried[k] = theta[k] + scale * (next[k] - theta[k]);
                }
                l = loss(rows, params(tried), ttftWeight);
            }
            if (!(l < loss)) {
                break;
            }
            boolean converged = loss - l < 1e-9 * loss;
            theta = tried;
            loss = l;
            if (converged) {
                break;
            }
        }
        return params(theta);
    }

    private static Parameters params(double[] t) {
        return Parameters.of(t);
    }

    /** One Gauss-Newton step from {@code theta}: the non-negative minimiser of the weighted linearised log errors. */
    private static double[] step(List<Linear> rows, double[] theta, double ttftWeight) {
        Parameters p = params(theta);
        List<double[]> lines = new ArrayList<>();
        for (Linear l : rows) {
            for (int m = 0; m < 2; m++) {
                boolean ttft = m == 0;
                double measured = ttft ? l.row().measuredTtftSeconds() : l.row().measuredTpotSeconds();
                double v = ttft ? l.ttft(p, BASE) : l.tpot(p, BASE);
                if (!(measured > 0) || !(v > 0)) {
                    continue;
                }
                double r = Math.log(v / measured);
                double w = (ttft ? ttftWeight : 1) * (Math.abs(r) <= HUBER ? 1 : HUBER / Math.abs(r));
                double[] d = ttft ? l.dTtft() : l.dTpot();
                // r + Σ J_k (θ'_k − θ_k) with J_k = d_k / v: a line a·θ' = b in θ'.
                double[] line = new double[N + 2];
                double b = -r;
                for (int k = 0; k < N; k++) {
                    line[k] = d[k] / v;
                    b += line[k] * theta[k];
                }
                line[N] = b;
                line[N + 1] = w;
                lines.add(line);
            }
        }
        double best = Double.POSITIVE_INFINITY;
        double[] chosen = null;
        for (int subset = 0; subset < 1 << N; subset++) {
            int mask = subset;
            int[] free = java.util.stream.IntStream.range(0, N).filter(i -> (mask >> i & 1) == 1).toArray();
            double[] x = new double[N];
            if (free.length > 0) {
                int n = free.length;
                double[][] ata = new double[n][n];
                double[] atb = new double[n];
                for (double[] line : lines) {
                    for (int i = 0; i < n; i++) {
                        atb[i] += line[N + 1] * line[free[i]] * line[N];
                        for (int j = 0; j < n; j++) {
                            ata[i][j] += line[N + 1] * line[free[i]] * line[free[j]];
                        }
                    }
                }
                double[] sol = solve(ata, atb);
                if (sol == null) {
                    continue;
                }
                boolean feasible = true;
                for (int j = 0; j < n; j++) {
                    x[free[j]] = sol[j];
                    feasible &= sol[j] >= 0;
                }
                if (!feasible) {
                    continue;
                }
            }
            double obj = 0;
            for (double[] line : lines) {
                double e = line[N];
                for (int k = 0; k < N; k++) {
                    e -= line[k] * x[k];
                }
                obj += line[N + 1] * e * e;
            }
            if (obj < best) {
                best = obj;
                chosen = x;
            }
        }
        return chosen;
    }

    /** The Huber loss of the rows' log errors at {@code p} (by their linearisations). */
    static double loss(List<Linear> rows, Parameters p, double ttftWeight) {
        double s = 0;
        for (Linear l : rows) {
            double f = l.row().measuredTtftSeconds();
            double t = l.row().measuredTpotSeconds();
            double vf = l.ttft(p, BASE);
            double vt = l.tpot(p, BASE);
            if (f > 0) {
                s += ttftWeight * huber(vf > 0 ? Math.log(vf / f) : 50);
            }
            if (t > 0) {
                s += huber(vt > 0 ? Math.log(vt / t) : 50);
            }
        }
        return s;
    }

    private static double huber(double r) {
        double a = Math.abs(r);
        return a <= HUBER ? r * r : 2 * HUBER * a - HUBER * HUBER;
    }

    /** {@code a·x = b} by Commons Math's LU decomposition; null where {@code a} is singular. */
    static double[] solve(double[][] a, double[] b) {
        org.apache.commons.math3.linear.DecompositionSolver lu =
                new org.apache.commons.math3.linear.LUDecomposition(new org.apache.commons.math3.linear.Array2DRowRealMatrix(a))
                        .getSolver();
        if (!lu.isNonSingular()) {
            return null;
        }
        return lu.solve(new org.apache.commons.math3.linear.ArrayRealVector(b)).toArray();
    }

    /** Absolute percentage errors of TTFT and TPOT of predicted rows, grouped by {@code group}. */
    public static Map<String, ErrorStats[]> score(List<ServingCases.Prediction> predictions,
                                                  Function<ServingCases.Case, String> group, Predicate<ServingCases.Case> keep) {
        Map<String, List<double[]>> by = new TreeMap<>();
        for (ServingCases.Prediction p : predictions) {
            if (p.result().isEmpty() || !keep.test(p.row())) {
                continue;
            }
            ServingResult r = p.result().get();
            // Rows without a measurement (or of one output token: no TPOT) are left out of that figure's errors.
            if (!(p.row().measuredTtftSeconds() > 0) || !(p.row().measuredTpotSeconds() > 0) || r.tpot().count() == 0) {
                continue;
            }
            double f = 100 * Math.abs(r.ttft().mean() / p.row().measuredTtftSeconds() - 1);
            double t = 100 * Math.abs(r.tpot().mean() / p.row().measuredTpotSeconds() - 1);
            by.computeIfAbsent(group.apply(p.row()), k -> new ArrayList<>()).add(new double[]{f, t});
            by.computeIfAbsent("all", k -> new ArrayList<>()).add(new double[]{f, t});
        }
        Map<String, ErrorStats[]> out = new LinkedHashMap<>();
        for (Map.Entry<String, List<double[]>> e : by.entrySet()) {
            double[] f = e.getValue().stream().mapToDouble(v -> v[0]).toArray();
            double[] t = e.getValue().stream().mapToDouble(v -> v[1]).toArray();
            out.put(e.getKey(), new ErrorStats[]{ErrorStats.of(e.getKey() + " TTFT", f), ErrorStats.of(e.getKey() + " TPOT", t)});
        }
        return out;
    }

    /** Rows by a key (backend, model, system). */
    public static Map<String, List<Linear>> by(List<Linear> rows, Function<ServingCases.Case, String> key) {
        Map<String, List<Linear>> out = new HashMap<>();
        for (Linear l : rows) {
            out.computeIfAbsent(key.apply(l.row()), k -> new ArrayList<>()).add(l);
        }
        return out;
    }
}
