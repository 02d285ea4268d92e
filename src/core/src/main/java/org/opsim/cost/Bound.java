package org.opsim.cost;

import java.util.Locale;

/** What limited an op's latency. */
public enum Bound {
    /** FLOPs ÷ (peak × compute efficiency) was the longest term. */
    COMPUTE,
    /** Bytes ÷ (bandwidth × memory efficiency) was the longest term. */
    MEMORY,
    /** The fixed dispatch overhead exceeded both roofline terms. */
    OVERHEAD,
    /** A collective's link time. */
    INTERCONNECT,
    /** The op fell back to the host CPU. */
    HOST;

    private static final Bound[] VALUES = values();
    /** {@link #id()}, made once. */
    private final String id = name().toLowerCase(Locale.ROOT);

    /** The bound with the most seconds in {@code secondsByOrdinal} (indexed by ordinal); ties go to the earlier bound. */
    public static Bound mostTime(double[] secondsByOrdinal) {
        Bound best = VALUES[0];
        for (Bound b : VALUES) {
            if (secondsByOrdinal[b.ordinal()] > secondsByOrdinal[best.ordinal()]) {
                best = b;
            }
        }
        return best;
    }

    public String id() {
        return id;
    }
}
