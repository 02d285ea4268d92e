package org.opsim.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.opsim.graph.OpKind;

/** Every op kind is in exactly one category, so the shares of a breakdown add up to the whole. */
class OpCategoryTest {

    @Test
    void everyKindHasExactlyOneCategory() {
        for (OpKind k : OpKind.values()) {
            long in = Arrays.stream(OpCategory.values()).filter(c -> c.kinds().contains(k)).count();
            assertEquals(1, in, k.id());
        }
        assertEquals(OpCategory.ATTENTION, OpCategory.of(OpKind.LINEAR_ATTENTION));
        assertEquals(OpCategory.ROUTING, OpCategory.of(OpKind.MOE_DISPATCH));
    }
}
