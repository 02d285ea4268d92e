package org.opsim.hardware;

import java.util.Optional;
import org.opsim.graph.OpKind;
import org.opsim.graph.Precision;
import org.opsim.io.InvalidValueException;


/**
 * Efficiencies for one op kind, optionally only at one precision; optionally the kind's own fixed
 * overhead per op (replacing the profile's dispatch overhead: a calibrated kernel launch plus
 * prologue/epilogue). A missing entry falls through to the kind-wide rule, then to the defaults.
 * These are the chip's figures; what a software stack's kernels add (per-unit caps in bytes per
 * unit-cycle, row chains in cycles, launch floors) is in its {@link SoftwareStack}.
 */
public record EfficiencyRule(OpKind kind, Optional<Precision> precision,
                             Optional<EfficiencyCurve> compute, Optional<EfficiencyCurve> memory,
                             Optional<Figure> overheadSeconds) {

    public EfficiencyRule {
        Checks.required("kind", kind);
        Checks.required("precision", precision);
        Checks.required("compute", compute);
        Checks.required("memory", memory);
        Checks.required("overheadSeconds", overheadSeconds);
        overheadSeconds.ifPresent(f -> Checks.nonNegative("overheadSeconds", f));
        if (compute.isEmpty() && memory.isEmpty() && overheadSeconds.isEmpty()) {
            throw new InvalidValueException("", "the efficiency rule for " + kind.id()
                    + " sets none of compute, memory or overheadSeconds");
        }
    }

    public EfficiencyRule(OpKind kind, Optional<Precision> precision, Optional<EfficiencyCurve> compute,
                          Optional<EfficiencyCurve> memory) {
        this(kind, precision, compute, memory, Optional.empty());
    }

    public static EfficiencyRule of(OpKind kind, EfficiencyCurve compute, EfficiencyCurve memory) {
        return new EfficiencyRule(kind, Optional.empty(), Optional.ofNullable(compute), Optional.ofNullable(memory));
    }
}
