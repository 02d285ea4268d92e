package org.opsim.hardware;

import java.util.Objects;

/** Checks on profile figures; messages name the field. */
final class Checks {
    private Checks() {
    }

    static Figure positive(String field, Figure f) {
        Objects.requireNonNull(f, () -> field + " is required");
        if (!(f.value() > 0)) {
            throw new IllegalArgumentException(field + ": must be > 0, got " + f.value());
        }
        return f;
    }

    static Figure nonNegative(String field, Figure f) {
        Objects.requireNonNull(f, () -> field + " is required");
        if (f.value() < 0) {
            throw new IllegalArgumentException(field + ": must be >= 0, got " + f.value());
        }
        return f;
    }
}
