package org.opsim.cost;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;
import org.opsim.Opsim;
import org.opsim.Repo;
import org.opsim.cost.CostModel;
import org.opsim.graph.Engine;
import org.opsim.graph.Graph;
import org.opsim.graph.MatMul;
import org.opsim.graph.Precision;
import org.opsim.hardware.DeviceKind;
import org.opsim.hardware.EfficiencyTable;
import org.opsim.hardware.HardwareProfile;
import org.opsim.io.InputException;
import org.opsim.model.Workload;
import org.opsim.model.transformer.TransformerModel;

/** Updating a plan in place for a sweep's next point, its rich view, and what it allocates. */
class PlanUpdateTest {
    private static final TransformerModel LLAMA70B =
            Repo.transformer("llama-3.1-70b");
    private static final HardwareProfile H100 = Opsim.profile("nvidia-h100-sxm");

    private static Graph decode(long batch, long context, int tp) {
        return LLAMA70B.graph(Workload.decode(batch, context).withTensorParallel(tp));
    }

    @Test
    void anotherBatchAndContextRewritesTheShapesInPlace() {
        Plan plan = Plan.compile(decode(1, 1024, 1), H100);
        Graph next = decode(64, 32768, 1);
        assertTrue(plan.update(next), "same ops, new shapes: the fast path");
        assertSame(next, plan.graph());
        PlanTotals t = new PlanTotals();
        plan.evaluate(t);
        PlanMatchesCostModelTest.assertSame(CostModel.evaluate(next, H100).total(), t, "after update");
    }

    @Test
    void anotherTensorParallelDegreeIsANewStructureAndIsLoweredAfresh() {
        Plan plan = Plan.compile(decode(8, 4096, 1), H100);
        Graph tp8 = decode(8, 4096, 8);
        assertFalse(plan.update(tp8), "TP 8 adds all-reduces: a different structure");
        PlanTotals t = new PlanTotals();
        plan.evaluate(t);
        PlanMatchesCostModelTest.assertSame(CostModel.evaluate(tp8, H100).total(), t, "after recompile");
        assertEquals(CostModel.evaluate(tp8, H100).ops().size(), plan.operationCount());
    }

    @Test
    void aFailedUpdateLeavesThePlanAsItWas() {
        String s = "test";
        HardwareProfile bf16Only = HardwareProfile.builder("bf16-only").kind(DeviceKind.ASIC).vendor("test")
                .peak(Engine.MATRIX, Precision.BF16, 100e12, s).peak(Engine.VECTOR, Precision.BF16, 10e12, s)
                .memory(16e9, 1e12, s).onChipSramBytes(1e6, s).dispatchOverheadSeconds(1e-6, s)
                .interconnect(100e9, 1e-6, s).power(100, 10, s).pricePerChipHourUsd(1, s)
                .efficiency(EfficiencyTable.uniform(0.5, 0.5, s)).build();
        Graph ok = Graph.builder("bf16").block("b", 1, new MatMul("mm", 64, 64, 64, Precision.BF16)).build();
        Graph fp32 = Graph.builder("fp32").block("b", 2, new MatMul("mm", 64, 64, 64, Precision.FP32)).build();
        Plan plan = Plan.compile(ok, bf16Only);
        PlanTotals before = new PlanTotals();
        plan.evaluate(before);

        InputException e = assertThrows(InputException.class, () -> plan.update(fp32));
        assertTrue(e.getMessage().contains("no fp32 rate"), e.getMessage());
        assertThrows(InputException.class, () -> CostModel.evaluate(fp32, bf16Only), "the plan fails where CostModel fails");

        PlanTotals after = new PlanTotals();
        plan.evaluate(after);
        assertSame(ok, plan.graph());
        assertEquals(before.latencySeconds(), after.latencySeconds());
        assertEquals(before.energyJoules(), after.energyJoules());
    }

    @Test
    void anUpdatedPlansRichEvaluationIsTheCurrentGraphsNotTheOneItWasCompiledFor() {
        Graph first = decode(1, 1024, 1);
        Graph next = decode(32, 2048, 1);
        Plan plan = Plan.compile(first, H100);
        Evaluation before = plan.evaluation();
        assertTrue(plan.update(next));
        Evaluation after = plan.evaluation();
        // The refilled arrays, not the compiled ones: the same ops as a fresh lowering of the new graph ...
        assertEquals(CostModel.evaluate(next, H100).ops(), after.ops());
        // ... and not the old graph's: 32 sequences read 32 × (2048 + 1) cache rows instead of 1 × 1025.
        OpResult attentionBefore = attention(before);
        OpResult attentionAfter = attention(after);
        assertEquals(1025, ((org.opsim.graph.Attention) attentionBefore.op()).kvLength());
        assertEquals(2049, ((org.opsim.graph.Attention) attentionAfter.op()).kvLength());
        assertTrue(attentionAfter.latencySeconds() > 10 * attentionBefore.latencySeconds(),
                attentionBefore.latencySeconds() + " -> " + attentionAfter.latencySeconds());
        PlanTotals t = new PlanTotals();
        plan.evaluate(t);
        assertEquals(after.total().latencySeconds(), t.latencySeconds(), 1e-12 * t.latencySeconds());
    }

    private static OpResult attention(Evaluation e) {
        return e.ops().stream().filter(r -> r.op().kind() == org.opsim.graph.OpKind.ATTENTION).findFirst().orElseThrow();
    }

    @Test
    void evaluatingAllocatesNothingInSteadyState() {
        // Not a timing: bytes this thread allocated, read from the JVM's per-thread counter. The
        // JMH GC profiler gives the per-evaluation figure (benchmarks/README.md); this guards it.
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        Plan plan = Plan.compile(decode(16, 4096, 8), H100);
        PlanTotals t = new PlanTotals();
        for (int i = 0; i < 20_000; i++) {
            plan.evaluate(t);
        }
        long thread = Thread.currentThread().getId();
        long before = mx.getThreadAllocatedBytes(thread);
        int runs = 100_000;
        for (int i = 0; i < runs; i++) {
            plan.evaluate(t);
        }
        long allocated = mx.getThreadAllocatedBytes(thread) - before;
        assertTrue(allocated < runs, allocated + " bytes over " + runs + " evaluations");
    }
}
