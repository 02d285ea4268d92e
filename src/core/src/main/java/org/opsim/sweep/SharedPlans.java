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
    private final ConcurrentHashMap<Long, Object> plans = new ConcurrentHashMap<>();
    /** Per key whose variant takes the graph path: the variant and profile, and why. */
    private final ConcurrentHashMap<Long, String> byGraph = new ConcurrentHashMap<>();

    /** The plan for key {@code variant × profiles + profile}, {@code like} one of the variant's workloads. */
    Object plan(long key, Model model, Workload like, HardwareProfile profile, SweepSpace space) {
        return plans.computeIfAbsent(key, k -> {
            Object plan = compile(model, like, profile, space);
            if (plan instanceof String why) {
                byGraph.put(key, like.phase().id() + ", weights " + like.precisions().weights().id() + ", TP "
                        + like.tensorParallel() + (like.attentionForm() == org.opsim.graph.Attention.Form.UNFUSED
                        ? ", unfused attention" : "") + (like.activationRecompute() ? ", full recompute" : "")
                        + " on " + profile.name() + ": " + why);
            }
            return plan;
        });
    }

    /** The variants (with their profile) whose workloads were costed by building each graph, and why, in key order. */
    java.util.List<String> graphPaths() {
        return new java.util.TreeMap<>(byGraph).values().stream().toList();
    }

    private static Object compile(Model model, Workload like, HardwareProfile profile, SweepSpace space) {
        long batches = Math.max(2, space.maxBatch());
        long lengths = Math.max(4, space.maxLength());
        try {
            return switch (like.phase()) {
                case DECODE -> Opsim.decodePlan(model, like, profile, batches, lengths);
                case PREFILL -> Opsim.prefillPlan(model, like, profile, batches, lengths);
                case GENERATION -> Opsim.generationPlan(model, like, profile, batches, lengths, like.generatedTokens());
                case TRAINING -> "training is not parametric";
            };
        } catch (IllegalArgumentException | org.opsim.io.InputException | ArithmeticException refused) {
            // Not closed-form, or the model or chip refuses the variant: the graph path says which, per workload.
            // Anything else is a defect and fails the sweep.
            String why = String.valueOf(refused.getMessage());
            return why.length() > 240 ? why.substring(0, 240) + "…" : why;
        }
    }
}
