package org.opsim.graph;

import java.util.List;

/**
 * A named sequence of ops that runs {@code repeat} times per graph execution (its frequency), e.g.
 * one decoder layer × 80. Costs multiply by {@code repeat}; the ops are never copied.
 */
public record Block(String name, long repeat, List<Op> ops) {

    public Block {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("block name must not be blank");
        }
        if (repeat <= 0) {
            throw new IllegalArgumentException("block " + name + ": repeat must be > 0, got " + repeat);
        }
        if (ops == null || ops.isEmpty()) {
            throw new IllegalArgumentException("block " + name + ": needs at least one op");
        }
        ops = List.copyOf(ops);
    }

    public Block(String name, long repeat, Op... ops) {
        this(name, repeat, List.of(ops));
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
}
