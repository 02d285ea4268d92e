package org.opsim.hardware;

import java.util.Optional;

/**
 * The chip's scale-up link: bandwidth per chip <em>per direction</em> (NVLink4: 450 GB/s, i.e. half
 * the 900 GB/s bidirectional figure), per-hop latency, and optionally energy per byte sent.
 */
public record Interconnect(Figure bandwidthBytesPerSecond, Figure latencySeconds, Optional<Figure> energyPerByteJoules) {
    public Interconnect {
        Checks.positive("bandwidthBytesPerSecond", bandwidthBytesPerSecond);
        Checks.nonNegative("latencySeconds", latencySeconds);
        Checks.required("energyPerByteJoules", energyPerByteJoules);
        energyPerByteJoules.ifPresent(f -> Checks.nonNegative("energyPerByteJoules", f));
    }
}
