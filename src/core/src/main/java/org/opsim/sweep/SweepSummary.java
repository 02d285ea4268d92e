package org.opsim.sweep;

import java.util.List;
import java.util.Map;

/**
 * What a sweep did: every point is either a row written or a skip with its reason.
 *
 * @param points configurations in the sweep: workloads × profiles
 * @param skippedByReason skips per reason (a tensor-parallel degree that does not divide the heads,
 *     a chip without the memory, a precision it cannot run), most frequent first
 * @param frontier the rows on the Pareto frontier of {@code x} and {@code y}, by increasing x
 *     (rows that do not fit in memory never join it)
 * @param costedByGraph the variants (phase, weights, TP, profile) whose workloads were costed by building each
 *     graph rather than by a workload-parametric plan, each with why (training; a model or chip refusing the
 *     variant; a plan refused at compile, named)
 */
public record SweepSummary(long points, long rowsWritten, long skipped, Map<String, Long> skippedByReason,
                           double seconds, Metric x, Metric y, List<SweepRow> frontier, List<String> costedByGraph) {

    public SweepSummary {
        skippedByReason = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(skippedByReason));
        frontier = List.copyOf(frontier);
        costedByGraph = List.copyOf(costedByGraph);
    }
}
