package org.opsim.deploy;

import java.util.Optional;
import org.opsim.hardware.Figure;
import org.opsim.hardware.HardwareProfile;
import org.opsim.io.InvalidValueException;

/**
 * A multi-chip system: {@code nodes} nodes of {@code chipsPerNode} chips of one chip profile, a link
 * inside a node and (with more than one node) a link between nodes, and what the chips cost. Load one
 * with {@link SystemLoader} (format: docs/deployments.md).
 *
 * @param cloudPricePerChipHourUsd a rental price; empty means the chip profile's price
 * @param capex owning costs (empty: no TCO)
 * @param opex running costs (empty: no TCO)
 */
public record SystemProfile(String name, Optional<String> description, HardwareProfile chip, Figure chipsPerNode,
                            Figure nodes, Link intraNode, Optional<Link> interNode,
                            Optional<Figure> cloudPricePerChipHourUsd, Optional<Capex> capex, Optional<Opex> opex) {

    public SystemProfile {
        if (name == null || name.isBlank()) {
            throw new InvalidValueException("name", "must not be blank");
        }
        Link.required("description", description);
        Link.required("chip", chip);
        whole("chipsPerNode", chipsPerNode);
        whole("nodes", nodes);
        Link.required("intraNode", intraNode);
        Link.required("interNode", interNode);
        Link.required("pricing.cloudPricePerChipHourUsd", cloudPricePerChipHourUsd);
        Link.required("pricing.capex", capex);
        Link.required("pricing.opex", opex);
        if (nodes.value() > 1 && interNode.isEmpty()) {
            throw new InvalidValueException("interNode", "required when there is more than one node (" + (long) nodes.value() + ")");
        }
        if (intraNode.topology() == Topology.TORUS && intraNode.torusChips() != (long) chipsPerNode.value()) {
            throw new InvalidValueException("intraNode.torus", "dimensions " + intraNode.torusDimensions() + " hold "
                    + intraNode.torusChips() + " chips, but chipsPerNode is " + (long) chipsPerNode.value());
        }
        if (interNode.isPresent() && interNode.get().topology() == Topology.TORUS) {
            throw new InvalidValueException("interNode.topology", "only a switch or full-mesh topology is modelled between nodes");
        }
        cloudPricePerChipHourUsd.ifPresent(f -> {
            if (f.value() < 0) {
                throw new InvalidValueException("pricing.cloudPricePerChipHourUsd.value", "must be >= 0, got " + f.value());
            }
        });
    }

    private static void whole(String field, Figure f) {
        Link.required(field, f);
        if (f.value() < 1 || f.value() != Math.rint(f.value()) || f.value() > 1e6) {
            throw new InvalidValueException(field + ".value", "must be a whole number from 1 to 1,000,000, got " + f.value());
        }
    }

    /** This system with another chip profile (the same chip under a software stack, say). */
    public SystemProfile withChip(HardwareProfile other) {
        return new SystemProfile(name, description, other, chipsPerNode, nodes, intraNode, interNode,
                cloudPricePerChipHourUsd, capex, opex);
    }

    /**
     * This system as a cluster of {@code count} of its nodes (domains) joined by its scale-out link: a deployment
     * larger than one node, as a serving benchmark's multi-node run. Needs a scale-out link when {@code count > 1}.
     */
    public SystemProfile withNodes(int count, String source) {
        return new SystemProfile(name + (count == nodeCount() ? "" : " x " + count), description, chip, chipsPerNode,
                org.opsim.hardware.Figure.of(count, source), intraNode, interNode, cloudPricePerChipHourUsd, capex, opex);
    }

    public int chipsPerNodeCount() {
        return (int) chipsPerNode.value();
    }

    public int nodeCount() {
        return (int) nodes.value();
    }

    /** All chips of the system. */
    public int chips() {
        return chipsPerNodeCount() * nodeCount();
    }

    /**
     * One node of {@code chips} chips joined by the chip's own interconnect (a switch, the chip profile's bandwidth
     * and latency), rented at the chip's price: what a comparison of bare chips stands on when no system file is named.
     */
    public static SystemProfile ofChip(HardwareProfile chip, int chips) {
        org.opsim.hardware.Interconnect ic = chip.interconnect();
        Link link = Link.switched(ic.bandwidthBytesPerSecond().value(), ic.latencySeconds().value(),
                "the chip's interconnect (" + chip.name() + ": " + ic.bandwidthBytesPerSecond().source() + ")");
        return new SystemProfile(chips + " × " + chip.name(), Optional.of("one node of " + chips + " chips on their own interconnect"),
                chip, Figure.of(chips, "the comparison's chips"), Figure.of(1, "one node"), link, Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty());
    }

    /** The rental price per chip-hour: the system's own, else the chip profile's. */
    public double cloudUsdPerChipHour() {
        return cloudPricePerChipHourUsd.map(Figure::value).orElse(chip.pricePerChipHourUsd().value());
    }
}
