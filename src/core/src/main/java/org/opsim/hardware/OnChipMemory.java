package org.opsim.hardware;

import java.util.Optional;
import org.opsim.io.InvalidValueException;

/**
 * The last-level on-chip memory kernels keep operands in between main-memory trips: the L2 of a GPU,
 * a Trainium's SBUF, a TPU's VMEM, the SRAM of Gaudi, MTIA, Maia or Groq. Operands that fit in it
 * move at its bandwidth instead of main memory's (the two-level memory model, docs/cost-model.md §8.4).
 *
 * @param name what the vendor calls it ({@code L2}, {@code SBUF}, {@code VMEM}, {@code SRAM})
 * @param efficiency the fraction of {@code bandwidthBytesPerSecond} kernels reach (a chip figure,
 *     fitted by calibration; absent: the profile's default memory efficiency)
 */
public record OnChipMemory(String name, Figure capacityBytes, Figure bandwidthBytesPerSecond, Figure latencySeconds,
                           Optional<Figure> efficiency) {
    public OnChipMemory {
        Checks.text("onChip.name", name);
        Checks.positive("onChip.capacityBytes", capacityBytes);
        Checks.positive("onChip.bandwidthBytesPerSecond", bandwidthBytesPerSecond);
        Checks.positive("onChip.latencySeconds", latencySeconds);
        Checks.required("onChip.efficiency", efficiency);
        efficiency.ifPresent(e -> {
            if (!(e.value() > 0 && e.value() <= 1)) {
                throw new InvalidValueException("onChip.efficiency.value", "must be in (0, 1], got " + Checks.fmt(e.value()));
            }
        });
    }

    public OnChipMemory(String name, Figure capacityBytes, Figure bandwidthBytesPerSecond, Figure latencySeconds) {
        this(name, capacityBytes, bandwidthBytesPerSecond, latencySeconds, Optional.empty());
    }

    public OnChipMemory withEfficiency(Figure e) {
        return new OnChipMemory(name, capacityBytes, bandwidthBytesPerSecond, latencySeconds, Optional.of(e));
    }
}
