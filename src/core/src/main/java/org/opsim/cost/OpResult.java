package org.opsim.cost;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.opsim.graph.Engine;
import org.opsim.graph.Op;
import org.opsim.graph.Precision;
import org.opsim.graph.Stage;

/**
 * The cost of one op on one chip. Per-execution figures describe a single run; {@link #totals()}
 * multiplies by {@code count}, the number of times the op runs per graph execution (its block's
 * repeat).
 *
 * @param block name of the block the op belongs to
 * @param stage the stage of that block (prefill, decode, forward, ...)
 * @param engine the engine the op's main work ran on ({@code HOST} for a host fallback)
 * @param precision the precision it ran at after any fallback (empty for collectives)
 * @param computeSeconds the slowest engine's FLOPs ÷ (peak × efficiency), before penalties (a host
 *     fallback: the host's compute time)
 * @param memorySeconds bytes ÷ (bandwidth × efficiency), before penalties (a host fallback: the transfer)
 * @param linkSeconds a collective's link time, or a host fallback's transfer + host compute time × penalty
 * @param overheadSeconds dispatch overhead (plus host latency for a host fallback)
 * @param latencySeconds one execution, all terms combined
 * @param peakFlopsPerSecond sum of the peaks of the engines the op used, each at the precision it ran
 *     (host FLOP/s for a host fallback; 0 for collectives and FLOP-free ops)
 * @param isNative whether the chip runs this op kind natively
 * @param notes precision and native-support fallbacks that applied
 */
public record OpResult(String block, Stage stage, Op op, long count, Engine engine, Optional<Precision> precision,
                       Bound bound, double computeSeconds, double memorySeconds, double linkSeconds,
                       double overheadSeconds, double latencySeconds, double energyJoules, double costUsd,
                       double peakFlopsPerSecond, boolean isNative, List<Note> notes) {

    public OpResult {
        Objects.requireNonNull(stage, "stage");
        Finite.check(op.name() + " latencySeconds", latencySeconds);
        Finite.check(op.name() + " energyJoules", energyJoules);
        Finite.check(op.name() + " costUsd", costUsd);
        notes = List.copyOf(notes);
    }

    /** FLOPs ÷ latency of one execution; 0 for zero-time ops. */
    public double achievedFlopsPerSecond() {
        return latencySeconds > 0 ? op.flops() / latencySeconds : 0.0;
    }

    /** Achieved ÷ {@link #peakFlopsPerSecond()}; 0 when the op used no FLOP engine. */
    public double fractionOfPeak() {
        return peakFlopsPerSecond > 0 && latencySeconds > 0 ? op.flops() / (latencySeconds * peakFlopsPerSecond) : 0.0;
    }

    /** One execution as additive totals. */
    public Totals perExecution() {
        return new Totals(latencySeconds, op.flops(), op.bytes(), energyJoules, costUsd, latencySeconds * peakFlopsPerSecond);
    }

    /** All {@code count} executions. */
    public Totals totals() {
        return perExecution().times(count);
    }
}
