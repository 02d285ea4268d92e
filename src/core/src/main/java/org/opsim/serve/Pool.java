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
 * @param expertParallel expert parallelism of the feed-forward chips (1: experts split by TP alone): each holds 1/EP
 *     of the experts, whose width MoE-TP = chips / EP splits; under random routing the busiest chip sets the time
 */
public record Pool(int workers, int tensorParallel, int attentionDp, int expertParallel) {

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
        if (expertParallel < 1 || (tensorParallel * attentionDp) % expertParallel != 0) {
            throw new IllegalArgumentException("a pool's expert parallelism must divide its " + tensorParallel * attentionDp
                    + " chips per instance, got " + expertParallel);
        }
    }

    /** {@code workers} instances of {@code tensorParallel} chips, without attention data or expert parallelism. */
    public Pool(int workers, int tensorParallel) {
        this(workers, tensorParallel, 1, 1);
    }

    /** {@code workers} instances of {@code attentionDp} ranks of {@code tensorParallel} chips, experts split by TP alone. */
    public Pool(int workers, int tensorParallel, int attentionDp) {
        this(workers, tensorParallel, attentionDp, 1);
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
        String ep = expertParallel > 1 ? ", EP " + expertParallel : "";
        return workers + " × " + (attentionDp > 1 ? "(attention DP " + attentionDp + " × TP " + tensorParallel + ", experts over "
                + chipsPerInstance() + ep + ")" : "TP " + tensorParallel + ep);
    }
}
