package org.opsim.hardware;

import java.util.Optional;

/**
 * Main memory (HBM, GDDR, LPDDR, or SRAM on chips without DRAM): capacity, peak bandwidth and the
 * load latency a kernel sees (optional; every shipped profile gives it).
 */
public record Memory(Figure capacityBytes, Figure bandwidthBytesPerSecond, Optional<Figure> latencySeconds) {
    public Memory {
        Checks.positive("capacityBytes", capacityBytes);
        Checks.positive("bandwidthBytesPerSecond", bandwidthBytesPerSecond);
        Checks.required("latencySeconds", latencySeconds);
        latencySeconds.ifPresent(f -> Checks.positive("latencySeconds", f));
    }

    public Memory(Figure capacityBytes, Figure bandwidthBytesPerSecond) {
        this(capacityBytes, bandwidthBytesPerSecond, Optional.empty());
    }
}
