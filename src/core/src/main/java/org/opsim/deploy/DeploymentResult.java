package org.opsim.deploy;

import java.util.OptionalDouble;
import org.opsim.model.MemoryFootprint;

/**
 * One workload step on a deployment.
 *
 * @param perChip bytes each chip holds (fullest pipeline stage)
 * @param stepSeconds one execution of the workload by every replica, pipeline fill and drain included
 * @param tokensPerStep tokens all {@code dp} replicas make (or process) in a step
 * @param collectiveSeconds time a chip spends in TP, EP and DP collectives and pipeline hand-offs per step
 * @param bubbleFraction share of the step a chip idles in pipeline fill and drain
 * @param energyJoulesPerStep all chips of the deployment
 * @param averageWattsPerChip energy ÷ step time, per chip
 * @param cloudUsdPerMillionTokens at the system's rental price per chip-hour
 * @param tcoUsdPerMillionTokens capex + opex, when the system file gives both
 */
public record DeploymentResult(Deployment deployment, MemoryFootprint perChip, double stepSeconds, double tokensPerStep,
                               double collectiveSeconds, double bubbleFraction, double energyJoulesPerStep,
                               double averageWattsPerChip, double cloudUsdPerMillionTokens,
                               OptionalDouble tcoUsdPerMillionTokens) {

    public double tokensPerSecond() {
        return tokensPerStep / stepSeconds;
    }
}
