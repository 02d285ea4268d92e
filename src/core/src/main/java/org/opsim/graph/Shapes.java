package org.opsim.graph;

import java.util.Objects;
import org.opsim.io.InvalidValueException;

/** Argument checks shared by the operator records; messages name the op and the field. */
final class Shapes {
    private Shapes() {
    }

    static String name(String name) {
        if (name == null || name.isBlank()) {
            throw new InvalidValueException("name", "an op name must not be blank");
        }
        return name;
    }

    static long positive(String op, String field, long value) {
        if (value <= 0) {
            throw new InvalidValueException(op, field, "must be > 0, got " + value);
        }
        return value;
    }

    static double positive(String op, String field, double value) {
        if (!(value > 0) || Double.isInfinite(value)) {
            throw new InvalidValueException(op, field, "must be a finite number > 0, got " + value);
        }
        return value;
    }

    /** A rule between fields of op {@code op}, reported at {@code field}. */
    static InvalidValueException invalid(String op, String field, String problem) {
        return new InvalidValueException(op, field, problem);
    }

    static <T> T present(String op, String field, T value) {
        return Objects.requireNonNull(value, () -> op + ": " + field + " is required");
    }

    /**
     * Bytes of a state-carrying op (linear attention, an SSM scan): its per-token tensors, plus, for a
     * recurrent step (one token), the state read and written; for a chunked pass, the per-chunk states
     * written and read back and the final state written, and, when {@code carried} (a prefill chunk after
     * tokens already seen), the state the earlier tokens left read once at the start.
     */
    static double stateOpBytes(long batch, long tokens, double bytesPerToken, long chunk, double stateBytesPerSequence,
                               boolean carried) {
        double tokensBytes = (double) batch * tokens * bytesPerToken;
        if (tokens == 1) {
            return tokensBytes + 2.0 * batch * stateBytesPerSequence;
        }
        long chunks = (tokens + chunk - 1) / chunk;
        return tokensBytes + batch * stateBytesPerSequence * (2.0 * chunks + 1.0 + (carried ? 1.0 : 0.0));
    }
}
