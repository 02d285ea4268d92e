package org.opsim.bench;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.opsim.Opsim;
import org.opsim.cost.GenerationPlan;
import org.opsim.cost.Plan;
import org.opsim.cost.PlanTotals;
import org.opsim.hardware.HardwareProfile;
import org.opsim.model.Model;
import org.opsim.model.Workload;

/**
 * A full Llama-3.1-70B generation (bf16, TP 8) costed as a new what-if: the closed-form generation plan
 * ({@code Opsim.generationPlan}: prefill plan + the decode steps summed over their contexts) against the path
 * it replaces (build the generation's graph, update a plan with it, evaluate), side by side in one run. The
 * fixed case is the (batch 8, 1024 + 256); the random one draws batch 1..64, prompt 1..8192 and
 *  generated tokens 17..8192 each call (17 and more: the generation graph then keeps
 * one structure, 16 context segments, so a plan can be updated with it).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class GenerationBench {

    @Param({"nvidia-h100-sxm", "aws-trainium2"})
    String profile;

    Model llama;
    Workload like;
    GenerationPlan generation;
    Plan built;
    PlanTotals totals;
    long[] batches;
    long[] prompts;
    long[] generated;
    int point;

    @Setup
    public void setup() {
        HardwareProfile chip = Fixtures.profile(profile);
        llama = Fixtures.llama70b();
        like = Fixtures.llama70bDecodeStep();
        generation = Opsim.generationPlan(llama, like, chip, 64, 8192, 8192);
        built = Plan.compile(llama.graph(generationWorkload(8, 1024, 256)), chip);
        totals = new PlanTotals();
        SplittableRandom r = new SplittableRandom(2);
        batches = new long[4096];
        prompts = new long[4096];
        generated = new long[4096];
        for (int i = 0; i < batches.length; i++) {
            batches[i] = 1 + r.nextLong(64);
            prompts[i] = 1 + r.nextLong(8192);
            generated[i] = 17 + r.nextLong(8176);
        }
    }

    private Workload generationWorkload(long batch, long prompt, long tokens) {
        return new Workload(Workload.Phase.GENERATION, batch, prompt, tokens, like.precisions(), like.tensorParallel(), false,
                like.attentionForm());
    }

    /** Batch 8, 1024-token prompts, 256 tokens generated: the closed-form plan. */
    @Benchmark
    public double generationPlanLlama70bBatch8At1024Plus256() {
        generation.evaluate(8, 1024, 256, totals);
        return totals.latencySeconds();
    }

    /** The same generation by the path it replaces: build its graph, update a plan, evaluate. */
    @Benchmark
    public double buildUpdateAndEvaluateGenerationLlama70bBatch8At1024Plus256() {
        built.update(llama.graph(generationWorkload(8, 1024, 256)));
        built.evaluate(totals);
        return totals.latencySeconds();
    }

    /** A new generation each call (batch, prompt and tokens drawn): the closed-form plan. */
    @Benchmark
    public double generationPlanAtNewWorkload() {
        int i = point++ & 4095;
        generation.evaluate(batches[i], prompts[i], generated[i], totals);
        return totals.latencySeconds();
    }

    /** The path it replaces, at the same draws. */
    @Benchmark
    public double buildUpdateAndEvaluateGenerationAtNewWorkload() {
        int i = point++ & 4095;
        built.update(llama.graph(generationWorkload(batches[i], prompts[i], generated[i])));
        built.evaluate(totals);
        return totals.latencySeconds();
    }
}
