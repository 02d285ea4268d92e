package org.opsim.hardware;

import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.opsim.graph.OpKind;
import org.opsim.graph.Precision;
import org.opsim.io.InvalidValueException;

/**
 * Per-op achieved fractions of peak. Lookup order for an op of kind K at precision P: the rule for
 * (K, P), then the rule for K with no precision, then the default. Compute curves are read at the
 * op's FLOPs, memory curves at its bytes; for collectives the memory curve is the link efficiency,
 * read at the payload bytes.
 */
public record EfficiencyTable(EfficiencyCurve defaultCompute, EfficiencyCurve defaultMemory,
                              List<EfficiencyRule> rules) {

    public EfficiencyTable {
        Checks.required("default.compute", defaultCompute);
        Checks.required("default.memory", defaultMemory);
        Checks.required("ops", rules);
        rules = List.copyOf(rules);
        for (int i = 0; i < rules.size(); i++) {
            for (int j = 0; j < i; j++) {
                if (rules.get(i).kind() == rules.get(j).kind() && rules.get(i).precision().equals(rules.get(j).precision())) {
                    throw new InvalidValueException("ops[" + i + "]", "a second rule for " + rules.get(i).kind().id()
                            + rules.get(i).precision().map(p -> " at " + p.id()).orElse("") + " (the first is ops[" + j + "])");
                }
            }
        }
    }

    public static EfficiencyTable uniform(double compute, double memory, String source) {
        return new EfficiencyTable(EfficiencyCurve.constant(compute, source), EfficiencyCurve.constant(memory, source), List.of());
    }

    public EfficiencyCurve compute(OpKind kind, Precision precision) {
        return find(kind, precision, EfficiencyRule::compute).orElse(defaultCompute);
    }

    public EfficiencyCurve memory(OpKind kind, Precision precision) {
        return find(kind, precision, EfficiencyRule::memory).orElse(defaultMemory);
    }

    /** The kind's own per-op overhead, if a rule sets one (else the profile's dispatch overhead applies). */
    public Optional<Figure> overhead(OpKind kind, Precision precision) {
        return find(kind, precision, EfficiencyRule::overheadSeconds);
    }

    private <T> Optional<T> find(OpKind kind, Precision precision, Function<EfficiencyRule, Optional<T>> slot) {
        Optional<T> kindWide = Optional.empty();
        for (EfficiencyRule r : rules) {
            if (r.kind() != kind) {
                continue;
            }
            if (r.precision().isPresent()) {
                if (r.precision().get() == precision && slot.apply(r).isPresent()) {
                    return slot.apply(r);
                }
            } else if (slot.apply(r).isPresent()) {
                kindWide = slot.apply(r);
            }
        }
        return kindWide;
    }
}
