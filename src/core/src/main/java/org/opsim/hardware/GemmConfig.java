package org.opsim.hardware;

import java.util.Optional;
import org.opsim.internal.io.Ids;
import org.opsim.io.InvalidValueException;

/**
 * One GEMM kernel configuration a library has (docs/cost-model.md §8.6): the output tile each
 * compute unit works on, how the work is spread over the units when the tiles alone do not fill
 * them, and the library's efficiency with it relative to the chip's compute efficiency. A stack's
 * matmul rule lists its library's configurations; the cost model takes the fastest of them for each
 * shape, as the library's heuristic does.
 *
 * @param tileM output rows per tile
 * @param tileN output columns per tile
 * @param decomposition {@link Decomposition#SPLIT_K}: tiles in waves, the reduction split to fill
 *     idle units; {@link Decomposition#STREAM_K}: the tiles' {@code tileK}-deep loop iterations dealt
 *     evenly over the units (no wave quantisation)
 * @param tileK the reduction depth of one loop iteration (stream-K's unit of work); required for
 *     stream-K, refused for split-K
 * @param computeFactor multiplies the chip's compute efficiency with this configuration (in (0, 1]);
 *     absent: 1
 * @param source where the configuration comes from (the library's kernel names, a fit)
 */
public record GemmConfig(long tileM, long tileN, Decomposition decomposition, Optional<Long> tileK,
                         Optional<Figure> computeFactor, String source) {

    /** How a configuration spreads a GEMM over the compute units. */
    public enum Decomposition {
        SPLIT_K("splitK"), STREAM_K("streamK");

        private final String id;

        Decomposition(String id) {
            this.id = id;
        }

        public String id() {
            return id;
        }

        /** {@code splitK} or {@code streamK}, through the project's one enum-id parser (case-insensitive). */
        public static Decomposition parse(String s) {
            return Ids.parse(s, values(), Decomposition::id, "decomposition");
        }
    }

    public GemmConfig {
        Checks.required("decomposition", decomposition);
        Checks.required("tileK", tileK);
        Checks.required("computeFactor", computeFactor);
        if (tileM < 1 || tileN < 1) {
            throw new InvalidValueException("m", "tile sides must be >= 1, got " + tileM + " x " + tileN);
        }
        if (decomposition == Decomposition.STREAM_K && tileK.filter(k -> k >= 1).isEmpty()) {
            throw new InvalidValueException("k", "a stream-K configuration needs tileK >= 1 (its loop iteration's depth)");
        }
        if (decomposition == Decomposition.SPLIT_K && tileK.isPresent()) {
            throw new InvalidValueException("k", "a split-K configuration takes no k (its splits follow the shape): "
                    + "remove it, or use decomposition: streamK");
        }
        computeFactor.ifPresent(f -> {
            if (!(f.value() > 0 && f.value() <= 1)) {
                throw new InvalidValueException("computeFactor.value", "must be in (0, 1], got " + Checks.fmt(f.value()));
            }
        });
        Checks.text("source", source);
    }

    /** The factor on the chip's compute efficiency, 1 when none is given. */
    public double factor() {
        return computeFactor.map(Figure::value).orElse(1.0);
    }

    /** This configuration with another factor (a fit's trial). */
    public GemmConfig withFactor(Figure factor) {
        return new GemmConfig(tileM, tileN, decomposition, tileK, Optional.of(factor), source);
    }
}
