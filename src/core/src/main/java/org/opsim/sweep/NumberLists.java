package org.opsim.sweep;

import java.util.ArrayList;
import java.util.List;

/**
 * Whole-number lists as written on a command line: {@code 1,8,64}, ranges {@code 1..512} (step 1)
 * and stepped ranges {@code 256..32768:256}, mixed freely ({@code 1,2,4..64:4}). Errors name the
 * option and the item at fault.
 */
public final class NumberLists {
    /** A sanity cap on one list: a longer one is a typo, not a sweep. */
    static final int MAX_VALUES = 10_000_000;

    private NumberLists() {
    }

    /** Parses {@code spec} for option {@code what} (e.g. {@code --batch}). */
    public static List<Long> parse(String what, String spec) {
        if (spec == null || spec.isBlank()) {
            throw new IllegalArgumentException(what + ": needs at least one value");
        }
        List<Long> out = new ArrayList<>();
        for (String item : spec.split(",", -1)) {
            String s = item.trim();
            if (s.isEmpty()) {
                throw new IllegalArgumentException(what + ": empty item in '" + spec + "'");
            }
            int dots = s.indexOf("..");
            if (dots < 0) {
                out.add(number(what, s));
                continue;
            }
            int colon = s.indexOf(':', dots);
            long from = number(what, s.substring(0, dots));
            long to = number(what, colon < 0 ? s.substring(dots + 2) : s.substring(dots + 2, colon));
            long step = colon < 0 ? 1 : number(what, s.substring(colon + 1));
            if (step <= 0) {
                throw new IllegalArgumentException(what + ": the step of '" + s + "' must be > 0");
            }
            if (to < from) {
                throw new IllegalArgumentException(what + ": range '" + s + "' ends before it starts");
            }
            if ((to - from) / step + out.size() >= MAX_VALUES) {
                throw new IllegalArgumentException(what + ": '" + s + "' gives more than " + MAX_VALUES + " values");
            }
            for (long v = from; v <= to; v += step) {
                out.add(v);
            }
        }
        return out;
    }

    private static long number(String what, String s) {
        try {
            return Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(what + ": '" + s.trim() + "' is not a whole number");
        }
    }
}
