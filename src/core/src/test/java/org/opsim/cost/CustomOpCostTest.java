package org.opsim.cost;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.opsim.Opsim;
import org.opsim.graph.Block;
import org.opsim.graph.CustomOp;
import org.opsim.graph.Engine;
import org.opsim.graph.Graph;
import org.opsim.graph.OpKind;
import org.opsim.graph.Precision;
import org.opsim.graph.Stage;
import org.opsim.hardware.HardwareProfile;
import org.opsim.hardware.OpSupport;
import org.opsim.io.InputException;

/** An operator no chip has: native where the profile has its kernel, each ASIC's fallback penalty elsewhere. */
class CustomOpCostTest {

    /** 1 GB read and written, 0.1 GFLOP: memory-bound everywhere. */
    static final CustomOp OP = new CustomOp("hc_mix", "hyper_connection", Engine.VECTOR, 0, 1e8, 1e9, Precision.BF16);

    static OpResult cost(HardwareProfile p) {
        Graph g = new Graph("custom", java.util.List.of(new Block("b", Stage.DECODE, 1, OP)));
        return CostModel.evaluate(g, p).ops().get(0);
    }

    @Test
    void aGpuRunsItNativelyAtItsMemoryRoofline() {
        // Without its L2 (docs/cost-model.md §8.4), so the op streams from HBM: the roofline by hand.
        HardwareProfile h100 = Opsim.profile("nvidia-h100-sxm").toBuilder().onChip(null).build();
        OpResult r = cost(h100);
        assertTrue(r.isNative());
        // bytes / (bandwidth × memory efficiency) + overhead, nothing else.
        double bw = h100.memory().bandwidthBytesPerSecond().value();
        double eff = h100.efficiency().memory(OpKind.CUSTOM, Precision.BF16).at(1e9);
        assertEquals(1e9 / (bw * eff), r.memorySeconds(), 1e-12);
        assertEquals(r.memorySeconds() + r.overheadSeconds(), r.latencySeconds(), 1e-12);
    }

    @Test
    void anAsicWithoutTheKernelPaysItsPenaltyAndSaysSo() {
        HardwareProfile tpu = Opsim.profile("google-tpu-v6e");
        OpResult r = cost(tpu);
        assertFalse(r.isNative());
        double penalty = tpu.support().fallbackFor(OpKind.CUSTOM).penaltyFactor().value();
        assertEquals(2.0, penalty);
        assertEquals(penalty * Math.max(r.computeSeconds(), r.memorySeconds()) + r.overheadSeconds(), r.latencySeconds(),
                1e-12);
        assertTrue(r.notes().stream().anyMatch(n -> n.kind() == Note.Kind.VECTOR_FALLBACK), r.notes().toString());
    }

    @Test
    void listingTheKeyInCustomOpsMakesItNative() {
        HardwareProfile tpu = Opsim.profile("google-tpu-v6e");
        OpSupport s = tpu.support();
        OpSupport withKernel = new OpSupport(s.nativeOps(), Set.of("hyper_connection"), s.defaultFallback(),
                s.fallbackByKind(), s.host());
        HardwareProfile mine = tpu.toBuilder().name("TPU with a Pallas kernel").support(withKernel).build();
        OpResult native_ = cost(mine);
        OpResult fallback = cost(tpu);
        assertTrue(native_.isNative());
        assertEquals(2.0, (fallback.latencySeconds() - fallback.overheadSeconds())
                / (native_.latencySeconds() - native_.overheadSeconds()), 1e-9);
    }

    @Test
    void aChipWithNeitherKernelNorFallbackRefusesIt() {
        HardwareProfile tpu = Opsim.profile("google-tpu-v6e");
        EnumSet<OpKind> natives = EnumSet.copyOf(tpu.support().nativeOps());
        java.util.Map<OpKind, org.opsim.hardware.Fallback> fb = new java.util.EnumMap<>(tpu.support().fallbackByKind());
        fb.remove(OpKind.CUSTOM);
        OpSupport none = new OpSupport(natives, Set.of(), Optional.empty(), fb, tpu.support().host());
        HardwareProfile bare = tpu.toBuilder().name("bare").support(none).build();
        InputException e = assertThrows(InputException.class, () -> cost(bare));
        assertTrue(e.getMessage().contains("hyper_connection"), e.getMessage());
    }

    @Test
    void itsOwnEfficiencyReplacesTheProfiles() {
        CustomOp slow = new CustomOp("gemm-like", "my_gemm", Engine.MATRIX, 1e12, 0, 1e6, Precision.BF16, 0.25,
                Long.MAX_VALUE);
        // Without its L2 (docs/cost-model.md §8.4), so the op streams from HBM: the roofline by hand.
        HardwareProfile h100 = Opsim.profile("nvidia-h100-sxm").toBuilder().onChip(null).build();
        Graph g = new Graph("custom", java.util.List.of(new Block("b", Stage.PREFILL, 1, slow)));
        OpResult r = CostModel.evaluate(g, h100).ops().get(0);
        double peak = h100.peak(Engine.MATRIX, Precision.BF16).orElseThrow().value();
        assertEquals(1e12 / (peak * 0.25), r.computeSeconds(), 1e-12);
    }
}
