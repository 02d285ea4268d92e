package org.opsim.hardware;

import org.opsim.io.InvalidValueException;

/**
 * A number in a hardware profile together with where it comes from (datasheet, paper, measurement,
 * or "estimate: ..." with the reasoning). Every figure in a shipped profile carries one.
 */
public record Figure(double value, String source) {

    public Figure {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            throw new InvalidValueException("value", "must be a finite number, got " + value);
        }
        if (source == null || source.isBlank()) {
            throw new InvalidValueException("source", "figure " + Checks.fmt(value) + " needs a source");
        }
    }

    public static Figure of(double value, String source) {
        return new Figure(value, source);
    }

    /** This figure's value times {@code factor}, its source saying so (for what-if variants). */
    public Figure scaled(double factor, String why) {
        return new Figure(value * factor, source + "; ×" + factor + " (" + why + ")");
    }
}
