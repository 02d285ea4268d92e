package org.opsim.cost;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.opsim.graph.Graph;
import org.opsim.graph.OpKind;
import org.opsim.graph.Stage;
import org.opsim.hardware.HardwareProfile;

/**
 * The compiled plan and the object API are one kernel: on every shipped model (native files, and
 * every Hugging Face config under decode, prefill, unfused prefill, generation and training
 * workloads, with TP 1–8 and fp4–fp32) × every shipped profile, plus a profile that takes every
 * fallback and energy road:
 * <ul>
 * <li>the allocation-free loop's totals and seconds per bound equal those of the evaluation that
 *   records every op (both sum per block then × repeat, so they agree to rounding, 1e-12
 *   relative);</li>
 * <li>a plan compiled for another batch and context of the same model and then updated to this
 *   graph (the sweep's path: refilled shape arrays, ops skipped where unchanged) costs every op as a
 *   plan lowered afresh does: the same latency, energy, compute, memory and link terms, bound,
 *   engine, precision and notes, and so the same shares per op kind, bound and stage.</li>
 * </ul>
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
        return PlanFixtures.shippedGraphPairs().stream().map(g -> Arguments.of(g.get(0).name(), g.get(0), g.get(1)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("graphs")
    void theLoopAndTheRecordedOpsAgreeOnEveryProfile(String name, Graph graph, Graph sibling) {
        assertTrue(PROFILES.size() > 20, "profiles: " + PROFILES.size());
        PlanTotals t = new PlanTotals();
        for (HardwareProfile p : PROFILES) {
            String where = name + " on " + p.name();
            Plan plan = Plan.compile(graph, p);
            plan.evaluate(t);
            Evaluation e = plan.evaluation();
            assertSame(e.total(), t, where);
            assertEquals(e.dominantBound(), t.dominantBound(), where);
            assertEquals(e.ops().size(), plan.operationCount(), where);
            for (Bound b : Bound.values()) {
                close(seconds(e.byBound(), b), t.seconds(b), where + ": seconds " + b.id() + "-bound");
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("graphs")
    void anUpdatedPlanCostsEveryOpAsAFreshOne(String name, Graph graph, Graph sibling) {
        for (HardwareProfile p : PROFILES) {
            String where = name + " on " + p.name();
            Plan updated = Plan.compile(sibling, p);
            updated.update(graph);
            Evaluation freshEvaluation = Plan.compile(graph, p).evaluation();
            Evaluation refilledEvaluation = updated.evaluation();
            for (OpKind k : OpKind.values()) {
                close(freshEvaluation.timeShare(k), refilledEvaluation.timeShare(k), where + ": share of " + k.id());
            }
            for (Bound b : Bound.values()) {
                close(freshEvaluation.timeShare(b), refilledEvaluation.timeShare(b), where + ": share " + b.id() + "-bound");
            }
            for (Stage s : Stage.values()) {
                close(freshEvaluation.timeShare(s), refilledEvaluation.timeShare(s), where + ": share of stage " + s.id());
            }
            List<OpResult> fresh = freshEvaluation.ops();
            List<OpResult> refilled = refilledEvaluation.ops();
            assertEquals(fresh.size(), refilled.size(), where);
            for (int i = 0; i < fresh.size(); i++) {
                OpResult a = fresh.get(i);
                OpResult b = refilled.get(i);
                String op = where + ": op " + i + " " + a.op().name();
                assertEquals(a.op(), b.op(), op);
                close(a.latencySeconds(), b.latencySeconds(), op + " latency");
                close(a.energyJoules(), b.energyJoules(), op + " energy");
                close(a.computeSeconds(), b.computeSeconds(), op + " compute");
                close(a.memorySeconds(), b.memorySeconds(), op + " memory");
                close(a.linkSeconds(), b.linkSeconds(), op + " link");
                assertEquals(a.bound(), b.bound(), op + " bound");
                assertEquals(a.engine(), b.engine(), op + " engine");
                assertEquals(a.precision(), b.precision(), op + " precision");
                assertEquals(a.notes(), b.notes(), op + " notes");
                assertEquals(a.count(), b.count(), op + " count");
                assertEquals(a.stage(), b.stage(), op + " stage");
            }
        }
    }

    private static <K> double seconds(Map<K, Totals> m, K key) {
        Totals t = m.get(key);
        return t == null ? 0 : t.latencySeconds();
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
