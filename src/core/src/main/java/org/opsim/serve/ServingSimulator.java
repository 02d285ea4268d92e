package org.opsim.serve;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import org.opsim.hardware.HardwareProfile;
import org.opsim.hardware.ServingEngine;
import org.opsim.model.Model;
import org.opsim.model.Workload;

/**
 * A request-level simulation of LLM serving (docs/serving.md): requests arrive (a closed loop at a concurrency, or
 * Poisson arrivals at a rate), wait, are admitted by each instance's scheduler under its step budget, batch limit and
 * KV-cache budget, run their prompts in chunks and their decodes step by step, are preempted (KV freed, recomputed
 * later) when an on-demand cache runs full, and leave after their last token. Each step's time is the chips' work
 * from compiled plans ({@link StepCoster}: no graph is built per step) plus the engine's host overheads per step
 * and per sequence; decode-only steps run padded to the engine's captured batch sizes. A disaggregated deployment
 * runs prompts on the prefill pool and moves each request's KV cache over the system's link to a decode instance.
 *
 * <p>{@link #prepare} compiles the plans (the expensive part, once per model, chip, pool and engine); {@link #run}
 * simulates a load in milliseconds. A simulator holds its plans' state: one per thread ({@link #copy}).
 */
public final class ServingSimulator {

    private final Model model;
    private final ServingDeployment deployment;
    private final Speculation speculation;
    private final StepCoster prefillCoster;
    private final StepCoster decodeCoster;
    private final int maxInput;
    private final int maxOutput;
    private final List<String> notes;
    /** A run taking more engine steps than this is stopped with an error (a load far beyond what the engine serves). */
    static final long MAX_STEPS = 50_000_000L;

    private ServingSimulator(ServingSimulator o) {
        model = o.model;
        deployment = o.deployment;
        speculation = o.speculation;
        prefillCoster = o.prefillCoster.copy();
        decodeCoster = o.decodeCoster == o.prefillCoster ? prefillCoster : o.decodeCoster.copy();
        maxInput = o.maxInput;
        maxOutput = o.maxOutput;
        notes = o.notes;
    }

    private ServingSimulator(Model model, ServingDeployment deployment, Speculation speculation, StepCoster prefill,
                             StepCoster decode, int maxInput, int maxOutput, List<String> notes) {
        this.model = model;
        this.deployment = deployment;
        this.speculation = speculation;
        this.prefillCoster = prefill;
        this.decodeCoster = decode;
        this.maxInput = maxInput;
        this.maxOutput = maxOutput;
        this.notes = List.copyOf(notes);
    }

    /**
     * Compiles the step plans of {@code model} on the deployment's chip (running its stack) for requests of up to
     * {@code maxInput} prompt and {@code maxOutput} output tokens.
     *
     * @param like the precisions and attention form (its phase, batch and lengths are not used)
     * @throws IllegalArgumentException if the model does not fit an instance with room for one longest request, or
     *     its steps cannot be compiled (named)
     */
    public static ServingSimulator prepare(Model model, Workload like, ServingDeployment deployment, int maxInput,
                                           int maxOutput, Optional<Speculation> speculation) {
        return prepare(model, like, deployment, maxInput, maxOutput, speculation, new PlanCache());
    }

    /**
     * Compiled step plans kept for reuse across simulators of the same model, precisions, chip (with its stack),
     * engine, tensor-parallel degree and lengths (a file of serving cases, a deployment search). Not thread-safe:
     * one per thread.
     */
    public static final class PlanCache {
        private final java.util.Map<String, StepCoster> costers = new java.util.HashMap<>();

        /** Plans held. */
        public int size() {
            return costers.size();
        }
    }

    /** {@link #prepare(Model, Workload, ServingDeployment, int, int, Optional)} taking and keeping plans in {@code cache}. */
    public static ServingSimulator prepare(Model model, Workload like, ServingDeployment deployment, int maxInput,
                                           int maxOutput, Optional<Speculation> speculation, PlanCache cache) {
        Objects.requireNonNull(cache, "cache");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(like, "like");
        Objects.requireNonNull(deployment, "deployment");
        Objects.requireNonNull(speculation, "speculation");
        if (maxInput < 1 || maxOutput < 1 || (long) maxInput + maxOutput > 2_000_000) {
            throw new IllegalArgumentException("request lengths need 1 <= input, 1 <= output, input + output <= 2000000, got "
                    + maxInput + " and " + maxOutput);
        }
        ServingEngine engine = deployment.engine();
        HardwareProfile chip = deployment.system().chip();
        if (!engine.chunkedPrefill() && maxInput > engine.tokenBudget()) {
            throw new IllegalArgumentException("prompts of " + maxInput + " tokens exceed the step budget of "
                    + engine.tokenBudget() + " tokens of an engine without chunked prefill");
        }
        int tpd = speculation.map(s -> 1 + s.draftTokens()).orElse(1);
        long maxContext = (long) maxInput + maxOutput + tpd;
        if (!engine.chunkedPrefill() && engine.kvReservation() == ServingEngine.KvReservation.ON_DEMAND
                && (long) maxInput + maxOutput > engine.tokenBudget()) {
            throw new IllegalArgumentException("an engine without chunked prefill that preempts recomputes a request's prompt and"
                    + " outputs in one step: " + maxInput + " + " + maxOutput + " tokens exceed its budget of " + engine.tokenBudget());
        }
        List<String> notes = new ArrayList<>();
        StepCoster prefill = coster(model, like, chip, engine, deployment.prefill(), tpd, maxContext,
                maxInput, maxOutput + tpd, deployment.disaggregated() ? "prefill" : "aggregated", notes, cache);
        StepCoster decode = prefill;
        if (deployment.decode().isPresent()) {
            decode = coster(model, like, chip, engine, deployment.decode().get(), tpd, maxContext, maxInput,
                    maxOutput + tpd, "decode", notes, cache);
        }
        if (decode.decodeNote != null) {
            notes.add(decode.decodeNote);
        }
        if (deployment.prefill().attentionDp() > 1 || deployment.decode().map(p -> p.attentionDp() > 1).orElse(false)) {
            notes.add("attention DP: the feed-forward layers' exchange of tokens between ranks is costed as an all-reduce of"
                    + " them (the same bytes per chip); the time series follows the first rank of the first instance");
        }
        return new ServingSimulator(model, deployment, speculation.orElse(null), prefill, decode, maxInput, maxOutput, notes);
    }

    private static StepCoster coster(Model model, Workload like, HardwareProfile chip, ServingEngine engine, Pool p,
                                     int tpd, long maxContext, int maxInput, int maxOutput, String pool, List<String> notes,
                                     PlanCache cache) {
        int tp = p.tensorParallel();
        // Records compare by value: the key names everything the plans and the KV table depend on.
        String key = model.name() + "|" + model.describe() + "|" + like.precisions() + "|" + like.attentionForm() + "|" + chip + "|" + engine.withoutOverheads() + "|" + tp
                + "|" + p.attentionDp() + "|" + p.expertParallel() + "|" + tpd + "|" + maxContext;
        StepCoster c = cache.costers.get(key);
        if (c == null) {
            c = new StepCoster(model, like, chip, engine, tp, p.attentionDp(), p.expertParallel(), tpd, maxContext);
            cache.costers.put(key, c);
        } else {
            c = c.copy();
        }
        double need = c.kvBytes((long) maxInput + maxOutput);
        if (!(c.kvBudgetBytes >= need)) {
            throw new IllegalArgumentException(String.format(java.util.Locale.ROOT,
                    "%s does not fit the %s instance (%s on %s): weights %.1f GB, activations %.1f GB and a reserve of %.1f GB"
                            + " leave %.2f GB of KV cache per chip at memory fraction %.2f of %s, and one request of a %d-token prompt and %d tokens after it (outputs and proposal slots)"
                            + " needs %.2f GB", model.name(), pool, p.attentionDp() > 1 ? "attention DP " + p.attentionDp()
                            + " × TP " + tp : "TP " + tp, chip.name(), c.weightsBytes / 1e9,
                    c.activationBytes / 1e9, engine.runtimeReserveBytes().value() / 1e9, c.kvBudgetBytes / 1e9,
                    engine.memoryFraction().value(), engine.basis().id(), maxInput, maxOutput, need / 1e9));
        }
        return c;
    }

    /** Another simulator over the same compiled plans, for another thread. */
    public ServingSimulator copy() {
        return new ServingSimulator(this);
    }

    public ServingDeployment deployment() {
        return deployment;
    }

    /** KV-cache bytes per chip an instance of the (prefill or aggregated) pool may fill. */
    public double kvBudgetBytes() {
        return prefillCoster.kvBudgetBytes;
    }

    /** Per-chip KV bytes a sequence of {@code tokens} holds on the aggregated (or prefill) pool, in whole blocks. */
    public double kvBytes(long tokens) {
        return prefillCoster.kvBytes(tokens);
    }

    // ------------------------------------------------------------------ the simulation

    private static final class Request {
        final int id;
        final double arrival;
        final int input;
        final int output;
        /** Tokens whose KV must be computed before the next decode: the prompt, or prompt + outputs after a preemption. */
        long target;
        /** Tokens of {@link #target} computed (in the cache). */
        long prefilled;
        int generated;
        /** Tokens in the cache. */
        long cached;
        double held;
        double firstToken = Double.NaN;
        double lastToken;
        double credit;
        /** The chunk scheduled this step, 0 if none. */
        long chunk;
        /** In its instance's running list. */
        boolean running;
        /** Left the instance this step (finished, or handed to a decode instance); dropped from the list after the step. */
        boolean leaving;
        /** A {@link RequestLoad.Start#SPREAD} client's warm-up request: no figure counts it. */
        boolean warmup;

        Request(int id, double arrival, int input, int output) {
            this.id = id;
            this.arrival = arrival;
            this.input = input;
            this.output = output;
            this.target = input;
        }

        boolean prefillDone() {
            return prefilled >= target;
        }
    }

    private record Event(double time, long order, Request request, int pool) {
    }

    private final class Instance {
        final StepCoster coster;
        final ServingEngine engine;
        final int tp;
        final boolean prefillOnly;
        final List<Request> running = new ArrayList<>();
        final ArrayDeque<Request> waiting = new ArrayDeque<>();
        double clock;
        double kvUsed;
        double busySeconds;
        double joules;
        int peak;
        long decodeSteps;
        long decodeSequences;
        /** Joules, busy seconds and decode steps before the measured window began (a spread start's warm-up). */
        double joulesBefore;
        double busyBefore;
        long stepsBefore;
        long sequencesBefore;
        // step scratch
        final List<Request> decodes = new ArrayList<>();
        final List<Request> chunks = new ArrayList<>();
        long[] ctx;
        long[] news = new long[64];
        long[] cachedAt = new long[64];
        final double[] cost = new double[2];
        final boolean record;
        final Series series = new Series();
        boolean leaving;
        /** The instance's attention ranks, this one among them (only this one without attention DP). */
        Instance[] group;
        /** Scheduled in the step being taken, and its tokens. */
        boolean scheduled;
        long stepTokens;

        Instance(StepCoster coster, int tp, boolean prefillOnly, boolean record) {
            this.coster = coster;
            this.engine = deployment.engine();
            this.tp = tp;
            this.prefillOnly = prefillOnly;
            this.record = record;
            this.ctx = new long[(int) coster.maxDecodeX];
        }

        boolean hasWork() {
            return !running.isEmpty() || !waiting.isEmpty();
        }

        boolean groupHasWork() {
            for (Instance e : group) {
                if (e.hasWork()) {
                    return true;
                }
            }
            return false;
        }

        int load() {
            return running.size() + waiting.size();
        }
    }

    /** Steps of one instance, every {@code stride}-th kept: at most 2,048 points however long the run (bounded memory). */
    private static final class Series {
        static final int CAPACITY = 2048;
        final double[] t = new double[CAPACITY];
        final int[] running = new int[CAPACITY];
        final int[] tokens = new int[CAPACITY];
        final double[] kv = new double[CAPACITY];
        final double[] dur = new double[CAPACITY];
        int n;
        long seen;
        long stride = 1;

        void add(double time, int r, long tok, double kvFraction, double d) {
            if (seen++ % stride != 0) {
                return;
            }
            if (n == CAPACITY) {
                // Keep every other point and take every other step from now on.
                for (int i = 0; i < CAPACITY / 2; i++) {
                    t[i] = t[2 * i];
                    running[i] = running[2 * i];
                    tokens[i] = tokens[2 * i];
                    kv[i] = kv[2 * i];
                    dur[i] = dur[2 * i];
                }
                n = CAPACITY / 2;
                stride *= 2;
                if ((seen - 1) % stride != 0) {
                    return;
                }
            }
            t[n] = time;
            running[n] = r;
            tokens[n] = (int) Math.min(Integer.MAX_VALUE, tok);
            kv[n] = kvFraction;
            dur[n] = d;
            n++;
        }

        ServingResult.Series result() {
            int every = Math.max(1, (n + 999) / 1000);
            int m = (n + every - 1) / every;
            double[] ot = new double[m];
            int[] or = new int[m];
            int[] ok = new int[m];
            double[] ov = new double[m];
            double[] od = new double[m];
            for (int i = 0, j = 0; i < n; i += every, j++) {
                ot[j] = t[i];
                or[j] = running[i];
                ok[j] = tokens[i];
                ov[j] = kv[i];
                od[j] = dur[i];
            }
            return new ServingResult.Series(ot, or, ok, ov, od);
        }
    }

    /** The simulation of one load; a fresh state per run. */
    private final class Run {
        final RequestLoad load;
        final Instance[] prefillPool;
        final Instance[] decodePool;
        final PriorityQueue<Event> events = new PriorityQueue<>((a, b) -> a.time != b.time
                ? Double.compare(a.time, b.time) : Long.compare(a.order, b.order));
        long order;
        final SplittableRandom random;
        int issued;
        int finished;
        long outputTokens;
        int preemptions;
        final double[] ttft;
        final double[] tpot;
        final double[] e2e;
        int tpotCount;
        final LogHistogram itl = new LogHistogram();
        final double transferLatency;
        final double transferBandwidth;
        final int tokensPerDecode;
        final double tokensPerStep;
        final double draftFraction;
        /** Whether this step preempted a request: then no waiting request is admitted in it (as vLLM's scheduler). */
        boolean preempted;

        Run(RequestLoad load) {
            this.load = load;
            this.random = new SplittableRandom(load.seed());
            prefillPool = instances(deployment.prefill(), prefillCoster, deployment.disaggregated());
            if (deployment.decode().isPresent()) {
                decodePool = instances(deployment.decode().get(), decodeCoster, false);
                transferLatency = deployment.transferLink().latencySeconds().value();
                transferBandwidth = deployment.transferLink().bandwidthBytesPerSecond().value();
            } else {
                decodePool = null;
                transferLatency = 0;
                transferBandwidth = 0;
            }
            ttft = new double[load.requests()];
            tpot = new double[load.requests()];
            e2e = new double[load.requests()];
            tokensPerDecode = speculation == null ? 1 : 1 + speculation.draftTokens();
            tokensPerStep = speculation == null ? 1 : speculation.tokensPerStep();
            draftFraction = speculation == null ? 0 : speculation.draftCostFraction();
        }

        /** A pool's instances as their attention ranks (one rank each without attention DP), ranks of one instance sharing a coster. */
        Instance[] instances(Pool p, StepCoster coster, boolean prefillOnly) {
            Instance[] out = new Instance[p.workers() * p.attentionDp()];
            for (int i = 0; i < p.workers(); i++) {
                StepCoster c = i == 0 ? coster : coster.copy();
                Instance[] group = new Instance[p.attentionDp()];
                for (int k = 0; k < group.length; k++) {
                    group[k] = new Instance(c, p.tensorParallel(), prefillOnly, i == 0 && k == 0);
                    group[k].group = group;
                    out[i * group.length + k] = group[k];
                }
            }
            return out;
        }

        Request newRequest(double at) {
            int in = load.input().draw(random);
            int out = load.output().draw(random);
            return new Request(issued++, at, in, out);
        }

        void arrive(double at, Request r, int pool) {
            events.add(new Event(at, order++, r, pool));
        }

        /** A new request reaches the engine after the server's request handling ({@code requestOverheadSeconds}). */
        void send(Request r) {
            arrive(r.arrival + deployment.engine().requestOverheadSeconds().value(), r, 0);
        }

        long steps;
        /** The last request's end (a one-token request of a disaggregated pool ends after its transfer, past any step). */
        double lastFinish;

        /** Where the measured window begins (the first arrival; a spread start's first counted request). */
        double measureStart;
        long tokensBefore;
        /** Tokens of the counted requests that finished. */
        long countedTokens;
        int preemptionsBefore;
        boolean measuring = true;

        /** Runs the load to its end. */
        void simulate() {
            if (load.closedLoop() && load.start() == RequestLoad.Start.SPREAD) {
                // One warm-up request per client, its output uniform over 1..the longest: the clients finish it at
                // times spread over one request's time, which is where their counted requests begin.
                measuring = false;
                for (int i = 0; i < load.concurrency(); i++) {
                    int in = load.input().draw(random);
                    Request r = new Request(-1, 0, in, 1 + random.nextInt(load.output().max()));
                    r.warmup = true;
                    send(r);
                }
            } else if (load.closedLoop()) {
                int first = Math.min(load.concurrency(), load.requests());
                for (int i = 0; i < first; i++) {
                    send(newRequest(0));
                }
            } else {
                double t = 0;
                for (int i = 0; i < load.requests(); i++) {
                    t += -Math.log(1.0 - random.nextDouble()) / load.ratePerSecond();
                    send(newRequest(t));
                }
            }
            measureStart = events.isEmpty() ? 0 : events.peek().request().arrival;
            while (true) {
                Instance next = null;
                for (Instance e : prefillPool) {
                    if (e.hasWork() && (next == null || e.clock < next.clock)) {
                        next = e;
                    }
                }
                if (decodePool != null) {
                    for (Instance e : decodePool) {
                        if (e.hasWork() && (next == null || e.clock < next.clock)) {
                            next = e;
                        }
                    }
                }
                Event ev = events.peek();
                if (next == null && ev == null) {
                    break;
                }
                if (ev != null && (next == null || ev.time() <= next.clock)) {
                    events.poll();
                    Instance to = pick(ev.pool() == 0 ? prefillPool : decodePool);
                    if (!to.groupHasWork()) {
                        for (Instance e : to.group) {
                            e.clock = Math.max(e.clock, ev.time());
                        }
                    }
                    to.waiting.add(ev.request());
                    continue;
                }
                if (++steps > MAX_STEPS) {
                    throw new IllegalStateException("serving simulator: more than " + MAX_STEPS + " engine steps without finishing "
                            + load.requests() + " requests (" + finished + " finished, " + preemptions + " preemptions)");
                }
                step(next.group);
            }
            end = lastFinish;
            for (Instance e : all()) {
                end = Math.max(end, e.clock);
            }
        }

        double end;

        /** The measured window from its start to the last token. */
        double makespan() {
            return end - measureStart;
        }

        long measuredTokens() {
            return outputTokens - tokensBefore;
        }

        /** The chips' joules over the measured window: their steps' work, idle power for the rest of the window. */
        double joules() {
            double idle = deployment.system().chip().power().idleWatts().value();
            double joules = 0;
            for (Instance e : all()) {
                joules += e.joules - e.joulesBefore + idle * e.tp * Math.max(0, makespan() - (e.busySeconds - e.busyBefore));
            }
            return joules;
        }

        long decodeSteps() {
            long steps = 0;
            for (Instance e : all()) {
                steps += e.decodeSteps - e.stepsBefore;
            }
            return steps;
        }

        long decodeSequences() {
            long seqs = 0;
            for (Instance e : all()) {
                seqs += e.decodeSequences - e.sequencesBefore;
            }
            return seqs;
        }

        int peak() {
            int peak = 0;
            for (Instance e : all()) {
                peak = Math.max(peak, e.peak);
            }
            return peak;
        }

        /** The measured window begins at {@code t}: what came before is the warm-up's. */
        void startMeasuring(double t) {
            measuring = true;
            measureStart = t;
            tokensBefore = outputTokens;
            preemptionsBefore = preemptions;
            for (Instance e : all()) {
                e.joulesBefore = e.joules;
                e.busyBefore = e.busySeconds;
                e.stepsBefore = e.decodeSteps;
                e.sequencesBefore = e.decodeSequences;
            }
        }

        ServingResult result(List<String> extra) {
            double makespan = makespan();
            long tokens = measuredTokens();
            return result(stats(ttft, finished), stats(tpot, tpotCount), itl.stats(), stats(e2e, finished), finished,
                    countedTokens, tokens, makespan, joules(), preemptions - preemptionsBefore, peak(), decodeSteps(), decodeSequences(),
                    seriesInstance().series.result(), extra);
        }

        ServingResult result(ServingResult.Stats ttftStats, ServingResult.Stats tpotStats, ServingResult.Stats itlStats,
                             ServingResult.Stats e2eStats, int requests, long counted, double tokens, double makespan,
                             double joules, int preempted, int peak, long steps, long seqs, ServingResult.Series series,
                             List<String> extra) {
            long chips = deployment.chips();
            // Rates over the measured window (its tokens: a spread start's warm-ups still emit some), the count over
            // the counted requests.
            double tokensPerSecond = makespan > 0 ? tokens / makespan : 0;
            double usd = deployment.system().cloudUsdPerChipHour() * chips * makespan / 3600.0;
            List<String> out = new ArrayList<>(notes);
            out.add("ITL percentiles from a histogram of 0.1% wide bins (mean exact)");
            out.addAll(extra);
            List<Double> budgets = new ArrayList<>();
            budgets.add(prefillCoster.kvBudgetBytes);
            if (decodePool != null) {
                budgets.add(decodeCoster.kvBudgetBytes);
            }
            return new ServingResult(ttftStats, tpotStats, itlStats, e2eStats, requests, counted, makespan, tokensPerSecond,
                    chips, tokens > 0 ? usd / tokens * 1e6 : 0, tokens > 0 ? joules / tokens : 0, preempted, peak,
                    steps > 0 ? (double) seqs / steps : 0, budgets, series, out);
        }

        Instance seriesInstance() {
            return decodePool != null ? decodePool[0] : prefillPool[0];
        }

        List<Instance> all() {
            List<Instance> a = new ArrayList<>(Arrays.asList(prefillPool));
            if (decodePool != null) {
                a.addAll(Arrays.asList(decodePool));
            }
            return a;
        }

        /** The instance with the fewest requests (running and waiting), the lowest index on ties. */
        Instance pick(Instance[] pool) {
            Instance best = pool[0];
            for (Instance e : pool) {
                if (e.load() < best.load()) {
                    best = e;
                }
            }
            return best;
        }

        double free(Instance e) {
            return e.coster.kvBudgetBytes - e.kvUsed;
        }

        /** {@code r} now holds {@code bytes} of {@code e}'s cache (more or fewer than before). */
        void take(Instance e, Request r, double bytes) {
            e.kvUsed += bytes - r.held;
            r.held = bytes;
        }

        /** {@code r} leaves {@code e} at the end of this step: its blocks back, off the running list after the step. */
        void leave(Instance e, Request r) {
            release(e, r);
            r.running = false;
            r.leaving = true;
            e.leaving = true;
        }

        void release(Instance e, Request r) {
            e.kvUsed -= r.held;
            r.held = 0;
        }

        /** Bytes {@code r} holds with {@code tokens} tokens in its cache, by the engine's reservation rule. */
        double holding(Instance e, Request r, long tokens) {
            if (e.engine.kvReservation() == ServingEngine.KvReservation.WHOLE_REQUEST) {
                return e.coster.kvBytes(Math.max(tokens, (long) r.input + r.output + tokensPerDecode));
            }
            return e.coster.kvBytes(tokens);
        }

        /**
         * One step of an instance: each of its attention ranks schedules its own batch; the ranks step together (the
         * slowest rank's attention part, then the feed-forward layers over every rank's tokens); without attention
         * DP the instance is its one rank.
         */
        void step(Instance[] group) {
            StepCoster coster = group[0].coster;
            ServingEngine eng = group[0].engine;
            double slowest = 0;
            double joules = 0;
            long allTokens = 0;
            int mostSequences = 0;
            int mostDecodes = 0;
            int decodes = 0;
            boolean decodeOnly = true;
            for (Instance e : group) {
                e.scheduled = false;
                if (!e.hasWork()) {
                    continue;
                }
                schedule(e);
                e.scheduled = true;
                int d = e.decodes.size();
                int j = e.chunks.size();
                slowest = Math.max(slowest, e.cost[0]);
                joules += e.tp * e.cost[1];
                allTokens += e.stepTokens;
                mostSequences = Math.max(mostSequences, d + j);
                mostDecodes = Math.max(mostDecodes, d);
                decodes += d;
                decodeOnly &= j == 0;
            }
            double ffnSeconds = 0;
            double idle = deployment.system().chip().power().idleWatts().value();
            if (coster.dp > 1) {
                // Decode-only steps run as CUDA graphs padded alike on every rank; mixed steps over their tokens.
                long x = decodeOnly && tokensPerDecode == 1
                        ? (long) group.length * Math.min(eng.graphBatch(mostDecodes), coster.maxDecodeX) : allTokens;
                ffnSeconds = coster.ffn(x, 0);
                joules += (double) coster.tp * coster.dp * coster.ffn(x, 1);
                if (draftFraction > 0 && decodes > 0) {
                    // Proposals: (tokensPerDecode − 1) draft passes over the decodes, feed-forward side included.
                    double k = (tokensPerDecode - 1) * draftFraction;
                    ffnSeconds += k * coster.ffn(decodes, 0);
                    joules += k * coster.tp * coster.dp * coster.ffn(decodes, 1);
                }
                // A rank whose attention side ends before the slowest one's waits for it at idle power.
                for (Instance e : group) {
                    joules += e.tp * idle * (slowest - (e.scheduled ? e.cost[0] : 0));
                }
            }
            // Each rank's scheduler runs beside the others': the host time of the busiest.
            double host = eng.stepOverheadSeconds().value() + eng.sequenceOverheadSeconds().value() * mostSequences;
            double dur = slowest + ffnSeconds + host;
            Instance first = group[0];
            if (group.length == 1) {
                first.joules += first.tp * (first.cost[1] + idle * host);
            } else {
                first.joules += joules + (double) first.tp * group.length * idle * host;
            }
            for (Instance e : group) {
                e.busySeconds += dur;
            }
            if (first.record) {
                first.series.add(first.clock, first.running.size(), first.scheduled ? first.stepTokens : 0,
                        first.kvUsed / first.coster.kvBudgetBytes, dur);
            }
            double t = first.clock + dur;
            for (Instance e : group) {
                e.clock = t;
                if (e.scheduled) {
                    advance(e, t);
                }
            }
        }

        /** {@code e}'s batch of this step into its decode and chunk lists, its chips' seconds and joules into {@code e.cost}. */
        void schedule(Instance e) {
            ServingEngine eng = e.engine;
            List<Request> decodes = e.decodes;
            List<Request> chunks = e.chunks;
            decodes.clear();
            chunks.clear();
            long budget = eng.tokenBudget();
            int limit = eng.batchLimit();
            preempted = false;
            // Requests arriving with their prompt done (a decode instance's, after the KV transfer) join first.
            while (!e.waiting.isEmpty() && e.waiting.peek().prefillDone() && e.running.size() < limit) {
                Request r = e.waiting.peek();
                double need = holding(e, r, r.cached + tokensPerDecode);
                if (need - r.held > free(e)) {
                    break;
                }
                e.waiting.poll();
                take(e, r, need);
                e.running.add(r);
                r.running = true;
                r.leaving = false;
                if (Double.isNaN(r.firstToken)) {
                    r.firstToken = e.clock;
                    r.lastToken = e.clock;
                }
            }
            boolean prefillStep = true;
            if (eng.scheduler() == ServingEngine.Scheduler.PREFILL_FIRST) {
                prefillStep = schedulePrefill(e, budget, limit);
                if (!prefillStep) {
                    scheduleDecodes(e, Long.MAX_VALUE);
                }
            } else {
                long used = scheduleDecodes(e, budget);
                schedulePrefill(e, budget - used, limit);
            }
            int d = decodes.size();
            int j = chunks.size();
            if (d == 0 && j == 0) {
                throw new IllegalStateException("serving simulator: an instance with " + e.running.size() + " running and "
                        + e.waiting.size() + " waiting requests scheduled nothing");
            }
            long sum = 0;
            for (int i = 0; i < d; i++) {
                long c = decodes.get(i).cached;
                e.ctx[i] = c;
                sum += c;
            }
            if (e.news.length < j) {
                e.news = new long[j * 2];
                e.cachedAt = new long[j * 2];
            }
            long tokens = (long) d * tokensPerDecode;
            for (int i = 0; i < j; i++) {
                Request r = chunks.get(i);
                e.news[i] = r.chunk;
                e.cachedAt[i] = r.prefilled;
                tokens += r.chunk;
            }
            e.coster.step(d, e.ctx, sum, tokensPerDecode, draftFraction, j, e.news, e.cachedAt, e.cost);
            e.stepTokens = tokens;
            if (d > 0) {
                e.decodeSteps++;
                e.decodeSequences += d;
            }
        }

        /** The end of a step at {@code t} for {@code e}'s scheduled requests: prompts advanced, tokens emitted. */
        void advance(Instance e, double t) {
            List<Request> decodes = e.decodes;
            List<Request> chunks = e.chunks;
            for (Request r : chunks) {
                r.prefilled += r.chunk;
                r.cached = r.prefilled;
                r.chunk = 0;
                if (r.prefillDone() && r.generated == 0) {
                    r.generated = 1;
                    outputTokens++;
                    if (e.prefillOnly) {
                        // The KV cache moves to a decode instance; the first token reaches the user with it.
                        leave(e, r);
                        double bytes = Math.max(e.coster.kvBytes(r.cached), decodeCoster.kvBytes(r.cached));
                        double arriveAt = t + transferLatency + bytes / transferBandwidth;
                        if (r.output == 1) {
                            r.firstToken = arriveAt;
                            finish(r, arriveAt);
                        } else {
                            // The first token reaches the user when a decode instance has taken the cache.
                            arrive(arriveAt, r, 1);
                        }
                        continue;
                    }
                    r.firstToken = t;
                    r.lastToken = t;
                    if (r.output == 1) {
                        leave(e, r);
                        finish(r, t);
                    }
                }
            }
            for (Request r : decodes) {
                int emitted = 1;
                if (speculation != null) {
                    r.credit += tokensPerStep;
                    emitted = (int) Math.max(1, Math.floor(r.credit));
                    r.credit -= emitted;
                }
                emitted = Math.min(emitted, r.output - r.generated);
                double gap = (t - r.lastToken) / emitted;
                if (!r.warmup) {
                    for (int k = 0; k < emitted; k++) {
                        itl.add(gap);
                    }
                }
                r.generated += emitted;
                r.cached += emitted;
                r.lastToken = t;
                outputTokens += emitted;
                if (r.generated >= r.output) {
                    leave(e, r);
                    finish(r, t);
                }
            }
            e.peak = Math.max(e.peak, e.running.size());
            if (e.leaving) {
                e.running.removeIf(r -> r.leaving);
                e.leaving = false;
            }
        }

        /** Decodes of every running request whose prompt is done, within {@code budget} tokens; preempts when the cache is full. */
        long scheduleDecodes(Instance e, long budget) {
            long used = 0;
            for (int i = 0; i < e.running.size(); i++) {
                Request r = e.running.get(i);
                if (!r.prefillDone() || r.generated == 0 || r.generated >= r.output) {
                    continue;
                }
                if (used + tokensPerDecode > budget || e.decodes.size() >= e.coster.maxDecodeX / tokensPerDecode) {
                    break;
                }
                double need = holding(e, r, r.cached + tokensPerDecode);
                while (need - r.held > free(e)) {
                    Request victim = e.running.get(e.running.size() - 1);
                    if (victim == r && e.running.size() == 1) {
                        throw new IllegalStateException("serving simulator: one request alone does not fit the KV cache"
                                + " (prepare checks the longest request)");
                    }
                    preempt(e, victim);
                    if (victim == r) {
                        break;
                    }
                }
                if (!r.running) {
                    break;
                }
                take(e, r, need);
                e.decodes.add(r);
                used += tokensPerDecode;
            }
            return used;
        }

        void preempt(Instance e, Request r) {
            int last = e.running.size() - 1;
            if (last >= 0 && e.running.get(last) == r) {
                e.running.remove(last);
            } else {
                e.running.remove(r);
            }
            r.running = false;
            e.decodes.remove(r);
            e.chunks.remove(r);
            r.chunk = 0;
            release(e, r);
            r.target = r.generated == 0 ? r.input : (long) r.input + r.generated - 1;
            r.prefilled = 0;
            r.cached = 0;
            e.waiting.addFirst(r);
            preemptions++;
            preempted = true;
        }

        /** Prompt chunks (running prompts first, then waiting requests admitted in order) within {@code budget} tokens. */
        boolean schedulePrefill(Instance e, long budget, int limit) {
            ServingEngine eng = e.engine;
            boolean any = false;
            for (int i = 0; i < e.running.size() && budget > 0; i++) {
                Request r = e.running.get(i);
                if (r.prefillDone()) {
                    continue;
                }
                long n = chunkOf(eng, r, budget);
                if (n == 0) {
                    break;
                }
                double need = holding(e, r, r.prefilled + n);
                while (need - r.held > free(e) && e.running.get(e.running.size() - 1) != r
                        && eng.kvReservation() == ServingEngine.KvReservation.ON_DEMAND) {
                    // A full cache with prompts under way: the latest admitted request gives its blocks back.
                    preempt(e, e.running.get(e.running.size() - 1));
                }
                if (need - r.held > free(e)) {
                    break;
                }
                take(e, r, need);
                r.chunk = n;
                e.chunks.add(r);
                budget -= n;
                any = true;
            }
            while (budget > 0 && !preempted && !e.waiting.isEmpty() && e.running.size() < limit) {
                Request r = e.waiting.peek();
                if (r.prefillDone()) {
                    break;
                }
                long n = chunkOf(eng, r, budget);
                if (n == 0) {
                    break;
                }
                double need = holding(e, r, r.prefilled + n);
                if (need > free(e)) {
                    break;
                }
                e.waiting.poll();
                take(e, r, need);
                r.chunk = n;
                e.running.add(r);
                r.running = true;
                r.leaving = false;
                e.chunks.add(r);
                budget -= n;
                any = true;
            }
            return any;
        }

        long chunkOf(ServingEngine eng, Request r, long budget) {
            long left = r.target - r.prefilled;
            if (eng.chunkedPrefill()) {
                return Math.min(left, budget);
            }
            return left <= budget ? left : 0;
        }

        void finish(Request r, double t) {
            lastFinish = Math.max(lastFinish, t);
            if (r.warmup) {
                if (issued < load.requests()) {
                    if (!measuring) {
                        startMeasuring(t);
                    }
                    send(newRequest(t));
                }
                return;
            }
            countedTokens += r.generated;
            int i = finished++;
            ttft[i] = r.firstToken - r.arrival;
            e2e[i] = t - r.arrival;
            if (r.output > 1) {
                tpot[tpotCount++] = (t - r.firstToken) / (r.output - 1);
            }
            if (load.closedLoop() && issued < load.requests()) {
                send(newRequest(t));
            }
        }
    }

    /**
     * Simulates {@code load} on the prepared deployment.
     *
     * @throws IllegalArgumentException if a request is longer than the lengths the simulator was prepared for
     */
    public ServingResult run(RequestLoad load) {
        Objects.requireNonNull(load, "load");
        if (load.input().max() > maxInput || load.output().max() > maxOutput) {
            throw new IllegalArgumentException("the load's requests (" + load.input() + " + " + load.output()
                    + " tokens) are longer than the simulator was prepared for (" + maxInput + " + " + maxOutput + ")");
        }
        if (load.start() != RequestLoad.Start.BENCHMARK) {
            Run run = new Run(load);
            run.simulate();
            return run.result(List.of());
        }
        // The first wave together, then the spread steady state, back to back (RequestLoad.Start.BENCHMARK).
        int wave = Math.min(load.concurrency(), load.requests());
        Run first = new Run(load.withRequests(wave).withStart(RequestLoad.Start.TOGETHER));
        first.simulate();
        int rest = load.requests() - wave;
        if (rest == 0) {
            return first.result(List.of("benchmark start: " + wave + " requests, one wave sent together"));
        }
        Run steady = new Run(load.withRequests(Math.max(rest, MIN_STEADY_REQUESTS)).withStart(RequestLoad.Start.SPREAD));
        steady.simulate();
        double w = (double) rest / steady.finished;
        String note = "benchmark start: the first wave of " + wave + " requests sent together, the other " + rest
                + " in the spread steady state (simulated with " + steady.finished + " requests, weighted " + String.format(java.util.Locale.ROOT, "%.3g", w)
                + " each); ITL percentiles from both parts' histograms";
        return first.result(weighted(first.ttft, first.finished, steady.ttft, steady.finished, w),
                weighted(first.tpot, first.tpotCount, steady.tpot, steady.tpotCount, w),
                LogHistogram.weighted(first.itl, steady.itl, w),
                weighted(first.e2e, first.finished, steady.e2e, steady.finished, w), load.requests(),
                Math.round(first.countedTokens + w * steady.countedTokens), first.measuredTokens() + w * steady.measuredTokens(),
                first.makespan() + w * steady.makespan(), first.joules() + w * steady.joules(),
                (int) Math.round(first.preemptions + w * (steady.preemptions - steady.preemptionsBefore)),
                Math.max(first.peak(), steady.peak()), Math.round(first.decodeSteps() + w * steady.decodeSteps()),
                Math.round(first.decodeSequences() + w * steady.decodeSequences()),
                steady.seriesInstance().series.result(), List.of(note, "the time series is the steady-state run's, its warm-up included"));
    }

    /** The steady state of a benchmark start is simulated with at least this many requests (then weighted). */
    static final int MIN_STEADY_REQUESTS = 100;

    /** Mean and nearest-rank percentiles of {@code a} (weight 1 each) and {@code b} (weight {@code wb} each). */
    static ServingResult.Stats weighted(double[] a, int na, double[] b, int nb, double wb) {
        if (na + nb == 0) {
            return ServingResult.Stats.EMPTY;
        }
        double[][] v = new double[na + nb][];
        double total = 0;
        double sum = 0;
        for (int i = 0; i < na; i++) {
            v[i] = new double[] {a[i], 1};
        }
        for (int i = 0; i < nb; i++) {
            v[na + i] = new double[] {b[i], wb};
        }
        Arrays.sort(v, (x, y) -> Double.compare(x[0], y[0]));
        for (double[] x : v) {
            total += x[1];
            sum += x[0] * x[1];
        }
        return new ServingResult.Stats(Math.round(na + nb * wb), sum / total, weightedRank(v, total, 0.50),
                weightedRank(v, total, 0.90), weightedRank(v, total, 0.99), v[v.length - 1][0]);
    }

    /** The smallest value whose cumulative weight reaches {@code p} of {@code total} (nearest rank). */
    private static double weightedRank(double[][] sorted, double total, double p) {
        double seen = 0;
        for (double[] x : sorted) {
            seen += x[1];
            if (seen >= p * total * (1 - 1e-12)) {
                return x[0];
            }
        }
        return sorted[sorted.length - 1][0];
    }

    static ServingResult.Stats stats(double[] values, int n) {
        if (n == 0) {
            return ServingResult.Stats.EMPTY;
        }
        double[] v = Arrays.copyOf(values, n);
        Arrays.sort(v);
        double sum = 0;
        for (double x : v) {
            sum += x;
        }
        return new ServingResult.Stats(n, sum / n, rank(v, 0.50), rank(v, 0.90), rank(v, 0.99), v[n - 1]);
    }

    /** The nearest-rank percentile of sorted values. */
    static double rank(double[] sorted, double p) {
        int i = (int) Math.ceil(p * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }

    /** Token gaps by 0.1%-wide logarithmic bins from 1 ns; mean exact. */
    static final class LogHistogram {
        private static final double STEP = Math.log1p(1e-3);
        private long[] bins = new long[1024];
        private long count;
        private double sum;
        private double max;
        private long zeros;
        private double lastValue = Double.NaN;
        private int lastBin;

        void add(double v) {
            if (!(v >= 0) || Double.isInfinite(v)) {
                throw new ArithmeticException("serving simulator: a token gap of " + v + " s");
            }
            count++;
            sum += v;
            max = Math.max(max, v);
            if (v < 1e-9) {
                zeros++;
                return;
            }
            if (v == lastValue) {
                // The sequences of one step share their gap: one logarithm per step, not per token.
                bins[lastBin]++;
                return;
            }
            int b = (int) (Math.log(v / 1e-9) / STEP);
            lastValue = v;
            lastBin = b;
            if (b >= bins.length) {
                bins = Arrays.copyOf(bins, Math.max(b + 1, bins.length * 2));
            }
            bins[b]++;
        }

        /** Mean and percentiles of {@code a}'s gaps (weight 1 each) and {@code b}'s (weight {@code wb} each). */
        static ServingResult.Stats weighted(LogHistogram a, LogHistogram b, double wb) {
            double count = a.count + wb * b.count;
            if (count == 0) {
                return ServingResult.Stats.EMPTY;
            }
            double mean = (a.sum + wb * b.sum) / count;
            double zeros = a.zeros + wb * b.zeros;
            int n = Math.max(a.bins.length, b.bins.length);
            double[] bins = new double[n];
            for (int i = 0; i < a.bins.length; i++) {
                bins[i] += a.bins[i];
            }
            for (int i = 0; i < b.bins.length; i++) {
                bins[i] += wb * b.bins[i];
            }
            double max = Math.max(a.max, b.count > 0 ? b.max : 0);
            return new ServingResult.Stats(Math.round(count), mean, at(bins, zeros, count, max, 0.50),
                    at(bins, zeros, count, max, 0.90), at(bins, zeros, count, max, 0.99), max);
        }

        private static double at(double[] bins, double zeros, double count, double max, double p) {
            double rank = p * count * (1 - 1e-12);
            double seen = zeros;
            if (seen >= rank) {
                return 0;
            }
            for (int b = 0; b < bins.length; b++) {
                seen += bins[b];
                if (seen >= rank) {
                    return Math.min(max, 1e-9 * Math.exp((b + 0.5) * STEP));
                }
            }
            return max;
        }

        ServingResult.Stats stats() {
            return weighted(this, new LogHistogram(), 0);
        }
    }
}
