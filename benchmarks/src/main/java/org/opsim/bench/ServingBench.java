package org.opsim.bench;

import java.util.Optional;
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
import org.opsim.deploy.SystemProfile;
import org.opsim.graph.Precision;
import org.opsim.model.Precisions;
import org.opsim.model.Workload;
import org.opsim.serve.Pool;
import org.opsim.serve.RequestLoad;
import org.opsim.serve.ServingDeployment;
import org.opsim.serve.ServingResult;
import org.opsim.serve.ServingSimulator;

/**
 * A serving simulation of 1,000 requests (docs/serving.md): Llama-3.1-70B fp8 on four H100s of an HGX board under
 * vLLM's serving engine, a closed loop of 1,000 requests of 1,024 + 1,024 tokens at 16 and 64 concurrent clients
 * (about 65,000 and 17,000 steps), the clients starting together or as a benchmark does (the first wave together,
 * the rest in the spread steady state: a second simulation of its own), from compiled plans; the plans' compilation
 * is in the setup, not measured.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ServingBench {

    @Param({"16", "64"})
    int concurrency;

    /** How the clients start: all together (the simulator's plain closed loop) or as a benchmark does (the default). */
    @Param({"together", "benchmark"})
    String start;

    ServingSimulator sim;
    RequestLoad load;

    @Setup
    public void setup() {
        var st = Opsim.catalogue().servingStack("vllm");
        SystemProfile hgx = Opsim.system("hgx-h100");
        hgx = hgx.withChip(hgx.chip().withStack(st.stack()));
        Workload like = Workload.decode(1, 1).withPrecisions(Precisions.all(Precision.FP8));
        ServingDeployment d = ServingDeployment.aggregated(hgx, st.stack().serving().orElseThrow(), new Pool(1, 4));
        sim = ServingSimulator.prepare(Fixtures.llama70b(), like, d, 1024, 1024, Optional.empty());
        load = RequestLoad.closed(concurrency, 1024, 1024, 1000).withStart(RequestLoad.Start.parse(start));
    }

    @Benchmark
    public ServingResult thousandRequests() {
        return sim.run(load);
    }
}
