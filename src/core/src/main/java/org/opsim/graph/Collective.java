package org.opsim.graph;

/** A collective over a group of chips, costed on the interconnect. */
public sealed interface Collective extends Op permits AllReduce, AllGather {

    /** Size of the (full, per-chip) buffer being reduced or gathered, in bytes. */
    double payloadBytes();

    /** Number of chips taking part; 1 means nothing to exchange. */
    int groupSize();

    @Override
    default double flops() {
        return 0.0;
    }

    @Override
    default double bytes() {
        return payloadBytes();
    }
}
