package org.opsim.serve;

import java.util.SplittableRandom;

/**
 * Request lengths (input or output tokens): fixed, or uniform over {@code min..max} (whole tokens, drawn from the
 * load's seeded generator).
 */
public record Lengths(int min, int max) {

    public Lengths {
        if (min < 1 || max < min || max > 10_000_000) {
            throw new IllegalArgumentException("lengths need 1 <= min <= max <= 10000000 tokens, got " + min + ".." + max);
        }
    }

    public static Lengths fixed(int tokens) {
        return new Lengths(tokens, tokens);
    }

    public static Lengths uniform(int min, int max) {
        return new Lengths(min, max);
    }

    int draw(SplittableRandom random) {
        return min == max ? min : min + random.nextInt(max - min + 1);
    }

    public double mean() {
        return (min + (double) max) / 2;
    }

    @Override
    public String toString() {
        return min == max ? Integer.toString(min) : min + ".." + max;
    }
}
