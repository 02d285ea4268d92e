package org.opsim.sweep;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.opsim.graph.Attention;
import org.opsim.graph.Precision;
import org.opsim.model.Precisions;
import org.opsim.model.Workload;

/**
 * The workloads of a sweep: the cartesian product of every {@link Workload} field's values.
 * Generated-token counts apply to generation only and activation recompute to training only, so
 * other phases take each just once ({@code 0} and off). Without KV-cache precisions the cache
 * follows the activations.
 *
 * <p>Workloads are numbered {@code 0 .. workloadCount() − 1}: a <em>variant</em> (phase, TP degree,
 * weights, activations, KV cache, attention form, recompute, generated tokens, outermost first) ×
 * batch sizes × lengths (innermost). Consecutive numbers share a variant, so a sweep can keep one
 * compiled plan per variant and only rewrite shapes as batch and length change. Immutable.
 */
public final class SweepSpace {

    /** A workload without its batch size and length: what decides the ops' structure. */
    record Variant(Workload.Phase phase, long generatedTokens, Precisions precisions, int tensorParallel,
                   boolean recompute, Attention.Form form) {
    }

    private final List<Workload.Phase> phases;
    private final long[] batches;
    private final long[] lengths;
    private final List<Long> generatedTokens;
    private final List<Precision> weights;
    private final List<Precision> activations;
    private final List<Precision> kvCaches;
    private final List<Integer> tensorParallel;
    private final List<Attention.Form> attentionForms;
    private final List<Boolean> recompute;
    private final List<Variant> variants;

    private SweepSpace(Builder b) {
        phases = nonEmpty("phases", b.phases);
        batches = positive("batch sizes", b.batches);
        lengths = positive("prompt/context lengths", b.lengths);
        generatedTokens = nonEmpty("generated tokens", b.generatedTokens);
        for (long g : generatedTokens) {
            if (g <= 0) {
                throw new IllegalArgumentException("sweep: generated tokens must be > 0, got " + g);
            }
        }
        weights = nonEmpty("weight precisions", b.weights);
        activations = nonEmpty("activation precisions", b.activations);
        kvCaches = List.copyOf(b.kvCaches);
        tensorParallel = nonEmpty("tensor-parallel degrees", b.tensorParallel);
        for (int t : tensorParallel) {
            if (t <= 0) {
                throw new IllegalArgumentException("sweep: tensor-parallel degrees must be > 0, got " + t);
            }
        }
        attentionForms = nonEmpty("attention forms", b.attentionForms);
        recompute = nonEmpty("recompute settings", b.recompute);
        variants = enumerate();
        // Fails here, not half-way through a sweep, if the product does not fit a long.
        Math.multiplyExact(Math.multiplyExact((long) variants.size(), (long) batches.length), (long) lengths.length);
    }

    public static Builder builder() {
        return new Builder();
    }

    private List<Variant> enumerate() {
        List<Variant> out = new ArrayList<>();
        for (Workload.Phase phase : phases) {
            for (int t : tensorParallel) {
                for (Precision w : weights) {
                    for (Precision a : activations) {
                        for (Precision kv : kvCaches.isEmpty() ? List.of(a) : kvCaches) {
                            for (Attention.Form form : attentionForms) {
                                for (boolean r : phase == Workload.Phase.TRAINING ? recompute : List.of(false)) {
                                    for (long g : phase == Workload.Phase.GENERATION ? generatedTokens : List.of(0L)) {
                                        out.add(new Variant(phase, g, new Precisions(w, a, kv), t, r, form));
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return List.copyOf(out);
    }

    /** Workloads in the space: variants × batch sizes × lengths. */
    public long workloadCount() {
        return (long) variants.size() * batches.length * lengths.length;
    }

    /** The largest batch size. */
    long maxBatch() {
        long m = 0;
        for (long b : batches) {
            m = Math.max(m, b);
        }
        return m;
    }

    /** The longest prompt/context length. */
    long maxLength() {
        long m = 0;
        for (long l : lengths) {
            m = Math.max(m, l);
        }
        return m;
    }

    /** Variants: workloads that differ only in batch size and length share one. */
    public int variantCount() {
        return variants.size();
    }

    /** The variant of workload {@code index} (see the class comment for the numbering). */
    public int variantOf(long index) {
        return (int) (index / ((long) batches.length * lengths.length));
    }

    /** Workload number {@code index}, {@code 0 <= index < workloadCount()}. */
    public Workload workload(long index) {
        Objects.checkIndex(index, workloadCount());
        Variant v = variants.get(variantOf(index));
        long rest = index % ((long) batches.length * lengths.length);
        long batch = batches[(int) (rest / lengths.length)];
        long length = lengths[(int) (rest % lengths.length)];
        return new Workload(v.phase(), batch, length, v.generatedTokens(), v.precisions(), v.tensorParallel(),
                v.recompute(), v.form());
    }

    private static <T> List<T> nonEmpty(String what, List<T> values) {
        if (values == null || values.isEmpty()) {
            throw new IllegalArgumentException("sweep: " + what + ": needs at least one value");
        }
        for (T v : values) {
            Objects.requireNonNull(v, () -> "sweep: " + what + ": a value is missing");
        }
        return List.copyOf(values);
    }

    private static long[] positive(String what, List<Long> values) {
        nonEmpty(what, values);
        long[] out = new long[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = values.get(i);
            if (out[i] <= 0) {
                throw new IllegalArgumentException("sweep: " + what + " must be > 0, got " + out[i]);
            }
        }
        return out;
    }

    /** Collects the values of each dimension; unset ones have one default value each. */
    public static final class Builder {
        private List<Workload.Phase> phases = List.of(Workload.Phase.DECODE);
        private List<Long> batches = List.of(1L);
        private List<Long> lengths = List.of(2048L);
        private List<Long> generatedTokens = List.of(256L);
        private List<Precision> weights = List.of(Precision.BF16);
        private List<Precision> activations = List.of(Precision.BF16);
        private List<Precision> kvCaches = List.of();
        private List<Integer> tensorParallel = List.of(1);
        private List<Attention.Form> attentionForms = List.of(Attention.Form.FLASH);
        private List<Boolean> recompute = List.of(false);

        private Builder() {
        }

        public Builder phases(List<Workload.Phase> v) {
            phases = v;
            return this;
        }

        public Builder phases(Workload.Phase... v) {
            return phases(List.of(v));
        }

        public Builder batches(List<Long> v) {
            batches = v;
            return this;
        }

        public Builder batches(long... v) {
            return batches(boxed(v));
        }

        /** Prompt lengths (prefill, generation, training) or tokens already cached (decode). */
        public Builder lengths(List<Long> v) {
            lengths = v;
            return this;
        }

        public Builder lengths(long... v) {
            return lengths(boxed(v));
        }

        public Builder generatedTokens(List<Long> v) {
            generatedTokens = v;
            return this;
        }

        public Builder generatedTokens(long... v) {
            return generatedTokens(boxed(v));
        }

        public Builder weights(Precision... v) {
            return weights(List.of(v));
        }

        public Builder weights(List<Precision> v) {
            weights = v;
            return this;
        }

        public Builder activations(Precision... v) {
            return activations(List.of(v));
        }

        public Builder activations(List<Precision> v) {
            activations = v;
            return this;
        }

        /** KV-cache precisions; none (the default) means the cache follows the activations. */
        public Builder kvCaches(List<Precision> v) {
            kvCaches = v == null ? List.of() : v;
            return this;
        }

        public Builder kvCaches(Precision... v) {
            return kvCaches(List.of(v));
        }

        public Builder tensorParallel(List<Integer> v) {
            tensorParallel = v;
            return this;
        }

        public Builder tensorParallel(int... v) {
            List<Integer> out = new ArrayList<>();
            for (int x : v) {
                out.add(x);
            }
            return tensorParallel(out);
        }

        public Builder attentionForms(List<Attention.Form> v) {
            attentionForms = v;
            return this;
        }

        public Builder attentionForms(Attention.Form... v) {
            return attentionForms(List.of(v));
        }

        public Builder recompute(List<Boolean> v) {
            recompute = v;
            return this;
        }

        /** Validates every dimension; the message names the one at fault. */
        public SweepSpace build() {
            return new SweepSpace(this);
        }

        private static List<Long> boxed(long... v) {
            List<Long> out = new ArrayList<>(v.length);
            for (long x : v) {
                out.add(x);
            }
            return out;
        }
    }
}
