package org.opsim.serve;

import java.util.Objects;
import java.util.Optional;
import org.opsim.deploy.Link;
import org.opsim.deploy.SystemProfile;
import org.opsim.hardware.ServingEngine;

/**
 * Where and how requests are served: a system (its chip, running the serving stack), the engine's settings, and
 * either one aggregated pool (prefill and decode share each instance's steps) or a prefill pool and a decode pool
 * (disaggregated serving: a request's KV cache moves from the prefill instance to a decode instance over the
 * system's links).
 *
 * @param prefill the aggregated pool, or the prefill pool of a disaggregated deployment
 * @param decode empty for aggregated serving; the decode pool of a disaggregated one
 */
public record ServingDeployment(SystemProfile system, ServingEngine engine, Pool prefill, Optional<Pool> decode) {

    public ServingDeployment {
        Objects.requireNonNull(system, "system");
        Objects.requireNonNull(engine, "engine");
        Objects.requireNonNull(prefill, "prefill");
        Objects.requireNonNull(decode, "decode");
        long chips = prefill.chips() + decode.map(Pool::chips).orElse(0L);
        if (chips > system.chips()) {
            throw new IllegalArgumentException("the deployment uses " + chips + " chips, but " + system.name() + " has "
                    + system.chips());
        }
        int domain = system.chipsPerNodeCount();
        if (prefill.chipsPerInstance() > domain || decode.map(d -> d.chipsPerInstance() > domain).orElse(false)) {
            throw new IllegalArgumentException("an instance beyond one scale-up domain (" + domain + " chips of "
                    + system.name() + ") is not modelled by the serving simulator");
        }
    }

    public static ServingDeployment aggregated(SystemProfile system, ServingEngine engine, Pool pool) {
        return new ServingDeployment(system, engine, pool, Optional.empty());
    }

    public static ServingDeployment disaggregated(SystemProfile system, ServingEngine engine, Pool prefill, Pool decode) {
        return new ServingDeployment(system, engine, prefill, Optional.of(decode));
    }

    public boolean disaggregated() {
        return decode.isPresent();
    }

    /** Chips in use. */
    public long chips() {
        return prefill.chips() + decode.map(Pool::chips).orElse(0L);
    }

    /**
     * The link a KV cache crosses from a prefill instance to a decode instance: the scale-up link where both pools
     * fit one domain (an NVL72 rack, an 8-GPU board), else the scale-out link.
     *
     * @throws IllegalArgumentException if the pools span domains and the system has no scale-out link
     */
    public Link transferLink() {
        if (chips() <= system.chipsPerNodeCount()) {
            return system.intraNode();
        }
        return system.interNode().orElseThrow(() -> new IllegalArgumentException("the pools span " + chips()
                + " chips, more than one domain of " + system.name() + ", which has no scale-out link"));
    }

    public String describe() {
        if (decode.isEmpty()) {
            return "aggregated: " + prefill.describe() + " on " + system.name();
        }
        return "disaggregated: prefill " + prefill.describe() + ", decode " + decode.get().describe() + " on " + system.name();
    }
}
