package org.opsim.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.opsim.Opsim;
import org.opsim.Repo;
import org.opsim.cost.Evaluation;
import org.opsim.cost.OpResult;
import org.opsim.graph.Engine;
import org.opsim.graph.OpKind;
import org.opsim.hardware.Fallback;
import org.opsim.hardware.Figure;
import org.opsim.hardware.HardwareProfile;
import org.opsim.hardware.OpSupport;
import org.opsim.model.Workload;
import org.opsim.model.transformer.TransformerModel;

/**
 * Notebook: Trainium2 runs GELU natively. Suppose a new chip like it did not, and a GELU model (GPT-2 XL)
 * arrived: GELU would run as a generic vector kernel, {@code penalty} times slower than a native one
 * (extra passes, an erf emulated from polynomials). What does the missing operator cost?
 */
class MissingOperatorTest {

    private static final HardwareProfile TRAINIUM2 = Opsim.profile("aws-trainium2");
    private static final TransformerModel GPT2_XL =
            Repo.transformer("gpt2-xl");
    private static final double PENALTY = 4.0;

    /** Trainium2 with GELU taken out of its native ops, falling back to the vector unit at {@code penalty}. */
    private static HardwareProfile withoutNativeGelu(double penalty) {
        Set<OpKind> natives = EnumSet.copyOf(TRAINIUM2.support().nativeOps());
        natives.remove(OpKind.GELU);
        Map<OpKind, Fallback> fallbacks = new java.util.EnumMap<>(TRAINIUM2.support().fallbackByKind());
        fallbacks.put(OpKind.GELU, new Fallback(Fallback.Mode.VECTOR, Figure.of(penalty, "what-if: no native GELU")));
        OpSupport support = new OpSupport(natives, Optional.empty(), fallbacks, TRAINIUM2.support().host());
        return TRAINIUM2.toBuilder().name("Trainium2 without native GELU").support(support).build();
    }

    private static List<OpResult> gelus(Evaluation e) {
        return e.ops().stream().filter(r -> r.op().kind() == OpKind.GELU).toList();
    }

    @Test
    void eachGeluCostsAtLeastPenaltyTimesItsNativeRooflineTime() {
        assertTrue(TRAINIUM2.support().isNative(OpKind.GELU), "the premise: Trainium2 has GELU today");
        Workload prefill = Workload.prefill(8, 1024);
        Evaluation nativeRun = Opsim.evaluate(GPT2_XL.graph(prefill), TRAINIUM2);
        Evaluation fallbackRun = Opsim.evaluate(GPT2_XL.graph(prefill), withoutNativeGelu(PENALTY));

        List<OpResult> before = gelus(nativeRun);
        List<OpResult> after = gelus(fallbackRun);
        assertFalse(before.isEmpty(), "GPT-2 XL has a GELU per layer");
        for (int i = 0; i < before.size(); i++) {
            OpResult n = before.get(i);
            OpResult f = after.get(i);
            // Native GELU already runs on the vector unit, so the fallback does the same work on the same
            // engine, just penalty times slower: at least penalty × the native time less its launch overhead.
            assertEquals(Engine.VECTOR, n.engine());
            assertTrue(f.latencySeconds() >= PENALTY * (n.latencySeconds() - n.overheadSeconds()) * (1 - 1e-12),
                    f.latencySeconds() + " vs native " + n.latencySeconds());
            assertFalse(f.isNative());
        }
        assertTrue(fallbackRun.notes().stream().anyMatch(n -> n.opKind() == org.opsim.graph.OpKind.GELU), fallbackRun.notes().toString());
    }

    @Test
    void theModelSlowsByExactlyTheExtraGeluTimeAndNothingElseMoves() {
        Workload prefill = Workload.prefill(8, 1024);
        Evaluation nativeRun = Opsim.evaluate(GPT2_XL.graph(prefill), TRAINIUM2);
        Evaluation fallbackRun = Opsim.evaluate(GPT2_XL.graph(prefill), withoutNativeGelu(PENALTY));
        double geluBefore = nativeRun.byKind().get(OpKind.GELU).latencySeconds();
        double geluAfter = fallbackRun.byKind().get(OpKind.GELU).latencySeconds();
        double extra = fallbackRun.total().latencySeconds() - nativeRun.total().latencySeconds();
        assertEquals(geluAfter - geluBefore, extra, 1e-9 * nativeRun.total().latencySeconds());
        assertTrue(extra > 0);
    }

    @Test
    void theCostGrowsWithThePenaltyAndIsWorthFixingOnlyWhereGeluIsABigShare() {
        // A penalty p turns GELU's share s of the time into roughly p·s / (1 − s + p·s): worth a custom kernel
        // only if s is not tiny. GELU is elementwise over batch × tokens × 4·hidden, so its share is the same
        // order in prefill and decode; the slowdown must rise monotonically with p.
        Workload prefill = Workload.prefill(8, 1024);
        double base = Opsim.evaluate(GPT2_XL.graph(prefill), TRAINIUM2).total().latencySeconds();
        double previous = base;
        for (double p : new double[] {1.0, 2.0, 4.0, 8.0}) {
            double t = Opsim.evaluate(GPT2_XL.graph(prefill), withoutNativeGelu(p)).total().latencySeconds();
            assertTrue(t >= previous * (1 - 1e-12), "p = " + p);
            previous = t;
        }
        // With p = 1 the vector fallback is the native kernel: no change at all.
        double same = Opsim.evaluate(GPT2_XL.graph(prefill), withoutNativeGelu(1.0)).total().latencySeconds();
        assertEquals(base, same, 1e-12 * base);
    }
}
