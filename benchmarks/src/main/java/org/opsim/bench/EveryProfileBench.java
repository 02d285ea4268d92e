package org.opsim.bench;

import java.util.List;
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
import org.opsim.cost.Plan;
import org.opsim.cost.PlanTotals;
import org.opsim.graph.Graph;
import org.opsim.hardware.HardwareProfile;

/**
 * How fast is the Llama-3.1-70B decode step costed on every shipped profile (every file in
 * hardware-profiles/, read at setup), compiled plans against object graphs, in one run.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class EveryProfileBench {

    List<HardwareProfile> profiles;
    Graph step;
    List<Plan> plans;
    PlanTotals totals;

    @Setup
    public void setup() {
        profiles = Fixtures.everyProfile();
        step = Fixtures.llama70b().graph(Fixtures.llama70bDecodeStep());
        plans = Plan.compile(step, profiles);
        totals = new PlanTotals();
    }

    @Benchmark
    public double evaluateLlama70bDecodeStepCompiledOnEveryProfile() {
        double sum = 0;
        for (Plan p : plans) {
            p.evaluate(totals);
            sum += totals.latencySeconds();
        }
        return sum;
    }

    @Benchmark
    public double evaluateLlama70bDecodeStepObjectGraphOnEveryProfile() {
        double sum = 0;
        for (HardwareProfile p : profiles) {
            sum += CostModel.evaluate(step, p).total().latencySeconds();
        }
        return sum;
    }
}
