package org.opsim.cost;

import java.util.ArrayList;
import java.util.List;
import org.opsim.graph.Block;
import org.opsim.graph.Graph;
import org.opsim.graph.Op;
import org.opsim.graph.Stage;
import org.opsim.hardware.HardwareProfile;

/**
 * The object API of the cost model (formulas: {@code docs/cost-model.md}): a graph or an op costed
 * on a chip, with per-op results. Everything here lowers the graph once and runs the one cost
 * kernel the compiled {@link Plan} runs, so the object API and the plan cannot disagree. Stateless:
 * safe to call from any number of threads.
 */
public final class CostModel {

    private CostModel() {
    }

    /** Costs one execution of {@code graph} on {@code profile}, op by op. */
    public static Evaluation evaluate(Graph graph, HardwareProfile profile) {
        return Plan.compile(graph, profile).evaluation();
    }

    /** Costs a single execution of one op (a composite must be lowered first: see {@link Op#lower()}). */
    public static OpResult cost(Op op, HardwareProfile profile) {
        requireLowered(op);
        Graph g = new Graph(op.name(), List.of(new Block("-", Stage.FORWARD, 1, List.of(op))));
        return evaluate(g, profile).ops().get(0);
    }

    /**
     * The latency of one execution of each of {@code ops} on {@code profile}, in order (a composite
     * op's is the sum of its parts): one lowering for all of them, for callers that cost many
     * independent ops (validation against measurements, calibration).
     */
    public static double[] latencies(List<? extends Op> ops, HardwareProfile profile) {
        return latencies(ops, profile, MemoryState.IN_GRAPH);
    }

    /**
     * As {@link #latencies(List, HardwareProfile)}, each op in {@code state} ({@link MemoryState#WARM}:
     * timed alone in a loop, as the measurements calibration fits are).
     */
    public static double[] latencies(List<? extends Op> ops, HardwareProfile profile, MemoryState state) {
        if (ops.isEmpty()) {
            return new double[0];
        }
        Graph g = new Graph("ops", List.of(new Block("-", Stage.FORWARD, 1, new ArrayList<Op>(ops))));
        Plan plan = Plan.compile(g, profile, state);
        double[] parts = new double[plan.operationCount()];
        plan.latencies(parts);
        double[] out = new double[ops.size()];
        int j = 0;
        for (int i = 0; i < out.length; i++) {
            int n = ops.get(i).lower().size();
            double sum = 0;
            for (int k = 0; k < n; k++) {
                sum += parts[j++];
            }
            out[i] = Finite.check(ops.get(i).name() + " latencySeconds", sum);
        }
        return out;
    }

    private static void requireLowered(Op op) {
        List<Op> parts = op.lower();
        if (parts.size() != 1 || parts.get(0) != op) {
            throw new IllegalArgumentException(op.name() + ": a composite op must be lowered before costing");
        }
    }
}
