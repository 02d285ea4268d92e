package org.opsim.internal.io;

import java.util.Arrays;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The one parser of enum identifiers ({@code bf16}, {@code silu_and_mul}, {@code full-mesh}): every
 * public enum's {@code parse} delegates here, so they all accept the same spellings (case-insensitive,
 * surrounding blanks ignored) and fail with the same message, which lists every valid id.
 */
public final class Ids {
    private Ids() {
    }

    /**
     * The value of {@code values} whose {@code id} is {@code text}.
     *
     * @param what the kind of value, for the message ("precision", "op kind")
     * @throws IllegalArgumentException "unknown precision 'bf17' (expected one of fp32, tf32, ...)"
     */
    public static <E> E parse(String text, E[] values, Function<E, String> id, String what) {
        String t = text == null ? "" : text.trim();
        for (E e : values) {
            if (id.apply(e).equalsIgnoreCase(t)) {
                return e;
            }
        }
        throw new IllegalArgumentException("unknown " + what + " '" + (text == null ? "" : text) + "' (expected "
                + (values.length == 2 ? "" : "one of ") + list(values, id) + ")");
    }

    /** The ids, comma-separated ({@code a or b} for two). */
    public static <E> String list(E[] values, Function<E, String> id) {
        if (values.length == 2) {
            return id.apply(values[0]) + " or " + id.apply(values[1]);
        }
        return Arrays.stream(values).map(id).collect(Collectors.joining(", "));
    }
}
