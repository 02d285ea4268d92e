package org.opsim.sweep;

import java.util.Locale;
import org.opsim.internal.io.Ids;

/** A figure of a {@link SweepRow} that a Pareto frontier can trade off; each is better lower but throughput. */
public enum Metric {
    LATENCY_SECONDS(false),
    SECONDS_PER_TOKEN(false),
    USD_PER_MILLION_TOKENS(false),
    JOULES_PER_TOKEN(false),
    TOKENS_PER_SECOND(true);

    private final boolean higherIsBetter;

    Metric(boolean higherIsBetter) {
        this.higherIsBetter = higherIsBetter;
    }

    /** The name on the command line, e.g. {@code usd-per-million-tokens}. */
    public String id() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public double value(SweepRow r) {
        return switch (this) {
            case LATENCY_SECONDS -> r.latencySeconds();
            case SECONDS_PER_TOKEN -> r.secondsPerToken();
            case USD_PER_MILLION_TOKENS -> r.usdPerMillionTokens();
            case JOULES_PER_TOKEN -> r.joulesPerToken();
            case TOKENS_PER_SECOND -> r.tokensPerSecond();
        };
    }

    /** The value as a quantity to minimise (throughput negated). */
    public double cost(SweepRow r) {
        return cost(value(r));
    }

    /** {@code value} of this metric as a quantity to minimise (throughput negated). */
    public double cost(double value) {
        return higherIsBetter ? -value : value;
    }

    public static Metric parse(String id) {
        return Ids.parse(id, values(), Metric::id, "metric");
    }
}
