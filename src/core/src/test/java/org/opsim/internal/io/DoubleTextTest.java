package org.opsim.internal.io;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The allocation-free shortest form of a double against Java's rules and an independent Schubfach. */
class DoubleTextTest {
    private final DoubleText text = new DoubleText();

    private String of(double v) {
        return text.append(new StringBuilder(), v).toString();
    }

    /**
     * Java's layout (plain for 10^−3 ≤ |v| < 10^7, else one digit, point, digits, E and exponent) with the
     * fewest digits that read back as the same double. 2·10^23 is written 1.9999999999999998E23 by Java 17
     * (JDK-4511638, fixed in Java 19): "2.0E23" reads back as the same double and is shorter.
     */
    @Test
    void numbersAreWrittenAsJavaLaysThemOutWithTheFewestDigits() {
        assertEquals("0.0", of(0.0));
        assertEquals("-0.0", of(-0.0));
        assertEquals("1.0", of(1.0));
        assertEquals("0.1", of(0.1));
        assertEquals("0.001", of(0.001));
        assertEquals("9.999E-4", of(9.999e-4));
        assertEquals("9999999.0", of(9_999_999.0));
        assertEquals("1.0E7", of(1e7));
        assertEquals("123.456", of(123.456));
        assertEquals("-1.5", of(-1.5));
        assertEquals("2.0E23", of(2e23));
        assertEquals("1.0E23", of(1e23));
        assertEquals("4.9E-324", of(Double.MIN_VALUE));
        assertEquals("1.7976931348623157E308", of(Double.MAX_VALUE));
        assertEquals("2.2250738585072014E-308", of(Double.MIN_NORMAL));
        assertEquals("NaN", of(Double.NaN));
        assertEquals("Infinity", of(Double.POSITIVE_INFINITY));
        assertEquals("-Infinity", of(Double.NEGATIVE_INFINITY));
        assertEquals("0.30000000000000004", of(0.1 + 0.2));
    }

    /**
     * A million doubles (random bit patterns and random magnitudes 10^−12..10^12) written as jackson-core's own
     * port of Schubfach writes them, and each reads back as itself.
     */
    @Test
    void aMillionDoublesMatchAnIndependentSchubfachAndReadBack() throws Throwable {
        // jackson-core does not export the package to modules; the tests run on the class path, where it is public.
        java.lang.invoke.MethodHandle jackson = java.lang.invoke.MethodHandles.publicLookup().findStatic(
                Class.forName("com.fasterxml.jackson.core.io.schubfach.DoubleToDecimal"), "toString",
                java.lang.invoke.MethodType.methodType(String.class, double.class));
        SplittableRandom r = new SplittableRandom(19);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 1_000_000; i++) {
            double v = i % 2 == 0 ? Double.longBitsToDouble(r.nextLong()) : r.nextDouble() * Math.pow(10, r.nextInt(-12, 13));
            if (Double.isNaN(v)) {
                continue;
            }
            sb.setLength(0);
            String mine = text.append(sb, v).toString();
            assertEquals((String) jackson.invokeExact(v), mine);
            assertEquals(v, Double.parseDouble(mine), 0.0, mine);
        }
    }
}
