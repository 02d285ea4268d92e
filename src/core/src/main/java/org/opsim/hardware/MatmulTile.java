package org.opsim.hardware;

import org.opsim.io.InvalidValueException;

/**
 * The output tile one compute unit (SM, CU, core) produces per pass of a GEMM: {@code m × n}
 * elements of C. With {@link HardwareProfile#computeUnits()} it gives the wave model of matmul
 * time (see docs/cost-model.md).
 */
public record MatmulTile(long m, long n, String source) {
    public MatmulTile {
        if (m <= 0) {
            throw new InvalidValueException("m", "must be > 0, got " + m);
        }
        if (n <= 0) {
            throw new InvalidValueException("n", "must be > 0, got " + n);
        }
        Checks.text("source", source);
    }
}
