package org.opsim.internal.load;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.opsim.hardware.AllReduceAlgorithms;
import org.opsim.hardware.GemmConfig;
import org.opsim.hardware.KernelRule;
import org.opsim.hardware.ServingEngine;
import org.opsim.hardware.SoftwareStack;
import org.opsim.internal.io.AtomicFiles;
import org.opsim.internal.io.Documents;

/** Writes a stack version as a stack file {@link StackLoader} reads back equal. */
public final class StackWriter {

    private StackWriter() {
    }

    private static Map<String, Object> serving(ServingEngine e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("scheduler", e.scheduler().id());
        m.put("maxNumTokens", ProfileWriter.fig(e.maxNumTokens()));
        m.put("maxBatch", ProfileWriter.fig(e.maxBatch()));
        m.put("chunkedPrefill", e.chunkedPrefill());
        m.put("kvReservation", e.kvReservation().id());
        m.put("memoryFraction", ProfileWriter.fig(e.memoryFraction()));
        m.put("memoryBasis", e.basis().id());
        m.put("runtimeReserveBytes", ProfileWriter.fig(e.runtimeReserveBytes()));
        m.put("kvBlockTokens", ProfileWriter.fig(e.kvBlockTokens()));
        if (!e.graphBatchSizes().isEmpty()) {
            Map<String, Object> g = new LinkedHashMap<>();
            g.put("sizes", e.graphBatchSizes());
            g.put("source", e.graphSizesSource());
            m.put("graphBatchSizes", g);
        }
        m.put("stepOverheadSeconds", ProfileWriter.fig(e.stepOverheadSeconds()));
        m.put("sequenceOverheadSeconds", ProfileWriter.fig(e.sequenceOverheadSeconds()));
        m.put("requestOverheadSeconds", ProfileWriter.fig(e.requestOverheadSeconds()));
        return m;
    }

    public static String write(SoftwareStack s, List<String> vendors, Documents.Format format) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("name", s.name());
        if (!vendors.isEmpty()) {
            root.put("vendors", vendors);
        }
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("version", s.version());
        s.description().ifPresent(d -> v.put("description", d));
        s.launchSeconds().ifPresent(f -> v.put("launchSeconds", ProfileWriter.fig(f)));
        s.floorSeconds().ifPresent(f -> v.put("floorSeconds", ProfileWriter.fig(f)));
        List<Object> kernels = new ArrayList<>();
        for (KernelRule r : s.kernels()) {
            Map<String, Object> k = new LinkedHashMap<>();
            k.put("kind", r.kind().id());
            r.blockThreads().ifPresent(f -> k.put("blockThreads", ProfileWriter.fig(f)));
            r.fixedCycles().ifPresent(f -> k.put("fixedCycles", ProfileWriter.fig(f)));
            r.cyclesPerIteration().ifPresent(f -> k.put("cyclesPerIteration", ProfileWriter.fig(f)));
            r.unitBytesPerCycle().ifPresent(f -> k.put("unitBytesPerCycle", ProfileWriter.fig(f)));
            r.overheadSeconds().ifPresent(f -> k.put("overheadSeconds", ProfileWriter.fig(f)));
            r.overheadCycles().ifPresent(f -> k.put("overheadCycles", ProfileWriter.fig(f)));
            r.fused().ifPresent(f -> k.put("fused", java.util.Map.of("source", f)));
            r.floorSeconds().ifPresent(f -> k.put("floorSeconds", ProfileWriter.fig(f)));
            r.kernelsPerOp().ifPresent(f -> k.put("kernelsPerOp", ProfileWriter.fig(f)));
            r.computeFactor().ifPresent(f -> k.put("computeFactor", ProfileWriter.curve(f)));
            r.memoryFactor().ifPresent(f -> k.put("memoryFactor", ProfileWriter.curve(f)));
            if (!r.gemmConfigs().isEmpty()) {
                List<Object> configs = new ArrayList<>();
                for (GemmConfig g : r.gemmConfigs()) {
                    Map<String, Object> c = new LinkedHashMap<>();
                    c.put("m", g.tileM());
                    c.put("n", g.tileN());
                    c.put("decomposition", g.decomposition().id());
                    g.tileK().ifPresent(x -> c.put("k", x));
                    g.computeFactor().ifPresent(f -> c.put("computeFactor", ProfileWriter.fig(f)));
                    c.put("source", g.source());
                    configs.add(c);
                }
                k.put("gemmConfigs", configs);
            }
            r.gemv().ifPresent(g -> {
                Map<String, Object> c = new LinkedHashMap<>();
                c.put("maxRows", g.maxRows());
                g.memoryFactor().ifPresent(f -> c.put("memoryFactor", ProfileWriter.fig(f)));
                g.overheadSeconds().ifPresent(f -> c.put("overheadSeconds", ProfileWriter.fig(f)));
                c.put("source", g.source());
                k.put("gemv", c);
            });
            r.overlapExponent().ifPresent(f -> k.put("overlapExponent", ProfileWriter.fig(f)));
            r.allReduce().ifPresent(a -> {
                Map<String, Object> c = new LinkedHashMap<>();
                List<String> use = new ArrayList<>();
                for (AllReduceAlgorithms.Algorithm x : AllReduceAlgorithms.Algorithm.values()) {
                    if (a.algorithms().contains(x)) {
                        use.add(x.id());
                    }
                }
                c.put("use", use);
                if (a.maxChips() != Integer.MAX_VALUE) {
                    c.put("maxChips", a.maxChips());
                }
                c.put("source", a.source());
                k.put("algorithms", c);
            });
            kernels.add(k);
        }
        v.put("kernels", kernels);
        s.serving().ifPresent(e -> v.put("serving", serving(e)));
        root.put("versions", List.of(v));
        try {
            return Documents.mapper(format).writerWithDefaultPrettyPrinter().writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static void write(SoftwareStack s, List<String> vendors, Path file) {
        AtomicFiles.writeString(file, write(s, vendors, Documents.Format.of(file.getFileName().toString())));
    }
}
