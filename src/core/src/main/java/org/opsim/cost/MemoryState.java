package org.opsim.cost;

/**
 * What is in on-chip memory when an op runs (docs/cost-model.md §8.4). The timing method of a
 * measurement decides it, not the chip: a model's pass streams its weights and KV cache from main
 * memory while the activations the previous op wrote may still be on chip; a microbenchmark that
 * times one op in a loop finds all its operands where the last iteration left them.
 */
public enum MemoryState {
    /** A model's pass: weights and KV cache come from main memory; activations may be on chip. */
    IN_GRAPH,
    /** One op timed in a loop: every operand may be on chip (warm L2). */
    WARM
}
