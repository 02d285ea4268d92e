package org.opsim.hardware;

import java.util.EnumSet;
import java.util.Set;
import org.opsim.internal.io.Ids;
import org.opsim.io.InvalidValueException;

/**
 * The all-reduce algorithms a software stack's collective library can run (docs/cost-model.md §6.3): NCCL's ring
 * and double binary tree, and the serving engines' own peer-memory kernels for small messages (vLLM's and
 * SGLang's custom all-reduce, TensorRT-LLM's one-shot and two-shot AllReduce), which need every peer reachable
 * directly and a group of at most {@code maxChips}. The fastest applicable algorithm for each message is taken, as
 * the libraries' size heuristics do.
 *
 * @param algorithms the algorithms the stack can use (at least one)
 * @param maxChips the largest group the peer-memory kernels ({@code one-shot}, {@code two-shot}) serve; larger
 *     groups fall back to the ring or tree (which are then always allowed)
 * @param source where the list and the limit come from
 */
public record AllReduceAlgorithms(Set<Algorithm> algorithms, int maxChips, String source) {

    /** One all-reduce algorithm; {@link #id} is its name in a stack file. */
    public enum Algorithm {
        /** NCCL's ring: 2(g−1) steps, 2(g−1)/g of the payload over each chip's link. */
        RING("ring"),
        /** NCCL's double binary tree: 2⌈log2 g⌉ steps, twice the payload. */
        TREE("tree"),
        /** Each chip reads every peer's whole buffer and reduces it locally: 2 steps, (g−1)× the payload in. */
        ONE_SHOT("one-shot"),
        /** A reduce-scatter then an all-gather through peer memory: 3 steps, 2(g−1)/g of the payload. */
        TWO_SHOT("two-shot");

        /** {@link #values()} once (values() copies its array on every call). */
        public static final java.util.List<Algorithm> ALL = java.util.List.of(values());

        private final String id;

        Algorithm(String id) {
            this.id = id;
        }

        public String id() {
            return id;
        }

        public static Algorithm parse(String s) {
            return Ids.parse(s, values(), Algorithm::id, "all-reduce algorithm");
        }
    }

    /** NCCL's choice: ring or tree, whichever is faster; what a stack without an all_reduce rule runs. */
    public static final AllReduceAlgorithms NCCL = new AllReduceAlgorithms(EnumSet.of(Algorithm.RING, Algorithm.TREE),
            Integer.MAX_VALUE, "NCCL's ring and tree (docs/cost-model.md §6.2)");

    public AllReduceAlgorithms {
        Checks.required("algorithms", algorithms);
        if (algorithms.isEmpty()) {
            throw new InvalidValueException("use", "needs at least one algorithm (ring, tree, one-shot, two-shot)");
        }
        algorithms = Set.copyOf(algorithms);
        if (maxChips < 2) {
            throw new InvalidValueException("maxChips", "must be >= 2, got " + maxChips);
        }
        Checks.text("source", source);
    }

    /**
     * Whether the algorithm may run an all-reduce over {@code g} chips: a peer-memory kernel when listed and
     * {@code g <= maxChips}; the ring or tree when listed, or when nothing listed applies at {@code g} (the
     * library falls back to NCCL).
     */
    public boolean allows(Algorithm a, int g) {
        if (peer(a)) {
            return algorithms.contains(a) && g <= maxChips;
        }
        // Nothing listed applies when only peer kernels are listed and the group is beyond them (allocation-free: the
        // compiled plan asks this per op).
        return algorithms.contains(a)
                || !algorithms.contains(Algorithm.RING) && !algorithms.contains(Algorithm.TREE) && g > maxChips;
    }

    private static boolean peer(Algorithm a) {
        return a == Algorithm.ONE_SHOT || a == Algorithm.TWO_SHOT;
    }
}
