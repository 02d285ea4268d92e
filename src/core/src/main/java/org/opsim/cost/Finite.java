package org.opsim.cost;

/** The guard that keeps NaN and Infinity from leaving the library. */
final class Finite {
    private Finite() {
    }

    static double check(String what, double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            throw new ArithmeticException(what + " is not a finite number (" + v + "): inputs out of range");
        }
        return v;
    }
}
