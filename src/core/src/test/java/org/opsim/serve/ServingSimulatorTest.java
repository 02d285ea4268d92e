package org.opsim.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.opsim.Opsim;
import org.opsim.cost.Plan;
import org.opsim.cost.PlanTotals;
import org.opsim.deploy.SystemProfile;
import org.opsim.graph.Precision;
import org.opsim.hardware.Figure;
import org.opsim.hardware.ServingEngine;
import org.opsim.model.Model;
import org.opsim.model.Precisions;
import org.opsim.model.Workload;

/**
 * The serving simulator against cases worked out independently: a lone request is the static model (its prefill
 * graph, then one decode graph per token), a fixed batch decodes in lockstep, Little's law in a closed loop, a full
 * cache preempts (or, reserving whole requests, admits fewer), and a disaggregated request's KV transfer by hand.
 */
class ServingSimulatorTest {

    static final Model LLAMA_8B = Opsim.model("llama-3.1-8b");
    static final Workload BF16 = Workload.decode(1, 1).withPrecisions(Precisions.all(Precision.BF16));
    static final SystemProfile HGX = Opsim.system("hgx-h100");

    static Figure f(double v) {
        return Figure.of(v, "test");
    }

    /** An engine with no host overheads, no captured sizes, a 0.9 memory fraction and 16-token blocks. */
    static ServingEngine engine(long budget, int batch, ServingEngine.Scheduler s, ServingEngine.KvReservation kv,
                                double reserveBytes, double step, double perSequence, double perRequest) {
        return new ServingEngine(s, f(budget), f(batch), true, kv, f(0.9), ServingEngine.MemoryBasis.TOTAL, f(reserveBytes),
                f(16), List.of(), null, f(step), f(perSequence), f(perRequest));
    }

    static ServingEngine plain(long budget) {
        return engine(budget, 256, ServingEngine.Scheduler.MIXED, ServingEngine.KvReservation.ON_DEMAND, 0, 0, 0, 0);
    }

    /** The chip's time for a graph built from scratch (no plan involved). */
    static double seconds(Workload w) {
        PlanTotals t = new PlanTotals();
        Plan.compile(LLAMA_8B.graph(w.withPrecisions(BF16.precisions())), HGX.chip()).evaluate(t);
        return t.latencySeconds();
    }

    static Workload prefill(long batch, long prompt) {
        return Workload.prefill(batch, prompt);
    }

    static Workload decode(long batch, long context) {
        return Workload.decode(batch, context);
    }

    /**
     * One request of 200 + 6 tokens alone: its prompt is one step (200 ≤ the 512-token budget), the prefill graph of
     * one 200-token prompt; then 5 decode steps at contexts 200..204. TTFT = prefill, TPOT = mean decode step,
     * E2E = prefill + Σ decode steps; 6 tokens in all.
     */
    @Test
    void aLoneRequestIsTheStaticModel() {
        ServingDeployment d = ServingDeployment.aggregated(HGX, plain(512), new Pool(1, 1));
        ServingSimulator sim = ServingSimulator.prepare(LLAMA_8B, BF16, d, 200, 6, Optional.empty());
        ServingResult r = sim.run(RequestLoad.closed(1, 200, 6, 1));
        double ttft = seconds(prefill(1, 200));
        double decodes = 0;
        for (long c = 200; c <= 204; c++) {
            decodes += seconds(decode(1, c));
        }
        assertEquals(ttft, r.ttft().mean(), 1e-9 * ttft);
        assertEquals(decodes / 5, r.tpot().mean(), 1e-9 * decodes);
        assertEquals(ttft + decodes, r.e2e().mean(), 1e-9 * decodes);
        assertEquals(6, r.outputTokens());
        assertEquals(1, r.requests());
        assertEquals(r.e2e().mean(), r.makespanSeconds(), 1e-12);
        assertEquals(6 / r.makespanSeconds(), r.outputTokensPerSecond(), 1e-9);
    }

    /**
     * Four requests of 100 + 5 arriving together, budget 512: step 1 prefills the four prompts (400 tokens), then four
     * decode steps of the batch of 4 at contexts 100..103 in lockstep: TPOT = the mean of the decode(4, 100..103)
     * graphs. The prefill step (docs/serving.md §2) runs its token-only ops once over 400 rows and each prompt's
     * attention on its own: from the object API's per-op results of prompt graphs, the non-attention ops of one
     * 400-token prompt plus four times the attention ops of one 100-token prompt.
     */
    @Test
    void aFixedBatchDecodesInLockstep() {
        ServingDeployment d = ServingDeployment.aggregated(HGX, plain(512), new Pool(1, 1));
        ServingSimulator sim = ServingSimulator.prepare(LLAMA_8B, BF16, d, 100, 5, Optional.empty());
        ServingResult r = sim.run(RequestLoad.closed(4, 100, 5, 4));
        double decodes = 0;
        for (long c = 100; c <= 103; c++) {
            decodes += seconds(decode(4, c));
        }
        assertEquals(decodes / 4, r.tpot().mean(), 1e-9 * decodes);
        assertEquals(r.tpot().mean(), r.tpot().p99(), 1e-12, "every request decodes in the same steps");
        double[] whole = split(prefill(1, 400));
        double[] one = split(prefill(1, 100));
        double ttft = whole[0] + 4 * one[1];
        assertEquals(ttft, r.ttft().mean(), 1e-9 * ttft);
        assertEquals(r.ttft().mean(), r.ttft().max(), 1e-15, "all four first tokens come from the same step");
        assertEquals(20, r.outputTokens());
        assertEquals(4.0, r.meanRunning(), 0);
    }

    /**
     * A mixed step (docs/serving.md §2): two decodes at context 300 and a 50-token prompt chunk after 20 cached, from
     * the object API's per-op results of graphs: the chunk's token-only ops at 52 rows (a 52-token prompt's
     * non-attention ops), the decodes' extra logits row (a 2-sequence decode step's non-attention ops less a 2-token
     * prompt's), the decodes' attention (that step's attention ops) and the chunk's attention (a 50-token chunk after
     * 20 cached: its attention ops).
     */
    @Test
    void aMixedStepIsItsPartsFromTheGraphs() {
        StepCoster c = new StepCoster(LLAMA_8B, BF16, HGX.chip(), plain(512), 1, 1, 1024);
        double[] out = new double[2];
        c.step(2, new long[]{300, 300}, 600, 1, 0, 1, new long[]{50}, new long[]{20}, out);
        double[] rows52 = split(prefill(1, 52));
        double[] dec = split(decode(2, 300));
        double[] rows2 = split(prefill(1, 2));
        double[] chunk = split(Workload.prefillChunk(1, 50, 20));
        double want = rows52[0] + (dec[0] - rows2[0]) + dec[1] + chunk[1];
        assertEquals(want, out[0], 1e-9 * want);
        // Decodes alone: exactly the decode step's graph; one chunk alone: exactly the chunk's graph.
        c.step(2, new long[]{300, 300}, 600, 1, 0, 0, new long[0], new long[0], out);
        assertEquals(seconds(decode(2, 300)), out[0], 1e-9 * out[0]);
        c.step(0, new long[0], 0, 1, 0, 1, new long[]{50}, new long[]{20}, out);
        assertEquals(seconds(Workload.prefillChunk(1, 50, 20)), out[0], 1e-9 * out[0]);
    }

    /** Seconds of a graph's non-attention ops and of its attention ops, from the object API (no plan). */
    static double[] split(Workload w) {
        org.opsim.cost.Evaluation e = org.opsim.cost.CostModel.evaluate(LLAMA_8B.graph(w.withPrecisions(BF16.precisions())),
                HGX.chip());
        double[] out = new double[2];
        for (org.opsim.cost.OpResult o : e.ops()) {
            out[o.op().kind() == org.opsim.graph.OpKind.ATTENTION ? 1 : 0] += o.latencySeconds() * o.count();
        }
        return out;
    }

    /**
     * Little's law for a closed loop: every client always has one request in the system (no think time), so the mean
     * number in the system is the concurrency, L = 8, and L = λ·W with λ = requests / makespan and W the mean E2E.
     * Over 400 requests the start (all eight arrive at once) and the end (the last ones drain alone) are a few
     * percent of the makespan; 3% allowed. Output tokens per second = λ · 64.
     */
    @Test
    void littlesLawHoldsInAClosedLoop() {
        ServingDeployment d = ServingDeployment.aggregated(HGX, plain(2048), new Pool(1, 1));
        ServingSimulator sim = ServingSimulator.prepare(LLAMA_8B, BF16, d, 256, 64, Optional.empty());
        RequestLoad load = new RequestLoad(Lengths.uniform(128, 256), Lengths.fixed(64), 400, 8, 0, 7);
        ServingResult r = sim.run(load);
        double lambda = r.requests() / r.makespanSeconds();
        assertEquals(8.0, lambda * r.e2e().mean(), 8.0 * 0.03);
        assertEquals(400 * 64, r.outputTokens());
        // Reproducible bit for bit with the same seed, different with another.
        assertEquals(r.ttft().mean(), sim.run(load).ttft().mean(), 0);
        RequestLoad other = new RequestLoad(Lengths.uniform(128, 256), Lengths.fixed(64), 400, 8, 0, 8);
        assertTrue(sim.run(other).ttft().mean() != r.ttft().mean());
    }

    /**
     * An open loop far below capacity: each request is alone, so its TTFT is its own prefill and the system is empty
     * most of the time (L = λW < 0.1 at 1 request/s against ~40 ms per request).
     */
    @Test
    void anOpenLoopBelowCapacityServesEachRequestAlone() {
        ServingDeployment d = ServingDeployment.aggregated(HGX, plain(512), new Pool(1, 1));
        ServingSimulator sim = ServingSimulator.prepare(LLAMA_8B, BF16, d, 200, 6, Optional.empty());
        ServingResult r = sim.run(RequestLoad.open(1.0, 200, 6, 50, 3));
        double ttft = seconds(prefill(1, 200));
        assertEquals(ttft, r.ttft().p50(), 1e-9 * ttft);
        assertTrue(r.requests() / r.makespanSeconds() * r.e2e().mean() < 0.1);
    }

    /**
     * Preemption: a cache that holds 2.5 requests of 512 + 512 tokens (Llama-3.1-8B bf16: 32 layers × 8 KV heads × 128
     * × 2 × 2 B = 131,072 B per token; 1,024 tokens = 134,217,728 B a request). Four requests: reserving whole
     * requests, two run and two wait, nothing is preempted; taking blocks as tokens come, all four start (4 × 512
     * prompt tokens = 2 requests' worth), the cache fills while they decode and the latest admitted are preempted and
     * recomputed. Every request finishes with its 512 tokens either way.
     */
    @Test
    void aFullCachePreemptsOrAdmitsFewer() {
        double perRequest = 1024 * 131_072.0;
        ServingDeployment probe = ServingDeployment.aggregated(HGX, plain(4096), new Pool(1, 1));
        ServingSimulator s0 = ServingSimulator.prepare(LLAMA_8B, BF16, probe, 512, 512, Optional.empty());
        assertEquals(perRequest, s0.kvBytes(1024), 0);
        assertEquals(16 * 131_072.0, s0.kvBytes(1), 0, "one token holds a whole 16-token block");
        double reserve = s0.kvBudgetBytes() - 2.5 * perRequest;
        for (ServingEngine.KvReservation kv : ServingEngine.KvReservation.values()) {
            ServingEngine e = engine(4096, 256, ServingEngine.Scheduler.MIXED, kv, reserve, 0, 0, 0);
            ServingSimulator sim = ServingSimulator.prepare(LLAMA_8B, BF16, ServingDeployment.aggregated(HGX, e, new Pool(1, 1)),
                    512, 512, Optional.empty());
            assertEquals(2.5 * perRequest, sim.kvBudgetBytes(), 1);
            ServingResult r = sim.run(RequestLoad.closed(4, 512, 512, 4));
            assertEquals(4, r.requests(), kv.id());
            assertEquals(4 * 512, r.outputTokens(), kv.id());
            if (kv == ServingEngine.KvReservation.WHOLE_REQUEST) {
                assertEquals(0, r.preemptions());
                assertEquals(2, r.peakRunning());
            } else {
                // Each preemption frees a request's blocks for the others; a step that preempted admits nobody, so a
                // victim waits for room instead of being taken back and preempted again at once: a handful, not
                // one per step (512 decode steps).
                assertTrue(r.preemptions() > 0 && r.preemptions() <= 8, "preempted: " + r.preemptions());
                assertEquals(4, r.peakRunning());
            }
            for (double used : r.series().kvUsed()) {
                assertTrue(used >= 0 && used <= 1 + 1e-12, kv.id() + ": KV use " + used + " of the budget");
            }
        }
    }

    /**
     * Disaggregated: one request of 1,024 + 2 tokens, prefill on one H100 and decode on another of the same HGX board.
     * TTFT = the prefill graph of the prompt + the KV transfer over NVLink: 2.8 µs + 134,217,728 B / 450 GB/s
     * (hgx-h100's intraNode link) = 2.8e-6 + 2.982617e-4 s. The second token is one decode step at context 1,024.
     */
    @Test
    void aDisaggregatedRequestPaysItsKvTransfer() {
        ServingDeployment d = ServingDeployment.disaggregated(HGX, plain(2048), new Pool(1, 1), new Pool(1, 1));
        ServingSimulator sim = ServingSimulator.prepare(LLAMA_8B, BF16, d, 1024, 2, Optional.empty());
        ServingResult r = sim.run(RequestLoad.closed(1, 1024, 2, 1));
        double transfer = 2.8e-6 + 134_217_728.0 / 450e9;
        double ttft = seconds(prefill(1, 1024)) + transfer;
        assertEquals(ttft, r.ttft().mean(), 1e-9 * ttft);
        assertEquals(seconds(decode(1, 1024)), r.tpot().mean(), 1e-9 * r.tpot().mean());
        assertEquals(2, r.chips());
    }

    /**
     * Host overheads: a lone request of 200 + 6 with 1 ms per step, 10 µs per sequence and 20 ms per request: TTFT
     * gains 20 ms + 1.01 ms (its one prefill step), TPOT 1.01 ms per token (one sequence per step).
     */
    @Test
    void hostOverheadsAddPerStepPerSequenceAndPerRequest() {
        ServingEngine e = engine(512, 256, ServingEngine.Scheduler.MIXED, ServingEngine.KvReservation.ON_DEMAND, 0, 1e-3, 1e-5,
                2e-2);
        ServingSimulator sim = ServingSimulator.prepare(LLAMA_8B, BF16, ServingDeployment.aggregated(HGX, e, new Pool(1, 1)),
                200, 6, Optional.empty());
        ServingResult r = sim.run(RequestLoad.closed(1, 200, 6, 1));
        assertEquals(seconds(prefill(1, 200)) + 0.02 + 0.00101, r.ttft().mean(), 1e-9);
        double decodes = 0;
        for (long c = 200; c <= 204; c++) {
            decodes += seconds(decode(1, c));
        }
        assertEquals(decodes / 5 + 0.00101, r.tpot().mean(), 1e-9);
    }

    /**
     * Prefill first (SGLang): a prompt arriving while others decode takes a step of its own and the decodes wait, so
     * some token gap is at least a 512-token prefill long; mixed (vLLM): the prompt shares the decodes' step, and the
     * longest gap is shorter. Outputs of 32..64 tokens make the four clients' requests arrive at different steps.
     */
    @Test
    void prefillFirstMakesDecodesWait() {
        ServingEngine pf = engine(1024, 256, ServingEngine.Scheduler.PREFILL_FIRST, ServingEngine.KvReservation.ON_DEMAND, 0, 0, 0, 0);
        ServingSimulator sim = ServingSimulator.prepare(LLAMA_8B, BF16, ServingDeployment.aggregated(HGX, pf, new Pool(1, 1)),
                512, 64, Optional.empty());
        RequestLoad load = new RequestLoad(Lengths.fixed(512), Lengths.uniform(32, 64), 40, 4, 0, 1);
        ServingResult r = sim.run(load);
        assertTrue(r.itl().max() >= seconds(prefill(1, 512)), "a decode waited out a prefill step");
        ServingSimulator mixed = ServingSimulator.prepare(LLAMA_8B, BF16, ServingDeployment.aggregated(HGX, plain(1024),
                new Pool(1, 1)), 512, 64, Optional.empty());
        assertTrue(mixed.run(load).itl().max() < r.itl().max());
    }

    /**
     * Two replicas behind the balancer, two clients of lone 200 + 6 requests: each instance serves one client, so each
     * request is the lone request of {@link #aLoneRequestIsTheStaticModel} (its prefill graph, then its decode graphs),
     * on two chips, at twice one replica's tokens per second.
     */
    @Test
    void replicasServeTheirShareAlone() {
        ServingDeployment two = ServingDeployment.aggregated(HGX, plain(512), new Pool(2, 1));
        ServingResult r = ServingSimulator.prepare(LLAMA_8B, BF16, two, 200, 6, Optional.empty()).run(RequestLoad.closed(2, 200, 6, 2));
        double ttft = seconds(prefill(1, 200));
        assertEquals(ttft, r.ttft().max(), 1e-9 * ttft);
        assertEquals(ttft, r.ttft().mean(), 1e-9 * ttft);
        assertEquals(2, r.chips());
        ServingResult one = ServingSimulator.prepare(LLAMA_8B, BF16, ServingDeployment.aggregated(HGX, plain(512), new Pool(1, 1)),
                200, 6, Optional.empty()).run(RequestLoad.closed(1, 200, 6, 1));
        assertEquals(2 * one.outputTokensPerSecond(), r.outputTokensPerSecond(), 1e-9 * r.outputTokensPerSecond());
    }

    /**
     * Without chunked prefill a prompt is never split: two 300-token prompts and a 512-token budget take one step each
     * (the second waits, its TTFT two prompt steps, the first one's alone being a 300-token prefill graph), where a
     * chunking engine splits the second across steps. A prompt longer than the budget is refused.
     */
    @Test
    void withoutChunkedPrefillAPromptWaitsForAStepItFitsWhole() {
        ServingEngine whole = new ServingEngine(ServingEngine.Scheduler.MIXED, f(512), f(256), false,
                ServingEngine.KvReservation.WHOLE_REQUEST, f(0.9), ServingEngine.MemoryBasis.TOTAL, f(0), f(16), List.of(), null,
                f(0), f(0), f(0));
        ServingDeployment d = ServingDeployment.aggregated(HGX, whole, new Pool(1, 1));
        ServingResult r = ServingSimulator.prepare(LLAMA_8B, BF16, d, 300, 2, Optional.empty()).run(RequestLoad.closed(2, 300, 2, 2));
        double first = seconds(prefill(1, 300));
        assertEquals(first, r.ttft().p50(), 1e-9 * first, "the first prompt alone in its step");
        assertTrue(r.ttft().max() > 1.9 * first, "the second waited a step: " + r.ttft().max() + " vs " + first);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ServingSimulator.prepare(LLAMA_8B, BF16, d, 600, 2, Optional.empty()));
        assertTrue(e.getMessage().contains("exceed the step budget"), e.getMessage());
    }

    /** Speculation: k = 3 proposals accepted with 0.5 each yield 1 + 0.5 + 0.25 + 0.125 = 1.875 tokens a step. */
    @Test
    void speculativeDecodingYieldsTheAcceptedTokens() {
        Speculation s = new Speculation(3, 0.5, 0.02);
        assertEquals(1.875, s.tokensPerStep(), 1e-15);
        ServingDeployment d = ServingDeployment.aggregated(HGX, plain(512), new Pool(1, 1));
        ServingSimulator plainSim = ServingSimulator.prepare(LLAMA_8B, BF16, d, 200, 64, Optional.empty());
        ServingSimulator spec = ServingSimulator.prepare(LLAMA_8B, BF16, d, 200, 64, Optional.of(s));
        ServingResult a = plainSim.run(RequestLoad.closed(1, 200, 64, 1));
        ServingResult b = spec.run(RequestLoad.closed(1, 200, 64, 1));
        assertEquals(64, b.outputTokens());
        // 63 tokens after the first at 1.875 a step: ⌈…⌉ about 34 steps instead of 63; each a little dearer.
        assertTrue(b.tpot().mean() < 0.7 * a.tpot().mean(), a.tpot().mean() + " vs " + b.tpot().mean());
    }

    /**
     * A spread start at one client (RequestLoad.Start.SPREAD): the warm-up request goes first and counts for nothing;
     * each of the three counted requests of 200 + 6 is then alone, as in {@link #aLoneRequestIsTheStaticModel}:
     * TTFT = the 200-token prefill, TPOT = the mean of the five decode steps, 18 tokens over three requests' time.
     */
    @Test
    void aSpreadStartCountsOnlyTheRequestsAfterTheWarmUp() {
        ServingDeployment d = ServingDeployment.aggregated(HGX, plain(512), new Pool(1, 1));
        ServingSimulator sim = ServingSimulator.prepare(LLAMA_8B, BF16, d, 200, 6, Optional.empty());
        ServingResult r = sim.run(RequestLoad.closed(1, 200, 6, 3).withStart(RequestLoad.Start.SPREAD));
        double ttft = seconds(prefill(1, 200));
        double decodes = 0;
        for (long c = 200; c <= 204; c++) {
            decodes += seconds(decode(1, c));
        }
        assertEquals(3, r.requests());
        assertEquals(ttft, r.ttft().mean(), 1e-9 * ttft);
        assertEquals(ttft, r.ttft().max(), 1e-9 * ttft);
        assertEquals(decodes / 5, r.tpot().mean(), 1e-9 * decodes);
        assertEquals(18, r.outputTokens(), "the warm-up's tokens are not counted");
        assertEquals(3 * (ttft + decodes), r.makespanSeconds(), 1e-9 * r.makespanSeconds());
    }

    /**
     * Eight clients of 200 + 64 tokens under a 512-token budget. Started together, the eight prompts (1,600 tokens)
     * share four full steps, each dearer than a 400-token prefill: the k-th prompt's first token comes after step
     * ⌈200k / 512⌉ or later (1, 1, 2, 2, 2, 3, 3, 4: a mean of 2.25 steps), so the first wave's mean TTFT is over
     * 2 × a 400-token prefill. Spread, a client's request mostly arrives while the others decode and is prefilled
     * in one step with them: the median TTFT is under one 400-token prefill.
     */
    @Test
    void aSpreadStartTakesTheWavesOutOfStep() {
        ServingDeployment d = ServingDeployment.aggregated(HGX, plain(512), new Pool(1, 1));
        ServingSimulator sim = ServingSimulator.prepare(LLAMA_8B, BF16, d, 200, 64, Optional.empty());
        RequestLoad load = RequestLoad.closed(8, 200, 64, 80);
        double two = seconds(prefill(1, 400));
        ServingResult together = sim.run(load.withRequests(8));
        ServingResult spread = sim.run(load.withStart(RequestLoad.Start.SPREAD));
        assertTrue(together.ttft().mean() > 2 * two, together.ttft().mean() + " vs " + two);
        assertTrue(spread.ttft().p50() < two, spread.ttft().p50() + " vs " + two);
        assertEquals(80 * 64, spread.outputTokens(), "the counted requests' tokens");
    }

    /**
     * A benchmark start of 12 requests at 4 clients (RequestLoad.Start.BENCHMARK) is the first wave together (the
     * four prompts of {@link #aFixedBatchDecodesInLockstep} in one step) and 8 requests of the spread steady state,
     * simulated with 100 requests and weighted 8/100 each: mean TTFT = (4 × the first wave's + 8 × the steady
     * state's) / 12.
     */
    @Test
    void aBenchmarkStartIsItsFirstWaveThenItsSteadyState() {
        ServingDeployment d = ServingDeployment.aggregated(HGX, plain(512), new Pool(1, 1));
        ServingSimulator sim = ServingSimulator.prepare(LLAMA_8B, BF16, d, 100, 5, Optional.empty());
        RequestLoad load = RequestLoad.closed(4, 100, 5, 12);
        double[] whole = split(prefill(1, 400));
        double[] one = split(prefill(1, 100));
        double wave = whole[0] + 4 * one[1];
        ServingResult steady = sim.run(load.withRequests(100).withStart(RequestLoad.Start.SPREAD));
        ServingResult r = sim.run(load.withStart(RequestLoad.Start.BENCHMARK));
        assertEquals(12, r.requests());
        assertEquals((4 * wave + 8 * steady.ttft().mean()) / 12, r.ttft().mean(), 1e-9 * wave);
        assertTrue(r.ttft().max() >= wave * (1 - 1e-9), "the first wave's TTFT is among the samples");
        assertEquals(12 * 5, r.outputTokens(), "the load's 12 requests of 5 tokens");
    }

    /** Weighted stats by hand: {1, 2} weight 1 and {10} weight 2: mean 23 / 4, p50 at weight 2 → 2, p90 at 3.6 → 10. */
    @Test
    void weightedStatsByHand() {
        ServingResult.Stats s = ServingSimulator.weighted(new double[] {2, 1}, 2, new double[] {10}, 1, 2);
        assertEquals(5.75, s.mean(), 1e-12);
        assertEquals(2, s.p50(), 0);
        assertEquals(10, s.p90(), 0);
        assertEquals(10, s.max(), 0);
        assertEquals(4, s.count());
    }

    @Test
    void refusesWhatItCannotRepresent() {
        ServingDeployment d = ServingDeployment.aggregated(HGX, plain(512), new Pool(1, 1));
        ServingSimulator sim = ServingSimulator.prepare(LLAMA_8B, BF16, d, 200, 6, Optional.empty());
        assertThrows(IllegalArgumentException.class, () -> sim.run(RequestLoad.closed(1, 201, 6, 1)));
        assertThrows(IllegalArgumentException.class, () -> new RequestLoad(Lengths.fixed(1), Lengths.fixed(1), 1, 1, 1.0, 1));
        IllegalArgumentException open = assertThrows(IllegalArgumentException.class,
                () -> RequestLoad.open(1.0, 10, 10, 10, 1).withStart(RequestLoad.Start.SPREAD));
        assertTrue(open.getMessage().contains("open loop"), open.getMessage());
        assertEquals(RequestLoad.Start.BENCHMARK, RequestLoad.Start.parse("Benchmark"));
        assertThrows(IllegalArgumentException.class, () -> RequestLoad.Start.parse("staggered"));
        assertThrows(IllegalArgumentException.class, () -> ServingDeployment.aggregated(HGX, plain(512), new Pool(9, 1)));
        // 405B in bf16 does not fit one 80 GB H100.
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ServingSimulator.prepare(
                Opsim.model("llama-3.1-405b"), BF16, d, 200, 6, Optional.empty()));
        assertTrue(e.getMessage().contains("does not fit"), e.getMessage());
    }

    static final Model DSV2_LITE = Opsim.model("deepseek-v2-lite");

    /** The chip's time for {@code model}'s graph of {@code w} with only its feed-forward ops or only the others. */
    static double part(Model model, Workload w, boolean feedForward) {
        return partTotals(model, w, feedForward).latencySeconds();
    }

    /** {@link #part}'s seconds and joules. */
    static PlanTotals partTotals(Model model, Workload w, boolean feedForward) {
        org.opsim.graph.Graph g = model.graph(w.withPrecisions(BF16.precisions()));
        List<org.opsim.graph.Block> blocks = new java.util.ArrayList<>();
        for (org.opsim.graph.Block b : g.blocks()) {
            // Feed-forward: experts, shared experts, a dense MLP and the all-reduce after them (the router stays per rank).
            List<org.opsim.graph.Op> ops = b.ops().stream().filter(op -> {
                String n = op.name();
                boolean ffn = n.startsWith("experts.") || n.startsWith("shared_experts.")
                        || n.startsWith("mlp.") && !n.startsWith("mlp.hc_");
                return ffn == feedForward;
            }).toList();
            if (!ops.isEmpty()) {
                blocks.add(new org.opsim.graph.Block(b.name(), b.stage(), b.repeat(), ops));
            }
        }
        PlanTotals t = new PlanTotals();
        Plan.compile(new org.opsim.graph.Graph(g.name(), blocks), HGX.chip()).evaluate(t);
        return t;
    }

    /**
     * Attention data parallelism: DeepSeek-V2-Lite on an instance of 2 attention ranks × TP 1 (experts over 2 H100s),
     * two clients of 200 + 6 tokens. Each rank takes one request (the least loaded). Step 1: each rank prefills its
     * 200-token prompt, the ranks stepping together: one rank's attention-side ops of a 200-token prompt at TP 1, then
     * the feed-forward ops over both ranks' 400 tokens at TP 2 (the decode graph's, which has the same feed-forward ops
     * for 400 rows). Then 5 decode steps at contexts 200..204: each rank's decode(1, c) attention side, then the
     * feed-forward ops of 2 tokens at TP 2. Built from graphs, no plan of the simulator involved.
     */
    @Test
    void attentionRanksStepTogetherAroundTheirSharedExperts() {
        ServingDeployment d = ServingDeployment.aggregated(HGX, plain(512), new Pool(1, 1, 2));
        assertEquals(2, d.chips());
        ServingSimulator sim = ServingSimulator.prepare(DSV2_LITE, BF16, d, 200, 6, Optional.empty());
        ServingResult r = sim.run(RequestLoad.closed(2, 200, 6, 2));
        double ttft = part(DSV2_LITE, prefill(1, 200), false)
                + part(DSV2_LITE, Workload.decode(400, 4).withTensorParallel(2), true);
        double decodes = 0;
        for (long c = 200; c <= 204; c++) {
            decodes += part(DSV2_LITE, decode(1, c), false) + part(DSV2_LITE, Workload.decode(2, 4).withTensorParallel(2), true);
        }
        assertEquals(ttft, r.ttft().mean(), 1e-9 * ttft);
        assertEquals(r.ttft().mean(), r.ttft().max(), 1e-15, "both ranks prefill in the same step");
        assertEquals(decodes / 5, r.tpot().mean(), 1e-9 * decodes);
        assertEquals(12, r.outputTokens());
        // Attention DP beyond the board's 8 chips is refused.
        assertThrows(IllegalArgumentException.class,
                () -> ServingDeployment.aggregated(HGX, plain(512), new Pool(1, 2, 8)));
    }

    /**
     * Expert parallelism reaches the plans: DeepSeek-V2-Lite, one request of 200 + 6 tokens on TP 2 × EP 2 is the
     * static model of its graphs at TP 2, EP 2 (the prefill graph, then decode graphs at contexts 200..204), and not
     * the same as at TP 2 alone (the busiest chip of EP runs more than an even share of a token's experts).
     */
    @Test
    void expertParallelismIsTheStaticModelAtThatSplit() {
        ServingDeployment d = ServingDeployment.aggregated(HGX, plain(512), new Pool(1, 2, 1, 2));
        ServingResult r = ServingSimulator.prepare(DSV2_LITE, BF16, d, 200, 6, Optional.empty())
                .run(RequestLoad.closed(1, 200, 6, 1));
        double decodes = 0;
        double tpOnly = 0;
        for (long c = 200; c <= 204; c++) {
            decodes += part(DSV2_LITE, decode(1, c).withTensorParallel(2).withExpertParallel(2), false)
                    + part(DSV2_LITE, decode(1, c).withTensorParallel(2).withExpertParallel(2), true);
            tpOnly += part(DSV2_LITE, decode(1, c).withTensorParallel(2), false) + part(DSV2_LITE, decode(1, c).withTensorParallel(2), true);
        }
        assertEquals(decodes / 5, r.tpot().mean(), 1e-9 * decodes);
        assertTrue(decodes > tpOnly * 1.01, decodes + " vs " + tpOnly);
    }

    /**
     * Energy with a waiting rank: DeepSeek-V2-Lite on 2 attention ranks × TP 1, one client of 200 + 6 tokens, no host
     * time. Rank 1 has nothing to do, yet every step waits for rank 0's attention side at idle power and runs the
     * feed-forward side with it. Step 1: rank 0's prefill attention side (its joules, plus rank 1's 1 chip × idle W ×
     * its seconds) and the feed-forward ops of 200 tokens over 2 chips (2 × their per-chip joules); then 5 decode steps
     * at contexts 200..204, the feed-forward side padded alike on both ranks to 2 × 1 = 2 tokens. Both ranks are busy
     * for the whole run, so no idle remainder; J per token = that sum / 6.
     */
    @Test
    void aWaitingRankDrawsIdlePowerForTheSlowestRanksAttention() {
        ServingDeployment d = ServingDeployment.aggregated(HGX, plain(512), new Pool(1, 1, 2));
        ServingResult r = ServingSimulator.prepare(DSV2_LITE, BF16, d, 200, 6, Optional.empty())
                .run(RequestLoad.closed(1, 200, 6, 1));
        double idle = HGX.chip().power().idleWatts().value();
        PlanTotals a = partTotals(DSV2_LITE, prefill(1, 200), false);
        PlanTotals f = partTotals(DSV2_LITE, Workload.decode(200, 4).withTensorParallel(2), true);
        double joules = a.energyJoules() + idle * a.latencySeconds() + 2 * f.energyJoules();
        PlanTotals f2 = partTotals(DSV2_LITE, Workload.decode(2, 4).withTensorParallel(2), true);
        for (long c = 200; c <= 204; c++) {
            PlanTotals da = partTotals(DSV2_LITE, decode(1, c), false);
            joules += da.energyJoules() + idle * da.latencySeconds() + 2 * f2.energyJoules();
        }
        assertEquals(joules / 6, r.joulesPerToken(), 1e-9 * joules);
    }
}
