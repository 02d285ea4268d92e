package org.opsim.hardware;

import java.util.Objects;
import java.util.Optional;
import org.opsim.graph.OpKind;
import org.opsim.graph.Precision;


/**
 * Efficiencies for one op kind, optionally only at one precision, and optionally the kind's own fixed
 * overhead per op (replacing the profile's dispatch overhead: a calibrated kernel launch plus
 * prologue/epilogue). A missing entry falls through to the kind-wide rule, then to the defaults.
 */
public record EfficiencyRule(OpKind kind, Optional<Precision> precision,
                             Optional<EfficiencyCurve> compute, Optional<EfficiencyCurve> memory,
                             Optional<Figure> overheadSeconds) {

    public EfficiencyRule {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(precision, "precision");
        Objects.requireNonNull(compute, "compute");
        Objects.requireNonNull(memory, "memory");
        Objects.requireNonNull(overheadSeconds, "overheadSeconds");
        overheadSeconds.ifPresent(f -> Checks.nonNegative("overheadSeconds", f));
        if (compute.isEmpty() && memory.isEmpty() && overheadSeconds.isEmpty()) {
            throw new IllegalArgumentException("efficiency rule for " + kind.id() + " sets none of compute, memory or overheadSeconds");
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
