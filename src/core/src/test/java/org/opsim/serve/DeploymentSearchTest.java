package org.opsim.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.opsim.Opsim;
import org.opsim.deploy.SystemProfile;
import org.opsim.hardware.ServingEngine;

/**
 * The deployment search over an HGX H100 board (8 chips): aggregated TP 1, 2, 4, 8 and disaggregated pools whose
 * chips fit the board, each at 1, 2, 4, 8 clients per instance; checked by brute force over what it simulated.
 */
class DeploymentSearchTest {

    static final SystemProfile HGX = ServingSimulatorTest.HGX;

    @Test
    void theBestAndTheFrontierAreThoseOfTheCandidates() {
        ServingEngine e = ServingSimulatorTest.plain(512);
        DeploymentSearch.Outcome o = DeploymentSearch.search(ServingSimulatorTest.LLAMA_8B, ServingSimulatorTest.BF16, HGX, e, 128,
                16, new DeploymentSearch.Targets(10, 1), 8, 4, true);
        // TP 1, 2, 4, 8 aggregated; disaggregated: ratios 1:1, 1:2, 1:3, 2:1, 3:1 at TP 1 (all fit 8 chips), at TP 2
        // those of at most 4 instances (all five), at TP 4 only 1:1: 4 + 5 + 5 + 1 = 15 layouts, 4 loads each.
        assertEquals(15 * 4, o.candidates().size());
        assertTrue(o.refused().isEmpty(), o.refused().toString());
        List<DeploymentSearch.Candidate> met = o.candidates().stream().filter(DeploymentSearch.Candidate::meetsTargets).toList();
        assertEquals(o.candidates().size(), met.size(), "10 s and 1 s per token: every candidate meets them");
        double cheapest = met.stream().mapToDouble(c -> c.result().usdPerMillionTokens()).min().orElseThrow();
        assertEquals(cheapest, o.cheapest().orElseThrow().result().usdPerMillionTokens(), 0);
        double perChip = met.stream().mapToDouble(c -> c.result().tokensPerSecondPerChip()).max().orElseThrow();
        assertEquals(perChip, o.mostPerChip().orElseThrow().result().tokensPerSecondPerChip(), 0);
        List<DeploymentSearch.Candidate> frontier = o.frontier();
        assertFalse(frontier.isEmpty());
        for (DeploymentSearch.Candidate f : frontier) {
            for (DeploymentSearch.Candidate c : o.candidates()) {
                boolean dominates = c.result().tokensPerSecondPerUser() >= f.result().tokensPerSecondPerUser()
                        && c.result().tokensPerSecondPerChip() >= f.result().tokensPerSecondPerChip()
                        && (c.result().tokensPerSecondPerUser() > f.result().tokensPerSecondPerUser()
                        || c.result().tokensPerSecondPerChip() > f.result().tokensPerSecondPerChip());
                assertFalse(dominates, "a frontier point is dominated");
            }
        }
        for (DeploymentSearch.Candidate c : o.candidates()) {
            boolean dominated = o.candidates().stream().anyMatch(x -> x.result().tokensPerSecondPerUser() >= c.result().tokensPerSecondPerUser()
                    && x.result().tokensPerSecondPerChip() >= c.result().tokensPerSecondPerChip()
                    && (x.result().tokensPerSecondPerUser() > c.result().tokensPerSecondPerUser()
                    || x.result().tokensPerSecondPerChip() > c.result().tokensPerSecondPerChip()));
            assertEquals(!dominated, frontier.contains(c), "every undominated candidate is on the frontier");
        }
    }

    @Test
    void targetsNoDeploymentMeetsLeaveNoBest() {
        DeploymentSearch.Outcome o = DeploymentSearch.search(ServingSimulatorTest.LLAMA_8B, ServingSimulatorTest.BF16, HGX,
                ServingSimulatorTest.plain(512), 128, 16, new DeploymentSearch.Targets(1e-6, 1e-6), 2, 4, false);
        assertTrue(o.cheapest().isEmpty());
        assertTrue(o.mostPerChip().isEmpty());
        assertTrue(o.candidates().stream().noneMatch(DeploymentSearch.Candidate::meetsTargets));
    }
}
