package org.opsim.graph;

/**
 * All-reduce (sum) of a {@code payloadBytes} buffer held by each of {@code groupSize} chips; every
 * chip ends with the full sum. The reduction arithmetic is not counted as FLOPs (it is
 * bandwidth-bound and hidden in the link time).
 */
public record AllReduce(String name, double payloadBytes, int groupSize) implements Collective {

    public AllReduce {
        Shapes.name(name);
        Shapes.positive(name, "payloadBytes", payloadBytes);
        Shapes.positive(name, "groupSize", groupSize);
    }

    @Override
    public OpKind kind() {
        return OpKind.ALL_REDUCE;
    }
}
