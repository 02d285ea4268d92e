package org.opsim.sweep;

import java.util.concurrent.ConcurrentHashMap;
import org.opsim.Opsim;
import org.opsim.hardware.HardwareProfile;
import org.opsim.model.Model;
import org.opsim.model.Workload;

/**
 * One sweep run's workload-parametric plans, compiled once per (variant, profile) and shared by its
 * workers (each evaluates its own copy). A variant the plans cannot cover is a String: training (not
 * parametric), a model whose graphs are not closed-form over the space's batches and lengths (refused
 * at compile, by name), or a refusal of the variant by the model or chip (an argument, input or range
 * error); its workloads are costed by building their graphs.
 */
final class SharedPlans {
    static final String BY_GRAPH = "costed by building each graph";

    private final ConcurrentHashMap<Long, Object> plans = new ConcurrentHashMap<>();

    /** The plan for key {@code variant × profiles + profile}, {@code like} one of the variant's workloads. */
    Object plan(long key, Model model, Workload like, HardwareProfile profile, SweepSpace space) {
        return plans.computeIfAbsent(key, k -> compile(model, like, profile, space));
    }

    private static Object compile(Model model, Workload like, HardwareProfile profile, SweepSpace space) {
        long batches = Math.max(2, space.maxBatch());
        long lengths = Math.max(4, space.maxLength());
        try {
            return switch (like.phase()) {
                case DECODE -> Opsim.decodePlan(model, like, profile, batches, lengths);
                case PREFILL -> Opsim.prefillPlan(model, like, profile, batches, lengths);
                case GENERATION -> Opsim.generationPlan(model, like, profile, batches, lengths, like.generatedTokens());
                case TRAINING -> BY_GRAPH;
            };
        } catch (IllegalArgumentException | org.opsim.io.InputException | ArithmeticException refused) {
            // Not closed-form, or the model or chip refuses the variant: the graph path says which, per workload.
            // Anything else is a defect and fails the sweep.
            return BY_GRAPH;
        }
    }
}
