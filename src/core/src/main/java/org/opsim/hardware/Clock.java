package org.opsim.hardware;

import org.opsim.io.InvalidValueException;

/**
 * The clock of a chip's compute units: the highest boost clock, and the clock it holds under
 * sustained load (the one a kernel's cycle counts are divided by; docs/cost-model.md §8.3).
 */
public record Clock(Figure maxBoostHz, Figure sustainedHz) {
    public Clock {
        Checks.positive("clock.maxBoostHz", maxBoostHz);
        Checks.positive("clock.sustainedHz", sustainedHz);
        if (sustainedHz.value() > maxBoostHz.value()) {
            throw new InvalidValueException("clock.sustainedHz.value", "must not exceed maxBoostHz ("
                    + Checks.fmt(maxBoostHz.value()) + "), got " + Checks.fmt(sustainedHz.value()));
        }
    }

    /** The clock cycle counts are converted at: the sustained clock, in Hz. */
    public double hz() {
        return sustainedHz.value();
    }
}
