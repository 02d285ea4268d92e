package org.opsim.internal.load;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.opsim.graph.Engine;
import org.opsim.graph.OpKind;
import org.opsim.graph.Precision;
import org.opsim.hardware.EfficiencyCurve;
import org.opsim.hardware.EfficiencyRule;
import org.opsim.hardware.Fallback;
import org.opsim.hardware.Figure;
import org.opsim.hardware.HardwareProfile;
import org.opsim.hardware.OpSupport;
import org.opsim.internal.io.Documents;

/** Writes a profile in the file format {@link ProfileLoader} reads, so load(write(p)) equals p. */
public final class ProfileWriter {

    private ProfileWriter() {
    }

    public static String write(HardwareProfile p, Documents.Format format) {
        try {
            return Documents.mapper(format).writerWithDefaultPrettyPrinter().writeValueAsString(toTree(p));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes to {@code file} atomically (a temporary file renamed into place), format by extension. */
    public static void write(HardwareProfile p, Path file) {
        String text = write(p, Documents.Format.of(file.getFileName().toString()));
        org.opsim.internal.io.AtomicFiles.writeString(file, text);
    }

    static Map<String, Object> toTree(HardwareProfile p) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("name", p.name());
        root.put("kind", p.kind().id());
        root.put("vendor", p.vendor());
        p.description().ifPresent(d -> root.put("description", d));
        Map<String, Object> engines = new LinkedHashMap<>();
        for (Engine e : List.of(Engine.MATRIX, Engine.VECTOR)) {
            engines.put(e.id(), Map.of("peakFlopsPerSecond", precisionFigures(p.peakFlopsPerSecond().get(e))));
        }
        root.put("engines", engines);
        Map<String, Object> mem = new LinkedHashMap<>();
        mem.put("capacityBytes", fig(p.memory().capacityBytes()));
        mem.put("bandwidthBytesPerSecond", fig(p.memory().bandwidthBytesPerSecond()));
        p.memory().latencySeconds().ifPresent(f -> mem.put("latencySeconds", fig(f)));
        root.put("memory", mem);
        root.put("onChipSramBytes", fig(p.onChipSramBytes()));
        root.put("dispatchOverheadSeconds", fig(p.dispatchOverheadSeconds()));
        Map<String, Object> ic = new LinkedHashMap<>();
        ic.put("bandwidthBytesPerSecond", fig(p.interconnect().bandwidthBytesPerSecond()));
        ic.put("latencySeconds", fig(p.interconnect().latencySeconds()));
        p.interconnect().energyPerByteJoules().ifPresent(f -> ic.put("energyPerByteJoules", fig(f)));
        root.put("interconnect", ic);
        Map<String, Object> pw = new LinkedHashMap<>();
        pw.put("tdpWatts", fig(p.power().tdpWatts()));
        pw.put("idleWatts", fig(p.power().idleWatts()));
        if (p.power().hasEnergyCoefficients()) {
            pw.put("energyPerFlopJoules", precisionFigures(p.power().energyPerFlopJoules()));
            pw.put("energyPerByteJoules", fig(p.power().energyPerByteJoules().orElseThrow()));
        }
        root.put("power", pw);
        root.put("pricePerChipHourUsd", fig(p.pricePerChipHourUsd()));
        p.computeUnits().ifPresent(f -> root.put("computeUnits", fig(f)));
        p.matmulTile().ifPresent(t -> {
            Map<String, Object> tile = new LinkedHashMap<>();
            tile.put("m", t.m());
            tile.put("n", t.n());
            tile.put("source", t.source());
            root.put("matmulTile", tile);
        });
        p.clock().ifPresent(c -> {
            Map<String, Object> clock = new LinkedHashMap<>();
            clock.put("maxBoostHz", fig(c.maxBoostHz()));
            clock.put("sustainedHz", fig(c.sustainedHz()));
            root.put("clock", clock);
        });
        p.threadsPerUnit().ifPresent(f -> root.put("threadsPerUnit", fig(f)));
        p.onChip().ifPresent(c -> {
            Map<String, Object> on = new LinkedHashMap<>();
            on.put("name", c.name());
            on.put("capacityBytes", fig(c.capacityBytes()));
            on.put("bandwidthBytesPerSecond", fig(c.bandwidthBytesPerSecond()));
            on.put("latencySeconds", fig(c.latencySeconds()));
            c.efficiency().ifPresent(f -> on.put("efficiency", fig(f)));
            root.put("onChip", on);
        });
        Map<String, Object> eff = new LinkedHashMap<>();
        Map<String, Object> def = new LinkedHashMap<>();
        def.put("compute", curve(p.efficiency().defaultCompute()));
        def.put("memory", curve(p.efficiency().defaultMemory()));
        eff.put("default", def);
        List<Object> rules = new ArrayList<>();
        for (EfficiencyRule r : p.efficiency().rules()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("kind", r.kind().id());
            r.precision().ifPresent(x -> m.put("precision", x.id()));
            r.compute().ifPresent(c -> m.put("compute", curve(c)));
            r.memory().ifPresent(c -> m.put("memory", curve(c)));
            r.overheadSeconds().ifPresent(f -> m.put("overheadSeconds", fig(f)));
            rules.add(m);
        }
        if (!rules.isEmpty()) {
            eff.put("ops", rules);
        }
        root.put("efficiency", eff);
        OpSupport s = p.support();
        boolean hasFallback = s.defaultFallback().isPresent() || !s.fallbackByKind().isEmpty();
        if (s.nativeOps().size() < OpKind.values().length || hasFallback || !s.customOps().isEmpty()) {
            List<String> kinds = new ArrayList<>();
            for (OpKind k : OpKind.values()) {
                if (s.isNative(k)) {
                    kinds.add(k.id());
                }
            }
            root.put("nativeOps", kinds);
            if (!s.customOps().isEmpty()) {
                root.put("customOps", s.customOps().stream().sorted().toList());
            }
            Map<String, Object> fb = new LinkedHashMap<>();
            s.defaultFallback().ifPresent(f -> fb.put("default", fallback(f)));
            if (!s.fallbackByKind().isEmpty()) {
                Map<String, Object> ops = new LinkedHashMap<>();
                for (OpKind k : OpKind.values()) {
                    Fallback f = s.fallbackByKind().get(k);
                    if (f != null) {
                        ops.put(k.id(), fallback(f));
                    }
                }
                fb.put("ops", ops);
            }
            if (!fb.isEmpty()) {
                root.put("fallback", fb);
            }
        }
        s.host().ifPresent(h -> {
            Map<String, Object> host = new LinkedHashMap<>();
            host.put("bandwidthBytesPerSecond", fig(h.bandwidthBytesPerSecond()));
            host.put("latencySeconds", fig(h.latencySeconds()));
            host.put("flopsPerSecond", fig(h.flopsPerSecond()));
            root.put("host", host);
        });
        return root;
    }

    static Map<String, Object> fig(Figure f) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("value", f.value());
        m.put("source", f.source());
        return m;
    }

    private static Map<String, Object> precisionFigures(Map<Precision, Figure> figures) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (Precision p : Precision.values()) {
            Figure f = figures.get(p);
            if (f != null) {
                m.put(p.id(), fig(f));
            }
        }
        return m;
    }

    static Map<String, Object> curve(EfficiencyCurve c) {
        Map<String, Object> m = new LinkedHashMap<>();
        if (c.isConstant() && c.points().get(0).size() == 1.0) {
            m.put("value", c.points().get(0).efficiency());
        } else {
            List<Object> pts = new ArrayList<>();
            for (EfficiencyCurve.Point pt : c.points()) {
                pts.add(List.of(pt.size(), pt.efficiency()));
            }
            m.put("curve", pts);
        }
        m.put("source", c.source());
        return m;
    }

    private static Map<String, Object> fallback(Fallback f) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("mode", f.mode().id());
        m.put("penaltyFactor", fig(f.penaltyFactor()));
        return m;
    }
}
