package org.opsim.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.opsim.graph.Precision;
import org.opsim.model.Workload.Phase;
import org.opsim.model.Workload;

/** The cartesian product of a sweep, its numbering, and what bad input says. */
class SweepSpaceTest {

    @Test
    void countIsTheCartesianProductWithPhaseOnlyDimensionsTakenOnceElsewhere() {
        SweepSpace s = SweepSpace.builder()
                .phases(Phase.DECODE, Phase.GENERATION, Phase.TRAINING)
                .batches(1, 8, 64).lengths(512, 4096).generatedTokens(128, 256)
                .weights(Precision.BF16, Precision.FP8).tensorParallel(1, 8)
                .recompute(List.of(false, true))
                .build();
        // Per phase: 2 TP × 2 weights = 4 variants; generation × 2 generated-token counts, training ×
        // 2 recompute settings, decode × 1 of each: 4 + 8 + 8 = 20 variants, × 3 batches × 2 lengths.
        assertEquals(20, s.variantCount());
        assertEquals(120, s.workloadCount());
    }

    @Test
    void workloadsAreNumberedVariantThenBatchThenLength() {
        SweepSpace s = SweepSpace.builder().batches(1, 8).lengths(512, 4096).tensorParallel(1, 2).build();
        assertEquals(Workload.decode(1, 512), s.workload(0));
        assertEquals(Workload.decode(1, 4096), s.workload(1));
        assertEquals(Workload.decode(8, 512), s.workload(2));
        assertEquals(Workload.decode(8, 4096).withTensorParallel(2), s.workload(7));
        assertEquals(0, s.variantOf(3));
        assertEquals(1, s.variantOf(4));
        assertThrows(IndexOutOfBoundsException.class, () -> s.workload(8));
    }

    @Test
    void theKvCacheFollowsTheActivationsUnlessGiven() {
        SweepSpace follow = SweepSpace.builder().activations(Precision.FP8).build();
        assertEquals(Precision.FP8, follow.workload(0).precisions().kvCache());
        SweepSpace given = SweepSpace.builder().activations(Precision.BF16).kvCaches(Precision.FP8, Precision.BF16).build();
        assertEquals(2, given.workloadCount());
        assertEquals(Precision.FP8, given.workload(0).precisions().kvCache());
    }

    @Test
    void anEmptyListNamesTheDimension() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SweepSpace.builder().batches(List.of()).build());
        assertEquals("sweep: batch sizes: needs at least one value", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> SweepSpace.builder().weights(List.of()).build());
        assertEquals("sweep: weight precisions: needs at least one value", e.getMessage());
    }

    @Test
    void aNegativeBatchOrZeroDegreeIsRefusedWithTheValue() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SweepSpace.builder().batches(1, -4).build());
        assertEquals("sweep: batch sizes must be > 0, got -4", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> SweepSpace.builder().tensorParallel(0).build());
        assertEquals("sweep: tensor-parallel degrees must be > 0, got 0", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> SweepSpace.builder().lengths(0).build());
        assertEquals("sweep: prompt/context lengths must be > 0, got 0", e.getMessage());
    }

    @Test
    void numberListsTakeCommasRangesAndSteps() {
        assertEquals(List.of(1L, 2L, 3L, 4L, 8L, 16L, 32L, 48L, 64L), NumberLists.parse("--batch", "1..4, 8,16..64:16"));
        assertEquals(List.of(256L, 512L), NumberLists.parse("--context", "256..600:256"));
    }

    @Test
    void badNumberListsNameTheOptionAndTheItem() {
        assertEquals("--batch: needs at least one value",
                assertThrows(IllegalArgumentException.class, () -> NumberLists.parse("--batch", "")).getMessage());
        assertEquals("--batch: 'x' is not a whole number",
                assertThrows(IllegalArgumentException.class, () -> NumberLists.parse("--batch", "1..x")).getMessage());
        assertEquals("--batch: empty item in '1,,2'",
                assertThrows(IllegalArgumentException.class, () -> NumberLists.parse("--batch", "1,,2")).getMessage());
        assertEquals("--tp: range '8..1' ends before it starts",
                assertThrows(IllegalArgumentException.class, () -> NumberLists.parse("--tp", "8..1")).getMessage());
        assertEquals("--tp: the step of '1..8:0' must be > 0",
                assertThrows(IllegalArgumentException.class, () -> NumberLists.parse("--tp", "1..8:0")).getMessage());
    }
}
