package org.opsim.serve;

/**
 * Engine instances that serve alike: {@code workers} engines, each on {@code tensorParallel × attentionDp} chips.
 *
 * <p>With {@code attentionDp} 1 every layer of an instance is split by tensor parallelism over its chips (experts
 * included). With {@code attentionDp} D > 1 (attention data parallelism, as SGLang's and TensorRT-LLM's DP attention
 * and vLLM's data-parallel MoE deployments): the instance has D attention ranks of {@code tensorParallel} chips, each
 * with its own requests, scheduler and KV cache, and the feed-forward layers (router, experts, shared experts, dense
 * MLPs) are split over all {@code tensorParallel × D} chips (expert parallelism) and run over every rank's tokens at
 * once, so the ranks step in lockstep (docs/serving.md §1).
 *
 * @param workers engine instances (data-parallel replicas), each scheduling its own requests
 * @param tensorParallel chips per attention rank, splitting attention (and, without attention DP, every layer)
 * @param attentionDp attention ranks per instance (1: none)
 */
public record Pool(int workers, int tensorParallel, int attentionDp) {

    public Pool {
        if (workers < 1 || workers > 1_000_000) {
            throw new IllegalArgumentException("a pool needs 1..1000000 workers, got " + workers);
        }
        if (tensorParallel < 1 || tensorParallel > 4096) {
            throw new IllegalArgumentException("a pool's tensor-parallel degree must be 1..4096, got " + tensorParallel);
        }
        if (attentionDp < 1 || (long) attentionDp * tensorParallel > 4096) {
            throw new IllegalArgumentException("a pool's attention data parallelism must be >= 1 with at most 4096 chips per"
                    + " instance, got " + attentionDp + " ranks of " + tensorParallel);
        }
    }

    /** {@code workers} instances of {@code tensorParallel} chips, without attention data parallelism. */
    public Pool(int workers, int tensorParallel) {
        this(workers, tensorParallel, 1);
    }

    /** Chips one instance uses. */
    public int chipsPerInstance() {
        return tensorParallel * attentionDp;
    }

    /** Chips the pool uses. */
    public long chips() {
        return (long) workers * chipsPerInstance();
    }

    public String describe() {
        return workers + " × " + (attentionDp > 1 ? "(attention DP " + attentionDp + " × TP " + tensorParallel + ", experts over "
                + chipsPerInstance() + ")" : "TP " + tensorParallel);
    }
}
