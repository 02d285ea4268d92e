package org.opsim.serve;

/**
 * Engine instances that serve alike: {@code workers} engines, each on {@code tensorParallel} chips.
 *
 * @param workers engine instances (data-parallel replicas), each scheduling its own requests
 * @param tensorParallel chips per instance, splitting every layer (experts included) by tensor parallelism
 */
public record Pool(int workers, int tensorParallel) {

    public Pool {
        if (workers < 1 || workers > 1_000_000) {
            throw new IllegalArgumentException("a pool needs 1..1000000 workers, got " + workers);
        }
        if (tensorParallel < 1 || tensorParallel > 4096) {
            throw new IllegalArgumentException("a pool's tensor-parallel degree must be 1..4096, got " + tensorParallel);
        }
    }

    /** Chips the pool uses. */
    public long chips() {
        return (long) workers * tensorParallel;
    }
}
