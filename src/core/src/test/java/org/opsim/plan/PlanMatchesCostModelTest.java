package org.opsim.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.opsim.cost.CostModel;
import org.opsim.cost.Evaluation;
import org.opsim.cost.Totals;
import org.opsim.graph.Graph;
import org.opsim.hardware.HardwareProfile;

/**
 * The compiled plan and the object-graph evaluation are one formula: on every shipped model (native
 * files, and every Hugging Face config under decode, prefill, unfused prefill, generation and
 * training workloads, with TP 1–8 and fp4–fp32) × every shipped profile, plus a profile that takes
 * every fallback and energy road, the totals agree within 1e-12 relative.
 */
class PlanMatchesCostModelTest {
    private static final double REL = 1e-12;
    private static final List<HardwareProfile> PROFILES = profiles();

    private static List<HardwareProfile> profiles() {
        List<HardwareProfile> p = new ArrayList<>(PlanFixtures.shippedProfiles());
        p.add(PlanFixtures.everyRoad());
        return p;
    }

    static Stream<Arguments> graphs() {
        return PlanFixtures.shippedGraphs().stream().map(g -> Arguments.of(g.name(), g));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("graphs")
    void planTotalsEqualCostModelTotalsOnEveryProfile(String name, Graph graph) {
        assertTrue(PROFILES.size() > 2, "profiles: " + PROFILES.size());
        PlanTotals t = new PlanTotals();
        for (HardwareProfile p : PROFILES) {
            Evaluation expected = CostModel.evaluate(graph, p);
            Plan plan = Plan.compile(graph, p);
            plan.evaluate(t);
            assertSame(expected.total(), t, name + " on " + p.name());
            assertEquals(expected.dominantBound(), t.dominantBound(), name + " on " + p.name());
            assertEquals(expected.ops().size(), plan.operationCount(), name + " on " + p.name());
        }
    }

    static void assertSame(Totals expected, PlanTotals actual, String where) {
        close(expected.latencySeconds(), actual.latencySeconds(), where + ": latency");
        close(expected.flops(), actual.flops(), where + ": flops");
        close(expected.bytes(), actual.bytes(), where + ": bytes");
        close(expected.energyJoules(), actual.energyJoules(), where + ": energy");
        close(expected.costUsd(), actual.costUsd(), where + ": cost");
        close(expected.peakFlopCapacity(), actual.peakFlopCapacity(), where + ": peak capacity");
    }

    private static void close(double expected, double actual, String what) {
        assertEquals(expected, actual, Math.abs(expected) * REL, what);
    }
}
