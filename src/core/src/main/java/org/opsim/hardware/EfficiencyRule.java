package org.opsim.hardware;

import java.util.Optional;
import org.opsim.graph.OpKind;
import org.opsim.graph.Precision;
import org.opsim.io.InvalidValueException;


/**
 * Efficiencies for one op kind, optionally only at one precision; optionally the kind's own fixed
 * overhead per op (replacing the profile's dispatch overhead: a calibrated kernel launch plus
 * prologue/epilogue); and optionally a per-compute-unit throughput cap for memory traffic, for
 * kernels limited by latency and occupancy rather than by DRAM bandwidth (memory time is then
 * {@code bytes / min(bandwidth × e_m, computeUnits × unitBytesPerSecond)}). A missing entry falls
 * through to the kind-wide rule, then to the defaults.
 */
public record EfficiencyRule(OpKind kind, Optional<Precision> precision,
                             Optional<EfficiencyCurve> compute, Optional<EfficiencyCurve> memory,
                             Optional<Figure> overheadSeconds, Optional<Figure> unitBytesPerSecond) {

    public EfficiencyRule {
        Checks.required("kind", kind);
        Checks.required("precision", precision);
        Checks.required("compute", compute);
        Checks.required("memory", memory);
        Checks.required("overheadSeconds", overheadSeconds);
        overheadSeconds.ifPresent(f -> Checks.nonNegative("overheadSeconds", f));
        Checks.required("unitBytesPerSecond", unitBytesPerSecond);
        unitBytesPerSecond.ifPresent(f -> Checks.positive("unitBytesPerSecond", f));
        if (compute.isEmpty() && memory.isEmpty() && overheadSeconds.isEmpty() && unitBytesPerSecond.isEmpty()) {
            throw new InvalidValueException("", "the efficiency rule for " + kind.id()
                    + " sets none of compute, memory, overheadSeconds or unitBytesPerSecond");
        }
    }

    public EfficiencyRule(OpKind kind, Optional<Precision> precision, Optional<EfficiencyCurve> compute,
                          Optional<EfficiencyCurve> memory, Optional<Figure> overheadSeconds) {
        this(kind, precision, compute, memory, overheadSeconds, Optional.empty());
    }

    public EfficiencyRule(OpKind kind, Optional<Precision> precision, Optional<EfficiencyCurve> compute,
                          Optional<EfficiencyCurve> memory) {
        this(kind, precision, compute, memory, Optional.empty(), Optional.empty());
    }

    public static EfficiencyRule of(OpKind kind, EfficiencyCurve compute, EfficiencyCurve memory) {
        return new EfficiencyRule(kind, Optional.empty(), Optional.ofNullable(compute), Optional.ofNullable(memory));
    }
}
