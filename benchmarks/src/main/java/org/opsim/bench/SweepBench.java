package org.opsim.bench;

import java.io.IOException;
import java.io.Writer;
import java.util.List;
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
import org.openjdk.jmh.infra.Blackhole;
import org.opsim.graph.Graph;
import org.opsim.graph.Precision;
import org.opsim.model.Model;
import org.opsim.model.Workload;
import org.opsim.sweep.RowFormat;
import org.opsim.sweep.Sweep;
import org.opsim.sweep.SweepSpace;
import org.opsim.sweep.SweepSummary;

/**
 * How long does a 1,048,576-configuration Llama-3.1-70B decode sweep take: 2 profiles (H100,
 * Trainium2) × batch 1..512 × context 256..32768 step 256 (128 values) × weights bf16, fp8 × TP 1,
 * 2, 4, 8, every configuration costed and formatted as a CSV row (oversized ones kept, so none is
 * skipped), written to a null writer so the disk is not measured; and the same into a null sink (costed,
 * not formatted). One shot per iteration (each run
 * compiles its 16 × 2 workload-parametric plans again); threads in {@link Param} (1: the rate per core).
 * Also: what building one decode graph costs, the part the sweep no longer pays per configuration.
 */
@State(Scope.Benchmark)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(1)
public class SweepBench {

    @Param({"1", "2"})
    int threads;

    Sweep sweep;
    Model llama;
    Workload step;

    @Setup
    public void setup() {
        llama = Fixtures.llama70b();
        step = Fixtures.llama70bDecodeStep();
        SweepSpace space = SweepSpace.builder()
                .batches(range(1, 512, 1)).lengths(range(256, 32768, 256))
                .weights(Precision.BF16, Precision.FP8).tensorParallel(1, 2, 4, 8)
                .build();
        sweep = Sweep.builder(llama, space, List.of(Fixtures.profile("nvidia-h100-sxm"), Fixtures.profile("aws-trainium2")))
                .threads(threads).keepOversized(true).build();
        if (sweep.points() != 1_048_576) {
            throw new IllegalStateException("expected 1,048,576 points, got " + sweep.points());
        }
    }

    @Benchmark
    @BenchmarkMode(Mode.SingleShotTime)
    @Warmup(iterations = 2)
    @Measurement(iterations = 3)
    public SweepSummary sweepLlama70bMillionConfigurations() throws IOException {
        SweepSummary s = sweep.run(Writer.nullWriter(), RowFormat.CSV);
        if (s.rowsWritten() != 1_048_576) {
            throw new IllegalStateException("rows " + s.rowsWritten());
        }
        return s;
    }

    /**
     * The same sweep into a null sink: every configuration costed and handed over as a {@code SweepRow}
     * (in order, on the calling thread), none formatted. The rate per core is
     * 1,048,576 ÷ (this time × threads).
     */
    @Benchmark
    @BenchmarkMode(Mode.SingleShotTime)
    @Warmup(iterations = 2)
    @Measurement(iterations = 3)
    public SweepSummary sweepLlama70bMillionConfigurationsIntoNullSink(Blackhole hole) {
        SweepSummary s = sweep.run(hole::consume);
        if (s.rowsWritten() != 1_048_576) {
            throw new IllegalStateException("rows " + s.rowsWritten());
        }
        return s;
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    @Warmup(iterations = 3, time = 1)
    @Measurement(iterations = 5, time = 1)
    public Graph buildLlama70bDecodeGraph() {
        return llama.graph(step);
    }

    private static long[] range(long from, long to, long step) {
        long[] out = new long[(int) ((to - from) / step + 1)];
        for (int i = 0; i < out.length; i++) {
            out[i] = from + i * step;
        }
        return out;
    }
}
