package org.opsim.cost;

/** A block's cost: one repeat, and all {@code repeat} of them. */
public record BlockResult(String name, long repeat, Totals perRepeat, Totals total) {
}
