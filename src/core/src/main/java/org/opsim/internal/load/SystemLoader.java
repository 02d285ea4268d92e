package org.opsim.internal.load;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.opsim.deploy.Capex;
import org.opsim.deploy.Link;
import org.opsim.deploy.Opex;
import org.opsim.deploy.SystemProfile;
import org.opsim.deploy.Topology;
import org.opsim.hardware.Figure;
import org.opsim.hardware.HardwareProfile;
import org.opsim.internal.io.Documents;
import org.opsim.internal.io.Node;
import org.opsim.io.InputException;

/**
 * Reads a system file (YAML or JSON; format: docs/deployments.md). Its {@code chip} names a profile:
 * a path relative to the system file, or a catalogue name; the caller's resolver finds it. The loader
 * checks the document's shape; the rules on values are {@link SystemProfile}'s, {@link Link}'s,
 * {@link Capex}'s and {@link Opex}'s, reported at the file and JSON path of the value.
 */
public final class SystemLoader {

    /** A system and the short names its file gives it. */
    public record Loaded(SystemProfile system, List<String> aliases) {
        public Loaded {
            aliases = List.copyOf(aliases);
        }
    }

    private SystemLoader() {
    }

    /**
     * Loads a system file from disk; its chip is a profile file relative to it, or, when no such file
     * exists, a name {@code catalogue} resolves.
     */
    public static SystemProfile load(Path file, Function<String, HardwareProfile> catalogue) {
        return loadEntry(file, catalogue).system();
    }

    /** As {@link #load}, with the aliases the file declares. */
    public static Loaded loadEntry(Path file, Function<String, HardwareProfile> catalogue) {
        Path dir = file.toAbsolutePath().getParent() == null ? Path.of(".") : file.toAbsolutePath().getParent();
        return read(Documents.read(file), ref -> {
            Path chip = dir.resolve(ref).normalize();
            return Files.isRegularFile(chip) ? ProfileLoader.load(chip) : catalogue.apply(ref);
        });
    }

    /** Reads a parsed system document; {@code chips} turns its {@code chip} reference into a profile. */
    public static Loaded read(Node root, Function<String, HardwareProfile> chips) {
        root.allowOnly("name", "aliases", "description", "chip", "chipsPerNode", "nodes", "intraNode", "interNode", "pricing");
        String name = root.field("name").text();
        List<String> aliases = new ArrayList<>();
        root.optional("aliases").ifPresent(list -> list.elements().forEach(a -> aliases.add(a.text())));
        Optional<String> description = root.optional("description").map(Node::text);
        Node chipNode = root.field("chip");
        HardwareProfile chip;
        try {
            chip = chips.apply(chipNode.text());
        } catch (InputException e) {
            throw chipNode.error("chip profile " + chipNode.text() + ": " + e.getMessage());
        }
        Figure perNode = figure(root.field("chipsPerNode"));
        Figure nodes = figure(root.field("nodes"));
        Link intra = link(root.field("intraNode"));
        Optional<Link> inter = root.optional("interNode").map(SystemLoader::link);
        Optional<Figure> cloud = Optional.empty();
        Optional<Capex> capex = Optional.empty();
        Optional<Opex> opex = Optional.empty();
        if (root.has("pricing")) {
            Node pr = root.field("pricing").allowOnly("cloudPricePerChipHourUsd", "capex", "opex");
            cloud = pr.optional("cloudPricePerChipHourUsd").map(SystemLoader::figure);
            capex = pr.optional("capex").map(n -> {
                n.allowOnly("pricePerChipUsd", "serverAndNetworkSharePerChipUsd", "depreciationYears", "utilisation");
                Figure price = figure(n.field("pricePerChipUsd"));
                Figure share = figure(n.field("serverAndNetworkSharePerChipUsd"));
                Figure years = figure(n.field("depreciationYears"));
                Figure util = figure(n.field("utilisation"));
                return n.build(() -> new Capex(price, share, years, util));
            });
            opex = pr.optional("opex").map(n -> {
                n.allowOnly("pue", "usdPerKwh");
                Figure pue = figure(n.field("pue"));
                Figure kwh = figure(n.field("usdPerKwh"));
                return n.build(() -> new Opex(pue, kwh));
            });
        }
        Optional<Figure> cloudF = cloud;
        Optional<Capex> capexF = capex;
        Optional<Opex> opexF = opex;
        SystemProfile system = root.build(() -> new SystemProfile(name, description, chip, perNode, nodes, intra, inter,
                cloudF, capexF, opexF));
        return new Loaded(system, aliases);
    }

    private static Link link(Node n) {
        n.allowOnly("topology", "bandwidthBytesPerSecond", "latencySeconds", "torus");
        Topology topology = n.field("topology").parse(Topology::parse);
        Figure bw = figure(n.field("bandwidthBytesPerSecond"));
        Figure lat = figure(n.field("latencySeconds"));
        List<Integer> dims = new ArrayList<>();
        if (n.has("torus")) {
            Node t = n.field("torus").allowOnly("dimensions", "source");
            t.field("source").text();
            for (Node d : t.field("dimensions").elements()) {
                dims.add(d.wholeInt());
            }
        }
        return n.build(() -> new Link(bw, lat, topology, dims));
    }

    private static Figure figure(Node n) {
        return ProfileLoader.figure(n);
    }
}
