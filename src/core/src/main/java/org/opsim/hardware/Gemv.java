package org.opsim.hardware;

import java.util.Optional;
import org.opsim.io.InvalidValueException;

/**
 * A library's skinny-GEMM path (docs/cost-model.md §8.6): GEMMs of at most {@code maxRows} rows (a
 * decode step's handful of tokens) run as GEMV / skinny split-K kernels that stream the weights, at
 * their own fraction of the chip's streaming efficiency and with their own fixed time per call.
 *
 * @param maxRows the most rows (m) a GEMM may have to take this path
 * @param memoryFactor multiplies the chip's memory efficiency on this path (in (0, 1]); absent: 1
 * @param overheadSeconds the fixed time per call on this path; absent: the matmul rule's
 * @param source where the threshold comes from
 */
public record Gemv(long maxRows, Optional<Figure> memoryFactor, Optional<Figure> overheadSeconds, String source) {

    public Gemv {
        Checks.required("memoryFactor", memoryFactor);
        Checks.required("overheadSeconds", overheadSeconds);
        if (maxRows < 1) {
            throw new InvalidValueException("maxRows", "must be >= 1, got " + maxRows);
        }
        memoryFactor.ifPresent(f -> {
            if (!(f.value() > 0 && f.value() <= 1)) {
                throw new InvalidValueException("memoryFactor.value", "must be in (0, 1], got " + Checks.fmt(f.value()));
            }
        });
        overheadSeconds.ifPresent(f -> Checks.nonNegative("overheadSeconds", f));
        Checks.text("source", source);
    }

    /** The factor on the chip's memory efficiency on this path, 1 when none is given. */
    public double factor() {
        return memoryFactor.map(Figure::value).orElse(1.0);
    }
}
