package org.opsim.graph;

import java.util.List;

/**
 * One operator at fixed shapes: an immutable value that knows its work, never how a chip runs it
 * (that is the cost model's job).
 *
 * <p>Counting conventions (all in {@code docs/cost-model.md}): FLOPs count multiplies and adds
 * separately (a multiply-accumulate is 2 FLOPs); bytes count every input read once and every output
 * written once at its storage precision, i.e. the minimum traffic to main memory.
 */
public sealed interface Op permits ComputeOp, Collective {

    /** A label unique enough to find the op in a breakdown, e.g. {@code attn.q_proj}. */
    String name();

    OpKind kind();

    /** Floating-point (or integer) operations, both engines together. */
    double flops();

    /** Bytes moved to and from main memory (for collectives: the payload per chip). */
    double bytes();

    /**
     * The ops the cost model actually costs: the op itself, or, for a composite such as unfused
     * attention, its parts in execution order.
     */
    default List<Op> lower() {
        return List.of(this);
    }
}
