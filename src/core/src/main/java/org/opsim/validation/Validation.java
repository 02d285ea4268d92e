package org.opsim.validation;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.opsim.cost.CostModel;
import org.opsim.hardware.HardwareProfile;

/** Predicts measured cases on a profile and summarises the error per op kind. */
public final class Validation {

    private Validation() {
    }

    /** Predicted seconds for each case, in order. */
    public static double[] predict(List<MeasuredCase> cases, HardwareProfile profile) {
        return CostModel.latencies(cases.stream().map(MeasuredCase::op).toList(), profile);
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

    public static List<ErrorStats> validate(List<MeasuredCase> cases, HardwareProfile profile) {
        return report(cases, predict(cases, profile));
    }
}
