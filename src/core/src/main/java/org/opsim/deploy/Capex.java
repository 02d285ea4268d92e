package org.opsim.deploy;

import org.opsim.hardware.Figure;
import org.opsim.io.InvalidValueException;

/**
 * What owning a chip costs up front.
 *
 * @param pricePerChipUsd the accelerator itself
 * @param serverAndNetworkSharePerChipUsd its share of the host server, chassis, switches, NICs and cabling
 * @param depreciationYears straight-line write-off period
 * @param utilisation fraction of the hours the chip does paid work, in (0, 1]
 */
public record Capex(Figure pricePerChipUsd, Figure serverAndNetworkSharePerChipUsd, Figure depreciationYears,
                    Figure utilisation) {

    public Capex {
        Link.required("pricePerChipUsd", pricePerChipUsd);
        Link.required("serverAndNetworkSharePerChipUsd", serverAndNetworkSharePerChipUsd);
        Link.required("depreciationYears", depreciationYears);
        Link.required("utilisation", utilisation);
        if (pricePerChipUsd.value() < 0) {
            throw new InvalidValueException("pricePerChipUsd.value", "must be >= 0, got " + pricePerChipUsd.value());
        }
        if (serverAndNetworkSharePerChipUsd.value() < 0) {
            throw new InvalidValueException("serverAndNetworkSharePerChipUsd.value", "must be >= 0, got "
                    + serverAndNetworkSharePerChipUsd.value());
        }
        if (!(depreciationYears.value() > 0)) {
            throw new InvalidValueException("depreciationYears.value", "must be > 0, got " + depreciationYears.value());
        }
        if (!(utilisation.value() > 0 && utilisation.value() <= 1)) {
            throw new InvalidValueException("utilisation.value", "must be in (0, 1], got " + utilisation.value());
        }
    }

    /** The same inputs with another chip price (an ASIC's unit cost plus its share of NRE). */
    public Capex withPricePerChipUsd(double usd, String source) {
        return new Capex(Figure.of(usd, source), serverAndNetworkSharePerChipUsd, depreciationYears, utilisation);
    }
}
