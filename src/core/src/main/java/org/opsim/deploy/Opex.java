package org.opsim.deploy;

import org.opsim.hardware.Figure;
import org.opsim.io.InvalidValueException;

/**
 * What running a chip costs per hour of work: its average power (from the evaluation) times the
 * data centre's power usage effectiveness, at an electricity price.
 *
 * @param pue facility power ÷ IT power, ≥ 1
 * @param usdPerKwh electricity price
 */
public record Opex(Figure pue, Figure usdPerKwh) {

    public Opex {
        Link.required("pue", pue);
        Link.required("usdPerKwh", usdPerKwh);
        if (pue.value() < 1) {
            throw new InvalidValueException("pue.value", "must be >= 1, got " + pue.value());
        }
        if (usdPerKwh.value() < 0) {
            throw new InvalidValueException("usdPerKwh.value", "must be >= 0, got " + usdPerKwh.value());
        }
    }
}
