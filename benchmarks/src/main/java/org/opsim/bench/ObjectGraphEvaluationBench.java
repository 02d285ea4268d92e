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
import org.opsim.cost.Evaluation;
import org.opsim.cost.OpResult;
import org.opsim.graph.Engine;
import org.opsim.graph.Graph;
import org.opsim.graph.MatMul;
import org.opsim.graph.Precision;
import org.opsim.hardware.DeviceKind;
import org.opsim.hardware.EfficiencyTable;
import org.opsim.hardware.HardwareProfile;

/**
 * The plain object-graph evaluation: the baseline every faster path is measured against.
 *
 * <p>Inputs live in {@link State} fields (no constant folding) and results are returned (no dead-code
 * elimination). The graph is a Llama-3.1-8B-shaped decode step built in code so the benchmark
 * needs no files: 14 distinct ops (1 embedding, 11 decoder ops in a block repeated 32 times, 2 head
 * ops), i.e. 355 op executions; repeats are multiplied, never expanded, so 14 ops are costed.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ObjectGraphEvaluationBench {

    HardwareProfile h100;
    Graph decode;
    MatMul gemm;

    @Setup
    public void setup() {
        String src = "benchmark fixture (H100 SXM datasheet figures)";
        h100 = HardwareProfile.builder("h100-like").kind(DeviceKind.GPU).vendor("NVIDIA")
                .peak(Engine.MATRIX, Precision.BF16, 989.4e12, src)
                .peak(Engine.VECTOR, Precision.BF16, 133.8e12, src)
                .peak(Engine.VECTOR, Precision.FP32, 66.9e12, src)
                .memory(80e9, 3.35e12, src).onChipSramBytes(83e6, src).dispatchOverheadSeconds(4e-6, src)
                .interconnect(450e9, 2.5e-6, src).power(700, 90, src).pricePerChipHourUsd(6.88, src)
                .efficiency(EfficiencyTable.uniform(0.8, 0.85, src)).build();
        decode = Fixtures.llama8bDecode(16, 4096);
        gemm = new MatMul("gemm", 16, 4096, 4096, Precision.BF16);
    }

    @Benchmark
    public OpResult costOneMatmul() {
        return CostModel.cost(gemm, h100);
    }

    @Benchmark
    public Evaluation evaluateLlama8bDecodeStepOnH100() {
        return CostModel.evaluate(decode, h100);
    }
}
