package org.opsim.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.opsim.hardware.Figure;
import org.opsim.internal.cost.CostFormulas;

/** Collective times worked out by hand on {@link DeployFixtures} (efficiency 1, no overhead). */
class CollectivesTest {

    private static final double REL = 1e-9;

    private static void close(double expected, double actual) {
        assertEquals(expected, actual, Math.abs(expected) * REL);
    }

    @Test
    void ringAllReduceOfOneGigabyteOverFourChips() {
        // Ring: 2(g−1)α + 2(g−1)/g·S/B = 6 × 1 µs + 1.5 × 1e9 / 100e9 = 6e-6 + 0.015 = 0.015006 s.
        // Tree would be 2·log2(4)·α + 2·S/B = 4e-6 + 0.02 s, slower, so the ring is taken.
        Collectives.Cost c = Collectives.allReduce(DeployFixtures.twoNodes(), 1e9, 4, 4);
        close(0.015006, c.seconds());
        assertEquals("ring", c.algorithm());
        close(1.5e9, c.linkBytes());
    }

    @Test
    void treeBeatsRingBelowTheCrossover() {
        // g = 8: ring 14α + 1.75·S/B, tree 6α + 2·S/B; equal at S = 32·α·B = 3.2 MB.
        // S = 1 MB: tree 6 µs + 2e6/1e11 = 26 µs; ring 14 µs + 17.5 µs = 31.5 µs → tree.
        Collectives.Cost small = Collectives.allReduce(DeployFixtures.twoNodes(), 1e6, 8, 8);
        close(26e-6, small.seconds());
        assertEquals("tree", small.algorithm());
        // S = 10 MB: ring 14 µs + 175 µs = 189 µs; tree 6 µs + 200 µs = 206 µs → ring.
        Collectives.Cost large = Collectives.allReduce(DeployFixtures.twoNodes(), 1e7, 8, 8);
        close(189e-6, large.seconds());
        assertEquals("ring", large.algorithm());
    }

    @Test
    void sixteenChipsOverTwoNodesGoHierarchical() {
        // S = 1.6 GB, 8 per node × 2 nodes.
        // Reduce-scatter in a node: 7α + 7/8·S/B = 7e-6 + 0.014 s; the all-gather after costs the same.
        // Across nodes, each chip's shard S/8 = 0.2 GB over its NIC: ring of 2 = 2α' + S'/B'
        //   = 1e-5 + 0.2e9/10e9 = 0.02001 s (tree of 2 = 2α' + 2S'/B' = 0.04001 s, slower).
        // Total 2 × 0.014007 + 0.02001 = 0.048024 s. (A flat ring over the NICs would take
        // 2·15/16·1.6e9/10e9 = 0.3 s.)
        Collectives.Cost c = Collectives.allReduce(DeployFixtures.twoNodes(), 1.6e9, 16, 8);
        close(0.048024, c.seconds());
        assertTrue(c.algorithm().startsWith("hierarchical"), c.algorithm());
    }

    @Test
    void allGatherAndPointToPoint() {
        // All-gather of 0.8 GB over 8: 7α + 7/8·S/B = 7e-6 + 0.007 s.
        close(0.007007, Collectives.allGather(DeployFixtures.twoNodes(), 0.8e9, 8, 8).seconds());
        // A hand-off of 10 MB inside a node: α + S/B = 1e-6 + 1e-4; across nodes: 5e-6 + 1e-3.
        close(101e-6, Collectives.pointToPoint(DeployFixtures.twoNodes(), 1e7, false).seconds());
        close(1005e-6, Collectives.pointToPoint(DeployFixtures.twoNodes(), 1e7, true).seconds());
    }

    @Test
    void allToAllOnATorusIsBisectionBound() {
        // 4×4 torus, 100 GB/s per link, 1 GB per chip over all 16 chips. Switched form: the group spans
        // both axes so gets all 400 GB/s: 15α + 15/16·1e9/4e11 = 15e-6 + 2.34375e-3 s. Bisection:
        // S·d/(8·b) = 1e9 × 4 / (8 × 1e11) = 5e-3 s, larger, so 15e-6 + 5e-3 = 5.015e-3 s.
        Collectives.Cost c = Collectives.allToAll(DeployFixtures.torus(), 1e9, 16, 16);
        close(5.015e-3, c.seconds());
        assertTrue(c.algorithm().contains("bisection"));
        // On the switch of the 2×8 system: 7α + 7/8·S/B = 7e-6 + 8.75e-3 s.
        close(8.757e-3, Collectives.allToAll(DeployFixtures.twoNodes(), 1e9, 8, 8).seconds());
    }

    @Test
    void groupBandwidthFollowsTheTopology() {
        // MI300X-like full mesh: 448 GB/s over 7 peers = 64 GB/s each; a pair gets one link, all 8 get all 7.
        Link mesh = new Link(Figure.of(448e9, "t"), Figure.of(1e-6, "t"), Topology.FULL_MESH, List.of());
        close(64e9, mesh.groupBandwidthBytesPerSecond(2, 8));
        close(448e9, mesh.groupBandwidthBytesPerSecond(8, 8));
        // 4×4 torus: a group of 4 fills one axis (2 of 4 ports, half the bandwidth), 16 both.
        Link torus = DeployFixtures.torus().intraNode();
        close(200e9, torus.groupBandwidthBytesPerSecond(4, 16));
        close(400e9, torus.groupBandwidthBytesPerSecond(16, 16));
        close(100e9, torus.torusLinkBytesPerSecond());
    }

    @Test
    void pipelineBubbleFraction() {
        // (p − 1)/(m + p − 1): 4 stages, 12 micro-batches → 3/15 = 0.2; one micro-batch → 3/4.
        close(0.2, CostFormulas.bubbleFraction(4, 12));
        close(0.75, CostFormulas.bubbleFraction(4, 1));
        close(0.0, CostFormulas.bubbleFraction(1, 1));
    }
}
