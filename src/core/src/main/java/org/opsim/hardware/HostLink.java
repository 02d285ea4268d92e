package org.opsim.hardware;

/** The path to the host CPU used by {@link Fallback.Mode#HOST}: link bandwidth (per direction), round-trip latency, host FLOP/s. */
public record HostLink(Figure bandwidthBytesPerSecond, Figure latencySeconds, Figure flopsPerSecond) {
    public HostLink {
        Checks.positive("bandwidthBytesPerSecond", bandwidthBytesPerSecond);
        Checks.nonNegative("latencySeconds", latencySeconds);
        Checks.positive("flopsPerSecond", flopsPerSecond);
    }
}
