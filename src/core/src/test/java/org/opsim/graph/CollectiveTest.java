package org.opsim.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Work of {@link AllReduce} and {@link AllGather}: no FLOPs, the payload as bytes. */
class CollectiveTest {

    @Test
    void anAllReduceHasNoFlopsAndItsPayloadAsBytes() {
        AllReduce ar = new AllReduce("tp_sum", 16_777_216, 8);
        assertEquals(0.0, ar.flops());
        assertEquals(16_777_216.0, ar.bytes());
        assertEquals(OpKind.ALL_REDUCE, ar.kind());
        assertEquals(List.of(ar), ar.lower());
    }

    @Test
    void anAllGatherHasNoFlopsAndItsPayloadAsBytes() {
        AllGather ag = new AllGather("gather", 0.5, 2);
        assertEquals(0.0, ag.flops());
        assertEquals(0.5, ag.bytes());
        assertEquals(OpKind.ALL_GATHER, ag.kind());
    }

    @Test
    void aGroupOfOneChipIsAllowed() {
        assertEquals(1, new AllReduce("solo", 1024, 1).groupSize());
    }

    @Test
    void aGroupSizeOfZeroIsRejectedNamingTheOpAndTheField() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new AllReduce("tp_sum", 1024, 0));
        assertTrue(e.getMessage().contains("tp_sum"), e.getMessage());
        assertTrue(e.getMessage().contains("groupSize"), e.getMessage());
    }

    @Test
    void aPayloadThatIsNotAFinitePositiveNumberIsRejected() {
        for (double bad : new double[] {0.0, -1.0, Double.NaN, Double.POSITIVE_INFINITY}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> new AllGather("gather", bad, 4), "payload " + bad);
            assertTrue(e.getMessage().contains("gather"), e.getMessage());
            assertTrue(e.getMessage().contains("payloadBytes"), e.getMessage());
        }
    }
}
