package org.opsim.hardware;

import java.util.Objects;
import java.util.Optional;
import org.opsim.graph.OpKind;
import org.opsim.graph.Precision;

/**
 * Efficiencies for one op kind, optionally only at one precision. A missing curve falls through to
 * the kind-wide rule, then to the table's default.
 */
public record EfficiencyRule(OpKind kind, Optional<Precision> precision,
                             Optional<EfficiencyCurve> compute, Optional<EfficiencyCurve> memory) {

    public EfficiencyRule {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(precision, "precision");
        Objects.requireNonNull(compute, "compute");
        Objects.requireNonNull(memory, "memory");
        if (compute.isEmpty() && memory.isEmpty()) {
            throw new IllegalArgumentException("efficiency rule for " + kind.id() + " sets neither compute nor memory");
        }
    }

    public static EfficiencyRule of(OpKind kind, EfficiencyCurve compute, EfficiencyCurve memory) {
        return new EfficiencyRule(kind, Optional.empty(), Optional.ofNullable(compute), Optional.ofNullable(memory));
    }
}
