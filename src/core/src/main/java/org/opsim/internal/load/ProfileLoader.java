package org.opsim.internal.load;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.opsim.graph.Engine;
import org.opsim.graph.OpKind;
import org.opsim.graph.Precision;
import org.opsim.hardware.Clock;
import org.opsim.hardware.DeviceKind;
import org.opsim.hardware.EfficiencyCurve;
import org.opsim.hardware.EfficiencyRule;
import org.opsim.hardware.EfficiencyTable;
import org.opsim.hardware.Fallback;
import org.opsim.hardware.Figure;
import org.opsim.hardware.HardwareProfile;
import org.opsim.hardware.HostLink;
import org.opsim.hardware.Interconnect;
import org.opsim.hardware.MatmulTile;
import org.opsim.hardware.Memory;
import org.opsim.hardware.OnChipMemory;
import org.opsim.hardware.OpSupport;
import org.opsim.hardware.Power;
import org.opsim.internal.io.Documents;
import org.opsim.internal.io.Node;

/**
 * Reads hardware profiles from JSON or YAML (format: {@code docs/hardware-profile-format.md}). The
 * loader checks the document's shape (known fields, types, required fields); every rule on the
 * values is the records' own ({@link HardwareProfile}, {@link Memory}, {@link Power}, ...), and
 * {@link Node#build} reports a broken one at the file and JSON path of the value. Nothing partially
 * built escapes.
 */
public final class ProfileLoader {

    /** A profile and the short names its file gives it ({@code aliases: [h100]}). */
    public record Loaded(HardwareProfile profile, List<String> aliases) {
        public Loaded {
            aliases = List.copyOf(aliases);
        }
    }

    private ProfileLoader() {
    }

    /** Loads a {@code .json}, {@code .yaml} or {@code .yml} profile file from anywhere. */
    public static HardwareProfile load(Path file) {
        return read(Documents.read(file)).profile();
    }

    /** Parses profile text; {@code label} names the source in errors and its extension picks JSON or YAML. */
    public static HardwareProfile parse(String text, String label) {
        return parse(text, Documents.Format.of(label), label).profile();
    }

    /** Parses profile text in {@code format}, with the aliases the document declares. */
    public static Loaded parse(String text, Documents.Format format, String label) {
        return read(Documents.parse(text, format, label));
    }

    static Loaded read(Node root) {
        root.allowOnly("name", "aliases", "kind", "vendor", "description", "engines", "memory", "onChipSramBytes",
                "dispatchOverheadSeconds", "interconnect", "power", "pricePerChipHourUsd", "efficiency",
                "nativeOps", "customOps", "fallback", "host", "computeUnits", "matmulTile", "clock", "threadsPerUnit",
                "onChip");
        String name = root.field("name").text();
        List<String> aliases = new ArrayList<>();
        root.optional("aliases").ifPresent(list -> list.elements().forEach(a -> aliases.add(a.text())));
        DeviceKind kind = root.field("kind").parse(DeviceKind::parse);
        String vendor = root.field("vendor").text();
        Optional<String> description = root.optional("description").map(Node::text);

        Node enginesNode = root.field("engines").allowOnly("matrix", "vector");
        Map<Engine, Map<Precision, Figure>> peaks = new EnumMap<>(Engine.class);
        for (Engine e : List.of(Engine.MATRIX, Engine.VECTOR)) {
            Node engine = enginesNode.field(e.id()).allowOnly("peakFlopsPerSecond");
            peaks.put(e, precisionFigures(engine.field("peakFlopsPerSecond")));
        }

        Node mem = root.field("memory").allowOnly("capacityBytes", "bandwidthBytesPerSecond", "latencySeconds");
        Figure capacity = figure(mem.field("capacityBytes"));
        Figure bandwidth = figure(mem.field("bandwidthBytesPerSecond"));
        Optional<Figure> memLatency = mem.optional("latencySeconds").map(ProfileLoader::figure);
        Memory memory = mem.build(() -> new Memory(capacity, bandwidth, memLatency));
        Figure sram = figure(root.field("onChipSramBytes"));
        Figure dispatch = figure(root.field("dispatchOverheadSeconds"));

        Node ic = root.field("interconnect").allowOnly("bandwidthBytesPerSecond", "latencySeconds", "energyPerByteJoules");
        Figure icBandwidth = figure(ic.field("bandwidthBytesPerSecond"));
        Figure icLatency = figure(ic.field("latencySeconds"));
        Optional<Figure> icEnergy = ic.optional("energyPerByteJoules").map(ProfileLoader::figure);
        Interconnect interconnect = ic.build(() -> new Interconnect(icBandwidth, icLatency, icEnergy));

        Node pw = root.field("power").allowOnly("tdpWatts", "idleWatts", "energyPerFlopJoules", "energyPerByteJoules");
        Figure tdp = figure(pw.field("tdpWatts"));
        Figure idle = figure(pw.field("idleWatts"));
        Map<Precision, Figure> perFlop = pw.optional("energyPerFlopJoules").map(ProfileLoader::precisionFigures)
                .orElse(Map.of());
        Optional<Figure> perByte = pw.optional("energyPerByteJoules").map(ProfileLoader::figure);
        Power power = pw.build(() -> new Power(tdp, idle, perFlop, perByte));

        Figure price = figure(root.field("pricePerChipHourUsd"));
        Optional<Figure> units = root.optional("computeUnits").map(ProfileLoader::figure);
        Optional<MatmulTile> tile = root.optional("matmulTile").map(n -> {
            n.allowOnly("m", "n", "source");
            long tm = n.field("m").whole();
            long tn = n.field("n").whole();
            String source = n.field("source").text();
            return n.build(() -> new MatmulTile(tm, tn, source));
        });
        Optional<Clock> clock = root.optional("clock").map(n -> {
            n.allowOnly("maxBoostHz", "sustainedHz");
            Figure max = figure(n.field("maxBoostHz"));
            Figure sustained = figure(n.field("sustainedHz"));
            return n.build(() -> new Clock(max, sustained));
        });
        Optional<Figure> threads = root.optional("threadsPerUnit").map(ProfileLoader::figure);
        Optional<OnChipMemory> onChip = root.optional("onChip").map(n -> {
            n.allowOnly("name", "capacityBytes", "bandwidthBytesPerSecond", "latencySeconds", "efficiency");
            String cname = n.field("name").text();
            Figure cap = figure(n.field("capacityBytes"));
            Figure bw = figure(n.field("bandwidthBytesPerSecond"));
            Figure lat = figure(n.field("latencySeconds"));
            Optional<Figure> eff = n.optional("efficiency").map(ProfileLoader::figure);
            return n.build(() -> new OnChipMemory(cname, cap, bw, lat, eff));
        });
        EfficiencyTable efficiency = efficiency(root.field("efficiency"));
        OpSupport support = support(root);

        HardwareProfile profile = root.build(() -> new HardwareProfile(name, kind, vendor, peaks, memory, sram, dispatch,
                interconnect, power, price, efficiency, support, description, units, tile, clock, threads, onChip,
                Optional.empty()));
        return new Loaded(profile, aliases);
    }

    /** {@code {value: number, source: text}}; the record that holds the figure checks its range. */
    static Figure figure(Node n) {
        n.allowOnly("value", "source");
        double v = n.field("value").number();
        String source = n.field("source").text();
        return n.build(() -> new Figure(v, source));
    }

    private static Map<Precision, Figure> precisionFigures(Node n) {
        Map<Precision, Figure> out = new EnumMap<>(Precision.class);
        for (Map.Entry<String, Node> e : n.entries()) {
            Precision p = e.getValue().parseKey(e.getKey(), Precision::parse);
            if (p.blockScaled()) {
                throw e.getValue().error(p.id() + " is a storage format: rates are keyed by its arithmetic, "
                        + p.arithmetic().id());
            }
            out.put(p, figure(e.getValue()));
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
                if (r.has("unitBytesPerSecond")) {
                    throw r.field("unitBytesPerSecond").error("per-unit caps belong to a software stack now, in bytes per "
                            + "unit-cycle: unitBytesPerCycle in hardware-profiles/stacks/<stack>.yaml (docs/hardware-profile-format.md)");
                }
                r.allowOnly("kind", "precision", "compute", "memory", "overheadSeconds");
                OpKind kind = r.field("kind").parse(OpKind::parse);
                Optional<Precision> precision = r.optional("precision").map(p -> p.parse(Precision::parse));
                Optional<EfficiencyCurve> c = r.optional("compute").map(ProfileLoader::curve);
                Optional<EfficiencyCurve> m = r.optional("memory").map(ProfileLoader::curve);
                Optional<Figure> o = r.optional("overheadSeconds").map(ProfileLoader::figure);
                rules.add(r.build(() -> new EfficiencyRule(kind, precision, c, m, o)));
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
            double e = n.field("value").number();
            return n.build(() -> EfficiencyCurve.constant(e, source));
        }
        List<EfficiencyCurve.Point> points = new ArrayList<>();
        for (Node p : n.field("curve").elements()) {
            List<Node> pair = p.elements();
            if (pair.size() != 2) {
                throw p.error("expected [size, efficiency], got " + pair.size() + " numbers");
            }
            double size = pair.get(0).number();
            double eff = pair.get(1).number();
            points.add(p.build(() -> new EfficiencyCurve.Point(size, eff)));
        }
        return n.build(() -> new EfficiencyCurve(points, source));
    }

    private static OpSupport support(Node root) {
        Optional<HostLink> host = root.optional("host").map(ProfileLoader::host);
        if (!root.has("nativeOps")) {
            if (root.has("customOps")) {
                throw root.field("customOps").error("customOps given but no nativeOps: without nativeOps every op is native");
            }
            if (root.has("fallback")) {
                throw root.field("fallback").error("fallback given but no nativeOps: without nativeOps every op is native");
            }
            return OpSupport.allNative(host);
        }
        EnumSet<OpKind> nativeOps = EnumSet.noneOf(OpKind.class);
        for (Node k : root.field("nativeOps").elements()) {
            OpKind kind = k.parse(OpKind::parse);
            if (!nativeOps.add(kind)) {
                throw k.error("op kind " + kind.id() + " listed twice");
            }
        }
        java.util.Set<String> customOps = new java.util.TreeSet<>();
        for (Node k : root.optional("customOps").map(Node::elements).orElse(List.of())) {
            String key = k.text();
            if (!key.matches(org.opsim.graph.CustomOp.SUPPORT_KEY)) {
                throw k.error("a custom-op key is lower-case letters, digits, '_', '.' or '-', got '" + key + "'");
            }
            if (!customOps.add(key)) {
                throw k.error("custom op " + key + " listed twice");
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
                    byKind.put(e.getValue().parseKey(e.getKey(), OpKind::parse), fallback(e.getValue()));
                }
            }
        }
        Optional<Fallback> defaultFallback = def;
        return root.build(() -> new OpSupport(nativeOps, customOps, defaultFallback, byKind, host));
    }

    private static Fallback fallback(Node n) {
        n.allowOnly("mode", "penaltyFactor");
        Fallback.Mode mode = n.field("mode").parse(Fallback.Mode::parse);
        Figure penalty = figure(n.field("penaltyFactor"));
        return n.build(() -> new Fallback(mode, penalty));
    }

    private static HostLink host(Node n) {
        n.allowOnly("bandwidthBytesPerSecond", "latencySeconds", "flopsPerSecond");
        Figure bw = figure(n.field("bandwidthBytesPerSecond"));
        Figure lat = figure(n.field("latencySeconds"));
        Figure flops = figure(n.field("flopsPerSecond"));
        return n.build(() -> new HostLink(bw, lat, flops));
    }
}
