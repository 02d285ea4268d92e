package org.opsim.report;

import java.util.List;
import java.util.Map;
import org.opsim.cost.Evaluation;
import org.opsim.cost.Totals;
import org.opsim.graph.OpKind;

/**
 * Groups of op kinds an analyst asks about: "how much is matmul vs softmax vs norms?". Every op kind
 * is in exactly one. {@code attention} holds every token mixer (softmax attention, linear attention,
 * the Mamba-2 scan, the sparse-attention indexer); {@code elementwise} add, mul, rope, the embedding
 * lookup and the short causal convolution; {@code routing} MoE top-k and token dispatch;
 * {@code custom} user-defined ops.
 */
public enum OpCategory {
    MATMUL("matmul", List.of(OpKind.MATMUL, OpKind.BATCHED_MATMUL)),
    ATTENTION("attention", List.of(OpKind.ATTENTION, OpKind.LINEAR_ATTENTION, OpKind.SSM_SCAN, OpKind.INDEXER)),
    SOFTMAX("softmax", List.of(OpKind.SOFTMAX)),
    NORMS("norms", List.of(OpKind.LAYERNORM, OpKind.RMSNORM)),
    ACTIVATIONS("activations", List.of(OpKind.GELU, OpKind.SILU, OpKind.SILU_AND_MUL)),
    ELEMENTWISE("elementwise", List.of(OpKind.ADD, OpKind.MUL, OpKind.ROPE, OpKind.EMBEDDING, OpKind.CONV1D)),
    ROUTING("routing", List.of(OpKind.TOPK, OpKind.MOE_DISPATCH)),
    COLLECTIVES("collectives", List.of(OpKind.ALL_REDUCE, OpKind.ALL_GATHER)),
    OPTIMIZER("optimizer", List.of(OpKind.OPTIMIZER)),
    CUSTOM("custom", List.of(OpKind.CUSTOM));

    private final String label;
    private final List<OpKind> kinds;

    OpCategory(String label, List<OpKind> kinds) {
        this.label = label;
        this.kinds = kinds;
    }

    /** The column name used in tables, JSON and charts. */
    public String label() {
        return label;
    }

    public List<OpKind> kinds() {
        return kinds;
    }

    /** Seconds spent in this category's ops in one execution of {@code e}. */
    public double seconds(Evaluation e) {
        double t = 0;
        Map<OpKind, Totals> byKind = e.byKind();
        for (OpKind k : kinds) {
            Totals x = byKind.get(k);
            if (x != null) {
                t += x.latencySeconds();
            }
        }
        return t;
    }

    /** Share of {@code e}'s latency in this category, in [0, 1]. */
    public double share(Evaluation e) {
        double total = e.total().latencySeconds();
        return total > 0 ? seconds(e) / total : 0;
    }

    /** The category an op kind belongs to. */
    public static OpCategory of(OpKind kind) {
        for (OpCategory c : values()) {
            if (c.kinds.contains(kind)) {
                return c;
            }
        }
        throw new IllegalArgumentException("op kind " + kind.id() + " has no category");
    }
}
