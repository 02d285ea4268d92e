package org.opsim.graph;

/**
 * All-gather: each of {@code groupSize} chips contributes {@code payloadBytes / groupSize} and every
 * chip ends with the whole {@code payloadBytes} buffer.
 */
public record AllGather(String name, double payloadBytes, int groupSize) implements Collective {

    public AllGather {
        Shapes.name(name);
        Shapes.positive(name, "payloadBytes", payloadBytes);
        Shapes.positive(name, "groupSize", groupSize);
    }

    @Override
    public OpKind kind() {
        return OpKind.ALL_GATHER;
    }
}
