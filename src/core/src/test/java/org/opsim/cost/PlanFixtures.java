package org.opsim.cost;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.opsim.Catalogue;
import org.opsim.Opsim;
import org.opsim.graph.Attention;
import org.opsim.graph.Engine;
import org.opsim.graph.Graph;
import org.opsim.graph.OpKind;
import org.opsim.graph.Precision;
import org.opsim.hardware.DeviceKind;
import org.opsim.hardware.EfficiencyCurve;
import org.opsim.hardware.EfficiencyRule;
import org.opsim.hardware.EfficiencyTable;
import org.opsim.hardware.Fallback;
import org.opsim.hardware.Figure;
import org.opsim.hardware.HardwareProfile;
import org.opsim.hardware.HostLink;
import org.opsim.hardware.OpSupport;
import org.opsim.hardware.Power;
import org.opsim.model.ImportedModel;
import org.opsim.model.Model;
import org.opsim.model.Precisions;
import org.opsim.model.Workload;

/** The shipped models and profiles, plus profiles that exercise every branch of the cost model. */
final class PlanFixtures {
    private static final String SRC = "test fixture";

    private PlanFixtures() {
    }

    /** Every bundled profile, the calibrated variants included. */
    static List<HardwareProfile> shippedProfiles() {
        return Opsim.catalogue().profileEntries().stream().filter(e -> e.source().endsWith("(bundled)"))
                .map(Catalogue.ProfileEntry::profile).toList();
    }

    /** Workloads covering every phase, TP > 1, mixed and narrow precisions, unfused attention. */
    static List<Workload> workloads() {
        return List.of(
                Workload.decode(1, 1024),
                Workload.decode(64, 8192).withTensorParallel(8)
                        .withPrecisions(new Precisions(Precision.FP8, Precision.BF16, Precision.FP8)),
                Workload.prefill(4, 2048).withTensorParallel(2),
                Workload.prefill(2, 512).withAttentionForm(Attention.Form.UNFUSED),
                Workload.generation(8, 512, 128).withTensorParallel(4),
                Workload.training(2, 1024).withActivationRecompute(true),
                Workload.training(1, 256).withPrecision(Precision.FP32).withTensorParallel(2),
                Workload.decode(3, 100).withPrecision(Precision.FP4));
    }

    /** Every bundled model's graphs: see {@link #shippedGraphPairs()}. */
    static List<Graph> shippedGraphs() {
        return shippedGraphPairs().stream().map(p -> p.get(0)).toList();
    }

    /**
     * Every bundled model: the native graphs, and every config under {@link #workloads()} it accepts;
     * each graph with a sibling of the same structure (the same model at another batch size and
     * length: twice the batch plus one, 37 more tokens; a native graph is its own sibling).
     */
    static List<List<Graph>> shippedGraphPairs() {
        List<List<Graph>> graphs = new ArrayList<>();
        for (Catalogue.ModelEntry e : Opsim.catalogue().modelEntries()) {
            if (e.model() instanceof ImportedModel.Fixed f) {
                graphs.add(List.of(f.file().graph(), f.file().graph()));
                continue;
            }
            Model m = e.model().requireModel("the plan tests");
            for (Workload w : workloads()) {
                Graph g;
                try {
                    g = m.graph(w);
                } catch (IllegalArgumentException ex) {
                    continue; // TP that does not divide the heads, or a decode phase of an encoder: not a graph.
                }
                Workload other = new Workload(w.phase(), 2 * w.batch() + 1, w.sequenceLength() + 37, w.generatedTokens(),
                        w.precisions(), w.tensorParallel(), w.activationRecompute(), w.attentionForm());
                graphs.add(List.of(g, m.graph(other)));
            }
        }
        return graphs;
    }

    /**
     * A chip that takes every road the cost model has: GELU and the optimizer fall back to the vector
     * unit (×3), softmax and rmsnorm go to the host (×2); energy from per-FLOP and per-byte
     * coefficients; the wave model; a calibrated matmul overhead; a per-unit memory cap on rmsnorm
     * and add; multi-point curves; no bf16 on the vector unit (falls back to fp32).
     */
    static HardwareProfile everyRoad() {
        EnumSet<OpKind> nativeOps = EnumSet.allOf(OpKind.class);
        nativeOps.removeAll(List.of(OpKind.GELU, OpKind.OPTIMIZER, OpKind.SOFTMAX, OpKind.RMSNORM));
        OpSupport support = new OpSupport(nativeOps,
                Optional.of(new Fallback(Fallback.Mode.VECTOR, new Figure(3, SRC))),
                Map.of(OpKind.SOFTMAX, new Fallback(Fallback.Mode.HOST, new Figure(2, SRC)),
                        OpKind.RMSNORM, new Fallback(Fallback.Mode.HOST, new Figure(2, SRC))),
                Optional.of(new HostLink(new Figure(50e9, SRC), new Figure(10e-6, SRC), new Figure(1e12, SRC))));
        EfficiencyCurve rising = new EfficiencyCurve(List.of(new EfficiencyCurve.Point(1e6, 0.1),
                new EfficiencyCurve.Point(1e9, 0.5), new EfficiencyCurve.Point(1e12, 0.9)), SRC);
        EfficiencyTable eff = new EfficiencyTable(EfficiencyCurve.constant(0.7, SRC), rising, List.of(
                new EfficiencyRule(OpKind.MATMUL, Optional.empty(), Optional.of(rising), Optional.empty(),
                        Optional.of(new Figure(3e-6, SRC))),
                new EfficiencyRule(OpKind.ALL_REDUCE, Optional.empty(), Optional.empty(),
                        Optional.of(EfficiencyCurve.constant(0.8, SRC)), Optional.of(new Figure(5e-6, SRC)))));
        Map<Precision, Figure> perFlop = Map.of(Precision.BF16, new Figure(0.5e-12, SRC),
                Precision.FP8, new Figure(0.3e-12, SRC), Precision.FP32, new Figure(2e-12, SRC),
                Precision.TF32, new Figure(1e-12, SRC));
        return HardwareProfile.builder("every-road").kind(DeviceKind.ASIC).vendor("test")
                .peak(Engine.MATRIX, Precision.BF16, 500e12, SRC)
                .peak(Engine.MATRIX, Precision.FP8, 1000e12, SRC)
                .peak(Engine.MATRIX, Precision.TF32, 250e12, SRC)
                .peak(Engine.MATRIX, Precision.FP32, 60e12, SRC)
                .peak(Engine.VECTOR, Precision.FP32, 10e12, SRC)
                .memory(64e9, 2e12, SRC)
                .onChipSramBytes(100e6, SRC)
                .dispatchOverheadSeconds(1e-6, SRC)
                .interconnect(new org.opsim.hardware.Interconnect(new Figure(200e9, SRC), new Figure(2e-6, SRC),
                        Optional.of(new Figure(1e-11, SRC))))
                .power(new Power(new Figure(400, SRC), new Figure(80, SRC), perFlop, Optional.of(new Figure(5e-12, SRC))))
                .pricePerChipHourUsd(2.5, SRC)
                .efficiency(eff)
                .support(support)
                .computeUnits(64, SRC)
                .matmulTile(128, 128, SRC)
                .clock(1.5e9, 1.4e9, SRC)
                .threadsPerUnit(2048, SRC)
                .onChip(new org.opsim.hardware.OnChipMemory("SBUF", new Figure(24e6, SRC), new Figure(20e12, SRC),
                        new Figure(5e-8, SRC)))
                // The kernel model's stack parts (caps in bytes per unit-cycle, a row chain, a floor) on the
                // kinds this fixture runs natively, so the plan-vs-object checks cover them.
                .stack(new org.opsim.hardware.SoftwareStack("fixture", "1", Optional.empty(), Optional.empty(),
                        Optional.of(new Figure(1.5e-6, SRC)), List.of(
                        new org.opsim.hardware.KernelRule(OpKind.ADD, Optional.empty(), Optional.empty(), Optional.empty(),
                                Optional.of(new Figure(1.5, SRC)), Optional.empty(), Optional.empty(), Optional.empty(),
                                Optional.empty(), Optional.empty()),
                        new org.opsim.hardware.KernelRule(OpKind.SILU_AND_MUL, Optional.of(new Figure(1024, SRC)),
                                Optional.of(new Figure(800, SRC)), Optional.of(new Figure(600, SRC)), Optional.empty(),
                                Optional.of(new Figure(2e-6, SRC)), Optional.empty(), Optional.empty(), Optional.empty(),
                                Optional.of(EfficiencyCurve.constant(0.9, SRC))))))
                .build();
    }
}
