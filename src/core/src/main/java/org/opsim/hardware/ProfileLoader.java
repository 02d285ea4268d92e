package org.opsim.hardware;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.opsim.graph.Engine;
import org.opsim.graph.OpKind;
import org.opsim.graph.Precision;
import org.opsim.io.Documents;
import org.opsim.io.InputException;
import org.opsim.io.Node;

/**
 * Reads hardware profiles from JSON or YAML (format: {@code docs/hardware-profile-format.md}).
 * Any problem is an {@link InputException} naming the file, the JSON path and what is wrong;
 * nothing partially built escapes.
 */
public final class ProfileLoader {

    private ProfileLoader() {
    }

    /** Loads a {@code .json}, {@code .yaml} or {@code .yml} profile file from anywhere. */
    public static HardwareProfile load(Path file) {
        return fromNode(Documents.read(file));
    }

    /** Parses profile text; {@code label} names the source in errors. */
    public static HardwareProfile parse(String text, Documents.Format format, String label) {
        return fromNode(Documents.parse(text, format, label));
    }

    static HardwareProfile fromNode(Node root) {
        root.allowOnly("name", "kind", "vendor", "description", "engines", "memory", "onChipSramBytes",
                "dispatchOverheadSeconds", "interconnect", "power", "pricePerChipHourUsd", "efficiency",
                "nativeOps", "fallback", "host", "computeUnits", "matmulTile");
        String name = root.field("name").text();
        DeviceKind kind = root.field("kind").parse(DeviceKind::parse);
        String vendor = root.field("vendor").text();
        Optional<String> description = root.optional("description").map(Node::text);

        Node enginesNode = root.field("engines").allowOnly("matrix", "vector");
        Map<Engine, Map<Precision, Figure>> peaks = new EnumMap<>(Engine.class);
        for (Engine e : List.of(Engine.MATRIX, Engine.VECTOR)) {
            Node engine = enginesNode.field(e.id()).allowOnly("peakFlopsPerSecond");
            peaks.put(e, precisionFigures(engine.field("peakFlopsPerSecond"), Node::positive));
        }

        Node mem = root.field("memory").allowOnly("capacityBytes", "bandwidthBytesPerSecond");
        Memory memory = new Memory(figure(mem.field("capacityBytes"), Node::positive),
                figure(mem.field("bandwidthBytesPerSecond"), Node::positive));
        Figure sram = figure(root.field("onChipSramBytes"), Node::positive);
        Figure dispatch = figure(root.field("dispatchOverheadSeconds"), Node::nonNegative);

        Node ic = root.field("interconnect").allowOnly("bandwidthBytesPerSecond", "latencySeconds", "energyPerByteJoules");
        Interconnect interconnect = new Interconnect(figure(ic.field("bandwidthBytesPerSecond"), Node::positive),
                figure(ic.field("latencySeconds"), Node::nonNegative),
                ic.optional("energyPerByteJoules").map(n -> figure(n, Node::nonNegative)));

        Node pw = root.field("power").allowOnly("tdpWatts", "idleWatts", "energyPerFlopJoules", "energyPerByteJoules");
        Figure tdp = figure(pw.field("tdpWatts"), Node::positive);
        Node idleNode = pw.field("idleWatts");
        Figure idle = figure(idleNode, Node::nonNegative);
        if (idle.value() > tdp.value()) {
            throw new InputException(idleNode.file(), idleNode.path() + ".value",
                    "idle power " + idle.value() + " W exceeds tdpWatts " + tdp.value() + " W");
        }
        Map<Precision, Figure> perFlop = pw.optional("energyPerFlopJoules")
                .map(n -> precisionFigures(n, Node::positive)).orElse(Map.of());
        Optional<Figure> perByte = pw.optional("energyPerByteJoules").map(n -> figure(n, Node::positive));
        if (perFlop.isEmpty() != perByte.isEmpty()) {
            throw pw.error("give energyPerFlopJoules and energyPerByteJoules together, or neither");
        }
        if (!perFlop.isEmpty()) {
            for (Engine e : peaks.keySet()) {
                for (Precision p : peaks.get(e).keySet()) {
                    if (!perFlop.containsKey(p)) {
                        throw pw.field("energyPerFlopJoules").error("missing " + p.id()
                                + ", which engines." + e.id() + " runs");
                    }
                }
            }
        }
        Power power = new Power(tdp, idle, perFlop, perByte);

        Figure price = figure(root.field("pricePerChipHourUsd"), Node::nonNegative);
        Optional<Figure> units = root.optional("computeUnits").map(n -> figure(n, v -> {
            double x = v.positive();
            if (x != Math.rint(x)) {
                throw v.error("must be a whole number, got " + x);
            }
            return x;
        }));
        Optional<MatmulTile> tile = root.optional("matmulTile").map(n -> {
            n.allowOnly("m", "n", "source");
            long tm = n.field("m").positiveLong();
            long tn = n.field("n").positiveLong();
            return new MatmulTile(tm, tn, n.field("source").text());
        });
        EfficiencyTable efficiency = efficiency(root.field("efficiency"));
        OpSupport support = support(root);

        return root.build(() -> new HardwareProfile(name, kind, vendor, peaks, memory, sram, dispatch,
                interconnect, power, price, efficiency, support, description, units, tile));
    }

    /** {@code {value: number, source: text}}; {@code check} validates the value at its own path. */
    static Figure figure(Node n, Function<Node, Double> check) {
        n.allowOnly("value", "source");
        double v = check.apply(n.field("value"));
        return new Figure(v, n.field("source").text());
    }

    private static Map<Precision, Figure> precisionFigures(Node n, Function<Node, Double> check) {
        Map<Precision, Figure> out = new EnumMap<>(Precision.class);
        for (Map.Entry<String, Node> e : n.entries()) {
            Precision p;
            try {
                p = Precision.parse(e.getKey());
            } catch (IllegalArgumentException ex) {
                throw e.getValue().error(ex.getMessage());
            }
            out.put(p, figure(e.getValue(), check));
        }
        if (out.isEmpty()) {
            throw n.error("needs at least one precision");
        }
        return out;
    }

    private static EfficiencyTable efficiency(Node n) {
        n.allowOnly("default", "ops");
        Node def = n.field("default").allowOnly("compute", "memory");
        EfficiencyCurve compute = curve(def.field("compute"));
        EfficiencyCurve memory = curve(def.field("memory"));
        List<EfficiencyRule> rules = new ArrayList<>();
        if (n.has("ops")) {
            for (Node r : n.field("ops").elements()) {
                r.allowOnly("kind", "precision", "compute", "memory", "overheadSeconds", "unitBytesPerSecond");
                OpKind kind = r.field("kind").parse(OpKind::parse);
                Optional<Precision> precision = r.optional("precision").map(p -> p.parse(Precision::parse));
                Optional<EfficiencyCurve> c = r.optional("compute").map(ProfileLoader::curve);
                Optional<EfficiencyCurve> m = r.optional("memory").map(ProfileLoader::curve);
                Optional<Figure> o = r.optional("overheadSeconds").map(x -> figure(x, Node::nonNegative));
                Optional<Figure> u = r.optional("unitBytesPerSecond").map(x -> figure(x, Node::positive));
                for (EfficiencyRule earlier : rules) {
                    if (earlier.kind() == kind && earlier.precision().equals(precision)) {
                        throw r.error("a second rule for " + kind.id() + precision.map(p -> " at " + p.id()).orElse(""));
                    }
                }
                rules.add(r.build(() -> new EfficiencyRule(kind, precision, c, m, o, u)));
            }
        }
        return n.build(() -> new EfficiencyTable(compute, memory, rules));
    }

    /** {@code {value: e, source}} or {@code {curve: [[size, e], ...], source}}. */
    static EfficiencyCurve curve(Node n) {
        n.allowOnly("value", "curve", "source");
        String source = n.field("source").text();
        if (n.has("value") == n.has("curve")) {
            throw n.error("give exactly one of 'value' (a constant efficiency) or 'curve' (a list of [size, efficiency])");
        }
        if (n.has("value")) {
            Node v = n.field("value");
            return new EfficiencyCurve(List.of(point(v, 1.0, efficiencyValue(v))), source);
        }
        List<EfficiencyCurve.Point> points = new ArrayList<>();
        Node curve = n.field("curve");
        List<Node> elements = curve.elements();
        if (elements.isEmpty()) {
            throw curve.error("needs at least one [size, efficiency] point");
        }
        for (Node p : elements) {
            List<Node> pair = p.elements();
            if (pair.size() != 2) {
                throw p.error("expected [size, efficiency], got " + pair.size() + " numbers");
            }
            double size = pair.get(0).positive();
            double eff = efficiencyValue(pair.get(1));
            if (!points.isEmpty() && !(size > points.get(points.size() - 1).size())) {
                throw pair.get(0).error("sizes must increase strictly; " + size + " follows "
                        + points.get(points.size() - 1).size());
            }
            points.add(point(p, size, eff));
        }
        return new EfficiencyCurve(points, source);
    }

    private static EfficiencyCurve.Point point(Node at, double size, double eff) {
        return at.build(() -> new EfficiencyCurve.Point(size, eff));
    }

    private static double efficiencyValue(Node v) {
        double e = v.number();
        if (!(e > 0 && e <= 1)) {
            throw v.error("efficiency must be in (0, 1], got " + e);
        }
        return e;
    }

    private static OpSupport support(Node root) {
        if (!root.has("nativeOps")) {
            if (root.has("fallback")) {
                throw root.field("fallback").error("fallback given but no nativeOps: without nativeOps every op is native");
            }
            Optional<HostLink> host = root.optional("host").map(ProfileLoader::host);
            return new OpSupport(EnumSet.allOf(OpKind.class), Optional.empty(), Map.of(), host);
        }
        Node list = root.field("nativeOps");
        EnumSet<OpKind> nativeOps = EnumSet.noneOf(OpKind.class);
        for (Node k : list.elements()) {
            OpKind kind = k.parse(OpKind::parse);
            if (!nativeOps.add(kind)) {
                throw k.error("op kind " + kind.id() + " listed twice");
            }
        }
        Optional<Fallback> def = Optional.empty();
        Map<OpKind, Fallback> byKind = new EnumMap<>(OpKind.class);
        Optional<Node> fb = root.optional("fallback");
        if (fb.isPresent()) {
            fb.get().allowOnly("default", "ops");
            def = fb.get().optional("default").map(ProfileLoader::fallback);
            if (fb.get().has("ops")) {
                for (Map.Entry<String, Node> e : fb.get().field("ops").entries()) {
                    OpKind kind;
                    try {
                        kind = OpKind.parse(e.getKey());
                    } catch (IllegalArgumentException ex) {
                        throw e.getValue().error(ex.getMessage());
                    }
                    byKind.put(kind, fallback(e.getValue()));
                }
            }
        }
        if (nativeOps.size() < OpKind.values().length && def.isEmpty()) {
            for (OpKind k : OpKind.values()) {
                if (!nativeOps.contains(k) && !byKind.containsKey(k)) {
                    throw (fb.isPresent() ? fb.get() : root).error("op kind " + k.id()
                            + " is not in nativeOps and has no fallback (add fallback.default or fallback.ops." + k.id() + ")");
                }
            }
        }
        boolean usesHost = def.map(f -> f.mode() == Fallback.Mode.HOST).orElse(false)
                || byKind.values().stream().anyMatch(f -> f.mode() == Fallback.Mode.HOST);
        Optional<HostLink> host = root.optional("host").map(ProfileLoader::host);
        if (usesHost && host.isEmpty()) {
            throw root.error("a fallback uses mode 'host' but the profile has no 'host' section");
        }
        Optional<Fallback> finalDef = def;
        return list.build(() -> new OpSupport(nativeOps, finalDef, byKind, host));
    }

    private static Fallback fallback(Node n) {
        n.allowOnly("mode", "penaltyFactor");
        Fallback.Mode mode = n.field("mode").parse(Fallback.Mode::parse);
        Node pen = n.field("penaltyFactor");
        Figure penalty = figure(pen, v -> {
            double x = v.number();
            if (x < 1) {
                throw v.error("penaltyFactor must be >= 1, got " + x);
            }
            return x;
        });
        return new Fallback(mode, penalty);
    }

    private static HostLink host(Node n) {
        n.allowOnly("bandwidthBytesPerSecond", "latencySeconds", "flopsPerSecond");
        return new HostLink(figure(n.field("bandwidthBytesPerSecond"), Node::positive),
                figure(n.field("latencySeconds"), Node::nonNegative),
                figure(n.field("flopsPerSecond"), Node::positive));
    }
}
