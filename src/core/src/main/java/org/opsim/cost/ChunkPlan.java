package org.opsim.cost;

import java.util.Objects;
import org.opsim.graph.Graph;
import org.opsim.hardware.HardwareProfile;

/**
 * Prefill chunks compiled once and evaluated for any chunk length and cached prefix without building a
 * graph or allocating (docs/cost-model.md §17.5): a serving engine's chunked prefill, where each step
 * runs a chunk of a prompt's new tokens after the tokens earlier chunks (or a prefix cache) left.
 *
 * <p>Two {@link ParametricPlan}s: one for chunks of a single token (a recurrent layer's one-token form
 * differs from its chunked form, so the graph's structure changes between 1 and 2 new tokens) and one over
 * {@code x} = new tokens − 1 and {@code y} = cached tokens + 1 for longer chunks. Everything but attention
 * (with what reads the cache: MLA's decompression of the cached latent, an indexer and its top-k, a recurrent
 * layer's carried state) depends on the chunk alone (costed once per chunk length at compile where
 * {@code maxChunk ≤ 8193}, the MoE experts a chunk touches included; a wider plan derives every op at each
 * evaluation, slower), and a chunk's causal attention pairs, {@code chunk·cached + chunk·(chunk + 1)/2} per sequence
 * and head, are a polynomial in the chunk and the cached tokens; a sliding window or chunked local attention
 * is such a polynomial between lines along which the chunk's first or last query crosses the limit, lines that
 * move with the chunk length ({@code ParametricPlan.compileMoving}); a recurrent layer's carried state is a
 * piece of its own along {@code y} (read from the first cached token on). A family these forms cannot follow is
 * refused with the op named (DeepSeek-V4: its compressed attention has no FLOPs until a chunk's keys reach the
 * compress ratio, so the graph's structure changes with the chunk length).
 *
 * <p>A chunk of one token is a prefill's (MLA decompresses its cache, as an engine's prefill path does), not a
 * decode step's (absorbed MLA): cost decode steps with a decode plan.
 *
 * <p>A plan holds the state of its last evaluation: one plan per thread ({@link #copy} gives another).
 */
public final class ChunkPlan {

    /** The graph of a chunk of {@code chunk} new tokens after {@code cached} tokens already cached. */
    @FunctionalInterface
    public interface Family {
        Graph at(long chunk, long cached);
    }

    /** Chunks of one new token, at x = 1 (the family ignores x). */
    private final ParametricPlan one;
    /** Chunks of 2.. new tokens, at x = chunk − 1. */
    private final ParametricPlan plan;

    private ChunkPlan(ParametricPlan one, ParametricPlan plan) {
        this.one = one;
        this.plan = plan;
    }

    /**
     * Compiles {@code family} onto {@code profile} for chunks of {@code 1..maxChunk} new tokens after
     * {@code 0..maxCached} cached tokens.
     *
     * @throws IllegalArgumentException if {@code maxChunk < 3} or {@code maxCached < 3}, or the family is not
     *     closed-form over the domain (the op and number named)
     */
    public static ChunkPlan compile(Family family, HardwareProfile profile, long maxChunk, long maxCached) {
        Objects.requireNonNull(family, "family");
        if (maxChunk < 3 || maxCached < 3) {
            throw new IllegalArgumentException("a chunk plan needs maxChunk >= 3 and maxCached >= 3, got " + maxChunk + ", "
                    + maxCached);
        }
        try {
            ParametricPlan one = ParametricPlan.compile((x, y) -> family.at(1, y - 1), profile, 2, maxCached + 1);
            ParametricPlan plan = ParametricPlan.compileMoving((x, y) -> family.at(x + 1, y - 1), profile, maxChunk - 1,
                    maxCached + 1);
            return new ChunkPlan(one, plan);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("a chunk plan (points as x = new tokens − 1, y = cached tokens + 1): "
                    + e.getMessage(), e);
        }
    }

    /** Another plan over the same family and domain, for another thread (the functions are shared). */
    public ChunkPlan copy() {
        return new ChunkPlan(one.copy(), plan.copy());
    }

    public HardwareProfile profile() {
        return plan.profile();
    }

    public long maxChunk() {
        return plan.maxX() + 1;
    }

    public long maxCached() {
        return plan.maxY() - 1;
    }

    /** Ops the loop costs for chunks of 2 or more tokens (the family's lowered graph). */
    public int operationCount() {
        return plan.operationCount();
    }

    /**
     * Costs a chunk of {@code chunk} new tokens after {@code cached} cached ones into {@code out}, allocating
     * nothing: the totals of {@code Plan.compile(family.at(chunk, cached), profile).evaluate(out)}, to rounding.
     *
     * @throws IllegalArgumentException outside the domain
     */
    public void evaluate(long chunk, long cached, PlanTotals out) {
        evaluate(chunk, cached, null, out);
    }

    /** {@link #evaluate(long, long, PlanTotals)} with the chip's figures multiplied by {@code scales}, without recompiling. */
    public void evaluate(long chunk, long cached, FigureScales scales, PlanTotals out) {
        checkDomain(chunk, cached);
        if (chunk == 1) {
            one.evaluate(1, cached + 1, scales, out);
        } else {
            plan.evaluate(chunk - 1, cached + 1, scales, out);
        }
    }

    /** Whether {@link #xOnlySeconds} is available for every chunk length. */
    public boolean hasXOnly() {
        return one.hasXOnly() && plan.hasXOnly();
    }

    /**
     * Seconds of a chunk's ops that do not depend on the cached prefix (its GEMMs, norms, collectives and one
     * logits row), at {@code chunk} new tokens: {@code evaluate(chunk, cached) − xOnlySeconds(chunk)} is its
     * attention over the cache and itself (docs/serving.md §2).
     */
    public double xOnlySeconds(long chunk) {
        checkDomain(chunk, 0);
        return chunk == 1 ? one.xOnlySeconds(1) : plan.xOnlySeconds(chunk - 1);
    }

    /** Joules of the same ops as {@link #xOnlySeconds}. */
    public double xOnlyJoules(long chunk) {
        checkDomain(chunk, 0);
        return chunk == 1 ? one.xOnlyJoules(1) : plan.xOnlyJoules(chunk - 1);
    }

    private void checkDomain(long chunk, long cached) {
        if (cached < 0 || cached > maxCached() || chunk < 1 || chunk > maxChunk()) {
            throw new IllegalArgumentException("a chunk of " + chunk + " after " + cached + " cached is outside the plan's domain 1.."
                    + maxChunk() + " new × 0.." + maxCached() + " cached tokens");
        }
    }

    /** The rich evaluation of a chunk: per op, kind and block (builds the graph; allocates). */
    public Evaluation evaluation(long chunk, long cached) {
        checkDomain(chunk, cached);
        return chunk == 1 ? one.evaluation(1, cached + 1) : plan.evaluation(chunk - 1, cached + 1);
    }
}
