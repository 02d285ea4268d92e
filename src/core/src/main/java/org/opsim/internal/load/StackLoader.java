package org.opsim.internal.load;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.opsim.graph.OpKind;
import org.opsim.hardware.AllReduceAlgorithms;
import org.opsim.hardware.EfficiencyCurve;
import org.opsim.hardware.Figure;
import org.opsim.hardware.GemmConfig;
import org.opsim.hardware.Gemv;
import org.opsim.hardware.KernelRule;
import org.opsim.hardware.ServingEngine;
import org.opsim.hardware.SoftwareStack;
import org.opsim.internal.io.Documents;
import org.opsim.internal.io.Node;

/**
 * Reads software-stack files ({@code hardware-profiles/stacks/<name>.yaml}; format:
 * docs/hardware-profile-format.md "Software stacks"): one stack family, its versions as entries, the
 * vendors whose chips default to it. Errors name the file and the field path; nothing half-read escapes.
 */
public final class StackLoader {

    /** A stack file: its family name, the vendors it is the default for, its versions (the default first). */
    public record StackFile(String name, Optional<String> description, List<String> vendors, List<SoftwareStack> versions) {
        public StackFile {
            vendors = List.copyOf(vendors);
            versions = List.copyOf(versions);
        }

        /** The default version (the file's {@code default}, else its first entry). */
        public SoftwareStack defaultVersion() {
            return versions.get(0);
        }

        public Optional<SoftwareStack> version(String v) {
            return versions.stream().filter(s -> s.version().equals(v)).findFirst();
        }
    }

    private StackLoader() {
    }

    public static StackFile load(Path file) {
        return read(Documents.read(file));
    }

    public static StackFile parse(String text, String label) {
        return read(Documents.parse(text, Documents.Format.of(label), label));
    }

    public static StackFile parse(String text, Documents.Format format, String label) {
        return read(Documents.parse(text, format, label));
    }

    static StackFile read(Node root) {
        root.allowOnly("name", "description", "vendors", "default", "versions");
        String name = root.field("name").text();
        if (!name.matches("[a-z0-9][a-z0-9._-]*")) {
            throw root.field("name").error("a stack name is lower-case letters, digits, '.', '_' or '-', got '" + name + "'");
        }
        Optional<String> description = root.optional("description").map(Node::text);
        List<String> vendors = new ArrayList<>();
        root.optional("vendors").ifPresent(v -> v.elements().forEach(e -> vendors.add(e.text())));
        Map<String, SoftwareStack> versions = new LinkedHashMap<>();
        for (Node v : root.field("versions").elements()) {
            SoftwareStack s = version(name, v, versions);
            if (versions.put(s.version(), s) != null) {
                throw v.field("version").error("version '" + s.version() + "' given twice");
            }
        }
        if (versions.isEmpty()) {
            throw root.field("versions").error("needs at least one version");
        }
        List<SoftwareStack> ordered = new ArrayList<>(versions.values());
        if (root.has("default")) {
            Node d = root.field("default");
            SoftwareStack def = versions.get(d.text());
            if (def == null) {
                throw d.error("no version '" + d.text() + "' in versions " + versions.keySet());
            }
            ordered.remove(def);
            ordered.add(0, def);
        }
        return new StackFile(name, description, vendors, ordered);
    }

    private static SoftwareStack version(String name, Node v, Map<String, SoftwareStack> earlier) {
        v.allowOnly("version", "description", "launchSeconds", "floorSeconds", "kernels", "kernelsFrom", "serving");
        String version = v.field("version").text();
        Optional<String> description = v.optional("description").map(Node::text);
        Optional<Figure> launch = v.optional("launchSeconds").map(ProfileLoader::figure);
        Optional<Figure> floor = v.optional("floorSeconds").map(ProfileLoader::figure);
        List<KernelRule> kernels = new ArrayList<>();
        for (Node k : v.optional("kernels").map(Node::elements).orElse(List.of())) {
            k.allowOnly("kind", "blockThreads", "fixedCycles", "cyclesPerIteration", "unitBytesPerCycle", "overheadSeconds",
                    "floorSeconds", "kernelsPerOp", "computeFactor", "memoryFactor", "gemmConfigs", "gemv", "overheadCycles", "fused",
                    "algorithms", "overlapExponent");
            OpKind kind = k.field("kind").parse(OpKind::parse);
            Optional<Figure> bt = k.optional("blockThreads").map(ProfileLoader::figure);
            Optional<Figure> c0 = k.optional("fixedCycles").map(ProfileLoader::figure);
            Optional<Figure> c1 = k.optional("cyclesPerIteration").map(ProfileLoader::figure);
            Optional<Figure> cap = k.optional("unitBytesPerCycle").map(ProfileLoader::figure);
            Optional<Figure> o = k.optional("overheadSeconds").map(ProfileLoader::figure);
            Optional<Figure> oc = k.optional("overheadCycles").map(ProfileLoader::figure);
            Optional<Figure> overlap = k.optional("overlapExponent").map(ProfileLoader::figure);
            Optional<String> fused = k.optional("fused").map(f -> {
                f.allowOnly("source");
                return f.field("source").text();
            });
            Optional<Figure> fl = k.optional("floorSeconds").map(ProfileLoader::figure);
            Optional<Figure> kp = k.optional("kernelsPerOp").map(ProfileLoader::figure);
            Optional<EfficiencyCurve> cf = k.optional("computeFactor").map(ProfileLoader::curve);
            Optional<EfficiencyCurve> mf = k.optional("memoryFactor").map(ProfileLoader::curve);
            List<GemmConfig> configs = new ArrayList<>();
            for (Node g : k.optional("gemmConfigs").map(Node::elements).orElse(List.of())) {
                configs.add(gemmConfig(g));
            }
            Optional<Gemv> gemv = k.optional("gemv").map(g -> {
                g.allowOnly("maxRows", "memoryFactor", "overheadSeconds", "source");
                long maxRows = g.field("maxRows").whole();
                Optional<Figure> factor = g.optional("memoryFactor").map(ProfileLoader::figure);
                Optional<Figure> overhead = g.optional("overheadSeconds").map(ProfileLoader::figure);
                String source = g.field("source").text();
                return g.build(() -> new Gemv(maxRows, factor, overhead, source));
            });
            Optional<AllReduceAlgorithms> algorithms = k.optional("algorithms").map(a -> {
                a.allowOnly("use", "maxChips", "source");
                Set<AllReduceAlgorithms.Algorithm> use = EnumSet.noneOf(AllReduceAlgorithms.Algorithm.class);
                for (Node e : a.field("use").elements()) {
                    use.add(e.parse(AllReduceAlgorithms.Algorithm::parse));
                }
                int maxChips = a.has("maxChips") ? (int) Math.min(Integer.MAX_VALUE, a.field("maxChips").whole())
                        : Integer.MAX_VALUE;
                String source = a.field("source").text();
                return a.build(() -> new AllReduceAlgorithms(use, maxChips, source));
            });
            kernels.add(k.build(() -> new KernelRule(kind, bt, c0, c1, cap, o, fl, kp, cf, mf, configs, gemv, oc, fused,
                    algorithms, overlap)));
        }
        if (v.has("kernelsFrom")) {
            Node from = v.field("kernelsFrom");
            if (v.has("kernels")) {
                throw from.error("give kernels or kernelsFrom, not both");
            }
            SoftwareStack base = earlier.get(from.text());
            if (base == null) {
                throw from.error("no earlier version '" + from.text() + "' in this file (earlier: " + earlier.keySet() + ")");
            }
            kernels.addAll(base.kernels());
        }
        Optional<ServingEngine> serving = v.optional("serving").map(StackLoader::serving);
        return v.build(() -> new SoftwareStack(name, version, description, launch, floor, kernels, serving));
    }

    /** A version's {@code serving:} section (docs/hardware-profile-format.md "Serving engines"). */
    private static ServingEngine serving(Node n) {
        n.allowOnly("scheduler", "maxNumTokens", "maxBatch", "chunkedPrefill", "kvReservation", "memoryFraction",
                "memoryBasis", "runtimeReserveBytes", "kvBlockTokens", "graphBatchSizes", "stepOverheadSeconds",
                "sequenceOverheadSeconds", "requestOverheadSeconds");
        ServingEngine.Scheduler scheduler = n.field("scheduler").parse(ServingEngine.Scheduler::parse);
        Figure tokens = ProfileLoader.figure(n.field("maxNumTokens"));
        Figure batch = ProfileLoader.figure(n.field("maxBatch"));
        boolean chunked = n.field("chunkedPrefill").bool();
        ServingEngine.KvReservation kv = n.field("kvReservation").parse(ServingEngine.KvReservation::parse);
        Figure fraction = ProfileLoader.figure(n.field("memoryFraction"));
        ServingEngine.MemoryBasis basis = n.field("memoryBasis").parse(ServingEngine.MemoryBasis::parse);
        Figure reserve = ProfileLoader.figure(n.field("runtimeReserveBytes"));
        Figure block = ProfileLoader.figure(n.field("kvBlockTokens"));
        List<Long> sizes = new ArrayList<>();
        String sizesSource = null;
        if (n.has("graphBatchSizes")) {
            Node g = n.field("graphBatchSizes");
            g.allowOnly("sizes", "source");
            for (Node e : g.field("sizes").elements()) {
                sizes.add(e.positiveLong());
            }
            sizesSource = g.field("source").text();
        }
        Figure step = ProfileLoader.figure(n.field("stepOverheadSeconds"));
        Figure perSequence = ProfileLoader.figure(n.field("sequenceOverheadSeconds"));
        Figure perRequest = ProfileLoader.figure(n.field("requestOverheadSeconds"));
        String src = sizesSource;
        return n.build(() -> new ServingEngine(scheduler, tokens, batch, chunked, kv, fraction, basis, reserve, block, sizes,
                src, step, perSequence, perRequest));
    }

    private static GemmConfig gemmConfig(Node g) {
        g.allowOnly("m", "n", "decomposition", "k", "computeFactor", "source");
        long m = g.field("m").whole();
        long n = g.field("n").whole();
        GemmConfig.Decomposition d = g.optional("decomposition").map(x -> x.parse(GemmConfig.Decomposition::parse))
                .orElse(GemmConfig.Decomposition.SPLIT_K);
        Optional<Long> k = g.optional("k").map(Node::whole);
        Optional<Figure> factor = g.optional("computeFactor").map(ProfileLoader::figure);
        String source = g.field("source").text();
        return g.build(() -> new GemmConfig(m, n, d, k, factor, source));
    }
}
