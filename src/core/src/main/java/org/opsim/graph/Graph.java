package org.opsim.graph;

import java.util.ArrayList;
import java.util.List;
import org.opsim.io.InvalidValueException;

/**
 * An operator graph as an ordered list of blocks, each with its frequency. Totals are
 * {@code Σ_blocks repeat × Σ_ops work}, computed without expanding repeats.
 */
public record Graph(String name, List<Block> blocks) {

    public Graph {
        if (name == null || name.isBlank()) {
            throw new InvalidValueException("name", "a graph name must not be blank");
        }
        if (blocks == null || blocks.isEmpty()) {
            throw new InvalidValueException("graph " + name, "blocks", "needs at least one block");
        }
        blocks = List.copyOf(blocks);
    }

    public static Builder builder(String name) {
        return new Builder(name);
    }

    public double totalFlops() {
        double total = 0;
        for (Block b : blocks) {
            total += b.repeat() * b.flopsPerRepeat();
        }
        return total;
    }

    public double totalBytes() {
        double total = 0;
        for (Block b : blocks) {
            total += b.repeat() * b.bytesPerRepeat();
        }
        return total;
    }

    /** Assembles a graph block by block. */
    public static final class Builder {
        private final String name;
        private final List<Block> blocks = new ArrayList<>();

        private Builder(String name) {
            this.name = name;
        }

        /** A block of a forward pass ({@link Stage#FORWARD}). */
        public Builder block(String blockName, long repeat, Op... ops) {
            blocks.add(new Block(blockName, repeat, ops));
            return this;
        }

        public Builder block(String blockName, Stage stage, long repeat, Op... ops) {
            blocks.add(new Block(blockName, stage, repeat, ops));
            return this;
        }

        public Builder block(Block block) {
            blocks.add(block);
            return this;
        }

        public Graph build() {
            return new Graph(name, blocks);
        }
    }
}
