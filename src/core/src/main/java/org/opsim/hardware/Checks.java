package org.opsim.hardware;

import org.opsim.io.InvalidValueException;

/**
 * The rules on profile figures, in one place for the hardware records. Errors name the field as the
 * profile file spells it: a figure's number is {@code field.value}.
 */
final class Checks {
    private Checks() {
    }

    static Figure required(String field, Figure f) {
        if (f == null) {
            throw new InvalidValueException(field, "is required");
        }
        return f;
    }

    static <T> T required(String field, T v) {
        if (v == null) {
            throw new InvalidValueException(field, "is required");
        }
        return v;
    }

    static Figure positive(String field, Figure f) {
        required(field, f);
        if (!(f.value() > 0)) {
            throw new InvalidValueException(field + ".value", "must be > 0, got " + fmt(f.value()));
        }
        return f;
    }

    static Figure nonNegative(String field, Figure f) {
        required(field, f);
        if (f.value() < 0) {
            throw new InvalidValueException(field + ".value", "must be >= 0, got " + fmt(f.value()));
        }
        return f;
    }

    static String text(String field, String s) {
        if (s == null || s.isBlank()) {
            throw new InvalidValueException(field, "must not be blank");
        }
        return s;
    }

    /** A number as written: 4096 rather than 4096.0. */
    static String fmt(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }
}
