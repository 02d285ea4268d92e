package org.opsim.validation;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * Splits measured cases into a fitting part and a scoring part by model: the models, sorted by name,
 * alternate between the two, so no row (and no model's shapes) is both fitted and scored.
 */
public record Split(List<MeasuredCase> fit, List<MeasuredCase> score, List<String> fitModels, List<String> scoreModels) {

    /**
     * Every other case of each kind, in order of size (bytes, then FLOPs): a split by shape for data
     * from one source (the LLMCompass sweeps), so both halves cover the whole size range.
     */
    public static Split alternating(List<MeasuredCase> cases) {
        java.util.Map<org.opsim.graph.OpKind, List<MeasuredCase>> byKind = new java.util.TreeMap<>();
        for (MeasuredCase c : cases) {
            byKind.computeIfAbsent(c.op().kind(), k -> new ArrayList<>()).add(c);
        }
        List<MeasuredCase> fit = new ArrayList<>();
        List<MeasuredCase> score = new ArrayList<>();
        for (List<MeasuredCase> l : byKind.values()) {
            l.sort(java.util.Comparator.comparingDouble((MeasuredCase c) -> c.op().bytes()).thenComparingDouble(c -> c.op().flops())
                    .thenComparingInt(MeasuredCase::row));
            for (int i = 0; i < l.size(); i++) {
                (i % 2 == 0 ? fit : score).add(l.get(i));
            }
        }
        return new Split(fit, score, List.of("every other row by size"), List.of("the rows between"));
    }

    public static Split byModel(List<MeasuredCase> cases) {
        List<String> models = new ArrayList<>(new TreeSet<>(cases.stream().map(MeasuredCase::model).toList()));
        if (models.size() < 2) {
            throw new IllegalArgumentException("a split by model needs rows of at least two models, got " + models);
        }
        List<String> fitModels = new ArrayList<>();
        List<String> scoreModels = new ArrayList<>();
        for (int i = 0; i < models.size(); i++) {
            (i % 2 == 0 ? fitModels : scoreModels).add(models.get(i));
        }
        List<MeasuredCase> fit = cases.stream().filter(c -> fitModels.contains(c.model())).toList();
        List<MeasuredCase> score = cases.stream().filter(c -> scoreModels.contains(c.model())).toList();
        return new Split(fit, score, fitModels, scoreModels);
    }
}
