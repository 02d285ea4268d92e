package org.opsim.bench;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.opsim.cost.CostModel;
import org.opsim.cost.OpResult;
import org.opsim.cost.Plan;
import org.opsim.cost.PlanTotals;
import org.opsim.graph.Graph;
import org.opsim.graph.MatMul;
import org.opsim.graph.Precision;
import org.opsim.hardware.HardwareProfile;

/**
 * What does costing one operator take: a one-op compiled plan against {@code CostModel.cost} on the
 * same matmul (16 × 4096 × 4096, bf16) and the shipped H100 profile (wave model, multi-point
 * curves). Inputs are {@link State} fields (no constant folding); results are returned (no dead
 * code). The plan's figure includes its fixed per-evaluation work (clearing the per-bound sums,
 * the finiteness check); the per-op cost inside a larger plan is the decode step's time ÷ its ops.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class OperatorEvaluationBench {

    HardwareProfile h100;
    MatMul gemm;
    Plan plan;
    PlanTotals totals;

    @Setup
    public void setup() {
        h100 = Fixtures.profile("nvidia-h100-sxm");
        gemm = new MatMul("gemm", 16, 4096, 4096, Precision.BF16);
        plan = Plan.compile(Graph.builder("one matmul").block("b", 1, gemm).build(), h100);
        totals = new PlanTotals();
    }

    @Benchmark
    public double evaluateOneMatmulCompiled() {
        plan.evaluate(totals);
        return totals.latencySeconds();
    }

    @Benchmark
    public OpResult costOneMatmulObjectGraph() {
        return CostModel.cost(gemm, h100);
    }
}
