package org.opsim.cost;

import java.util.Objects;

/**
 * A generation (a prefill of {@code prompt} tokens per sequence, then a decode step for each further token)
 * compiled once for every batch, prompt and length in its domain, and costed in time independent of the
 * tokens generated, without building a graph and without allocating (docs/cost-model.md §17.3).
 *
 * <p>The prefill is its {@link ParametricPlan} at {@code (batch, prompt)}. The decode steps run at contexts
 * {@code prompt … prompt + generated − 2} (tokens cached before each step, as {@code Opsim.decodeStep} counts
 * them); their totals (seconds, FLOPs, bytes, joules, dollars, FLOP capacity and the seconds of each bound)
 * are summed over the contexts by this rule:
 * <ol>
 * <li>the range is split after every context where a shape number of the decode plan changes formula (a
 * piece's or a structure region's end);</li>
 * <li>a segment of at most {@value #DIRECT} contexts is summed step by step;</li>
 * <li>a longer one is costed at its ends {@code a}, {@code b} and middle {@code m}; the quadratic through those
 * three (every total at once) is checked at the quarter points; where each total there is within
 * {@value #TOLERANCE} of the quadratic (relative to the largest of the five values) the segment's sum is the
 * quadratic's, summed exactly over the integers ({@code Σ t}, {@code Σ t²}); otherwise the segment is halved
 * and each half summed the same way.</li>
 * </ol>
 * A step whose totals are linear in the context (a memory-bound attention: every shipped model below its
 * window) is summed exactly from five step costs; where an op changes bound, floor or kernel along the way
 * (a kink or a jump in the totals), halving closes in on the context where it does, in about
 * {@code 4·log₂(steps)} step costs; a smooth curve (an efficiency in log size) is followed by quadratics.
 * The step-by-step sum is the tests' oracle (within 1e-6 relative on every shipped model and chip).
 *
 * <p>Holds the state of its last evaluation: one plan per thread ({@link #copy} gives another).
 */
public final class GenerationPlan {
    /** Segments of at most this many contexts are summed step by step. */
    static final int DIRECT = 8;
    /** How far from the quadratic a quarter point may lie (relative) for a segment to be summed as one. */
    static final double TOLERANCE = 1e-9;
    private static final int BOUNDS = Bound.values().length;
    /** latency, FLOPs, bytes, energy, cost, capacity, then seconds per bound. */
    private static final int K = 6 + BOUNDS;
    private static final int MAX_DEPTH = 64;

    private final ParametricPlan prefill;
    private final ParametricPlan decode;
    /** Contexts after which a decode shape number changes formula, ascending. */
    private final long[] breaks;
    private final PlanTotals step = new PlanTotals();
    /** Per recursion depth: F(m), F(q1), F(q3), F(m + 1); below them the ends of the segments. */
    private final double[] scratch = new double[(MAX_DEPTH * 4 + 4) * K];
    private final double[] acc = new double[K];
    /** The figure scales of the evaluation under way (null: as profiled). */
    private FigureScales scales;
    /** Per scratch slot: the step's {@code PlanTotals.boundSignature}. */
    private final long[] signature = new long[MAX_DEPTH * 4 + 4];
    private long stepsCosted;

    private GenerationPlan(ParametricPlan prefill, ParametricPlan decode) {
        this.prefill = prefill;
        this.decode = decode;
        this.breaks = decode.breakpoints();
    }

    /**
     * A generation plan from its prefill plan (x: batch, y: prompt) and its decode plan (x: batch, y: context
     * cached before the step), both over the same batches.
     */
    public static GenerationPlan of(ParametricPlan prefill, ParametricPlan decode) {
        Objects.requireNonNull(prefill, "prefill");
        Objects.requireNonNull(decode, "decode");
        if (prefill.maxX() != decode.maxX()) {
            throw new IllegalArgumentException("a generation plan needs its prefill and decode plans over the same batches, got 1.."
                    + prefill.maxX() + " and 1.." + decode.maxX());
        }
        if (prefill.profile() != decode.profile()) {
            throw new IllegalArgumentException("a generation plan needs its prefill and decode plans on one profile, got "
                    + prefill.profile().name() + " and " + decode.profile().name());
        }
        return new GenerationPlan(prefill, decode);
    }

    /** Another plan over the same domain, for another thread. */
    public GenerationPlan copy() {
        return new GenerationPlan(prefill.copy(), decode.copy());
    }

    public long maxBatch() {
        return prefill.maxX();
    }

    public long maxPrompt() {
        return prefill.maxY();
    }

    /** The longest generation at the longest prompt (prompt + generated − 2 contexts fit the decode plan). */
    public long maxGenerated(long prompt) {
        return decode.maxY() - prompt + 2;
    }

    /** Decode steps the last {@link #evaluate} costed to sum its steps (to show the sum's work; not its cost). */
    public long stepsCosted() {
        return stepsCosted;
    }

    /**
     * Costs a generation of {@code generated ≥ 1} tokens after a {@code prompt}-token prefill, for
     * {@code batch} sequences, into {@code out}: the prefill's totals plus the sum of its decode steps'.
     *
     * @throws IllegalArgumentException outside the domain
     * @throws ArithmeticException if a total is not finite
     */
    public void evaluate(long batch, long prompt, long generated, PlanTotals out) {
        evaluate(batch, prompt, generated, null, out);
    }

    /**
     * {@link #evaluate(long, long, long, PlanTotals)} with the chip's figures multiplied by {@code scales}
     * (null or {@link FigureScales#NONE}: as profiled) in the prefill and in every decode step, without recompiling.
     */
    public void evaluate(long batch, long prompt, long generated, FigureScales scales, PlanTotals out) {
        if (generated < 1 || prompt < 1 || prompt > prefill.maxY() || generated > decode.maxY() - prompt + 2) {
            throw new IllegalArgumentException("prompt " + prompt + ", generated " + generated + " is outside the plan's domain (prompt 1.."
                    + prefill.maxY() + ", prompt + generated − 2 ≤ " + decode.maxY() + ")");
        }
        prefill.evaluate(batch, prompt, scales, out);
        this.scales = scales;
        stepsCosted = 0;
        if (generated == 1) {
            return;
        }
        java.util.Arrays.fill(acc, 0);
        long lo = prompt;
        long hi = prompt + generated - 2;
        for (long e : breaks) {
            if (e >= hi) {
                break;
            }
            if (e >= lo) {
                segment(batch, lo, e);
                lo = e + 1;
            }
        }
        segment(batch, lo, hi);
        out.latencySeconds += acc[0];
        out.flops += acc[1];
        out.bytes += acc[2];
        out.energyJoules += acc[3];
        out.costUsd += acc[4];
        out.peakFlopCapacity += acc[5];
        for (int k = 0; k < BOUNDS; k++) {
            out.boundSeconds[k] += acc[6 + k];
        }
        if (!(Double.isFinite(out.latencySeconds) && Double.isFinite(out.flops) && Double.isFinite(out.bytes)
                && Double.isFinite(out.energyJoules) && Double.isFinite(out.costUsd) && Double.isFinite(out.peakFlopCapacity))) {
            throw new ArithmeticException("generation on " + decode.profile().name() + ": a total is not a finite number");
        }
    }

    /** Adds the steps at contexts {@code a..b} (no formula change inside) to {@link #acc}. */
    private void segment(long x, long a, long b) {
        int fa = 0;
        int fb = K;
        cost(x, a, fa);
        if (b == a) {
            add(fa);
            return;
        }
        cost(x, b, fb);
        sum(x, a, b, fa, fb, 0);
    }

    private void sum(long x, long a, long b, int fa, int fb, int depth) {
        final double[] s = scratch;
        long n = b - a + 1;
        if (n == 1) {
            // One context (a side of a bound crossing found by bisection): fa and fb are the same step.
            add(fa);
            return;
        }
        if (n <= DIRECT || depth == MAX_DEPTH) {
            add(fa);
            add(fb);
            int f = (depth * 4 + 2) * K;
            for (long y = a + 1; y < b; y++) {
                cost(x, y, f);
                add(f);
            }
            return;
        }
        long m = a + (b - a) / 2;
        long q1 = a + (m - a) / 2;
        long q3 = m + (b - m) / 2;
        int fm = (depth * 4 + 2) * K;
        int f1 = fm + K;
        int f3 = f1 + K;
        int fm1 = f3 + K;
        cost(x, m, fm);
        cost(x, q1, f1);
        cost(x, q3, f3);
        double h = m - a;
        double w = b - a;
        boolean smooth = true;
        boolean quadratic = true;
        for (int k = 0; k < K && quadratic; k++) {
            double d1 = (s[fm + k] - s[fa + k]) / h;
            double d2 = ((s[fb + k] - s[fm + k]) / (b - m) - d1) / w;
            double scale = Math.max(Math.max(Math.abs(s[fa + k]), Math.abs(s[fb + k])), Math.abs(s[fm + k]));
            scale = Math.max(scale, Math.max(Math.abs(s[f1 + k]), Math.abs(s[f3 + k])));
            double t1 = q1 - a;
            double t3 = q3 - a;
            double e1 = s[f1 + k] - (s[fa + k] + d1 * t1 + d2 * t1 * (t1 - h));
            double e3 = s[f3 + k] - (s[fa + k] + d1 * t3 + d2 * t3 * (t3 - h));
            quadratic = Math.abs(e1) <= TOLERANCE * scale && Math.abs(e3) <= TOLERANCE * scale;
            if (k < 6) {
                smooth = quadratic;
            }
        }
        if (quadratic) {
            // Σ_{t=0}^{n−1} [F(a) + d1·t + d2·t·(t − h)], with Σ t = n(n−1)/2 and Σ t² = (n−1)n(2n−1)/6.
            double st = n * (n - 1) / 2.0;
            double st2 = (n - 1) * n * (2.0 * n - 1) / 6.0;
            for (int k = 0; k < K; k++) {
                double d1 = (s[fm + k] - s[fa + k]) / h;
                double d2 = ((s[fb + k] - s[fm + k]) / (b - m) - d1) / w;
                acc[k] += n * s[fa + k] + d1 * st + d2 * (st2 - h * st);
            }
            return;
        }
        long first = signature[fa / K];
        if (smooth && first != signature[fb / K]) {
            // The totals follow one quadratic, only an op's bound changes on the way (its seconds move from one
            // bound to another): find the last context where every op is bound as at a, by bisection, and sum
            // each side.
            long lo = a;
            long hi = b;
            int loSlot = fa;
            int hiSlot = fb;
            while (hi - lo > 1) {
                long mid = lo + (hi - lo) / 2;
                // Of this depth's three slots, one that holds neither end of the search.
                int slot = loSlot != fm && hiSlot != fm ? fm : loSlot != f1 && hiSlot != f1 ? f1 : f3;
                cost(x, mid, slot);
                if (signature[slot / K] == first) {
                    lo = mid;
                    loSlot = slot;
                } else {
                    hi = mid;
                    hiSlot = slot;
                }
            }
            sum(x, a, lo, fa, loSlot, depth + 1);
            sum(x, hi, b, hiSlot, fb, depth + 1);
            return;
        }
        // Halve: [a, m] and [m + 1, b]; the halves' own slots lie a depth further down.
        cost(x, m + 1, fm1);
        sum(x, a, m, fa, fm, depth + 1);
        sum(x, m + 1, b, fm1, fb, depth + 1);
    }

    /** The decode step at context y, into scratch from {@code at}. */
    private void cost(long x, long y, int at) {
        decode.evaluate(x, y, scales, step);
        stepsCosted++;
        final double[] s = scratch;
        s[at] = step.latencySeconds;
        s[at + 1] = step.flops;
        s[at + 2] = step.bytes;
        s[at + 3] = step.energyJoules;
        s[at + 4] = step.costUsd;
        s[at + 5] = step.peakFlopCapacity;
        signature[at / K] = step.boundSignature;
        for (int k = 0; k < BOUNDS; k++) {
            s[at + 6 + k] = step.boundSeconds[k];
        }
    }

    private void add(int at) {
        for (int k = 0; k < K; k++) {
            acc[k] += scratch[at + k];
        }
    }
}
