package org.opsim.deploy;

import java.util.OptionalDouble;

/**
 * Total cost of ownership against renting (formulas: docs/cost-model.md §6.5). Everything is per
 * chip-hour of work, then per million tokens:
 * <ul>
 * <li>capex per hour of work = (chip price + server and network share) ÷ (years × 8760 h × utilisation)</li>
 * <li>opex per hour of work = average watts ÷ 1000 × PUE × $/kWh</li>
 * <li>$ per million tokens = $ per chip-hour × chips × seconds ÷ 3600 ÷ tokens × 10⁶</li>
 * <li>a custom ASIC's chip price = unit cost + NRE ÷ volume; it breaks even with buying GPUs at the
 *   volume where its $ per million tokens equals theirs: NRE ÷ (affordable price − unit cost)</li>
 * </ul>
 */
public final class Tco {

    public static final double HOURS_PER_YEAR = 8760.0;

    private Tco() {
    }

    /** Capex per chip per hour of work. */
    public static double capexUsdPerChipHour(Capex c) {
        return (c.pricePerChipUsd().value() + c.serverAndNetworkSharePerChipUsd().value())
                / (c.depreciationYears().value() * HOURS_PER_YEAR * c.utilisation().value());
    }

    /** Energy cost per chip per hour of work at {@code averageWatts} of chip power. */
    public static double opexUsdPerChipHour(Opex o, double averageWatts) {
        return averageWatts / 1000.0 * o.pue().value() * o.usdPerKwh().value();
    }

    /** Dollars per million tokens when {@code chips} chips at {@code usdPerChipHour} make {@code tokens} in {@code seconds}. */
    public static double usdPerMillionTokens(double usdPerChipHour, int chips, double seconds, double tokens) {
        return usdPerChipHour * chips * seconds / 3600.0 / tokens * 1e6;
    }

    /** An ASIC's price per chip with its NRE spread over {@code volume} chips. */
    public static double asicChipPriceUsd(double unitCostUsd, double nreUsd, double volume) {
        if (!(volume > 0)) {
            throw new IllegalArgumentException("volume must be > 0, got " + volume);
        }
        return unitCostUsd + nreUsd / volume;
    }

    /**
     * The chip price at which a deployment's TCO reaches {@code targetUsdPerMillionTokens}, its other
     * inputs (server share, years, utilisation, power) fixed: the capex the target leaves per chip-hour,
     * times the hours of work, less the server share. Negative when opex alone exceeds the target.
     */
    public static double affordableChipPriceUsd(double targetUsdPerMillionTokens, Capex capex, Opex opex,
                                                double averageWatts, int chips, double seconds, double tokens) {
        double perChipHour = targetUsdPerMillionTokens * tokens / 1e6 / (chips * seconds / 3600.0);
        double capexPerHour = perChipHour - opexUsdPerChipHour(opex, averageWatts);
        return capexPerHour * capex.depreciationYears().value() * HOURS_PER_YEAR * capex.utilisation().value()
                - capex.serverAndNetworkSharePerChipUsd().value();
    }

    /**
     * Chips an ASIC must ship before it costs no more per token than the alternative:
     * {@code NRE / (affordable price − unit cost)}; empty when the unit cost alone is already too much.
     */
    public static OptionalDouble breakEvenVolume(double nreUsd, double unitCostUsd, double affordableChipPriceUsd) {
        double margin = affordableChipPriceUsd - unitCostUsd;
        return margin > 0 ? OptionalDouble.of(nreUsd / margin) : OptionalDouble.empty();
    }
}
