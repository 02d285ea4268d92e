package org.opsim.deploy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.opsim.hardware.Figure;
import org.opsim.hardware.HardwareProfile;
import org.opsim.hardware.ProfileLoader;
import org.opsim.io.Documents;
import org.opsim.io.InputException;
import org.opsim.io.Node;

/**
 * Reads a system file (YAML or JSON; format: docs/deployments.md). The chip is another profile file
 * named by a path relative to the system file. Any problem is an {@link InputException} naming the
 * file, the JSON path and what is wrong.
 */
public final class SystemLoader {

    private SystemLoader() {
    }

    public static SystemProfile load(Path file) {
        Node root = Documents.read(file);
        root.allowOnly("name", "description", "chip", "chipsPerNode", "nodes", "intraNode", "interNode", "pricing");
        String name = root.field("name").text();
        Optional<String> description = root.optional("description").map(Node::text);
        Node chipNode = root.field("chip");
        Path chipFile = (file.toAbsolutePath().getParent() == null ? Path.of(".") : file.toAbsolutePath().getParent())
                .resolve(chipNode.text()).normalize();
        HardwareProfile chip;
        try {
            chip = ProfileLoader.load(chipFile);
        } catch (InputException e) {
            throw chipNode.error("chip profile " + chipNode.text() + ": " + e.getMessage());
        }
        Figure perNode = count(root.field("chipsPerNode"));
        Figure nodes = count(root.field("nodes"));
        Link intra = link(root.field("intraNode"));
        Optional<Link> inter = root.optional("interNode").map(SystemLoader::link);
        Optional<Figure> cloud = Optional.empty();
        Optional<Capex> capex = Optional.empty();
        Optional<Opex> opex = Optional.empty();
        if (root.has("pricing")) {
            Node pr = root.field("pricing").allowOnly("cloudPricePerChipHourUsd", "capex", "opex");
            cloud = pr.optional("cloudPricePerChipHourUsd").map(n -> figure(n, Node::nonNegative));
            capex = pr.optional("capex").map(n -> {
                n.allowOnly("pricePerChipUsd", "serverAndNetworkSharePerChipUsd", "depreciationYears", "utilisation");
                Figure price = figure(n.field("pricePerChipUsd"), Node::nonNegative);
                Figure share = figure(n.field("serverAndNetworkSharePerChipUsd"), Node::nonNegative);
                Figure years = figure(n.field("depreciationYears"), Node::positive);
                Figure util = figure(n.field("utilisation"), Node::positive);
                return n.build(() -> new Capex(price, share, years, util));
            });
            opex = pr.optional("opex").map(n -> {
                n.allowOnly("pue", "usdPerKwh");
                Figure pue = figure(n.field("pue"), Node::positive);
                Figure kwh = figure(n.field("usdPerKwh"), Node::nonNegative);
                return n.build(() -> new Opex(pue, kwh));
            });
        }
        Optional<Figure> cloudF = cloud;
        Optional<Capex> capexF = capex;
        Optional<Opex> opexF = opex;
        return root.build(() -> new SystemProfile(name, description, chip, perNode, nodes, intra, inter, cloudF, capexF, opexF));
    }

    private static Link link(Node n) {
        n.allowOnly("topology", "bandwidthBytesPerSecond", "latencySeconds", "torus");
        Topology topology = n.field("topology").parse(Topology::parse);
        Figure bw = figure(n.field("bandwidthBytesPerSecond"), Node::positive);
        Figure lat = figure(n.field("latencySeconds"), Node::nonNegative);
        List<Integer> dims = new ArrayList<>();
        if (n.has("torus")) {
            Node t = n.field("torus").allowOnly("dimensions", "source");
            t.field("source").text();
            for (Node d : t.field("dimensions").elements()) {
                dims.add(d.positiveInt());
            }
        } else if (topology == Topology.TORUS) {
            throw n.error("a torus needs 'torus: {dimensions: [...], source: ...}'");
        }
        return n.build(() -> new Link(bw, lat, topology, dims));
    }

    private static Figure count(Node n) {
        n.allowOnly("value", "source");
        int v = n.field("value").positiveInt();
        return new Figure(v, n.field("source").text());
    }

    private static Figure figure(Node n, java.util.function.Function<Node, Double> check) {
        n.allowOnly("value", "source");
        double v = check.apply(n.field("value"));
        return new Figure(v, n.field("source").text());
    }
}
