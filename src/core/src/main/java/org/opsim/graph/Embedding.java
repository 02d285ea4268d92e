package org.opsim.graph;

/**
 * Lookup of {@code tokens} rows of width {@code hidden} from a {@code vocab × hidden} table.
 *
 * <p>FLOPs = 0. Bytes = read the gathered rows (tokens·hidden) + write them (tokens·hidden) + read
 * the token ids (4 bytes each, int32). Only the rows touched are read, not the whole table.
 */
public record Embedding(String name, long tokens, long hidden, long vocab, Precision precision) implements VectorOp {

    public static final int TOKEN_ID_BYTES = 4;

    public Embedding {
        Shapes.name(name);
        Shapes.positive(name, "tokens", tokens);
        Shapes.positive(name, "hidden", hidden);
        Shapes.positive(name, "vocab", vocab);
        Shapes.present(name, "precision", precision);
    }

    @Override
    public OpKind kind() {
        return OpKind.EMBEDDING;
    }

    @Override
    public double vectorFlops() {
        return 0.0;
    }

    @Override
    public double bytes() {
        return 2.0 * tokens * hidden * precision.bytesPerElement() + (double) TOKEN_ID_BYTES * tokens;
    }
}
