package org.opsim.hardware;

/**
 * The output tile one compute unit (SM, CU, core) produces per pass of a GEMM: {@code m × n}
 * elements of C. With {@link HardwareProfile#computeUnits()} it gives the wave model of matmul
 * time (see docs/cost-model.md).
 */
public record MatmulTile(long m, long n, String source) {
    public MatmulTile {
        if (m <= 0 || n <= 0) {
            throw new IllegalArgumentException("matmulTile: m and n must be > 0, got " + m + " × " + n);
        }
        if (source == null || source.isBlank()) {
            throw new IllegalArgumentException("matmulTile needs a source");
        }
    }
}
