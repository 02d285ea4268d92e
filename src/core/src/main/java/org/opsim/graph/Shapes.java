package org.opsim.graph;

import java.util.Objects;

/** Argument checks shared by the operator records; messages name the op and the field. */
final class Shapes {
    private Shapes() {
    }

    static String name(String name) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("op name must not be blank");
        }
        return name;
    }

    static long positive(String op, String field, long value) {
        if (value <= 0) {
            throw new IllegalArgumentException(op + ": " + field + " must be > 0, got " + value);
        }
        return value;
    }

    static double positive(String op, String field, double value) {
        if (!(value > 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(op + ": " + field + " must be a finite number > 0, got " + value);
        }
        return value;
    }

    static <T> T present(String op, String field, T value) {
        return Objects.requireNonNull(value, () -> op + ": " + field + " is required");
    }
}
