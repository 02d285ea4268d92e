package org.opsim.cost;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import org.opsim.graph.Graph;
import org.opsim.hardware.HardwareProfile;

/**
 * A plan compiled once for a family of graphs that differ only in two workload parameters {@code x}
 * and {@code y} (a decode step's batch and context, a prefill's batch and prompt length), evaluated at
 * any point of its domain without building a graph and without allocating (docs/cost-model.md §17).
 *
 * <p>Each lowered op's shape numbers (FLOPs per engine, bytes, a GEMM's rows, columns, count and depth,
 * the rows a kernel spreads over, a row's elements, the bytes that always stream, a collective's
 * payload) are closed-form functions of {@code (x, y)}: quadratic in {@code y} with coefficients linear in {@code x},
 * {@code a + b·x + c·y + d·x·y + e·y² + f·x·y²} (a prefill's causal attention is {@code x·y²}), piecewise
 * along {@code y} (a sliding window's or a sparse indexer's {@code min(context, W)}, a top-k's
 * {@code ⌈log₂ k⌉} steps; at most {@value #MAX_PIECES} pieces);
 * a number whose dependence on {@code x} is not bilinear (the distinct experts a decode batch's tokens touch
 * in an MoE layer) is affine in {@code y} at each {@code x}, {@code p(x) + q(x)·y}, tabulated per {@code x};
 * a kernel that works in chunks of C tokens adds {@code (g + h·x)·⌈(y − o)/C⌉} to one piece (a chunked
 * linear-attention or SSM scan's per-chunk state, a KV compressed C:1); a number of the token count
 * {@code t = x·y} alone (the distinct experts a prefill's x·y tokens touch, saturating at the expert count)
 * is a table up to the t where it becomes affine in t, and that line above.
 * {@link #compile} finds each function from graphs the family builds at probe points (the graph
 * builder stays the one source of every shape), finds each piece's end by bisection, and checks every
 * function against built graphs at random points of each piece; a family it cannot express exactly is
 * refused with the op and the number named, never approximated. At evaluation the numbers are filled
 * in and each op's cost is derived from them by the same code as for a graph ({@code LoweredOps.derive}:
 * waves, the library's kernel choice, efficiencies at the op's size, caps, on-chip bytes, row chains),
 * then costed by the one kernel.
 *
 * <p>A plan holds the state of its last evaluation: one plan per thread ({@link #copy} gives another).
 */
public final class ParametricPlan {

    /** A graph per point {@code (x, y)} of a domain, all of the same structure. */
    @FunctionalInterface
    public interface Family {
        Graph at(long x, long y);
    }

    /** The shape numbers of an op, in {@link #read}/{@link #write} order. */
    static final String[] NUMBERS = {"matrix FLOPs", "vector FLOPs", "FLOPs", "bytes", "GEMM rows", "GEMM columns",
        "GEMM count", "GEMM depth", "parallel rows", "row elements", "streamed bytes", "own efficiency", "group size"};
    private static final int N = NUMBERS.length;
    private static final int VERIFY_POINTS = 12;
    static final int MAX_PIECES = 32;
    private static final double TOLERANCE = 1e-12;
    /** The numbers that are whole (rows, columns, depth, elements, group size): rounded when filled in. */
    private static final boolean[] INTEGRAL = new boolean[N];
    /** A function of x·y alone is tabulated up to at most this many tokens (where it becomes affine in x·y). */
    static final int MAX_TOKEN_TABLE = 4096;
    /** The longest chunk a staircase along y is looked for over (its first three starts, at x = 1). */
    static final int MAX_CHUNK = 512;

    static {
        for (int j : new int[] {4, 5, 7, 8, 9, 12}) {
            INTEGRAL[j] = true;
        }
    }

    private final Family family;
    private final HardwareProfile profile;
    private final long maxX;
    private final long maxY;
    /** The least y this plan covers (1, or where a structure region starts). */
    private final long minY;
    /** Where the family's structure changes along y: a plan per region, and each region's last y. */
    private final ParametricPlan[] regions;
    private final long[] regionLast;
    private final String name;
    private final LoweredOps ops;
    /** Per op and number (index {@code i·N + j}): its functions, piece by piece. */
    private final Fn[] functions;
    /** Ops with a number that varies (the others keep their derived arrays). */
    private final int[] varying;
    private final boolean[] integral;
    /**
     * Where x is tabulated: the ops that depend on y (derived and costed at each evaluation), and per x
     * the kernel's totals over all the others ({@code xPart} from {@code x·Kernel.BASE}, costed once at
     * compile by the same kernel over an {@link OpList} of them), to which each evaluation adds the y ops'
     * (docs/cost-model.md §17). Null otherwise.
     */
    private final OpList yOps;
    private final int[] yList;
    /** The varying ops that depend on x alone, and the x their arrays were last derived at (−1: none). */
    private final int[] xList;
    private long derivedX = -1;
    /** Per y op (as {@link #yList}): the numbers of it that vary (the others keep their lowered values). */
    private final int[][] yNumbers;
    /**
     * The same numbers flattened, y op by y op ({@code yFirst[k]} to {@code yFirst[k + 1]}): each one's function, and
     * the op's array it is written to where that array holds doubles (FLOPs, bytes; null: written by {@link #write}).
     */
    private final Fn[] yFn;
    private final double[][] yTarget;
    private final int[] yFirst;
    /** Per x, the kernel's totals over the ops that do not depend on y ({@code Kernel.BASE} values from x·BASE), and their bound signature. */
    private final double[] xPart;
    private final long[] xSignature;
    /** Why a sum of y over the x sequences does not determine the y ops' numbers (null: it does). */
    private final String sumRefusal;
    /** Why each sequence's own y does not determine the y ops' numbers as a sum over the sequences (null: it does). */
    private final String contextsRefusal;
    /** At most this many x are tabulated (larger domains derive every op at each evaluation). */
    static final long MAX_TABULATED_X = 8192;

    /** Coefficients per piece: {@code a + b·x + c·y + d·x·y + e·y² + f·x·y²}. */
    static final int COEFFICIENTS = 6;

    /**
     * One number's function: pieces ending at {@code ends[p]} (the last y of piece p; the last is maxY),
     * each quadratic in y with coefficients bilinear in x ({@code coef[6p..6p+5]}: a, b, c, d, e, f) or, where
     * {@code table} is set, {@code p(x) + q(x)·y} with {@code table[(x·pieces + p)·2 + {0, 1}]}. Two more forms:
     * <ul>
     * <li>{@code stair} = {C, g, h, c₁, o}: one piece plus {@code (g + h·x)·(⌈(y − o)/C⌉ − c₁)}, a kernel that
     *   works in chunks of C tokens per sequence (a chunked linear-attention or SSM scan writing a state per
     *   chunk: o = 0) or over every C-th token ({@code ⌊y/C⌋}, a compressed KV: o = C − 1);</li>
     * <li>{@code tokens} = {a, b, u(1), …, u(T₀)}: a function of the token count {@code t = x·y} alone, read
     *   from the table up to T₀ and {@code a + b·t} above (the distinct experts a prefill's tokens touch,
     *   which saturates at the expert count: a step function of t, not of x and y apart).</li>
     * <li>{@code stairs} = {C, o, per piece n₀ and six coefficients}: pieces along y (ends as for pieces), each a
     *   staircase in {@code n = ⌈(y − o)/C⌉}: {@code Q₀(n) + y·Q₁(n) + y²·Q₂} with Q₀ quadratic, Q₁ linear and
     *   Q₂ constant in n, every coefficient linear in x (a compressed KV's top-k, whose ⌈log₂ entries⌉ passes
     *   change the step at each power of two; its causal indexer over ⌈prompt / C⌉ entries, quadratic in n);</li>
     * <li>{@code moving} = {n, (e₀, e₁) per line, 9 coefficients per region, X₀, Y₀, y₀, the corner's values}:
     *   the corner {@code x ≤ X₀, y₀ ≤ y < y₀ + Y₀} read point by point, elsewhere regions between n lines
     *   {@code y = e₀ + e₁·x} that move with x (a prefill chunk's sliding window or top-k: its first and last
     *   queries cross the limit at cached lengths that differ by the chunk), the region at (x, y) the number of
     *   lines below y, each region {@code Σ c_ij·x^i·y^j} for i, j ≤ 2; only where the plan was compiled to look
     *   for it ({@link #compileMoving}).</li>
     * </ul>
     */
    record Fn(long[] ends, double[] coef, double[] table, double[] stair, double[] tokens, double[] moving, double[] stairs) {
        /** {@code ⌈(y − o)/C⌉}: the chunks of C up to y when chunks end at {@code o + j·C} (0 ≤ o < C). */
        static long chunks(long y, long c, long o) {
            return Math.floorDiv(y - o + c - 1, c);
        }

        Fn(long[] ends, double[] coef, double[] table) {
            this(ends, coef, table, null, null, null, null);
        }

        Fn(long[] ends, double[] coef, double[] table, double[] stair, double[] tokens) {
            this(ends, coef, table, stair, tokens, null, null);
        }

        Fn(long[] ends, double[] coef, double[] table, double[] stair, double[] tokens, double[] moving) {
            this(ends, coef, table, stair, tokens, moving, null);
        }

        /** Values per piece of a {@code stairs} form: n₀, then six coefficients as (a, b) of a + b·x. */
        static final int STAIRS_PIECE = 13;

        /**
         * A {@code stairs} piece at (x, y): with n = ⌈(y − o)/C⌉ − n₀, {@code Q₀(n) + y·Q₁(n) + y²·Q₂} where
         * {@code Q₀ = α₀ + α₁·n + α₂·n²}, {@code Q₁ = β₀ + β₁·n}, {@code Q₂ = γ₀}, each coefficient a + b·x.
         */
        static double stairsAt(double[] st, int p, long x, long y) {
            int at = 2 + STAIRS_PIECE * p;
            double n = chunks(y, (long) st[0], (long) st[1]) - st[at];
            double a0 = st[at + 1] + st[at + 2] * x;
            double a1 = st[at + 3] + st[at + 4] * x;
            double a2 = st[at + 5] + st[at + 6] * x;
            double b0 = st[at + 7] + st[at + 8] * x;
            double b1 = st[at + 9] + st[at + 10] * x;
            double c0 = st[at + 11] + st[at + 12] * x;
            return a0 + n * (a1 + n * a2) + y * (b0 + b1 * n + c0 * y);
        }

        /** The region of a moving form at (x, y): how many of its lines lie below y. */
        static int region(double[] moving, long x, long y) {
            int lines = (int) moving[0];
            int r = 0;
            for (int j = 0; j < lines; j++) {
                if (y > moving[1 + 2 * j] + moving[2 + 2 * j] * x) {
                    r++;
                }
            }
            return r;
        }

        static double poly(double[] c, int at, double x, double y) {
            double a = c[at] + y * (c[at + 1] + y * c[at + 2]);
            double b = c[at + 3] + y * (c[at + 4] + y * c[at + 5]);
            double d = c[at + 6] + y * (c[at + 7] + y * c[at + 8]);
            return a + x * (b + x * d);
        }

        boolean constant() {
            return ends.length == 1 && table == null && stair == null && tokens == null && moving == null && stairs == null
                    && coef[1] == 0 && coef[2] == 0
                    && coef[3] == 0 && coef[4] == 0 && coef[5] == 0;
        }

        /** Neither stair, tokens nor moving form: pieces, bilinear or tabulated in x. */
        boolean piecewise() {
            return stair == null && tokens == null && moving == null && stairs == null;
        }

        double at(long x, long y) {
            if (moving != null) {
                return movingAt(moving, x, y);
            }
            if (tokens != null) {
                long t = x * y;
                return t <= tokens.length - 2 ? tokens[(int) t + 1] : tokens[0] + tokens[1] * t;
            }
            int p = 0;
            while (y > ends[p]) {
                p++;
            }
            if (table != null) {
                int at = ((int) x * ends.length + p) * 2;
                return table[at] + table[at + 1] * y;
            }
            if (stairs != null) {
                return stairsAt(stairs, p, x, y);
            }
            int at = COEFFICIENTS * p;
            double v = coef[at] + x * (coef[at + 1] + y * (coef[at + 3] + coef[at + 5] * y)) + y * (coef[at + 2] + coef[at + 4] * y);
            if (stair != null) {
                v += (stair[1] + stair[2] * x) * (chunks(y, (long) stair[0], (long) stair[4]) - stair[3]);
            }
            return v;
        }

        /** A moving form at (x, y): the corner's value there, else its region's polynomial. */
        static double movingAt(double[] moving, long x, long y) {
            int lines = (int) moving[0];
            int corner = 1 + 2 * lines + 9 * (lines + 1);
            long cornerY = (long) moving[corner + 1];
            long dy = y - (long) moving[corner + 2];
            if (x <= moving[corner] && dy < cornerY) {
                return moving[corner + 3 + (int) ((x - 1) * cornerY + dy)];
            }
            return poly(moving, 1 + 2 * lines + 9 * region(moving, x, y), x, y);
        }
    }

    private ParametricPlan(Family family, HardwareProfile profile, long maxX, long minY, long maxY, String name, LoweredOps ops,
                           Fn[] functions, int[] varying, double[] shared, long[] sharedSignature) {
        this.family = family;
        this.profile = profile;
        this.maxX = maxX;
        this.minY = minY;
        this.maxY = maxY;
        this.regions = null;
        this.regionLast = null;
        this.name = name;
        this.ops = ops;
        this.functions = functions;
        this.varying = varying;
        this.integral = INTEGRAL;
        // Ops that depend on x alone (a GEMM, a norm, an all-reduce: not on the context) are costed once
        // per x here, by the kernel, into xPart[x]; the others (attention) at each evaluation.
        if (maxX <= MAX_TABULATED_X) {
            boolean[] inY = new boolean[ops.size];
            boolean[] others = new boolean[ops.size];
            List<Integer> ys = new ArrayList<>();
            List<Integer> xs = new ArrayList<>();
            for (int i = 0; i < ops.size; i++) {
                boolean varies = contains(varying, i);
                inY[i] = varies && !independentOfY(i);
                others[i] = !inY[i];
                if (inY[i]) {
                    ys.add(i);
                } else if (varies) {
                    xs.add(i);
                }
            }
            yList = ys.stream().mapToInt(Integer::intValue).toArray();
            xList = xs.stream().mapToInt(Integer::intValue).toArray();
            yOps = OpList.of(ops, inY);
            OpList rest = OpList.of(ops, others);
            yNumbers = new int[yList.length][];
            for (int k = 0; k < yList.length; k++) {
                List<Integer> js = new ArrayList<>();
                for (int j = 0; j < N; j++) {
                    if (!functions[yList[k] * N + j].constant()) {
                        js.add(j);
                    }
                }
                yNumbers[k] = js.stream().mapToInt(Integer::intValue).toArray();
            }
            int m = 0;
            yFirst = new int[yList.length + 1];
            for (int k = 0; k < yList.length; k++) {
                yFirst[k] = m;
                m += yNumbers[k].length;
            }
            yFirst[yList.length] = m;
            yFn = new Fn[m];
            yTarget = new double[m][];
            for (int k = 0; k < yList.length; k++) {
                for (int q = 0; q < yNumbers[k].length; q++) {
                    int j = yNumbers[k][q];
                    yFn[yFirst[k] + q] = functions[yList[k] * N + j];
                    yTarget[yFirst[k] + q] = doubles(ops, j);
                }
            }
            xPart = shared != null ? shared : new double[(int) (maxX + 1) * Kernel.BASE];
            xSignature = shared != null ? sharedSignature : new long[(int) maxX + 1];
            PlanTotals part = new PlanTotals();
            for (long x = 1; shared == null && x <= maxX; x++) {
                for (int i : xs) {
                    fillOne(i, x, minY);
                }
                int at = (int) x * Kernel.BASE;
                try {
                    Kernel.run(ops, part, null, name, rest, null, 0, 0, null);
                    xPart[at + Kernel.LATENCY] = part.latencySeconds;
                    xPart[at + Kernel.FLOPS] = part.flops;
                    xPart[at + Kernel.BYTES] = part.bytes;
                    xPart[at + Kernel.ENERGY] = part.energyJoules;
                    xPart[at + Kernel.CAPACITY] = part.peakFlopCapacity;
                    System.arraycopy(part.boundSeconds, 0, xPart, at + 5, part.boundSeconds.length);
                    xSignature[(int) x] = part.boundSignature;
                } catch (ArithmeticException notFinite) {
                    // Left NaN: an evaluation at this x says it is out of range, as the whole graph would.
                    xPart[at + Kernel.LATENCY] = Double.NaN;
                }
            }
        } else {
            yOps = null;
            yList = null;
            xList = null;
            yNumbers = null;
            yFn = null;
            yTarget = null;
            yFirst = null;
            xPart = null;
            xSignature = null;
        }
        sumRefusal = findSumRefusal();
        contextsRefusal = findContextsRefusal();
    }

    /**
     * Null if every y op's number is {@code a + b·x + d·x·y} on one piece (per sequence additive: x
     * sequences of contexts y_i give {@code a + b·x + d·Σy_i}); else the first op and number that is not.
     */
    private String findSumRefusal() {
        if (xPart == null) {
            return "the plan's batches are not tabulated (more than " + MAX_TABULATED_X + ")";
        }
        for (int k = 0; k < yList.length; k++) {
            int i = yList[k];
            for (int j : yNumbers[k]) {
                Fn f = functions[i * N + j];
                double[] c = f.coef();
                if (f.ends().length != 1 || f.table() != null || !f.piecewise() || c[2] != 0 || c[4] != 0 || c[5] != 0) {
                    return "op " + i + " (" + ops.op[i].name() + ") of " + name + ": its " + NUMBERS[j]
                            + " is not a sum over the sequences of each one's (a window, a cap or a y² term: it needs each context)";
                }
            }
        }
        return null;
    }

    /**
     * Null if every y op's number is, on each of its pieces along y, {@code a + x·(b_p + d_p·y + f_p·y²)} with one
     * {@code a} for all pieces (a sum over the sequences of each one's own part: a sliding window's
     * {@code Σ min(yᵢ, W)}); else the first op and number that is not.
     */
    private String findContextsRefusal() {
        if (xPart == null) {
            return "the plan's batches are not tabulated (more than " + MAX_TABULATED_X + ")";
        }
        for (int k = 0; k < yList.length; k++) {
            int i = yList[k];
            for (int j : yNumbers[k]) {
                Fn f = functions[i * N + j];
                String why = null;
                if (!f.piecewise() || f.table() != null) {
                    why = "is tabulated or stepped in a way that is not a sum over the sequences";
                } else {
                    double[] c = f.coef();
                    for (int p = 0; p < f.ends().length && why == null; p++) {
                        int at = COEFFICIENTS * p;
                        if (c[at + 2] != 0 || c[at + 4] != 0) {
                            why = "has a y or y² term not multiplied by x";
                        } else if (!close(c[at], c[0])) {
                            why = "has a part independent of y that changes from piece to piece";
                        }
                    }
                }
                if (why != null) {
                    return "op " + i + " (" + ops.op[i].name() + ") of " + name + ": its " + NUMBERS[j] + " " + why
                            + " (it is not each sequence's own work)";
                }
            }
        }
        return null;
    }

    /** The array of {@code o} that number j is written to, where it holds doubles (not rounded); else null. */
    private static double[] doubles(LoweredOps o, int j) {
        return switch (j) {
            case 0 -> o.matrixFlops;
            case 1 -> o.vectorFlops;
            case 2 -> o.flops;
            case 3 -> o.bytes;
            case 10 -> o.streamedBytes;
            case 11 -> o.ownEfficiency;
            default -> null;
        };
    }

    private static boolean contains(int[] values, int v) {
        for (int u : values) {
            if (u == v) {
                return true;
            }
        }
        return false;
    }

    private boolean independentOfY(int i) {
        for (int j = 0; j < N; j++) {
            Fn f = functions[i * N + j];
            if (f.ends().length != 1 || !f.piecewise()) {
                return false;
            }
            if (f.table() == null) {
                if (f.coef()[2] != 0 || f.coef()[3] != 0 || f.coef()[4] != 0 || f.coef()[5] != 0) {
                    return false;
                }
            } else {
                for (int at = 1; at < f.table().length; at += 2) {
                    if (f.table()[at] != 0) {
                        return false;
                    }
                }
            }
        }
        return true;
    }

    private void fillOne(int i, long x, long y) {
        int base = i * N;
        for (int j = 0; j < N; j++) {
            double v = functions[base + j].at(x, y);
            write(ops, i, j, integral[j] ? Math.rint(v) : v);
        }
        ops.derive(i);
    }

    private ParametricPlan(ParametricPlan[] regions, long[] regionLast) {
        ParametricPlan first = regions[0];
        this.family = first.family;
        this.profile = first.profile;
        this.maxX = first.maxX;
        this.minY = 1;
        this.maxY = regionLast[regionLast.length - 1];
        this.regions = regions;
        this.regionLast = regionLast;
        this.name = first.name;
        this.ops = null;
        this.functions = null;
        this.varying = null;
        this.integral = null;
        this.yOps = null;
        this.yList = null;
        this.xList = null;
        this.yNumbers = null;
        this.yFn = null;
        this.yTarget = null;
        this.yFirst = null;
        this.xPart = null;
        this.xSignature = null;
        this.sumRefusal = name + ": the graph changes structure along y (after y = " + regionLast[0]
                + " first), so each sequence's context decides its ops";
        this.contextsRefusal = this.sumRefusal;
    }

    /**
     * Compiles {@code family} onto {@code profile} for {@code 1 ≤ x ≤ maxX}, {@code 1 ≤ y ≤ maxY}. Where
     * the family's structure changes along {@code y} (ops a longer context adds, found by bisection) each
     * region gets its own plan, chosen by {@code y} at evaluation.
     *
     * @throws IllegalArgumentException if the structure changes along {@code x} or in more than
     *     {@value #MAX_PIECES} regions, or an op's shape number is not piecewise quadratic (named)
     */
    public static ParametricPlan compile(Family family, HardwareProfile profile, long maxX, long maxY) {
        return compile(family, profile, maxX, maxY, false);
    }

    /**
     * {@link #compile}, also looking for numbers whose pieces along y end at lines that move with x (the
     * {@code moving} form of {@link Fn}): a prefill chunk's window or top-k. Such a plan has no breakpoints
     * independent of x, so it is for chunk plans, not for summing a generation's decode steps.
     */
    static ParametricPlan compileMoving(Family family, HardwareProfile profile, long maxX, long maxY) {
        return compile(family, profile, maxX, maxY, true);
    }

    private static ParametricPlan compile(Family family, HardwareProfile profile, long maxX, long maxY, boolean moving) {
        Objects.requireNonNull(family, "family");
        Objects.requireNonNull(profile, "profile");
        if (maxX < 2 || maxY < 4) {
            throw new IllegalArgumentException("a parametric plan needs maxX >= 2 and maxY >= 4, got " + maxX + ", " + maxY);
        }
        List<Long> lasts = new ArrayList<>();
        long start = 1;
        while (true) {
            long key = structure(family.at(1, start));
            long last = structure(family.at(1, maxY)) == key ? maxY : lastSameStructure(family, key, start, maxY);
            lasts.add(last);
            if (last == maxY) {
                break;
            }
            if (lasts.size() == MAX_PIECES) {
                throw new IllegalArgumentException(family.at(1, 1).name() + ": the graph changes structure more than "
                        + MAX_PIECES + " times along y; cost it by building the graph (Plan.compile)");
            }
            start = last + 1;
        }
        if (lasts.size() == 1) {
            return compileRegion(family, profile, maxX, 1, maxY, moving);
        }
        ParametricPlan[] parts = new ParametricPlan[lasts.size()];
        long[] ends = new long[lasts.size()];
        long from = 1;
        for (int r = 0; r < parts.length; r++) {
            ends[r] = lasts.get(r);
            parts[r] = compileRegion(family, profile, maxX, from, ends[r], moving);
            from = ends[r] + 1;
        }
        return new ParametricPlan(parts, ends);
    }

    /** A hash of a graph's structure: blocks, their stages, and each lowered op's kind, precision and engine. */
    private static long structure(Graph g) {
        long h = g.blocks().size();
        for (org.opsim.graph.Block b : g.blocks()) {
            h = h * 31 + b.stage().ordinal();
            for (org.opsim.graph.Op o : b.ops()) {
                for (org.opsim.graph.Op part : o.lower()) {
                    h = h * 1_000_003 + LoweredOps.signature(part);
                }
            }
            h = h * 31 + 7;
        }
        return h;
    }

    private static long lastSameStructure(Family family, long key, long start, long maxY) {
        return lastHolding(y -> structure(family.at(1, y)) == key, start, maxY);
    }

    /**
     * By bisection, a y in [lo, hi) where {@code holds} is true next to one where it is not, given that it holds at
     * lo and is taken not to at hi (the callers check hi themselves where it may hold): the last y of a piece, a
     * region or a fit.
     */
    static long lastHolding(java.util.function.LongPredicate holds, long lo, long hi) {
        while (hi - lo > 1) {
            long mid = lo + (hi - lo) / 2;
            if (holds.test(mid)) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    private static ParametricPlan compileRegion(Family family, HardwareProfile profile, long maxX, long minY, long maxY,
                                                boolean moving) {
        Graph first = family.at(1, minY);
        LoweredOps ops = LoweredOps.lower(first, profile);
        Prober probe = new Prober(family, ops, minY);
        int n = ops.size;
        Fn[] fns = new Fn[n * N];
        for (int k = 0; k < n * N; k++) {
            fns[k] = probe.pieces(k, minY, maxY);
            if (fns[k] == null) {
                fns[k] = probe.stair(k, minY, maxY);
            }
            if (fns[k] == null) {
                fns[k] = probe.stairs(k, minY, maxY);
            }
            if (fns[k] == null) {
                fns[k] = probe.tokens(k, maxX, minY, maxY);
            }
            if (fns[k] == null && moving) {
                fns[k] = probe.moving(k, maxX, minY, maxY);
            }
            if (fns[k] == null) {
                throw new IllegalArgumentException("op " + k / N + " (" + ops.op[k / N].name() + ") of " + first.name()
                        + ": its " + NUMBERS[k % N] + " takes more than " + MAX_PIECES
                        + " quadratic pieces over the domain and is neither a staircase in y nor a function of x·y alone"
                        + "; cost it by building the graph (Plan.compile)");
            }
        }
        probe.tabulate(fns, maxX, minY, maxY, moving);
        // A number the pieces and per-x tables do not follow everywhere may be a function of x·y alone.
        List<long[]> points = checkPoints(fns, maxX, minY, maxY);
        for (int k = 0; k < n * N; k++) {
            long[] miss = probe.miss(fns[k], k, points);
            if (miss != null && fns[k].tokens() == null) {
                Fn other = probe.tokens(k, maxX, minY, maxY);
                if (other != null && probe.miss(other, k, points) == null) {
                    fns[k] = other;
                    miss = null;
                }
            }
            if (miss != null && moving) {
                Fn other = probe.moving(k, maxX, minY, maxY);
                if (other != null && probe.miss(other, k, points) == null) {
                    fns[k] = other;
                    miss = null;
                }
            }
            if (miss != null) {
                double want = probe.numbers(miss[0], miss[1])[k];
                double got = fns[k].at(miss[0], miss[1]);
                throw new IllegalArgumentException("op " + k / N + " (" + ops.op[k / N].name() + ", " + ops.kind[k / N].id()
                        + ") of " + first.name() + ": its " + NUMBERS[k % N] + " is not piecewise quadratic over the domain (at "
                        + miss[0] + ", " + miss[1] + ": " + want + ", the plan's " + (INTEGRAL[k % N] ? Math.rint(got) : got)
                        + "); cost it by building the graph (Plan.compile)");
            }
        }
        List<Integer> v = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < N; j++) {
                if (!fns[i * N + j].constant()) {
                    v.add(i);
                    break;
                }
            }
        }
        return new ParametricPlan(family, profile, maxX, minY, maxY, first.name(), ops, fns,
                v.stream().mapToInt(Integer::intValue).toArray(), null, null);
    }

    /** Another plan over the same family and domain, for another thread (no probing: the functions are shared). */
    public ParametricPlan copy() {
        if (regions != null) {
            ParametricPlan[] parts = new ParametricPlan[regions.length];
            for (int r = 0; r < parts.length; r++) {
                parts[r] = regions[r].copy();
            }
            return new ParametricPlan(parts, regionLast);
        }
        LoweredOps fresh = LoweredOps.lower(family.at(1, minY), profile);
        return new ParametricPlan(family, profile, maxX, minY, maxY, name, fresh, functions, varying, xPart, xSignature);
    }

    public HardwareProfile profile() {
        return profile;
    }

    public long maxX() {
        return maxX;
    }

    public long maxY() {
        return maxY;
    }

    /** Ops the loop costs (the family's graph after lowering; of the first region where the structure changes). */
    public int operationCount() {
        return regions != null ? regions[0].operationCount() : ops.size;
    }

    /** Every y after which a shape number changes formula (a piece's or a region's end, below maxY), ascending. */
    long[] breakpoints() {
        java.util.TreeSet<Long> ends = new java.util.TreeSet<>();
        if (regions != null) {
            for (int r = 0; r < regions.length; r++) {
                for (long e : regions[r].breakpoints()) {
                    ends.add(e);
                }
                ends.add(regionLast[r]);
            }
        } else {
            for (Fn f : functions) {
                if (f.moving() != null) {
                    throw new IllegalStateException(name + ": its pieces end at lines that move with x; it has no breakpoints along y alone");
                }
                for (long e : f.ends()) {
                    ends.add(e);
                }
                if (f.stair() != null || f.stairs() != null) {
                    long c = (long) (f.stair() != null ? f.stair()[0] : f.stairs()[0]);
                    long o = (long) (f.stair() != null ? f.stair()[4] : f.stairs()[1]);
                    for (long e = o == 0 ? c : o; e < maxY; e += c) {
                        ends.add(e);
                    }
                }
                for (long e = minY; f.tokens() != null && e < Math.min(maxY, f.tokens().length - 2); e++) {
                    ends.add(e);
                }
            }
        }
        ends.remove(maxY);
        return ends.stream().mapToLong(Long::longValue).toArray();
    }

    /** How many structure regions along y the plan holds (1: the family's graph never changes its ops). */
    public int regionCount() {
        return regions == null ? 1 : regions.length;
    }

    /**
     * Costs the family's graph at {@code (x, y)} into {@code out}, allocating nothing: the same totals as
     * {@code Plan.compile(family.at(x, y), profile).evaluate(out)}, to rounding.
     *
     * @throws IllegalArgumentException outside the domain
     */
    public void evaluate(long x, long y, PlanTotals out) {
        evaluate(x, y, null, out);
    }

    /**
     * {@link #evaluate(long, long, PlanTotals)} with the chip's figures multiplied by {@code scales} (null or
     * {@link FigureScales#NONE}: as profiled), without recompiling: every op is derived at {@code (x, y)} and
     * costed with the scaled figures (the batch-only totals kept per x hold the profiled figures).
     */
    public void evaluate(long x, long y, FigureScales scales, PlanTotals out) {
        if (x < 1 || x > maxX || y < minY || y > maxY) {
            throw new IllegalArgumentException("(" + x + ", " + y + ") is outside the plan's domain 1.." + maxX
                    + " × " + minY + ".." + maxY);
        }
        if (regions != null) {
            int r = 0;
            while (y > regionLast[r]) {
                r++;
            }
            regions[r].evaluate(x, y, scales, out);
            return;
        }
        if (scales != null && !scales.none()) {
            // Every op costed with the scaled figures: the x-only ops derived again only when x changed
            // (an uncertainty sample at one workload derives just the y ops).
            if (xPart == null) {
                fill(x, y);
            } else {
                if (x != derivedX) {
                    for (int i : xList) {
                        fillOne(i, x, minY);
                    }
                    derivedX = x;
                }
                fillY(x, y);
                sumBlocks();
            }
            Kernel.run(ops, out, null, name, null, null, 0, 0, scales);
            return;
        }
        if (xPart != null) {
            fillY(x, y);
            Kernel.run(ops, out, null, name, yOps, xPart, (int) x * Kernel.BASE, xSignature[(int) x], null);
            return;
        }
        fill(x, y);
        Kernel.run(ops, out, null, name);
    }

    /** The y ops' numbers at (x, y), derived. */
    private void fillY(long x, long y) {
        for (int k = 0; k < yList.length; k++) {
            int i = yList[k];
            for (int m = yFirst[k]; m < yFirst[k + 1]; m++) {
                double v = yFn[m].at(x, y);
                double[] target = yTarget[m];
                if (target != null) {
                    target[i] = v;
                } else {
                    int j = yNumbers[k][m - yFirst[k]];
                    write(ops, i, j, integral[j] ? Math.rint(v) : v);
                }
            }
            ops.derive(i);
        }
    }

    /**
     * Costs a step of {@code x} sequences whose y (a decode step's contexts, each in the plan's domain)
     * sum to {@code ySum}, into {@code out}, allocating nothing: a serving engine's decode batch of
     * unequal contexts. Taken where each y-dependent shape number is {@code a + b·x + d·x·y} over the
     * domain, read as a sum over the sequences ({@code a + b·x + d·Σy}: FLOPs and KV bytes of a kernel
     * that does each sequence's own work, docs/cost-model.md §17.2; a kernel padding every sequence to the
     * longest context would have the same form at equal contexts and is not what this models); where
     * {@code ySum} is a multiple of {@code x}, the totals of {@link #evaluate} at {@code ySum / x}, to rounding.
     *
     * @throws IllegalArgumentException where the sum does not determine the step (a sliding window, a
     *     structure change along y: {@link #sumRefusal} names the op and number), or outside the domain
     */
    public void evaluateSum(long x, long ySum, PlanTotals out) {
        evaluateSum(x, ySum, null, out);
    }

    /**
     * {@link #evaluateSum(long, long, PlanTotals)} with the chip's figures multiplied by {@code scales} (null or
     * {@link FigureScales#NONE}: as profiled), without recompiling, as {@link #evaluate(long, long, FigureScales,
     * PlanTotals)} does: every op costed with the scaled figures, the x-only ops derived again when x changed.
     */
    public void evaluateSum(long x, long ySum, FigureScales scales, PlanTotals out) {
        if (sumRefusal != null) {
            throw new IllegalArgumentException("a step by its sum of y: " + sumRefusal);
        }
        if (x < 1 || x > maxX || ySum < x * minY || ySum / x > maxY || ySum / x == maxY && ySum % x != 0) {
            throw new IllegalArgumentException("(" + x + " sequences, y summing to " + ySum + ") is outside the plan's domain 1.."
                    + maxX + " × " + minY + ".." + maxY + " per sequence");
        }
        for (int k = 0; k < yList.length; k++) {
            int i = yList[k];
            for (int j : yNumbers[k]) {
                double[] c = functions[i * N + j].coef();
                double v = c[0] + c[1] * x + c[3] * ySum;
                write(ops, i, j, integral[j] ? Math.rint(v) : v);
            }
            ops.derive(i);
        }
        run(x, scales, out);
    }

    /**
     * The kernel over this evaluation's ops: onto the per-x totals of the x-only ops where the figures are as
     * profiled, else over every op with the scaled figures (the x-only ops derived again when x changed).
     */
    private void run(long x, FigureScales scales, PlanTotals out) {
        if (scales == null || scales.none()) {
            Kernel.run(ops, out, null, name, yOps, xPart, (int) x * Kernel.BASE, xSignature[(int) x], null);
            return;
        }
        if (x != derivedX) {
            for (int i : xList) {
                fillOne(i, x, minY);
            }
            derivedX = x;
        }
        sumBlocks();
        Kernel.run(ops, out, null, name, null, null, 0, 0, scales);
    }

    /**
     * Costs a step of {@code count} sequences, the i-th at {@code ys[i]} (a decode batch whose sequences each have
     * their own context, in the plan's domain), into {@code out}, allocating nothing. Taken where each y-dependent
     * number is, on each of its pieces, {@code a + x·(b_p + d_p·y + f_p·y²)}, read as {@code a} plus each sequence's
     * own part at its own y (a kernel doing each sequence's own work: a sliding window reads {@code min(yᵢ, W)}
     * keys of sequence i), so a sliding window's batch is costed by its contexts where its sum would not do
     * (docs/cost-model.md §17.2); with every y equal, the totals of {@link #evaluate}; where {@link #evaluateSum} takes
     * the plan (one piece, no x·y² term), its totals at their sum. O(count) per number of the y ops.
     *
     * @throws IllegalArgumentException where a number is not such a sum ({@link #contextsRefusal} names it), or a
     *     y or the count is outside the domain
     */
    public void evaluateContexts(long[] ys, int count, PlanTotals out) {
        evaluateContexts(ys, count, null, out);
    }

    /** {@link #evaluateContexts(long[], int, PlanTotals)} with the chip's figures multiplied by {@code scales}, without recompiling. */
    public void evaluateContexts(long[] ys, int count, FigureScales scales, PlanTotals out) {
        if (contextsRefusal != null) {
            throw new IllegalArgumentException("a step by each sequence's y: " + contextsRefusal);
        }
        if (count < 1 || count > maxX || count > ys.length) {
            throw new IllegalArgumentException(count + " sequences is outside the plan's domain 1.." + maxX
                    + " (or more than the " + ys.length + " given)");
        }
        for (int s = 0; s < count; s++) {
            if (ys[s] < minY || ys[s] > maxY) {
                throw new IllegalArgumentException("sequence " + s + " at " + ys[s] + " is outside the plan's domain "
                        + minY + ".." + maxY);
            }
        }
        for (int k = 0; k < yList.length; k++) {
            int i = yList[k];
            for (int j : yNumbers[k]) {
                Fn f = functions[i * N + j];
                double[] c = f.coef();
                long[] ends = f.ends();
                double v = c[0];
                for (int s = 0; s < count; s++) {
                    long y = ys[s];
                    int p = 0;
                    while (y > ends[p]) {
                        p++;
                    }
                    int at = COEFFICIENTS * p;
                    v += c[at + 1] + y * (c[at + 3] + c[at + 5] * y);
                }
                write(ops, i, j, integral[j] ? Math.rint(v) : v);
            }
            ops.derive(i);
        }
        run(count, scales, out);
    }

    /**
     * Whether the plan keeps the totals of its ops that do not depend on y per x ({@link #xOnlySeconds}): a plan
     * whose graph changes structure along y, or whose x domain is beyond the tabulated size, does not.
     */
    public boolean hasXOnly() {
        return xPart != null && regions == null;
    }

    /**
     * Seconds of the ops that do not depend on y (GEMMs, norms, collectives: everything but attention and the
     * context's reads), at {@code x}, as the kernel costed them at compile. With {@link #evaluate} the rest of a
     * step is {@code evaluate(x, y) − xOnlySeconds(x)}: the kernel's totals are sums over ops. A serving engine's
     * mixed step takes its token-only part from here at the step's token count (docs/serving.md §2).
     *
     * @throws IllegalArgumentException if {@link #hasXOnly} is false or {@code x} is outside the domain
     */
    public double xOnlySeconds(long x) {
        return xOnly(x, Kernel.LATENCY);
    }

    /** Joules of the ops that do not depend on y, at {@code x}, as {@link #xOnlySeconds}. */
    public double xOnlyJoules(long x) {
        return xOnly(x, Kernel.ENERGY);
    }

    private double xOnly(long x, int field) {
        if (!hasXOnly()) {
            throw new IllegalArgumentException(name + ": the plan keeps no per-x part (its graph changes structure along y,"
                    + " or x reaches beyond " + MAX_TABULATED_X + ")");
        }
        if (x < 1 || x > maxX) {
            throw new IllegalArgumentException("x " + x + " is outside the plan's domain 1.." + maxX);
        }
        double v = xPart[(int) x * Kernel.BASE + field];
        if (Double.isNaN(v)) {
            throw new ArithmeticException(name + ": the ops at x " + x + " are not finite");
        }
        return v;
    }

    /** Why {@link #evaluateContexts} refuses this plan, or empty where each sequence's own y determines its cost. */
    public java.util.Optional<String> contextsRefusal() {
        return java.util.Optional.ofNullable(contextsRefusal);
    }

    /** Why {@link #evaluateSum} refuses this plan, or empty where a batch's sum of y determines its cost. */
    public java.util.Optional<String> sumRefusal() {
        return java.util.Optional.ofNullable(sumRefusal);
    }

    /** The rich evaluation at {@code (x, y)}: per op, kind and block (builds the graph; allocates). */
    public Evaluation evaluation(long x, long y) {
        return Plan.compile(family.at(x, y), profile).evaluation();
    }

    /** Every varying op's numbers at (x, y), derived (the path of domains too wide to tabulate x). */
    private void fill(long x, long y) {
        for (int i : varying) {
            fillOne(i, x, y);
        }
        derivedX = x;
        sumBlocks();
    }

    /** Each block's FLOPs and bytes, for a run of the kernel over all ops. */
    private void sumBlocks() {
        final LoweredOps o = ops;
        int i = 0;
        for (int b = 0; b < o.blocks; b++) {
            double f = 0;
            double by = 0;
            for (; i < o.blockEnd[b]; i++) {
                f += o.flops[i];
                by += o.bytes[i];
            }
            o.blockFlops[b] = f;
            o.blockBytes[b] = by;
        }
    }

    /**
     * The points every function is checked at against built graphs: the domain's corners, each piece's ends
     * (and the next y), each chunk boundary of a staircase near its start and end, where a function of
     * x·y leaves its table, and random points (the derived arrays follow from the numbers by
     * {@code LoweredOps.derive}, the code a graph's ops go through).
     */
    private static List<long[]> checkPoints(Fn[] functions, long maxX, long minY, long maxY) {
        SplittableRandom random = new SplittableRandom(14);
        List<long[]> points = new ArrayList<>();
        points.add(new long[] {maxX, maxY});
        points.add(new long[] {maxX, minY});
        java.util.Set<Long> ends = new java.util.TreeSet<>();
        for (Fn fn : functions) {
            for (long e : fn.ends()) {
                ends.add(e);
            }
            if (fn.stair() != null || fn.stairs() != null) {
                long c = (long) (fn.stair() != null ? fn.stair()[0] : fn.stairs()[0]);
                long o = (long) (fn.stair() != null ? fn.stair()[4] : fn.stairs()[1]);
                for (long e : new long[] {o + c, o + 2 * c, o + 3 * c, o + (maxY / c - 1) * c, o + (maxY / c - 2) * c}) {
                    if (e >= minY && e < maxY) {
                        ends.add(e);
                    }
                }
            }
            if (fn.tokens() != null) {
                long t0 = fn.tokens().length - 2;
                for (long x : new long[] {1, 2, 1 + random.nextLong(maxX), maxX}) {
                    long y = t0 / x;
                    if (y >= minY && y < maxY) {
                        points.add(new long[] {x, y});
                        points.add(new long[] {x, y + 1});
                    }
                }
            }
        }
        for (long e : ends) {
            points.add(new long[] {1 + random.nextLong(maxX), e});
            if (e < maxY) {
                points.add(new long[] {1 + random.nextLong(maxX), e + 1});
            }
        }
        for (int p = 0; p < VERIFY_POINTS; p++) {
            points.add(new long[] {1 + random.nextLong(maxX), minY + random.nextLong(maxY - minY + 1)});
        }
        return points;
    }

    static boolean close(double want, double got) {
        return want == got || Math.abs(want - got) <= TOLERANCE * Math.max(Math.abs(want), Math.abs(got));
    }

    static double read(LoweredOps o, int i, int j) {
        return switch (j) {
            case 0 -> o.matrixFlops[i];
            case 1 -> o.vectorFlops[i];
            case 2 -> o.flops[i];
            case 3 -> o.bytes[i];
            case 4 -> o.gemmRows[i];
            case 5 -> o.gemmColumns[i];
            case 6 -> o.gemmCount[i];
            case 7 -> o.gemmDepth[i];
            case 8 -> o.parallelRows[i];
            case 9 -> o.rowElements[i];
            case 10 -> o.streamedBytes[i];
            case 11 -> o.ownEfficiency[i];
            default -> o.groupSize[i];
        };
    }

    private static void write(LoweredOps o, int i, int j, double v) {
        switch (j) {
            case 0 -> o.matrixFlops[i] = v;
            case 1 -> o.vectorFlops[i] = v;
            case 2 -> o.flops[i] = v;
            case 3 -> o.bytes[i] = v;
            case 4 -> o.gemmRows[i] = (long) v;
            case 5 -> o.gemmColumns[i] = (long) v;
            case 6 -> o.gemmCount[i] = v;
            case 7 -> o.gemmDepth[i] = (long) v;
            case 8 -> o.parallelRows[i] = (long) v;
            case 9 -> o.rowElements[i] = (long) v;
            case 10 -> o.streamedBytes[i] = v;
            case 11 -> o.ownEfficiency[i] = v;
            default -> o.groupSize[i] = (int) v;
        }
    }

    /** Builds the family's graphs at probe points and reads their ops' shape numbers. */
    private static final class Prober {
        private final Family family;
        private final LoweredOps scratch;
        private final int n;

        private final long minY;
        /** Each block's repeat at (1, minY): it may not change over the region. */
        private final long[] repeats;

        /** The lowered graph at (1, minY), kept as it was lowered (the scratch is refilled at every probe). */
        private final LoweredOps template;

        Prober(Family family, LoweredOps template, long minY) {
            this.family = family;
            this.template = template;
            this.minY = minY;
            this.scratch = LoweredOps.lower(family.at(1, minY), template.profile);
            this.repeats = scratch.repeatCount.clone();
            this.n = template.size;
        }

        private final java.util.Map<List<Long>, double[]> seen = new java.util.HashMap<>();

        /** The first lowered op of {@code g} whose kind, precision, engine or use of an engine differs from the template's. */
        private String difference(Graph g) {
            LoweredOps other = LoweredOps.lower(g, template.profile);
            for (int i = 0; i < Math.min(other.size, template.size); i++) {
                if (LoweredOps.signature(other.op[i]) != LoweredOps.signature(template.op[i])) {
                    org.opsim.graph.Op was = template.op[i];
                    org.opsim.graph.Op is = other.op[i];
                    return "op " + i + " (" + was.name() + ", " + was.kind().id() + ") is " + is.name() + ", " + is.kind().id()
                            + (is instanceof org.opsim.graph.ComputeOp c ? " with " + (c.matrixFlops() > 0 ? "" : "no ")
                            + "matrix and " + (c.vectorFlops() > 0 ? "" : "no ") + "vector FLOPs" : "") + " there";
                }
            }
            return other.size != template.size ? other.size + " ops against " + template.size : "other blocks or stages";
        }

        /** Every op's numbers at {@code (x, y)}, op-major (each point's graph built once). */
        double[] numbers(long x, long y) {
            return seen.computeIfAbsent(List.of(x, y), k -> build(x, y));
        }

        private double[] build(long x, long y) {
            Graph g = family.at(x, y);
            if (!scratch.refill(g)) {
                throw new IllegalArgumentException(g.name() + ": the graph at (" + x + ", " + y
                        + ") has another structure than at (1, " + minY + ") (" + difference(g)
                        + "): the structure changes along x");
            }
            double[] out = new double[n * N];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < N; j++) {
                    out[i * N + j] = read(scratch, i, j);
                }
            }
            for (int b = 0; b < scratch.blocks; b++) {
                if (scratch.repeatCount[b] != repeats[b]) {
                    throw new IllegalArgumentException(g.name() + ": block " + scratch.blockName[b]
                            + " repeats a different number of times at (" + x + ", " + y + ")");
                }
            }
            return out;
        }


        /**
         * Number k's pieces along y: each quadratic in y, bilinear in x, through x ∈ {1, 2} × its first three
         * y, ended by bisection; a piece with a y² term is then fitted again through its ends and middle
         * (better conditioned far from its start) where that still holds at its first points.
         */
        Fn pieces(int k, long minY, long maxY) {
            List<Long> ends = new ArrayList<>();
            List<double[]> coefs = new ArrayList<>();
            long start = minY;
            while (true) {
                double[] f = fit(k, start, Math.min(start + 1, maxY), Math.min(start + 2, maxY));
                long end = pieceEnd(k, f, start, maxY);
                if ((f[4] != 0 || f[5] != 0) && end - start <= 2) {
                    // A quadratic that holds only at the three points it was fitted through is no evidence of a y²
                    // term (a step at start + 1 or + 2 fits one too): a line through the first two instead, as far
                    // as it goes (at least those two), so that a table in x (affine in y per piece) can follow it.
                    f = fit(k, start, start + 1, start + 1);
                    end = pieceEnd(k, f, start, maxY);
                }
                if ((f[4] != 0 || f[5] != 0) && end - start >= 4) {
                    double[] wide = fit(k, start, start + (end - start) / 2, end);
                    if (follows(k, wide, start + 1) && follows(k, wide, start + 2) && follows(k, wide, end - 1)
                            && pieceEnd(k, wide, start, end) == end) {
                        f = wide;
                    }
                }
                ends.add(end);
                coefs.add(f);
                if (end == maxY) {
                    break;
                }
                if (ends.size() == MAX_PIECES) {
                    return null;
                }
                start = end + 1;
            }
            double[] coef = new double[COEFFICIENTS * coefs.size()];
            for (int p = 0; p < coefs.size(); p++) {
                System.arraycopy(coefs.get(p), 0, coef, COEFFICIENTS * p, COEFFICIENTS);
            }
            return new Fn(ends.stream().mapToLong(Long::longValue).toArray(), coef, null);
        }

        /**
         * The function of number k quadratic in y through {@code y0 < y1 < y2} (as many distinct as given:
         * fewer make it linear or constant in y), bilinear in x through x ∈ {1, 2}.
         */
        private double[] fit(int k, long y0, long y1, long y2) {
            double[][] g = new double[2][];
            for (int x = 1; x <= 2; x++) {
                g[x - 1] = quadratic(numbers(x, y0)[k], y1 == y0 ? Double.NaN : numbers(x, y1)[k],
                        y2 == y1 ? Double.NaN : numbers(x, y2)[k], y0, y1, y2);
            }
            double scale = numbers(1, y0)[k];
            double[] out = new double[COEFFICIENTS];
            for (int t = 0; t < 3; t++) {
                double slope = g[1][t] - g[0][t];
                out[2 * t] = clean(g[0][t] - slope, scale);
                out[2 * t + 1] = clean(slope, scale);
            }
            return out;
        }

        /** {A, B, C} of A + B·y + C·y² through (y0, f0), (y1, f1), (y2, f2) by Newton's divided differences; NaN: absent. */
        private static double[] quadratic(double f0, double f1, double f2, long y0, long y1, long y2) {
            if (Double.isNaN(f1)) {
                return new double[] {f0, 0, 0};
            }
            double d01 = (f1 - f0) / (y1 - y0);
            if (Double.isNaN(f2)) {
                return new double[] {f0 - d01 * y0, d01, 0};
            }
            double d12 = (f2 - f1) / (y2 - y1);
            double c = (d12 - d01) / (y2 - y0);
            if (Math.abs(c) * (y2 - y0) * (y2 - y0) <= 1e-13 * Math.abs(f0)) {
                c = 0;
            }
            double b = d01 - c * (y0 + y1);
            return new double[] {f0 - b * y0 - c * y0 * y0, b, c};
        }

        /** A coefficient that is rounding noise next to the values it produces is 0. */
        private static double clean(double coefficient, double scale) {
            return Math.abs(coefficient) <= 1e-13 * Math.abs(scale) ? 0 : coefficient;
        }

        /**
         * The end of a piece from {@code start} that holds at start: found by bisection, then checked inside (its
         * first six y after start and fifteen evenly spaced): bisection finds a y where f holds next to one where it
         * does not, not the first such (a fit can meet the number again further on), so where an inner point fails
         * the end is looked for again below it.
         */
        static long checkedEnd(java.util.function.LongPredicate holds, long start, long end,
                               java.util.function.LongBinaryOperator lastHolding) {
            while (end > start) {
                long bad = -1;
                for (long y = start + 1; y <= Math.min(end, start + 6) && bad < 0; y++) {
                    if (!holds.test(y)) {
                        bad = y;
                    }
                }
                for (int i = 1; i <= 15 && bad < 0; i++) {
                    long y = start + (end - start) * i / 16;
                    if (y > start && !holds.test(y)) {
                        bad = y;
                    }
                }
                if (bad < 0) {
                    return end;
                }
                end = lastHolding.applyAsLong(start, bad - 1);
            }
            return end;
        }

        /** The checked end of the piece f from start (at x = 1 and 2). */
        private long pieceEnd(int k, double[] f, long start, long maxY) {
            long end = follows(k, f, maxY) ? maxY : lastFollowing(k, f, start, maxY);
            return checkedEnd(y -> follows(k, f, y), start, end,
                    (s0, hi) -> follows(k, f, hi) ? hi : lastFollowing(k, f, s0, hi));
        }

        /** The last y in (start, maxY) at which number k still follows f (at x = 1 and 2), by bisection. */
        private long lastFollowing(int k, double[] f, long start, long maxY) {
            long lo = Math.min(start + 1, maxY);
            if (!follows(k, f, lo)) {
                return start;
            }
            return lastHolding(y -> follows(k, f, y), lo, maxY);
        }

        private boolean follows(int k, double[] f, long y) {
            for (long x = 1; x <= 2; x++) {
                double want = numbers(x, y)[k];
                double got = f[0] + x * (f[1] + y * (f[3] + f[5] * y)) + y * (f[2] + f[4] * y);
                if (!close(want, got) && !close(want, Math.rint(got))) {
                    return false;
                }
            }
            return true;
        }

        /** The first of {@code points} at which {@code fn} is not number k of the built graph, or null. */
        long[] miss(Fn fn, int k, List<long[]> points) {
            for (long[] pt : points) {
                double want = numbers(pt[0], pt[1])[k];
                double v = fn.at(pt[0], pt[1]);
                if (!close(want, INTEGRAL[k % N] ? Math.rint(v) : v)) {
                    return pt;
                }
            }
            return null;
        }

        /**
         * C, o and the first chunk start j of a staircase along y at x = 1 (see {@link #stair}): the spacing of the
         * first three chunk starts where the third difference jumps, and {@code j − 1 mod C}; null where there are
         * no three, evenly spaced.
         */
        private long[] chunking(int k, long minY, long maxY) {
            long[] starts = new long[3];
            int found = 0;
            boolean inRun = false;
            for (long y = minY; found < 3 && y + 3 <= Math.min(maxY, minY + 3 * MAX_CHUNK + 3); y++) {
                double v0 = numbers(1, y)[k];
                double v3 = numbers(1, y + 3)[k];
                double predicted = 3 * numbers(1, y + 2)[k] - 3 * numbers(1, y + 1)[k] + v0;
                boolean jump = !close(v3, predicted) && Math.abs(v3 - predicted) > 1e-12 * Math.max(Math.abs(v0), Math.abs(v3));
                if (inRun && !jump) {
                    starts[found++] = y;
                }
                inRun = jump;
            }
            if (found < 3) {
                return null;
            }
            long c = starts[1] - starts[0];
            if (c < 4 || starts[2] - starts[1] != c) {
                return null;
            }
            return new long[] {c, Math.floorMod(starts[0] - 1, c), starts[0]};
        }

        /**
         * Number k as pieces along y, each a staircase of its own in chunks of C ({@link Fn#stairs}): at each piece's
         * start, fits of order 0, 1 and 2 in n (a plain quadratic; local quadratics in two or three whole chunks,
         * at x = 1 and 2), the one whose piece goes furthest (the lower order on a tie), ended by bisection; null
         * past {@value #MAX_PIECES} pieces or where no staircase is found.
         */
        Fn stairs(int k, long minY, long maxY) {
            long[] co = chunking(k, minY, maxY);
            if (co == null) {
                return null;
            }
            long c = co[0];
            long o = co[1];
            List<Long> ends = new ArrayList<>();
            List<double[]> parts = new ArrayList<>();
            long start = minY;
            while (true) {
                double[] best = null;
                long bestEnd = -1;
                for (int order = 0; order <= 2; order++) {
                    double[] f = stairFit(k, start, c, o, order, maxY);
                    if (f == null) {
                        continue;
                    }
                    long end = lastStairFollowing(k, f, c, o, start, maxY);
                    if (end >= start) {
                        end = checkedEnd(y -> stairFollows(k, f, c, o, y), start, end,
                                (s0, hi) -> lastStairFollowing(k, f, c, o, s0, hi));
                    }
                    if (end >= start && end > bestEnd) {
                        best = f;
                        bestEnd = end;
                    }
                }
                if (best == null) {
                    return null;
                }
                ends.add(bestEnd);
                parts.add(best);
                if (bestEnd == maxY) {
                    break;
                }
                if (ends.size() == MAX_PIECES) {
                    return null;
                }
                start = bestEnd + 1;
            }
            double[] st = new double[2 + Fn.STAIRS_PIECE * parts.size()];
            st[0] = c;
            st[1] = o;
            for (int p = 0; p < parts.size(); p++) {
                System.arraycopy(parts.get(p), 0, st, 2 + Fn.STAIRS_PIECE * p, Fn.STAIRS_PIECE);
            }
            return new Fn(ends.stream().mapToLong(Long::longValue).toArray(), new double[COEFFICIENTS * parts.size()], null,
                    null, null, null, st);
        }

        /**
         * One stairs piece starting at {@code start}: order 0 a quadratic through start … start + 2; order 1 or 2
         * local quadratics in the first 2 or 3 whole chunks from start, their constant term quadratic (order 2) or
         * linear in n, their linear term linear in n, their y² term the first chunk's; each coefficient linear in x
         * through x = 1, 2. Null where the chunks do not fit before maxY.
         */
        private double[] stairFit(int k, long start, long c, long o, int order, long maxY) {
            if (order == 0) {
                // A plain quadratic piece, through as many of start … start + 2 as the domain has.
                double[] out = new double[Fn.STAIRS_PIECE];
                out[0] = Fn.chunks(start, c, o);
                double[] f = fit(k, start, Math.min(start + 1, maxY), Math.min(start + 2, maxY));
                // fit gives a + b·x + c·y + d·x·y + e·y² + f·x·y²: the stairs piece's α₀, β₀, γ₀ as (a, b) pairs.
                out[1] = f[0];
                out[2] = f[1];
                out[7] = f[2];
                out[8] = f[3];
                out[11] = f[4];
                out[12] = f[5];
                return out;
            }
            long first = start;
            if (order > 0) {
                // The first chunk starting at or after start: chunk m + 1 begins at o + m·C + 1.
                long m = Math.floorDiv(start - o - 1 + c - 1, c);
                first = o + m * c + 1;
            }
            if (first + order * c + 2 > maxY) {
                return null;
            }
            double n0 = Fn.chunks(first, c, o);
            double[] out = new double[Fn.STAIRS_PIECE];
            out[0] = n0;
            double[][] byX = new double[2][];
            double scale = Math.abs(numbers(1, first)[k]);
            for (int x = 1; x <= 2; x++) {
                double[][] local = new double[order + 1][];
                for (int i = 0; i <= order; i++) {
                    long y0 = first + i * c;
                    local[i] = quadratic(numbers(x, y0)[k], numbers(x, y0 + 1)[k], numbers(x, y0 + 2)[k], y0, y0 + 1, y0 + 2);
                }
                double[] q = new double[6];
                // constant term over n = 0, 1, 2
                if (order == 0) {
                    q[0] = local[0][0];
                } else if (order == 1) {
                    q[0] = local[0][0];
                    q[1] = local[1][0] - local[0][0];
                } else {
                    q[0] = local[0][0];
                    q[2] = (local[2][0] - 2 * local[1][0] + local[0][0]) / 2;
                    q[1] = local[1][0] - local[0][0] - q[2];
                }
                q[3] = local[0][1];
                q[4] = order == 0 ? 0 : local[1][1] - local[0][1];
                q[5] = local[0][2];
                byX[x - 1] = q;
            }
            for (int t = 0; t < 6; t++) {
                double slope = byX[1][t] - byX[0][t];
                out[1 + 2 * t] = clean(byX[0][t] - slope, scale);
                out[2 + 2 * t] = clean(slope, scale);
            }
            return out;
        }

        private boolean stairFollows(int k, double[] f, long c, long o, long y) {
            double[] st = new double[2 + Fn.STAIRS_PIECE];
            st[0] = c;
            st[1] = o;
            System.arraycopy(f, 0, st, 2, Fn.STAIRS_PIECE);
            for (long x = 1; x <= 2; x++) {
                double want = numbers(x, y)[k];
                double got = Fn.stairsAt(st, 0, x, y);
                if (!close(want, got) && !(INTEGRAL[k % N] && close(want, Math.rint(got)))) {
                    return false;
                }
            }
            return true;
        }

        /** The last y in [start, maxY] at which number k still follows the stairs piece f (at x = 1 and 2), by bisection. */
        private long lastStairFollowing(int k, double[] f, long c, long o, long start, long maxY) {
            if (!stairFollows(k, f, c, o, start)) {
                return start - 1;
            }
            if (stairFollows(k, f, c, o, maxY)) {
                return maxY;
            }
            return lastHolding(y -> stairFollows(k, f, c, o, y), start, maxY);
        }

        /**
         * Number k as one piece plus {@code (g + h·x)·(⌈(y − o)/C⌉ − c₁)}: a kernel working in chunks of C ≥ 4.
         * Along y at x = 1 a quadratic's third difference is zero; a jump at chunk start j makes it nonzero
         * at j − 3 … j − 1, so the first three chunk starts give C (their spacing, which must repeat) and o
         * ({@code j − 1 mod C}); the smooth part is fitted inside the first whole chunk and the jump read at
         * the next start. Null where no such C ≤ {@value #MAX_CHUNK} appears or the form does not follow at
         * the chunk boundaries near both ends and at maxY (the caller checks it at other x).
         */
        Fn stair(int k, long minY, long maxY) {
            long[] co = chunking(k, minY, maxY);
            if (co == null) {
                return null;
            }
            long c = co[0];
            long o = co[1];
            long[] starts = {co[2], co[2] + c, co[2] + 2 * c};
            long j = starts[0];
            double[] f1 = fit(k, j, j + 1, j + 2);
            double[] jump = new double[2];
            for (int x = 1; x <= 2; x++) {
                long y = starts[1];
                double smooth = f1[0] + x * (f1[1] + y * (f1[3] + f1[5] * y)) + y * (f1[2] + f1[4] * y);
                jump[x - 1] = numbers(x, y)[k] - smooth;
            }
            double h = jump[1] - jump[0];
            Fn fn = new Fn(new long[] {maxY}, f1, null, new double[] {c, jump[0] - h, h, Fn.chunks(j, c, o), o}, null);
            List<long[]> at = new ArrayList<>();
            long late = o + (maxY / c - 2) * c;
            for (long y : new long[] {minY, starts[2], starts[2] + 1, late, late + 1, maxY - 1, maxY}) {
                if (y >= minY && y <= maxY) {
                    at.add(new long[] {1, y});
                    at.add(new long[] {2, y});
                }
            }
            return miss(fn, k, at) == null ? fn : null;
        }

        /**
         * Number k as a function of {@code t = x·y} alone: affine in t through the domain's two largest token
         * counts, and below the last t off that line (found by bisection) read from built graphs, each t at
         * the point {@code (x, t/x)} of the domain with the least x (t that no point of the domain has are
         * never read: NaN); null where the table would pass {@value #MAX_TOKEN_TABLE}. The caller checks it at
         * other points.
         */
        Fn tokens(int k, long maxX, long minY, long maxY) {
            long t1 = maxX * maxY;
            long t0 = maxY > minY ? maxX * (maxY - 1) : (maxX - 1) * maxY;
            double v1 = numbers(maxX, maxY)[k];
            double b = (v1 - valueAt(k, t0, maxX, minY, maxY)) / (t1 - t0);
            double a = v1 - b * t1;
            java.util.function.LongPredicate onLine = t -> {
                double want = valueAt(k, t, maxX, minY, maxY);
                return close(want, a + b * t);
            };
            // Bisection over the token counts the domain has: lo is off the line (or below them all), hi on it.
            long lo = minY - 1;
            long hi = t1;
            while (hi - lo > 1) {
                long mid = lo + (hi - lo) / 2;
                long t = mid;
                while (t < hi && at(t, maxX, minY, maxY) == 0) {
                    t++;
                }
                if (t == hi) {
                    for (t = mid - 1; t > lo && at(t, maxX, minY, maxY) == 0; t--) {
                        // down to the nearest token count the domain has
                    }
                    if (t == lo) {
                        break;
                    }
                }
                if (onLine.test(t)) {
                    hi = t;
                } else {
                    lo = t;
                }
            }
            // The line must hold all the way up (a domain that ends before the number saturates has no affine
            // tail: then the table covers every token count).
            for (int i = 0; i <= 17; i++) {
                long t = i == 17 ? t0 : lo + 1 + (t1 - lo - 1) * i / 16;
                while (t < t1 && at(t, maxX, minY, maxY) == 0) {
                    t++;
                }
                if (!onLine.test(t)) {
                    lo = t1;
                    break;
                }
            }
            if (lo > MAX_TOKEN_TABLE) {
                return null;
            }
            double[] u = new double[(int) Math.max(lo, 0) + 2];
            u[0] = a;
            u[1] = b;
            for (long t = 1; t <= lo; t++) {
                u[(int) t + 1] = at(t, maxX, minY, maxY) == 0 ? Double.NaN : valueAt(k, t, maxX, minY, maxY);
            }
            return new Fn(new long[] {maxY}, new double[COEFFICIENTS], null, null, u);
        }

        /**
         * Number k as regions between lines {@code y = e₀ + e₁·x} (slope 0, −1 or +1), each a polynomial of degree
         * ≤ 2 in x and in y: a chunk's window or top-k, whose first and last queries cross the limit at cached
         * lengths that differ by the chunk length. The corner {@code x ≤ 8}, the first 16 y, is read point by point
         * from built graphs (a top-k's log steps one to four keys wide live there). The lines come from the piece
         * ends along y at three adjacent x from x = 4 to maxX (at 4, 9, every power of two from 16, the middle and the
         * end; an end at e, e + s, e + 2s is a line of slope s; three x whose ends do not line up are passed over; two
         * lines that cross inside the domain make it null); each region is fitted, outside the
         * corner, through three y (its first, middle and last) at three x where it is at least three wide (the
         * least, the middle and the largest such x), and the form is checked at both sides of every line at six x,
         * at the fitted regions' corners, at every point of the ring around the corner and on a grid of powers of
         * two. Null where no three x line up, a region is too narrow everywhere, or the check fails (the caller
         * checks it at other points).
         */
        Fn moving(int k, long maxX, long minY, long maxY) {
            if (maxX < 6 || maxY - minY < 8) {
                return null;
            }
            java.util.TreeSet<List<Long>> found = new java.util.TreeSet<>((a, b) -> a.get(0).equals(b.get(0))
                    ? Long.compare(a.get(1), b.get(1)) : Long.compare(a.get(0), b.get(0)));
            int lined = 0;
            // The smallest corner is tabulated point by point (log steps one to four wide live there: a top-k over a
            // few keys), so regions are fitted, and lines looked for, around it.
            long cornerX = Math.min(8, maxX);
            long cornerY = Math.min(16, maxY - minY + 1);
            java.util.TreeSet<Long> starts = new java.util.TreeSet<>(List.of(Math.min(4, maxX - 2), Math.min(cornerX + 1, maxX - 2),
                    maxX / 2 - 1, maxX - 2));
            for (long p2 = 16; p2 < maxX - 2; p2 *= 2) {
                starts.add(p2);
            }
            for (long x0 : starts) {
                List<List<Long>> here = linesAt(k, x0, minY, maxY);
                if (here != null) {
                    found.addAll(here);
                    lined++;
                }
            }
            if (lined == 0) {
                return null;
            }
            int lines = found.size();
            if (lines > MAX_PIECES) {
                return null;
            }
            // Regions are counted by the lines below y: two lines that cross inside the domain would give cells of
            // one count on either side of the crossing that are different pieces, so such a number is not this form.
            List<List<Long>> all = new ArrayList<>(found);
            for (int a = 0; a < lines; a++) {
                for (int b = a + 1; b < lines; b++) {
                    long sa = all.get(a).get(1);
                    long sb = all.get(b).get(1);
                    if (sa != sb) {
                        double xc = (double) (all.get(b).get(0) - all.get(a).get(0)) / (sa - sb);
                        double yc = all.get(a).get(0) + sa * xc;
                        if (xc > 1 && xc < maxX && yc > minY && yc < maxY) {
                            return null;
                        }
                    }
                }
            }
            int corner = 1 + 2 * lines + 9 * (lines + 1);
            double[] m = new double[corner + 3 + (int) (cornerX * cornerY)];
            m[0] = lines;
            m[corner] = cornerX;
            m[corner + 1] = cornerY;
            m[corner + 2] = minY;
            for (long x = 1; x <= cornerX; x++) {
                for (long y = minY; y < minY + cornerY; y++) {
                    m[corner + 3 + (int) ((x - 1) * cornerY + (y - minY))] = numbers(x, y)[k];
                }
            }
            int j = 0;
            for (List<Long> line : found) {
                m[1 + 2 * j] = line.get(0);
                m[2 + 2 * j] = line.get(1);
                j++;
            }
            List<long[]> corners = new ArrayList<>();
            for (int r = 0; r <= lines; r++) {
                // Where region r is at least three wide: its y at each x from the lines' values there.
                long[] lo = new long[(int) maxX + 1];
                long[] hi = new long[(int) maxX + 1];
                List<Long> wide = new ArrayList<>();
                double[] v = new double[lines];
                for (long x = 1; x <= maxX; x++) {
                    for (int q = 0; q < lines; q++) {
                        v[q] = m[1 + 2 * q] + m[2 + 2 * q] * x;
                    }
                    java.util.Arrays.sort(v);
                    long a = Math.max(x <= cornerX ? minY + cornerY : minY, r == 0 ? minY : (long) Math.floor(v[r - 1]) + 1);
                    long b = Math.min(maxY, r == lines ? maxY : (long) Math.floor(v[r]));
                    lo[(int) x] = a;
                    hi[(int) x] = b;
                    if (b - a >= 2 && Fn.region(m, x, a) == r && Fn.region(m, x, b) == r) {
                        wide.add(x);
                    }
                }
                if (wide.isEmpty()) {
                    // A region no x shows three wide: absent, or too narrow to fit; fitted as nothing, checked below.
                    if (wide.isEmpty() && hasPoint(m, r, maxX, minY, maxY, lo, hi)) {
                        return null;
                    }
                    continue;
                }
                if (wide.size() < 3) {
                    return null;
                }
                long[] xs = {wide.get(0), wide.get(wide.size() / 2), wide.get(wide.size() - 1)};
                double[][] g = new double[3][];
                double scale = 0;
                for (int i = 0; i < 3; i++) {
                    long x = xs[i];
                    long y0 = lo[(int) x];
                    long y2 = hi[(int) x];
                    long y1 = y0 + (y2 - y0) / 2;
                    double f0 = numbers(x, y0)[k];
                    double f1 = numbers(x, y1)[k];
                    double f2 = numbers(x, y2)[k];
                    scale = Math.max(scale, Math.max(Math.abs(f0), Math.max(Math.abs(f1), Math.abs(f2))));
                    g[i] = quadratic(f0, f1, f2, y0, y1, y2);
                    for (long y : new long[] {y0, y2}) {
                        corners.add(new long[] {x, y});
                    }
                }
                int at = 1 + 2 * lines + 9 * r;
                for (int t = 0; t < 3; t++) {
                    double[] c = quadratic(g[0][t], g[1][t], g[2][t], xs[0], xs[1], xs[2]);
                    for (int i = 0; i < 3; i++) {
                        m[at + 3 * i + t] = clean(c[i], scale);
                    }
                }
            }
            Fn fn = new Fn(new long[] {maxY}, new double[COEFFICIENTS], null, null, null, m);
            // Lines no three x showed would go unseen: the ring around the tabulated corner point by point, and a
            // grid of powers of two (and their neighbours) in x and y, where limits and log steps fall.
            for (long x = 1; x <= Math.min(cornerX + 4, maxX); x++) {
                for (long y = minY; y <= Math.min(minY + cornerY + 11, maxY); y++) {
                    if (x > cornerX || y >= minY + cornerY) {
                        corners.add(new long[] {x, y});
                    }
                }
            }
            for (long px = 1; px <= maxX; px *= 2) {
                for (long py = 1; py <= maxY; py *= 2) {
                    for (long y : new long[] {py - 1, py, py + 1}) {
                        if (y >= minY && y <= maxY) {
                            corners.add(new long[] {px, y});
                            corners.add(new long[] {Math.min(maxX, px + 1), y});
                        }
                    }
                }
            }
            SplittableRandom random = new SplittableRandom(17 + k);
            for (int q = 0; q < lines; q++) {
                for (long x : new long[] {1, 2, 3, maxX, 1 + random.nextLong(maxX), 1 + random.nextLong(maxX)}) {
                    long y = (long) Math.floor(m[1 + 2 * q] + m[2 + 2 * q] * x);
                    for (long dy = -1; dy <= 2; dy++) {
                        if (y + dy >= minY && y + dy <= maxY) {
                            corners.add(new long[] {x, y + dy});
                        }
                    }
                }
            }
            return miss(fn, k, corners) == null ? fn : null;
        }

        /**
         * The lines through the piece ends along y at x0, x0 + 1, x0 + 2 (an end at e, e + s, e + 2s: slope s), or
         * null where the three x do not have the same number of ends or an end lines up with none (a piece too narrow
         * there for its quadratic to be fitted inside it).
         */
        private List<List<Long>> linesAt(int k, long x0, long minY, long maxY) {
            if (x0 < 1) {
                return null;
            }
            long[][] at = new long[3][];
            for (int i = 0; i < 3; i++) {
                at[i] = endsAt(k, x0 + i, minY, maxY);
                if (at[i] == null) {
                    return null;
                }
            }
            if (at[1].length != at[0].length || at[2].length != at[0].length) {
                return null;
            }
            List<List<Long>> out = new ArrayList<>();
            for (long e : at[0]) {
                boolean lined = false;
                for (long slope : new long[] {0, -1, 1}) {
                    if (java.util.Arrays.binarySearch(at[1], e + slope) >= 0 && java.util.Arrays.binarySearch(at[2], e + 2 * slope) >= 0) {
                        out.add(List.of(e - slope * x0, slope));
                        lined = true;
                        break;
                    }
                }
                if (!lined) {
                    return null;
                }
            }
            return out;
        }

        /** Whether region r has any point of the domain (then it must be fitted). */
        private static boolean hasPoint(double[] m, int r, long maxX, long minY, long maxY, long[] lo, long[] hi) {
            for (long x = 1; x <= maxX; x++) {
                long a = lo[(int) x];
                long b = hi[(int) x];
                if (a <= b && (Fn.region(m, x, a) == r || Fn.region(m, x, b) == r)) {
                    return true;
                }
            }
            return false;
        }

        /** The ends of number k's quadratic pieces along y at one x (below maxY), ascending; null past {@value #MAX_PIECES}. */
        private long[] endsAt(int k, long x, long minY, long maxY) {
            List<Long> ends = new ArrayList<>();
            long start = minY;
            while (true) {
                long y1 = Math.min(start + 1, maxY);
                long y2 = Math.min(start + 2, maxY);
                double[] f = quadratic(numbers(x, start)[k], y1 == start ? Double.NaN : numbers(x, y1)[k],
                        y2 == y1 ? Double.NaN : numbers(x, y2)[k], start, y1, y2);
                long end = checkedEndAt(k, x, f, start, maxY);
                if (f[2] != 0 && end - start <= 2) {
                    f = quadratic(numbers(x, start)[k], numbers(x, y1)[k], Double.NaN, start, y1, y1);
                    end = checkedEndAt(k, x, f, start, maxY);
                }
                if (end == maxY) {
                    break;
                }
                ends.add(end);
                if (ends.size() > MAX_PIECES) {
                    return null;
                }
                start = end + 1;
            }
            return ends.stream().mapToLong(Long::longValue).toArray();
        }

        private long checkedEndAt(int k, long x, double[] f, long start, long maxY) {
            long end = lastFollowingAt(k, x, f, start, maxY);
            return checkedEnd(followsAt(k, x, f), start, end, (s0, hi) -> lastFollowingAt(k, x, f, s0, hi));
        }

        /** Whether number k at (x, y) is the quadratic f in y (whole numbers to rounding). */
        private java.util.function.LongPredicate followsAt(int k, long x, double[] f) {
            return y -> {
                double want = numbers(x, y)[k];
                double got = f[0] + y * (f[1] + f[2] * y);
                return close(want, got) || INTEGRAL[k % N] && close(want, Math.rint(got));
            };
        }

        private long lastFollowingAt(int k, long x, double[] f, long start, long maxY) {
            java.util.function.LongPredicate follows = followsAt(k, x, f);
            if (follows.test(maxY)) {
                return maxY;
            }
            return lastHolding(follows, start, maxY);
        }

        /** The least x of the domain with {@code t = x·y} for a y of the domain, or 0 where there is none. */
        private static long at(long t, long maxX, long minY, long maxY) {
            for (long x = Math.max(1, (t + maxY - 1) / maxY); x <= maxX && x * minY <= t; x++) {
                if (t % x == 0) {
                    return x;
                }
            }
            return 0;
        }

        private double valueAt(int k, long t, long maxX, long minY, long maxY) {
            long x = at(t, maxX, minY, maxY);
            return numbers(x, t / x)[k];
        }

        private static boolean quadraticInY(Fn fn) {
            for (int p = 0; p < fn.ends().length; p++) {
                if (fn.coef()[COEFFICIENTS * p + 4] != 0 || fn.coef()[COEFFICIENTS * p + 5] != 0) {
                    return true;
                }
            }
            return false;
        }

        /**
         * Numbers whose x-dependence the bilinear pieces miss (checked at maxX and two x between, at each
         * piece's ends) become tables of p(x), q(x) per piece, through each piece's first two y.
         */
        void tabulate(Fn[] fns, long maxX, long minY, long maxY, boolean moving) {
            SplittableRandom random = new SplittableRandom(3);
            long[] xs = {maxX, 3 + random.nextLong(Math.max(1, maxX - 2)), 3 + random.nextLong(Math.max(1, maxX - 2))};
            List<Integer> flagged = new ArrayList<>();
            java.util.Set<Long> ys = new java.util.TreeSet<>();
            for (int k = 0; k < fns.length; k++) {
                Fn fn = fns[k];
                if (fn == null || !fn.piecewise()) {
                    continue;
                }
                boolean miss = false;
                long start = minY;
                for (long end : fn.ends()) {
                    for (long x : xs) {
                        for (long y : new long[] {start, end}) {
                            if (x <= maxX) {
                                double want = numbers(x, y)[k];
                                double got = fn.at(x, y);
                                miss |= !close(want, got) && !close(want, Math.rint(got));
                            }
                        }
                    }
                    start = end + 1;
                }
                if (miss && moving) {
                    // A polynomial in x and y between lines that may move with x: no table to build, where it holds.
                    Fn other = moving(k, maxX, minY, maxY);
                    if (other != null) {
                        fns[k] = other;
                        continue;
                    }
                }
                if (miss && quadraticInY(fn)) {
                    // A table is affine in y per piece: a y² piece whose x-dependence is not bilinear stays as it is,
                    // and the check at built graphs refuses it by name.
                    continue;
                }
                if (miss) {
                    flagged.add(k);
                    start = minY;
                    for (long end : fn.ends()) {
                        ys.add(start);
                        ys.add(Math.min(start + 1, end));
                        start = end + 1;
                    }
                }
            }
            if (flagged.isEmpty()) {
                return;
            }
            double[][] tables = new double[fns.length][];
            for (int k : flagged) {
                tables[k] = new double[(int) (maxX + 1) * fns[k].ends().length * 2];
            }
            java.util.Map<Long, double[]> row = new java.util.HashMap<>();
            for (long x = 1; x <= maxX; x++) {
                row.clear();
                for (long y : ys) {
                    row.put(y, build(x, y));
                }
                for (int k : flagged) {
                    long[] ends = fns[k].ends();
                    long start = minY;
                    for (int p = 0; p < ends.length; p++) {
                        long y1 = Math.min(start + 1, ends[p]);
                        double v0 = row.get(start)[k];
                        double v1 = row.get(y1)[k];
                        double q = y1 == start ? 0 : v1 - v0;
                        int at = ((int) x * ends.length + p) * 2;
                        tables[k][at] = v0 - q * start;
                        tables[k][at + 1] = q;
                        start = ends[p] + 1;
                    }
                }
            }
            for (int k : flagged) {
                fns[k] = new Fn(fns[k].ends(), fns[k].coef(), tables[k]);
            }
        }
    }
}
