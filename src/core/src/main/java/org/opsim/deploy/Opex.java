package org.opsim.deploy;

import java.util.Objects;
import org.opsim.hardware.Figure;

/**
 * What running a chip costs per hour of work: its average power (from the evaluation) times the
 * data centre's power usage effectiveness, at an electricity price.
 *
 * @param pue facility power ÷ IT power, ≥ 1
 * @param usdPerKwh electricity price
 */
public record Opex(Figure pue, Figure usdPerKwh) {

    public Opex {
        Objects.requireNonNull(pue, "pue");
        Objects.requireNonNull(usdPerKwh, "usdPerKwh");
        if (pue.value() < 1) {
            throw new IllegalArgumentException("opex.pue: must be >= 1, got " + pue.value());
        }
        if (usdPerKwh.value() < 0) {
            throw new IllegalArgumentException("opex.usdPerKwh: must be >= 0, got " + usdPerKwh.value());
        }
    }
}
