package org.opsim.hardware;

import java.util.Objects;

/** The path to the host CPU used by {@link Fallback.Mode#HOST}: link bandwidth (per direction), round-trip latency, host FLOP/s. */
public record HostLink(Figure bandwidthBytesPerSecond, Figure latencySeconds, Figure flopsPerSecond) {
    public HostLink {
        Checks.positive("host.bandwidthBytesPerSecond", bandwidthBytesPerSecond);
        Checks.nonNegative("host.latencySeconds", latencySeconds);
        Checks.positive("host.flopsPerSecond", flopsPerSecond);
    }
}
