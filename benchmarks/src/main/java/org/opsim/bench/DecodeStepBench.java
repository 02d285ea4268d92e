package org.opsim.bench;

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
import java.util.SplittableRandom;
import org.opsim.Opsim;
import org.opsim.cost.CostModel;
import org.opsim.cost.Evaluation;
import org.opsim.cost.ParametricPlan;
import org.opsim.cost.Plan;
import org.opsim.cost.PlanTotals;
import org.opsim.graph.Graph;
import org.opsim.hardware.HardwareProfile;
import org.opsim.model.Model;
import org.opsim.model.Workload;

/**
 * How fast is one Llama-3.1-70B decode step (batch 64, context 4096, bf16, TP 8: 18 ops) costed on
 * one chip, compiled against object graph, side by side in one run; and what a sweep pays per point
 * when only the context changes (update the plan's shapes in place, then evaluate); and a step at a new
 * batch and context each call, as a serving simulator asks for it: a workload-parametric plan against
 * building the step's graph and updating a plan with it.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class DecodeStepBench {

    @Param({"nvidia-h100-sxm", "aws-trainium2"})
    String profile;

    HardwareProfile chip;
    Graph step;
    Plan plan;
    PlanTotals totals;
    Graph[] contexts;
    Plan sweeping;
    int next;
    /** Decode steps at random batches 1..1024 and contexts 1..131072, one per call. */
    long[] batches;
    long[] contextLengths;
    long[] contextSums;
    org.opsim.cost.FigureScales[] samples;
    final org.opsim.cost.FigureScales scales = org.opsim.cost.FigureScales.NONE.withMemoryBandwidth(1.1).withMatrixPeak(0.9).withPrice(0.8);
    ParametricPlan parametric;
    Model model;
    Workload like;
    int point;

    @Setup
    public void setup() {
        chip = Fixtures.profile(profile);
        Model llama = Fixtures.llama70b();
        Workload w = Fixtures.llama70bDecodeStep();
        step = llama.graph(w);
        plan = Plan.compile(step, chip);
        totals = new PlanTotals();
        contexts = new Graph[] {step, llama.graph(new Workload(w.phase(), w.batch(), w.sequenceLength() + 1, 0,
                w.precisions(), w.tensorParallel(), false, w.attentionForm()))};
        sweeping = Plan.compile(step, chip);
        model = llama;
        like = w;
        parametric = Opsim.decodePlan(llama, w, chip, 1024, 131072);
        SplittableRandom r = new SplittableRandom(1);
        batches = new long[4096];
        contextLengths = new long[4096];
        for (int i = 0; i < batches.length; i++) {
            batches[i] = 1 + r.nextLong(1024);
            contextLengths[i] = 1 + r.nextLong(131072);
        }
        samples = new org.opsim.cost.FigureScales[64];
        for (int i = 0; i < samples.length; i++) {
            samples[i] = org.opsim.cost.FigureScales.NONE.withMemoryBandwidth(0.85 + 0.3 * r.nextDouble())
                    .withMatrixPeak(0.85 + 0.3 * r.nextDouble());
        }
        contextSums = new long[4096];
        for (int i = 0; i < contextSums.length; i++) {
            for (long s = 0; s < batches[i]; s++) {
                contextSums[i] += 1 + r.nextLong(131072);
            }
        }
    }

    @Benchmark
    public double evaluateLlama70bDecodeStepCompiled() {
        plan.evaluate(totals);
        return totals.latencySeconds();
    }

    @Benchmark
    public Evaluation evaluateLlama70bDecodeStepObjectGraph() {
        return CostModel.evaluate(step, chip);
    }

    /** A sweep's inner step: the next context length's graph (built beforehand) into the plan, then evaluate. */
    @Benchmark
    public double updateAndEvaluateLlama70bDecodeStepCompiled() {
        sweeping.update(contexts[next++ & 1]);
        sweeping.evaluate(totals);
        return totals.latencySeconds();
    }

    /** The serving simulator's inner step: a decode step at a new batch and context, from the parametric plan. */
    @Benchmark
    public double parametricDecodeStepAtNewBatchAndContext() {
        int i = point++ & 4095;
        parametric.evaluate(batches[i], contextLengths[i], totals);
        return totals.latencySeconds();
    }

    /**
     * An uncertainty sample's step: the same plan at a new batch and context with the chip's figures scaled
     * ({@code FigureScales}: HBM bandwidth ×1.1, matrix peak ×0.9, price ×0.8), so every op is derived and costed.
     */
    @Benchmark
    public double parametricDecodeStepWithScaledFigures() {
        int i = point++ & 4095;
        parametric.evaluate(batches[i], contextLengths[i], scales, totals);
        return totals.latencySeconds();
    }

    /**
     * Monte Carlo at one workload: the step at batch 64, context 4096 with a new set of scaled figures each
     * call (64 sets, memory bandwidth and matrix peak ×0.85..1.15): the batch-only ops are not derived again.
     */
    @Benchmark
    public double parametricDecodeStepAtOneWorkloadWithNewScaledFigures() {
        parametric.evaluate(64, 4096, samples[point++ & 63], totals);
        return totals.latencySeconds();
    }

    /**
     * A serving engine's decode batch: a new batch of sequences each at its own context (1..131072), costed
     * by the sum of their contexts ({@code ParametricPlan.evaluateSum}).
     */
    @Benchmark
    public double parametricDecodeStepAtNewBatchAndContextSum() {
        int i = point++ & 4095;
        parametric.evaluateSum(batches[i], contextSums[i], totals);
        return totals.latencySeconds();
    }

    /** The path it replaces: build the step's graph at the new batch and context, update a plan with it, evaluate. */
    @Benchmark
    public double buildUpdateAndEvaluateDecodeStepAtNewBatchAndContext() {
        int i = point++ & 4095;
        sweeping.update(model.graph(Opsim.decodeStep(like, batches[i], contextLengths[i])));
        sweeping.evaluate(totals);
        return totals.latencySeconds();
    }
}
