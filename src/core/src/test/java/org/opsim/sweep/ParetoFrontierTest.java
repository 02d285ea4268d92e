package org.opsim.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The online frontier against points whose dominance is worked out by hand. Both axes are minimised. */
class ParetoFrontierTest {

    @Test
    void keepsExactlyTheNonDominatedPointsOfAHandMadeSet() {
        ParetoFrontier<String> f = new ParetoFrontier<>();
        assertTrue(f.offer(1, 10, "A"));
        assertTrue(f.offer(2, 8, "B"));    // right of A, lower: both stay
        assertFalse(f.offer(3, 9, "C"));   // B (2 ≤ 3, 8 ≤ 9) dominates C
        assertTrue(f.offer(4, 4, "D"));
        assertFalse(f.offer(2, 8, "E"));   // equal to B: the first offered stays
        assertFalse(f.offer(5, 5, "F"));   // D (4 ≤ 5, 4 ≤ 5) dominates F
        assertTrue(f.offer(0.5, 12, "G")); // leftmost, highest: nothing dominates it
        assertTrue(f.offer(3, 3, "H"));    // H dominates D (3 ≤ 4, 3 ≤ 4): D leaves
        assertTrue(f.offer(2, 7, "I"));    // same x as B, lower: I dominates B, B leaves
        assertEquals(List.of("G", "A", "I", "H"), f.items());
    }

    @Test
    void onePointDominatingAllTheOthersLeavesItAlone() {
        ParetoFrontier<Integer> f = new ParetoFrontier<>();
        for (int i = 1; i <= 1000; i++) {
            f.offer(i, 1000 - i, i);   // a falling line: all on the frontier
        }
        assertEquals(1000, f.size());
        assertTrue(f.offer(0, -1, 0)); // below and left of every point
        assertEquals(List.of(0), f.items());
        for (int i = 0; i < 100_000; i++) {
            f.offer(1 + i % 7, 1 + i % 11, i); // all dominated: memory stays one point
        }
        assertEquals(1, f.size());
    }

    @Test
    void mergingFrontiersGivesTheFrontierOfTheUnion() {
        ParetoFrontier<String> left = new ParetoFrontier<>();
        left.offer(1, 5, "a");
        left.offer(3, 2, "b");
        ParetoFrontier<String> right = new ParetoFrontier<>();
        right.offer(2, 3, "c");
        right.offer(3, 1, "d");   // dominates b
        left.offerAll(right);
        assertEquals(List.of("a", "c", "d"), left.items());
    }

    @Test
    void refusesNaN() {
        assertThrows(IllegalArgumentException.class, () -> new ParetoFrontier<String>().offer(Double.NaN, 1, "x"));
    }
}
