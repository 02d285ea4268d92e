package org.opsim.graph;

import java.util.List;
import java.util.Objects;
import org.opsim.io.InvalidValueException;

/**
 * A named sequence of ops that runs {@code repeat} times per graph execution (its frequency), e.g.
 * one decoder layer × 80, in one {@link Stage} of the workload. Costs multiply by {@code repeat};
 * the ops are never copied.
 */
public record Block(String name, Stage stage, long repeat, List<Op> ops) {

    public Block {
        if (name == null || name.isBlank()) {
            throw new InvalidValueException("name", "a block name must not be blank");
        }
        Objects.requireNonNull(stage, () -> "block " + name + ": stage is required");
        if (repeat <= 0) {
            throw new InvalidValueException("block " + name, "repeat", "must be > 0, got " + repeat);
        }
        if (ops == null || ops.isEmpty()) {
            throw new InvalidValueException("block " + name, "ops", "needs at least one op");
        }
        ops = List.copyOf(ops);
    }

    /** A block of a forward pass ({@link Stage#FORWARD}). */
    public Block(String name, long repeat, List<Op> ops) {
        this(name, Stage.FORWARD, repeat, ops);
    }

    public Block(String name, Stage stage, long repeat, Op... ops) {
        this(name, stage, repeat, List.of(ops));
    }

    /** A block of a forward pass ({@link Stage#FORWARD}). */
    public Block(String name, long repeat, Op... ops) {
        this(name, Stage.FORWARD, repeat, List.of(ops));
    }

    /** FLOPs of one execution of the block. */
    public double flopsPerRepeat() {
        double total = 0;
        for (Op op : ops) {
            total += op.flops();
        }
        return total;
    }

    /** Bytes of one execution of the block. */
    public double bytesPerRepeat() {
        double total = 0;
        for (Op op : ops) {
            total += op.bytes();
        }
        return total;
    }

    /** The same ops, repeat and stage under another name. */
    public Block renamed(String newName) {
        return new Block(newName, stage, repeat, ops);
    }
}
