package org.opsim.graph;

/**
 * DeepSeek sparse attention's lightning indexer (DeepSeek-V3.2, GLM-5): for each of {@code queryLength}
 * new tokens, a score against every visible key, {@code Σ_heads w·ReLU(q_h·k)}, over {@code heads}
 * small index heads of size d = {@code headDim} and one index key per cached token, which a
 * {@link TopK} then reduces to the keys the main attention reads.
 *
 * <p>P = causal (query, key) pairs per sequence, {@code q·(kv − q) + q·(q + 1)/2}. Matrix FLOPs =
 * 2·b·heads·P·d; vector FLOPs = 3·b·heads·P (ReLU, weight, sum). Bytes: the index queries
 * (b·q·heads·d) and head weights (b·q·heads, fp32) read, the index-key cache read once
 * (b·kv·d·e_k), the fp32 scores written (b·P·4).
 */
public record Indexer(String name, long batch, long heads, long queryLength, long kvLength, long headDim,
                      Precision precision, Precision keyPrecision) implements ComputeOp {

    public Indexer {
        Shapes.name(name);
        Shapes.positive(name, "batch", batch);
        Shapes.positive(name, "heads", heads);
        Shapes.positive(name, "queryLength", queryLength);
        Shapes.positive(name, "kvLength", kvLength);
        Shapes.positive(name, "headDim", headDim);
        Shapes.present(name, "precision", precision);
        Shapes.present(name, "keyPrecision", keyPrecision);
        if (queryLength > kvLength) {
            throw Shapes.invalid(name, "queryLength", queryLength + " exceeds kvLength " + kvLength);
        }
    }

    /** Causal (query, key) pairs per sequence. */
    public double pairs() {
        double q = queryLength;
        return q * (kvLength - queryLength) + q * (q + 1.0) / 2.0;
    }

    public Indexer withKvLength(long kv) {
        return new Indexer(name, batch, heads, queryLength, kv, headDim, precision, keyPrecision);
    }

    @Override
    public OpKind kind() {
        return OpKind.INDEXER;
    }

    @Override
    public Engine engine() {
        return Engine.MATRIX;
    }

    @Override
    public double matrixFlops() {
        return 2.0 * batch * heads * pairs() * headDim;
    }

    @Override
    public double vectorFlops() {
        return 3.0 * batch * heads * pairs();
    }

    @Override
    public double bytes() {
        double e = precision.bytesPerElement();
        return (double) batch * queryLength * heads * (headDim * e + 4) + (double) batch * kvLength * headDim
                * keyPrecision.bytesPerElement() + batch * pairs() * 4;
    }
}
