package org.opsim.deploy;

import java.util.Objects;
import org.opsim.model.Architecture;
import org.opsim.model.Workload;

/**
 * How a model is laid out on a system: {@code tp × pp × dp} chips (tensor, pipeline and data
 * parallel), routed experts split over {@code ep} chips (within the tensor × data group), and a
 * batch cut into {@code microBatches} for the pipeline. Chips are numbered TP-innermost: a TP group
 * is consecutive chips (inside a node when it fits), then the pipeline stages, then the replicas.
 */
public record Deployment(SystemProfile system, int tp, int pp, int dp, int ep, int microBatches) {

    public Deployment {
        Objects.requireNonNull(system, "system");
        positive("tensor-parallel degree", tp);
        positive("pipeline-parallel degree", pp);
        positive("data-parallel degree", dp);
        positive("expert-parallel degree", ep);
        positive("micro-batch count", microBatches);
        long used = (long) tp * pp * dp;
        if (used > system.chips()) {
            throw new DeploymentException("TP " + tp + " × PP " + pp + " × DP " + dp + " = " + used + " chips, but "
                    + system.name() + " has " + system.chips());
        }
        if ((long) tp * dp % ep != 0) {
            throw new DeploymentException("expert-parallel degree " + ep + " must divide TP × DP = " + (long) tp * dp
                    + " (experts are spread over the chips of one pipeline stage)");
        }
    }

    /** One chip: no parallelism. */
    public static Deployment single(SystemProfile system) {
        return new Deployment(system, 1, 1, 1, 1, 1);
    }

    /** Chips the deployment uses: {@code tp · pp · dp}. */
    public int chips() {
        return tp * pp * dp;
    }

    /** Rejects degrees the model or the workload cannot be split by, with a named message. */
    public void checkFits(String model, Architecture c, Workload w) {
        if (c.queryHeads() % tp != 0) {
            throw new DeploymentException("tensor-parallel degree " + tp + " does not divide the " + c.queryHeads()
                    + " attention heads of " + model);
        }
        if (pp > c.layers()) {
            throw new DeploymentException("pipeline-parallel degree " + pp + " exceeds the " + c.layers() + " layers of "
                    + model);
        }
        if (ep > 1) {
            if (c.experts().isEmpty()) {
                throw new DeploymentException("expert-parallel degree " + ep + " needs a mixture-of-experts model; "
                        + model + " has no routed experts");
            }
            long experts = c.experts().get().routed();
            if (experts % ep != 0) {
                throw new DeploymentException("expert-parallel degree " + ep + " does not divide the " + experts
                        + " experts of " + model);
            }
        }
        if (w.batch() % microBatches != 0) {
            throw new DeploymentException(microBatches + " micro-batches do not divide the batch of " + w.batch());
        }
    }

    /** Group members on one node of a TP group (TP groups are consecutive chips). */
    public int tpPerNode() {
        return Math.min(tp, system.chipsPerNodeCount());
    }

    /** Group members on one node of a DP group (replicas are {@code tp·pp} chips apart). */
    public int dpPerNode() {
        int stride = tp * pp;
        return Math.max(1, Math.min(dp, system.chipsPerNodeCount() / stride));
    }

    /** Group members on one node of an EP group (consecutive chips of a stage across TP then DP). */
    public int epPerNode() {
        return Math.min(ep, system.chipsPerNodeCount());
    }

    /** Whether some pipeline hand-off leaves a node. */
    public boolean handOffCrossesNodes() {
        return pp > 1 && (long) tp * pp > system.chipsPerNodeCount();
    }

    public String describe() {
        return "TP " + tp + ", PP " + pp + ", DP " + dp + (ep > 1 ? ", EP " + ep : "")
                + (microBatches > 1 ? ", " + microBatches + " micro-batches" : "") + " on " + chips() + " of "
                + system.chips() + " chips of " + system.name();
    }

    private static void positive(String what, int v) {
        if (v <= 0) {
            throw new DeploymentException(what + " must be > 0, got " + v);
        }
    }
}
