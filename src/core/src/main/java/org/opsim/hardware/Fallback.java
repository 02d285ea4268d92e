package org.opsim.hardware;

import java.util.Locale;
import org.opsim.internal.io.Ids;
import org.opsim.io.InvalidValueException;

/**
 * How a chip runs an op kind it has no native support for.
 *
 * <ul>
 * <li>{@link Mode#VECTOR}: all of the op's FLOPs run on the vector unit (a matrix op loses its
 * matrix unit), and the roofline time is multiplied by {@code penaltyFactor} (extra passes, poor
 * layout, emulated special functions).</li>
 * <li>{@link Mode#HOST}: the op's inputs go to the host and its outputs come back over the host link
 * ({@code 2 × bytes / linkBandwidth}), the host computes it at its FLOP rate, both times
 * {@code penaltyFactor}, plus the host round-trip latency.</li>
 * </ul>
 */
public record Fallback(Mode mode, Figure penaltyFactor) {

    public enum Mode {
        VECTOR, HOST;

        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Mode parse(String id) {
            return Ids.parse(id, values(), Mode::id, "fallback mode");
        }
    }

    public Fallback {
        Checks.required("mode", mode);
        Checks.required("penaltyFactor", penaltyFactor);
        if (penaltyFactor.value() < 1) {
            throw new InvalidValueException("penaltyFactor.value", "must be >= 1, got " + Checks.fmt(penaltyFactor.value()));
        }
    }
}
