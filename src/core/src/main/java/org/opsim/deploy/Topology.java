package org.opsim.deploy;

import java.util.Locale;
import org.opsim.internal.io.Ids;

/**
 * How the chips of one link domain are wired, which decides the bandwidth a collective over part of
 * the domain gets (docs/cost-model.md §6.2).
 */
public enum Topology {
    /** Every chip has its full bandwidth to any other through switches (NVLink/NVSwitch, an InfiniBand fabric). */
    SWITCH,
    /** Direct links from every chip to every other, bandwidth split evenly over the peers (AMD xGMI). */
    FULL_MESH,
    /** A 2D or 3D torus of direct neighbour links (TPU ICI, NeuronLink), bandwidth split over 2 ports per axis. */
    TORUS;

    public String id() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public static Topology parse(String id) {
        return Ids.parse(id, values(), Topology::id, "topology");
    }
}
