package org.opsim.hardware;

/** Main memory (HBM, GDDR, LPDDR, or SRAM on chips without DRAM): capacity and peak bandwidth. */
public record Memory(Figure capacityBytes, Figure bandwidthBytesPerSecond) {
    public Memory {
        Checks.positive("capacityBytes", capacityBytes);
        Checks.positive("bandwidthBytesPerSecond", bandwidthBytesPerSecond);
    }
}
