package org.opsim.cli;

import java.util.List;
import java.util.Map;
import org.opsim.cost.Evaluation;
import org.opsim.cost.Totals;
import org.opsim.graph.OpKind;

/** Groups of op kinds an analyst asks about: "how much is matmul vs softmax vs norms?". */
enum Categories {
    MATMUL("matmul", List.of(OpKind.MATMUL, OpKind.BATCHED_MATMUL)),
    ATTENTION("attention", List.of(OpKind.ATTENTION)),
    SOFTMAX("softmax", List.of(OpKind.SOFTMAX)),
    NORMS("norms", List.of(OpKind.LAYERNORM, OpKind.RMSNORM)),
    ACTIVATIONS("activations", List.of(OpKind.GELU, OpKind.SILU, OpKind.SILU_AND_MUL)),
    ELEMENTWISE("elementwise+rope+embed", List.of(OpKind.ADD, OpKind.MUL, OpKind.ROPE, OpKind.EMBEDDING)),
    COLLECTIVES("collectives", List.of(OpKind.ALL_REDUCE, OpKind.ALL_GATHER)),
    OPTIMIZER("optimizer", List.of(OpKind.OPTIMIZER));

    final String label;
    final List<OpKind> kinds;

    Categories(String label, List<OpKind> kinds) {
        this.label = label;
        this.kinds = kinds;
    }

    double share(Evaluation e) {
        double t = 0;
        Map<OpKind, Totals> byKind = e.byKind();
        for (OpKind k : kinds) {
            Totals x = byKind.get(k);
            if (x != null) {
                t += x.latencySeconds();
            }
        }
        return e.total().latencySeconds() > 0 ? t / e.total().latencySeconds() : 0;
    }
}
