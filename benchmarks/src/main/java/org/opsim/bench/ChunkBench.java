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
import org.opsim.cost.ChunkPlan;
import org.opsim.cost.Plan;
import org.opsim.cost.PlanTotals;
import org.opsim.hardware.HardwareProfile;
import org.opsim.model.Model;
import org.opsim.model.Workload;

/**
 * What a serving engine's step asks for beyond a decode step at equal contexts: a prefill chunk at a new chunk
 * length and cached prefix each call (Llama-3.1-70B, bf16, TP 8, one sequence; chunks 1..8192 after 0..131072
 * cached), the chunk plan against building the chunk's graph and updating a plan with it; and a decode batch of
 * sequences at their own contexts for a model with sliding windows, where the sum of the contexts does not fix
 * the step (gpt-oss-120b, 128-token windows on every other layer, batch 1..256 at contexts 1..131072).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ChunkBench {

    @Param({"nvidia-h100-sxm", "aws-trainium2"})
    String profile;

    ChunkPlan chunks;
    Plan sweeping;
    Model model;
    Workload like;
    PlanTotals totals;
    long[] chunkTokens;
    long[] cachedTokens;
    int point;
    org.opsim.cost.ParametricPlan windowed;
    long[][] contexts;
    int[] counts;

    @Setup
    public void setup() {
        HardwareProfile chip = Fixtures.profile(profile);
        model = Fixtures.llama70b();
        like = Workload.prefill(1, 1).withTensorParallel(8);
        chunks = Opsim.chunkPlan(model, like, chip, 8192, 131072);
        sweeping = Plan.compile(model.graph(Opsim.prefillChunk(like, 1, 2048, 4096)), chip);
        totals = new PlanTotals();
        SplittableRandom r = new SplittableRandom(5);
        chunkTokens = new long[4096];
        cachedTokens = new long[4096];
        for (int i = 0; i < chunkTokens.length; i++) {
            chunkTokens[i] = 1 + r.nextLong(8192);
            cachedTokens[i] = r.nextLong(131073);
        }
        windowed = Opsim.decodePlan(Opsim.model("gpt-oss-120b"), Workload.decode(1, 1), chip, 256, 131072);
        contexts = new long[256][256];
        counts = new int[256];
        for (int i = 0; i < contexts.length; i++) {
            counts[i] = 1 + r.nextInt(256);
            for (int s = 0; s < 256; s++) {
                contexts[i][s] = 1 + r.nextLong(131072);
            }
        }
    }

    /** A windowed model's decode batch (1..256 sequences) at each sequence's own context (1..131072). */
    @Benchmark
    public double windowedDecodeBatchAtEachContext() {
        int i = point++ & 255;
        windowed.evaluateContexts(contexts[i], counts[i], totals);
        return totals.latencySeconds();
    }

    /** A chunk of a new length after a new cached prefix, from the chunk plan. */
    @Benchmark
    public double chunkAtNewLengthAndCache() {
        int i = point++ & 4095;
        chunks.evaluate(chunkTokens[i], cachedTokens[i], totals);
        return totals.latencySeconds();
    }

    /** A fixed 2,048-token budget (the chunk length repeats) after a new cached prefix. */
    @Benchmark
    public double chunkOf2048AfterNewCache() {
        int i = point++ & 4095;
        chunks.evaluate(2048, cachedTokens[i], totals);
        return totals.latencySeconds();
    }

    /** The path it replaces: build the chunk's graph, update a plan with it, evaluate. */
    @Benchmark
    public double buildUpdateAndEvaluateChunk() {
        int i = point++ & 4095;
        sweeping.update(model.graph(Opsim.prefillChunk(like, 1, chunkTokens[i], cachedTokens[i])));
        sweeping.evaluate(totals);
        return totals.latencySeconds();
    }
}
