package org.opsim.graph;

import java.util.Locale;
import org.opsim.internal.io.Ids;

/**
 * Moves tokens between token order and expert order around a MoE layer's grouped GEMMs, on one chip
 * ({@code tokens} rows of width {@code hidden}, each sent to {@code k} experts).
 *
 * <ul>
 * <li>{@link Direction#DISPATCH}: each token row read once and written k times, in expert order:
 *   bytes = tokens·hidden·e·(1 + k), no FLOPs.</li>
 * <li>{@link Direction#COMBINE}: the k expert outputs of each token read and summed with their router
 *   weights: bytes = tokens·hidden·e·(k + 1), FLOPs = 2·tokens·k·hidden.</li>
 * </ul>
 * Across chips (expert parallelism) the same movement is an all-to-all, costed by the deployment.
 */
public record MoeDispatch(String name, Direction direction, long tokens, long k, long hidden, Precision precision)
        implements VectorOp {

    public enum Direction {
        DISPATCH, COMBINE;

        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Direction parse(String id) {
            return Ids.parse(id, values(), Direction::id, "dispatch direction");
        }
    }

    public MoeDispatch {
        Shapes.name(name);
        Shapes.present(name, "direction", direction);
        Shapes.positive(name, "tokens", tokens);
        Shapes.positive(name, "k", k);
        Shapes.positive(name, "hidden", hidden);
        Shapes.present(name, "precision", precision);
    }

    @Override
    public OpKind kind() {
        return OpKind.MOE_DISPATCH;
    }

    @Override
    public double vectorFlops() {
        return direction == Direction.COMBINE ? 2.0 * tokens * k * hidden : 0.0;
    }

    @Override
    public double bytes() {
        return (double) tokens * hidden * precision.bytesPerElement() * (1 + k);
    }
}
