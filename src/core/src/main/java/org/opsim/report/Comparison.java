package org.opsim.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;
import org.opsim.cost.CostModel;
import org.opsim.cost.Evaluation;
import org.opsim.graph.Graph;
import org.opsim.hardware.HardwareProfile;
import org.opsim.model.GraphFile;
import org.opsim.model.MemoryFootprint;
import org.opsim.model.Model;
import org.opsim.model.Workload;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One model and workload costed across several chips: the table {@code opsim compare} prints and
 * {@code opsim report} charts. For a {@link Model} each chip gets its own deployment: the smallest
 * tensor-parallel degree in {@link #TP_DEGREES} whose per-chip weights, KV cache and activations
 * fit its memory (or a fixed degree), and the per-chip graph at that degree is costed.
 */
public final class Comparison {
    private static final Logger LOG = LoggerFactory.getLogger(Comparison.class);

    /** Tensor-parallel degrees tried, smallest first, when looking for the chips that hold a model. */
    public static final List<Integer> TP_DEGREES = List.of(1, 2, 4, 8, 16, 32, 64);

    private final String title;
    private final List<ChipResult> results;

    private Comparison(String title, List<ChipResult> results) {
        this.title = title;
        this.results = List.copyOf(results);
    }

    /** What was compared (the graph's or the model's name and workload). */
    public String title() {
        return title;
    }

    /** One result per chip, in the order the profiles were given. */
    public List<ChipResult> results() {
        return results;
    }

    /** A native graph file: the graph is one chip's share of a {@code chips}-chip deployment. */
    public static Comparison of(GraphFile gf, int chips, List<HardwareProfile> profiles) {
        List<ChipResult> out = new ArrayList<>();
        long tokens = gf.tokensPerExecution().orElse(0);
        for (HardwareProfile p : profiles) {
            out.add(new ChipResult(p, chips, Optional.empty(), OptionalDouble.empty(), Optional.of(evaluate(gf.graph(), p)),
                    tokens, 0, Optional.empty(), Optional.empty()));
        }
        return new Comparison(gf.graph().name(), out);
    }

    /**
     * A transformer and workload. With {@code autoParallel} each chip runs at the smallest degree of
     * {@link #TP_DEGREES} that fits its memory (a chip that fits at none gets a row with a notice and no
     * figures); otherwise every chip runs at the workload's degree, with a notice where it does not fit.
     */
    public static Comparison of(Model model, Workload workload, boolean autoParallel, List<HardwareProfile> profiles) {
        List<ChipResult> out = new ArrayList<>();
        Workload.Phase phase = workload.phase();
        for (HardwareProfile p : profiles) {
            double capacity = p.memory().capacityBytes().value();
            Optional<Integer> needed = chipsNeeded(model, workload, capacity);
            LOG.debug("{}: {} GB per chip; smallest tensor-parallel degree that fits: {}", p.name(),
                    String.format(Locale.ROOT, "%.1f", capacity / 1e9), needed.map(String::valueOf).orElse("none"));
            if (autoParallel && needed.isEmpty()) {
                int largest = TP_DEGREES.get(TP_DEGREES.size() - 1);
                // The largest degree the model's heads and widths allow, and what a chip would need there.
                int legal = 0;
                double legalBytes = 0;
                String why = "";
                for (int t : TP_DEGREES) {
                    try {
                        legalBytes = model.memoryFootprint(workload.withTensorParallel(t)).totalBytes();
                        legal = t;
                    } catch (IllegalArgumentException e) {
                        why = why.isEmpty() ? e.getMessage() : why;
                    }
                }
                String detail = legal == largest || legal == 0 ? ""
                        : String.format(Locale.ROOT, "; the largest degree the model divides by is %d (%s), which needs "
                        + "%.1f GB per chip", legal, why, legalBytes / 1e9);
                out.add(new ChipResult(p, largest, needed, OptionalDouble.empty(), Optional.empty(), workload.tokens(),
                        workload.generatedTokens(), Optional.of(phase), Optional.of(String.format(Locale.ROOT,
                        "%s cannot hold the model at any tensor-parallel degree up to %d (%.0f GB of memory per chip)%s",
                        p.name(), largest, capacity / 1e9, detail))));
                continue;
            }
            int t = autoParallel ? needed.get() : workload.tensorParallel();
            Workload w = workload.withTensorParallel(t);
            MemoryFootprint f = model.memoryFootprint(w);
            Optional<String> notice = f.fitsIn(capacity) ? Optional.empty() : Optional.of(String.format(Locale.ROOT,
                    "%s at TP %d needs %.1f GB per chip but has %.1f GB%s", p.name(), t, f.totalBytes() / 1e9,
                    capacity / 1e9, needed.map(n -> "; TP " + n + " would fit").orElse("")));
            Graph graph = model.graph(w);
            out.add(new ChipResult(p, t, needed, OptionalDouble.of(f.totalBytes()), Optional.of(evaluate(graph, p)),
                    w.tokens(), w.generatedTokens(), Optional.of(phase), notice));
        }
        return new Comparison(model.name() + ": " + model.describe(autoParallel ? workload.withTensorParallel(1) : workload),
                out);
    }

    /** The smallest degree of {@link #TP_DEGREES} the model divides by and whose per-chip footprint fits. */
    public static Optional<Integer> chipsNeeded(Model model, Workload workload, double capacityBytes) {
        // A workload the model cannot run at all (a phase it lacks) fails here, not as "does not fit".
        model.memoryFootprint(workload.withTensorParallel(1));
        for (int t : TP_DEGREES) {
            MemoryFootprint f;
            try {
                f = model.memoryFootprint(workload.withTensorParallel(t));
            } catch (IllegalArgumentException notADivisor) {
                continue;
            }
            if (f.fitsIn(capacityBytes)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }

    private static Evaluation evaluate(Graph graph, HardwareProfile p) {
        long start = System.nanoTime();
        Evaluation e = CostModel.evaluate(graph, p);
        LOG.info("costed {} ops of {} on {} in {} ms", e.ops().size(), graph.name(), p.name(),
                String.format(Locale.ROOT, "%.1f", (System.nanoTime() - start) / 1e6));
        return e;
    }
}
