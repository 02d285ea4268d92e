package org.opsim.cost;

import org.opsim.graph.Stage;

/**
 * A block's cost: one repeat, and all {@code repeat} of them.
 *
 * @param dominantBound the bound of the ops that take the most of the block's time
 */
public record BlockResult(String name, Stage stage, long repeat, Totals perRepeat, Totals total, Bound dominantBound) {
}
