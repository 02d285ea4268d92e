package org.opsim.deploy;

import java.util.Locale;
import org.opsim.model.Architecture;
import org.opsim.model.MemoryFootprint;
import org.opsim.model.Model;
import org.opsim.model.Workload;

/**
 * Whether a model and workload fit in the chips' memory (docs/cost-model.md §6.4). Per chip:
 * {@link Model#memoryFootprint} at the TP degree; routed-expert weights (and their training
 * state) ÷ EP; weights, KV cache and training state × ⌈L/PP⌉/L (the layers of the fullest stage);
 * activations as the footprint gives them (one layer's working set, or for training the stored
 * activations × ⌈L/PP⌉/L). Compared with {@code memory.capacityBytes}; sizes printed in GB = 1e9 bytes.
 */
public final class Capacity {

    private Capacity() {
    }

    /** The smallest deployment that holds the model: its chip count and degrees. */
    public record Minimum(int chips, int tp, int pp, MemoryFootprint perChip) {
    }

    /** The model's architecture, or an {@code IllegalArgumentException} saying that {@code what} needs it. */
    static Architecture architecture(Model model, String what) {
        return model.architecture().orElseThrow(() -> new DeploymentException(what + " splits a model by its layers, "
                + "widths and experts, and " + model.name() + " does not give them"));
    }

    /** Bytes one chip holds under {@code tp}, {@code pp} and {@code ep}. */
    public static MemoryFootprint perChip(Model model, Workload w, int tp, int pp, int ep) {
        Architecture c = architecture(model, "a deployment");
        MemoryFootprint f = model.memoryFootprint(w.withTensorParallel(tp));
        double weights = f.weightsBytes();
        double training = f.trainingStateBytes();
        if (ep > 1 && c.experts().isPresent()) {
            double routed = c.experts().get().routedParameters();
            double share = routed / model.parameterCount() * (1.0 - 1.0 / ep);
            weights -= f.weightsBytes() * share;
            training -= f.trainingStateBytes() * share;
        }
        double stage = Math.ceil((double) c.layers() / pp) / c.layers();
        double activations = w.phase() == Workload.Phase.TRAINING ? f.activationBytes() * stage : f.activationBytes();
        return new MemoryFootprint(weights * stage, f.kvCacheBytes() * stage, activations, training * stage);
    }

    /** Throws a {@link CapacityException} naming what is needed and what one chip has, unless it fits. */
    public static MemoryFootprint check(Model model, Workload w, Deployment d) {
        MemoryFootprint f = perChip(model, w, d.tp(), d.pp(), d.ep());
        double cap = d.system().chip().memory().capacityBytes().value();
        if (!f.fitsIn(cap)) {
            throw new CapacityException(message(model.name(), w, f, d.tp(), d.pp(), d.ep(), d.system()), f.totalBytes(), cap);
        }
        return f;
    }

    /**
     * The fewest chips of {@code s} that hold the model: for n = 1, 2, …, every TP degree dividing n that
     * fits in a node and the model's heads (largest first), with PP = n/TP up to the layer count.
     */
    public static Minimum minimumChips(Model model, Workload w, SystemProfile s) {
        double cap = s.chip().memory().capacityBytes().value();
        Architecture c = architecture(model, "finding the minimum chips");
        for (int n = 1; n <= s.chips(); n++) {
            for (int tp = Math.min(n, s.chipsPerNodeCount()); tp >= 1; tp--) {
                if (n % tp != 0 || n / tp > c.layers()) {
                    continue;
                }
                MemoryFootprint f;
                try {
                    f = perChip(model, w, tp, n / tp, 1);
                } catch (IllegalArgumentException notSplittable) {
                    continue;
                }
                if (f.fitsIn(cap)) {
                    return new Minimum(n, tp, n / tp, f);
                }
            }
        }
        MemoryFootprint one = perChip(model, w, 1, 1, 1);
        throw new CapacityException(message(model.name(), w, one, 1, 1, 1, s) + "; even all " + s.chips() + " chips of "
                + s.name() + " cannot hold it", one.totalBytes(), cap);
    }

    static String message(String modelName, Workload w, MemoryFootprint f, int tp, int pp, int ep, SystemProfile s) {
        StringBuilder sb = new StringBuilder();
        sb.append(modelName).append(' ').append(w.precisions().weights().id()).append(" needs ")
                .append(gb(f.weightsBytes())).append(" GB of weights (+ ").append(gb(f.kvCacheBytes()))
                .append(" GB KV cache + ").append(gb(f.activationBytes())).append(" GB activations");
        if (f.trainingStateBytes() > 0) {
            sb.append(" + ").append(gb(f.trainingStateBytes())).append(" GB gradients and optimizer state");
        }
        sb.append(')');
        if (tp > 1 || pp > 1 || ep > 1) {
            sb.append(" per chip at TP ").append(tp).append(", PP ").append(pp);
            if (ep > 1) {
                sb.append(", EP ").append(ep);
            }
        }
        sb.append("; one ").append(s.chip().name()).append(" has ").append(gb(s.chip().memory().capacityBytes().value()))
                .append(" GB");
        return sb.toString();
    }

    /** Bytes as GB (1e9 bytes) with one decimal. */
    public static String gb(double bytes) {
        return String.format(Locale.ROOT, "%.1f", bytes / 1e9);
    }
}
