package org.opsim.deploy;

import org.opsim.graph.OpKind;
import org.opsim.hardware.HardwareProfile;
import org.opsim.internal.cost.CostFormulas;

/**
 * Collective times on a system's links (formulas: docs/cost-model.md §6.2; the arithmetic is in
 * {@link CostFormulas}). A group of {@code g} chips with {@code perNode} of them on each node runs on
 * the intra-node link when it fits in one node, else hierarchically: a reduce-scatter inside each
 * node, the all-reduce of each chip's {@code 1/perNode} shard across nodes over the chips' own NICs
 * in parallel, and an all-gather inside each node. All-reduces take the faster of ring and tree, as
 * NCCL does. Each collective adds the chip's overhead for its kind once. Stateless.
 */
public final class Collectives {

    private Collectives() {
    }

    /** A collective's cost: seconds, bytes one chip sends, and the algorithm used. */
    public record Cost(double seconds, double linkBytes, String algorithm) {
    }

    public static Cost allReduce(SystemProfile s, double payloadBytes, int g, int perNode) {
        if (g <= 1) {
            return new Cost(0, 0, "none");
        }
        HardwareProfile chip = s.chip();
        double e = efficiency(chip, OpKind.ALL_REDUCE, payloadBytes);
        double o = CostFormulas.overheadSeconds(chip, OpKind.ALL_REDUCE, null);
        int local = Math.max(1, Math.min(perNode, g));
        int nodes = (g + local - 1) / local;
        if (nodes == 1) {
            Cost flat = flatAllReduce(s.intraNode(), s.chipsPerNodeCount(), payloadBytes, g, e);
            return new Cost(flat.seconds() + o, flat.linkBytes(), flat.algorithm());
        }
        Link intra = s.intraNode();
        Link inter = s.interNode().orElseThrow(() -> new DeploymentException(
                "a group of " + g + " chips spans nodes, but " + s.name() + " has no inter-node link"));
        double bIntra = intra.groupBandwidthBytesPerSecond(local, s.chipsPerNodeCount());
        double rs = CostFormulas.ringGatherSeconds(local, intra.latencySeconds().value(), payloadBytes, bIntra, e);
        Cost across = flatAllReduce(inter, s.nodeCount(), payloadBytes / local, nodes, e);
        double linkBytes = 2 * CostFormulas.ringLinkBytes(false, local, payloadBytes) + across.linkBytes();
        return new Cost(2 * rs + across.seconds() + o, linkBytes,
                "hierarchical (" + local + " per node × " + nodes + " nodes, " + across.algorithm() + " across)");
    }

    private static Cost flatAllReduce(Link link, int domainChips, double payloadBytes, int g, double e) {
        double b = link.groupBandwidthBytesPerSecond(g, domainChips);
        double a = link.latencySeconds().value();
        double ring = CostFormulas.ringAllReduceSeconds(g, a, payloadBytes, b, e);
        double tree = CostFormulas.treeAllReduceSeconds(g, a, payloadBytes, b, e);
        return ring <= tree ? new Cost(ring, CostFormulas.ringLinkBytes(true, g, payloadBytes), "ring")
                : new Cost(tree, CostFormulas.treeLinkBytes(payloadBytes), "tree");
    }

    /** All-gather of a {@code payloadBytes} (gathered) buffer: ring, on the slowest link the group spans. */
    public static Cost allGather(SystemProfile s, double payloadBytes, int g, int perNode) {
        if (g <= 1) {
            return new Cost(0, 0, "none");
        }
        HardwareProfile chip = s.chip();
        double e = efficiency(chip, OpKind.ALL_GATHER, payloadBytes);
        double o = CostFormulas.overheadSeconds(chip, OpKind.ALL_GATHER, null);
        Link link = g <= perNode || s.interNode().isEmpty() ? s.intraNode() : s.interNode().get();
        double b = link == s.intraNode() ? link.groupBandwidthBytesPerSecond(g, s.chipsPerNodeCount())
                : link.bandwidthBytesPerSecond().value();
        return new Cost(CostFormulas.ringGatherSeconds(g, link.latencySeconds().value(), payloadBytes, b, e) + o,
                CostFormulas.ringLinkBytes(false, g, payloadBytes), "ring");
    }

    /**
     * All-to-all of {@code payloadBytes} per chip (each chip keeps {@code 1/g} and sends the rest): the
     * switched form on a switch or full mesh (or between nodes), and on a torus the slower of the
     * switched form and the bisection limit. Efficiency: the chip's all-gather curve.
     */
    public static Cost allToAll(SystemProfile s, double payloadBytes, int g, int perNode) {
        if (g <= 1) {
            return new Cost(0, 0, "none");
        }
        HardwareProfile chip = s.chip();
        double e = efficiency(chip, OpKind.ALL_GATHER, payloadBytes);
        double o = CostFormulas.overheadSeconds(chip, OpKind.ALL_GATHER, null);
        boolean acrossNodes = g > perNode && s.interNode().isPresent();
        Link link = acrossNodes ? s.interNode().get() : s.intraNode();
        double b = acrossNodes ? link.bandwidthBytesPerSecond().value()
                : link.groupBandwidthBytesPerSecond(g, s.chipsPerNodeCount());
        double t = CostFormulas.ringGatherSeconds(g, link.latencySeconds().value(), payloadBytes, b, e);
        String algorithm = "direct";
        if (!acrossNodes && link.topology() == Topology.TORUS) {
            double bisection = CostFormulas.torusBisectionSeconds(payloadBytes, link.largestDimension(),
                    link.torusLinkBytesPerSecond(), e);
            if (bisection > t - (g - 1) * link.latencySeconds().value()) {
                t = (g - 1) * link.latencySeconds().value() + bisection;
                algorithm = "torus, bisection-bound";
            }
        }
        return new Cost(t + o, CostFormulas.ringLinkBytes(false, g, payloadBytes), algorithm);
    }

    /** A pipeline hand-off of {@code payloadBytes} to the next stage, across nodes or not. */
    public static Cost pointToPoint(SystemProfile s, double payloadBytes, boolean acrossNodes) {
        HardwareProfile chip = s.chip();
        Link link = acrossNodes ? s.interNode().orElse(s.intraNode()) : s.intraNode();
        double b = switch (acrossNodes ? Topology.SWITCH : link.topology()) {
            case SWITCH -> link.bandwidthBytesPerSecond().value();
            case FULL_MESH -> link.groupBandwidthBytesPerSecond(2, s.chipsPerNodeCount());
            case TORUS -> link.torusLinkBytesPerSecond();
        };
        double e = efficiency(chip, OpKind.ALL_GATHER, payloadBytes);
        double t = CostFormulas.pointToPointSeconds(link.latencySeconds().value(), payloadBytes, b, e)
                + CostFormulas.overheadSeconds(chip, OpKind.ALL_GATHER, null);
        return new Cost(t, payloadBytes, "point-to-point");
    }

    private static double efficiency(HardwareProfile chip, OpKind kind, double bytes) {
        return chip.efficiency().memory(kind, null).at(bytes);
    }
}
