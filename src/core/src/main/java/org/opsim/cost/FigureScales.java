package org.opsim.cost;

/**
 * Multipliers on a chip's figures for one evaluation of a compiled plan, so that a what-if or an
 * uncertainty sample ("HBM bandwidth ×1.1, price ×0.8") needs no recompile: {@link Plan#evaluate(PlanTotals,
 * FigureScales)}, {@link ParametricPlan#evaluate(long, long, FigureScales, PlanTotals)} and
 * {@link GenerationPlan#evaluate(long, long, long, FigureScales, PlanTotals)}. {@link #NONE} (every
 * multiplier 1) gives exactly the plan's own evaluation.
 *
 * <p>What each multiplies in the cost kernel (docs/cost-model.md §17.4):
 * <ul>
 * <li>{@code matrixPeak}, {@code vectorPeak}: the engines' peak FLOP/s;</li>
 * <li>{@code computeEfficiency}, {@code memoryEfficiency}: the efficiency an on-chip op runs at (after the
 *   curve, the stack's factors and the GEMM configuration), capped at 1; a collective's link efficiency is
 *   not scaled (scale {@code linkBandwidth});</li>
 * <li>{@code memoryBandwidth}: main-memory bytes per second; {@code onChipBandwidth}: the on-chip level's;</li>
 * <li>{@code clock}: the sustained clock, so per-unit caps (bytes per unit-cycle) × it, row chains and
 *   overheads given in cycles ÷ it; the peaks are figures of their own, not scaled by it (a throttled clock
 *   is {@code clock} and both peaks × the same factor);</li>
 * <li>{@code overhead}: every op's fixed overhead (a host fallback's: its dispatch and the host link's
 *   latency) and the stack's per-call floor (seconds);</li>
 * <li>{@code linkBandwidth}, {@code linkLatency}: the chip-to-chip link; an all-reduce's ring-or-tree
 *   choice is made again with the scaled link;</li>
 * <li>{@code price}: the hourly price; {@code power}: every power figure (idle and TDP watts, joules per
 *   FLOP and per byte), so the joules of a run × it exactly.</li>
 * </ul>
 * Held as compiled (not scaled): which GEMM configuration the library picks (chosen at the profiled
 * efficiencies), on-chip capacity and which bytes stay on chip, a host fallback's transfer and host compute
 * rates.
 *
 * @throws IllegalArgumentException if a multiplier is not a finite number above 0 (named)
 */
public record FigureScales(double matrixPeak, double vectorPeak, double computeEfficiency, double memoryEfficiency,
                           double memoryBandwidth, double onChipBandwidth, double clock, double overhead,
                           double linkBandwidth, double linkLatency, double price, double power) {

    /** Every figure as profiled. */
    public static final FigureScales NONE = new FigureScales(1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1);

    public FigureScales {
        check("matrixPeak", matrixPeak);
        check("vectorPeak", vectorPeak);
        check("computeEfficiency", computeEfficiency);
        check("memoryEfficiency", memoryEfficiency);
        check("memoryBandwidth", memoryBandwidth);
        check("onChipBandwidth", onChipBandwidth);
        check("clock", clock);
        check("overhead", overhead);
        check("linkBandwidth", linkBandwidth);
        check("linkLatency", linkLatency);
        check("price", price);
        check("power", power);
    }

    private static void check(String name, double v) {
        if (!(v > 0) || Double.isInfinite(v)) {
            throw new IllegalArgumentException("figure scale " + name + " must be a finite number above 0, got " + v);
        }
    }

    /** Whether every multiplier is 1. */
    public boolean none() {
        return equals(NONE);
    }

    public FigureScales withMatrixPeak(double v) {
        return new FigureScales(v, vectorPeak, computeEfficiency, memoryEfficiency, memoryBandwidth, onChipBandwidth, clock,
                overhead, linkBandwidth, linkLatency, price, power);
    }

    public FigureScales withVectorPeak(double v) {
        return new FigureScales(matrixPeak, v, computeEfficiency, memoryEfficiency, memoryBandwidth, onChipBandwidth, clock,
                overhead, linkBandwidth, linkLatency, price, power);
    }

    public FigureScales withComputeEfficiency(double v) {
        return new FigureScales(matrixPeak, vectorPeak, v, memoryEfficiency, memoryBandwidth, onChipBandwidth, clock,
                overhead, linkBandwidth, linkLatency, price, power);
    }

    public FigureScales withMemoryEfficiency(double v) {
        return new FigureScales(matrixPeak, vectorPeak, computeEfficiency, v, memoryBandwidth, onChipBandwidth, clock,
                overhead, linkBandwidth, linkLatency, price, power);
    }

    public FigureScales withMemoryBandwidth(double v) {
        return new FigureScales(matrixPeak, vectorPeak, computeEfficiency, memoryEfficiency, v, onChipBandwidth, clock,
                overhead, linkBandwidth, linkLatency, price, power);
    }

    public FigureScales withOnChipBandwidth(double v) {
        return new FigureScales(matrixPeak, vectorPeak, computeEfficiency, memoryEfficiency, memoryBandwidth, v, clock,
                overhead, linkBandwidth, linkLatency, price, power);
    }

    public FigureScales withClock(double v) {
        return new FigureScales(matrixPeak, vectorPeak, computeEfficiency, memoryEfficiency, memoryBandwidth, onChipBandwidth, v,
                overhead, linkBandwidth, linkLatency, price, power);
    }

    public FigureScales withOverhead(double v) {
        return new FigureScales(matrixPeak, vectorPeak, computeEfficiency, memoryEfficiency, memoryBandwidth, onChipBandwidth,
                clock, v, linkBandwidth, linkLatency, price, power);
    }

    public FigureScales withLinkBandwidth(double v) {
        return new FigureScales(matrixPeak, vectorPeak, computeEfficiency, memoryEfficiency, memoryBandwidth, onChipBandwidth,
                clock, overhead, v, linkLatency, price, power);
    }

    public FigureScales withLinkLatency(double v) {
        return new FigureScales(matrixPeak, vectorPeak, computeEfficiency, memoryEfficiency, memoryBandwidth, onChipBandwidth,
                clock, overhead, linkBandwidth, v, price, power);
    }

    public FigureScales withPrice(double v) {
        return new FigureScales(matrixPeak, vectorPeak, computeEfficiency, memoryEfficiency, memoryBandwidth, onChipBandwidth,
                clock, overhead, linkBandwidth, linkLatency, v, power);
    }

    public FigureScales withPower(double v) {
        return new FigureScales(matrixPeak, vectorPeak, computeEfficiency, memoryEfficiency, memoryBandwidth, onChipBandwidth,
                clock, overhead, linkBandwidth, linkLatency, price, v);
    }
}
