package org.opsim.validation;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.opsim.cost.CostModel;
import org.opsim.cost.MemoryState;
import org.opsim.hardware.HardwareProfile;

/** Predicts measured cases on a profile and summarises the error per op kind. */
public final class Validation {

    private Validation() {
    }

    /**
     * Predicted seconds for each case, in order. Each op is costed as a microbenchmark times it: alone,
     * in a loop, its operands warm in on-chip memory ({@link MemoryState#WARM}).
     */
    public static double[] predict(List<MeasuredCase> cases, HardwareProfile profile) {
        return CostModel.latencies(cases.stream().map(MeasuredCase::op).toList(), profile, MemoryState.WARM);
    }

    /** Error statistics per op kind (sorted by kind) and over all cases ("all", last). */
    public static List<ErrorStats> report(List<MeasuredCase> cases, double[] predictedSeconds) {
        Map<String, List<Double>> byKind = new TreeMap<>();
        List<Double> all = new ArrayList<>();
        for (int i = 0; i < cases.size(); i++) {
            MeasuredCase c = cases.get(i);
            double ape = 100 * Math.abs(predictedSeconds[i] - c.medianSeconds()) / c.medianSeconds();
            byKind.computeIfAbsent(c.op().kind().id(), k -> new ArrayList<>()).add(ape);
            all.add(ape);
        }
        Map<String, List<Double>> ordered = new LinkedHashMap<>(byKind);
        ordered.put("all", all);
        List<ErrorStats> out = new ArrayList<>();
        ordered.forEach((k, v) -> out.add(ErrorStats.of(k, v.stream().mapToDouble(Double::doubleValue).toArray())));
        return out;
    }

    /**
     * Error statistics per size bucket of tokens (a GEMM's {@code m}, a vector op's rows): 1–16, 17–256,
     * 257–4096, above 4096; "all" last.
     */
    public static List<ErrorStats> bySize(List<MeasuredCase> cases, double[] predictedSeconds) {
        String[] names = {"tokens 1-16", "tokens 17-256", "tokens 257-4096", "tokens > 4096"};
        List<List<Double>> buckets = new ArrayList<>();
        for (int i = 0; i < names.length; i++) {
            buckets.add(new ArrayList<>());
        }
        List<Double> all = new ArrayList<>();
        for (int i = 0; i < cases.size(); i++) {
            MeasuredCase c = cases.get(i);
            double ape = 100 * Math.abs(predictedSeconds[i] - c.medianSeconds()) / c.medianSeconds();
            long t = tokens(c.op());
            int b = t <= 16 ? 0 : t <= 256 ? 1 : t <= 4096 ? 2 : 3;
            buckets.get(b).add(ape);
            all.add(ape);
        }
        List<ErrorStats> out = new ArrayList<>();
        for (int i = 0; i < names.length; i++) {
            if (!buckets.get(i).isEmpty()) {
                out.add(ErrorStats.of(names[i], buckets.get(i).stream().mapToDouble(Double::doubleValue).toArray()));
            }
        }
        out.add(ErrorStats.of("all", all.stream().mapToDouble(Double::doubleValue).toArray()));
        return out;
    }

    /** The token count of a measured op: a GEMM's m, a row-wise op's rows, an element-wise op's elements. */
    static long tokens(org.opsim.graph.Op op) {
        if (op instanceof org.opsim.graph.MatMul m) {
            return m.m();
        }
        if (op instanceof org.opsim.graph.VectorOp v && v.parallelRows() != Long.MAX_VALUE) {
            return v.parallelRows();
        }
        if (op instanceof org.opsim.graph.Embedding e) {
            return e.tokens();
        }
        return 1;
    }

    public static List<ErrorStats> validate(List<MeasuredCase> cases, HardwareProfile profile) {
        return report(cases, predict(cases, profile));
    }
}
