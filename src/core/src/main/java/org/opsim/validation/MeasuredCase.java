package org.opsim.validation;

import org.opsim.graph.Op;

/**
 * One measured operator latency: the op at its shapes and precision, and the median time a real
 * chip took.
 *
 * @param row 1-based data row in its file (for error messages and splits)
 * @param model the model whose layer the shape came from (used to split fitting from scoring rows)
 */
public record MeasuredCase(int row, String hardware, String model, Op op, double medianSeconds) {
    public MeasuredCase {
        if (!(medianSeconds > 0) || Double.isInfinite(medianSeconds)) {
            throw new IllegalArgumentException("row " + row + ": median latency must be > 0, got " + medianSeconds);
        }
    }
}
