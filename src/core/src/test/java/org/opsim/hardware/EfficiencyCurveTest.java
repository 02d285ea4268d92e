package org.opsim.hardware;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.opsim.graph.OpKind;
import org.opsim.graph.Precision;

/** Efficiency curves interpolate linearly in log10(size), flat beyond their ends; tables look up kind+precision, kind, default. */
class EfficiencyCurveTest {

    private static final double EPS = 1e-12;

    private static EfficiencyCurve curve(double... sizeEff) {
        List<EfficiencyCurve.Point> points = new java.util.ArrayList<>();
        for (int i = 0; i < sizeEff.length; i += 2) {
            points.add(new EfficiencyCurve.Point(sizeEff[i], sizeEff[i + 1]));
        }
        return new EfficiencyCurve(points, "test");
    }

    @Test
    void halfwayInLogSizeIsHalfwayInEfficiency() {
        // Points (1e6, 0.2) and (1e9, 0.8). At size 10^7.5: log-fraction t = (7.5 − 6) / (9 − 6) = 0.5,
        // so e = 0.2 + 0.5 × (0.8 − 0.2) = 0.5.
        EfficiencyCurve c = curve(1e6, 0.2, 1e9, 0.8);
        assertEquals(0.5, c.at(Math.pow(10, 7.5)), EPS);
        // At 1e7: t = (7 − 6) / 3 = 1/3, e = 0.2 + 0.6 / 3 = 0.4. At 1e8: t = 2/3, e = 0.6.
        assertEquals(0.4, c.at(1e7), EPS);
        assertEquals(0.6, c.at(1e8), EPS);
    }

    @Test
    void theCurvePassesThroughItsPoints() {
        EfficiencyCurve c = curve(1e6, 0.05, 1e9, 0.4, 1e12, 0.8);
        assertEquals(0.05, c.at(1e6), EPS);
        assertEquals(0.4, c.at(1e9), EPS);
        assertEquals(0.8, c.at(1e12), EPS);
    }

    @Test
    void eachSegmentInterpolatesOnItsOwn() {
        // Second segment (1e9, 0.4)–(1e12, 0.8): at 1e10, t = (10 − 9) / 3 = 1/3, e = 0.4 + 0.4 / 3 = 0.5333…
        EfficiencyCurve c = curve(1e6, 0.05, 1e9, 0.4, 1e12, 0.8);
        assertEquals(0.4 + 0.4 / 3, c.at(1e10), EPS);
        // First segment at 1e8: t = 2/3, e = 0.05 + (2/3) × 0.35 = 0.28333…
        assertEquals(0.05 + 0.35 * 2 / 3, c.at(1e8), EPS);
    }

    @Test
    void theCurveIsFlatBeyondItsEnds() {
        EfficiencyCurve c = curve(1e6, 0.2, 1e9, 0.8);
        assertEquals(0.2, c.at(1e3), EPS);
        assertEquals(0.2, c.at(1), EPS);
        assertEquals(0.2, c.at(0), EPS, "sizes <= 0 take the first point");
        assertEquals(0.8, c.at(1e15), EPS);
        assertEquals(0.8, c.at(Double.MAX_VALUE), EPS);
    }

    @Test
    void aConstantIsTheSameAtEverySize() {
        EfficiencyCurve c = EfficiencyCurve.constant(0.7, "test");
        assertTrue(c.isConstant());
        for (double size : new double[] {0, 1, 1e3, 1e9, 1e15}) {
            assertEquals(0.7, c.at(size), EPS);
        }
    }

    @Test
    void aDescendingCurveInterpolatesToo() {
        // Efficiency may fall with size (e.g. a cache spilling): (1e3, 0.9) → (1e5, 0.5), at 1e4 → 0.7.
        assertEquals(0.7, curve(1e3, 0.9, 1e5, 0.5).at(1e4), EPS);
    }

    @Test
    void badCurvesAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> curve(1e9, 0.5, 1e6, 0.6), "sizes must increase");
        assertThrows(IllegalArgumentException.class, () -> curve(1e6, 0.5, 1e6, 0.6), "sizes must increase strictly");
        assertThrows(IllegalArgumentException.class, () -> curve(1e6, 0.0), "efficiency 0");
        assertThrows(IllegalArgumentException.class, () -> curve(1e6, 1.5), "efficiency above 1");
        assertThrows(IllegalArgumentException.class, () -> curve(0, 0.5), "size 0");
        assertThrows(IllegalArgumentException.class, () -> new EfficiencyCurve(List.of(), "test"), "no points");
        assertThrows(IllegalArgumentException.class, () -> EfficiencyCurve.constant(0.5, " "), "blank source");
    }

    @Test
    void lookupTriesKindAndPrecisionThenKindThenDefault() {
        EfficiencyCurve def = EfficiencyCurve.constant(0.7, "default");
        EfficiencyCurve defMem = EfficiencyCurve.constant(0.8, "default memory");
        EfficiencyCurve matmul = EfficiencyCurve.constant(0.6, "matmul");
        EfficiencyCurve matmulFp8 = EfficiencyCurve.constant(0.5, "matmul fp8");
        EfficiencyCurve matmulFp8Mem = EfficiencyCurve.constant(0.4, "matmul fp8 memory");
        EfficiencyTable t = new EfficiencyTable(def, defMem, List.of(
                // The precision rule comes first in the list to show order in the file does not matter.
                new EfficiencyRule(OpKind.MATMUL, Optional.of(Precision.FP8), Optional.of(matmulFp8), Optional.of(matmulFp8Mem)),
                EfficiencyRule.of(OpKind.MATMUL, matmul, null),
                new EfficiencyRule(OpKind.SOFTMAX, Optional.of(Precision.BF16), Optional.empty(), Optional.of(matmulFp8Mem))));
        assertEquals(matmulFp8, t.compute(OpKind.MATMUL, Precision.FP8), "kind + precision");
        assertEquals(matmul, t.compute(OpKind.MATMUL, Precision.BF16), "kind");
        assertEquals(def, t.compute(OpKind.GELU, Precision.BF16), "default");
        assertEquals(matmulFp8Mem, t.memory(OpKind.MATMUL, Precision.FP8));
        // No matmul-wide memory rule: bf16 matmul memory falls to the default.
        assertEquals(defMem, t.memory(OpKind.MATMUL, Precision.BF16));
        // A precision rule with no compute curve falls through to the default for compute.
        assertEquals(def, t.compute(OpKind.SOFTMAX, Precision.BF16));
        assertEquals(matmulFp8Mem, t.memory(OpKind.SOFTMAX, Precision.BF16));
        // Collectives are looked up with no precision.
        assertEquals(defMem, t.memory(OpKind.ALL_REDUCE, null));
    }

    @Test
    void twoRulesForTheSameKindAndPrecisionAreRejected() {
        EfficiencyCurve c = EfficiencyCurve.constant(0.5, "x");
        assertThrows(IllegalArgumentException.class, () -> new EfficiencyTable(c, c,
                List.of(EfficiencyRule.of(OpKind.ADD, c, null), EfficiencyRule.of(OpKind.ADD, null, c))));
    }
}
