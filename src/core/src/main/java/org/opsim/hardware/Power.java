package org.opsim.hardware;

import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import org.opsim.graph.Precision;
import org.opsim.io.InvalidValueException;

/**
 * Board power (TDP and idle) and, optionally, energy per FLOP (per precision) and per byte of main
 * memory traffic. With both energy coefficients the cost model uses them; otherwise it uses
 * {@code idle + (tdp − idle) × utilisation} watts.
 */
public record Power(Figure tdpWatts, Figure idleWatts, Map<Precision, Figure> energyPerFlopJoules,
                    Optional<Figure> energyPerByteJoules) {
    public Power {
        Checks.positive("tdpWatts", tdpWatts);
        Checks.nonNegative("idleWatts", idleWatts);
        if (idleWatts.value() > tdpWatts.value()) {
            throw new InvalidValueException("idleWatts.value", "idle power " + Checks.fmt(idleWatts.value())
                    + " W exceeds tdpWatts " + Checks.fmt(tdpWatts.value()) + " W");
        }
        Checks.required("energyPerFlopJoules", energyPerFlopJoules);
        energyPerFlopJoules = energyPerFlopJoules.isEmpty() ? Map.of() : Map.copyOf(new EnumMap<>(energyPerFlopJoules));
        energyPerFlopJoules.forEach((p, f) -> Checks.positive("energyPerFlopJoules." + p.id(), f));
        Checks.required("energyPerByteJoules", energyPerByteJoules);
        energyPerByteJoules.ifPresent(f -> Checks.positive("energyPerByteJoules", f));
        if (energyPerFlopJoules.isEmpty() != energyPerByteJoules.isEmpty()) {
            throw new InvalidValueException("", "give energyPerFlopJoules and energyPerByteJoules together, or neither");
        }
    }

    public static Power of(Figure tdpWatts, Figure idleWatts) {
        return new Power(tdpWatts, idleWatts, Map.of(), Optional.empty());
    }

    public boolean hasEnergyCoefficients() {
        return energyPerByteJoules.isPresent();
    }
}
