package org.opsim.serve;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.opsim.deploy.SystemProfile;
import org.opsim.hardware.ServingEngine;
import org.opsim.model.Model;
import org.opsim.model.Workload;

/**
 * The best serving deployment under latency targets (docs/serving.md §7): over one scale-up domain of a system (an
 * HGX board, an NVL72 rack, a TPU slice), aggregated instances at TP 1, 2, 4, … and the domain's size (for a
 * mixture of experts also attention data parallelism: 2, 4, … ranks of TP 1 with the experts over all of them by
 * expert parallelism), and
 * disaggregated prefill/decode pools at pool ratios 1:1, 1:2, 1:3, 2:1 and 3:1 of instances at one TP that fit the
 * domain (a degree the model's heads do not divide, or a model that does not fit, is listed as refused); each at
 * concurrencies 1, 2, 4, … per instance (decode instance for disaggregated pools), stopping a layout's loads once the
 * p90 TTFT is four times its target and the TPOT beyond its target (more clients only queue longer). A candidate meets
 * the targets when its p90 TTFT and mean TPOT are within them. A deployment of fewer chips than the domain is priced
 * by its own chips (the rest of the domain is left to other work).
 */
public final class DeploymentSearch {

    /** Latency targets: p90 TTFT and mean TPOT, in seconds. */
    public record Targets(double ttftP90Seconds, double tpotSeconds) {
        public Targets {
            if (!(ttftP90Seconds > 0) || !(tpotSeconds > 0) || Double.isInfinite(ttftP90Seconds) || Double.isInfinite(tpotSeconds)) {
                throw new IllegalArgumentException("latency targets must be finite and > 0, got " + ttftP90Seconds + " and "
                        + tpotSeconds);
            }
        }

        public boolean met(ServingResult r) {
            return r.ttft().p90() <= ttftP90Seconds && r.tpot().mean() <= tpotSeconds;
        }
    }

    /** One deployment at one load, simulated. */
    public record Candidate(ServingDeployment deployment, int concurrency, ServingResult result, boolean meetsTargets) {
    }

    /** What a search found: every candidate simulated, those refused and why. */
    public record Outcome(SystemProfile system, List<Candidate> candidates, List<String> refused) {
        public Outcome {
            candidates = List.copyOf(candidates);
            refused = List.copyOf(refused);
        }

        /** The candidate meeting the targets at the lowest $ per million output tokens. */
        public Optional<Candidate> cheapest() {
            return candidates.stream().filter(Candidate::meetsTargets)
                    .min(Comparator.comparingDouble(c -> c.result().usdPerMillionTokens()));
        }

        /** The candidate meeting the targets at the most output tokens/s per chip. */
        public Optional<Candidate> mostPerChip() {
            return candidates.stream().filter(Candidate::meetsTargets)
                    .max(Comparator.comparingDouble(c -> c.result().tokensPerSecondPerChip()));
        }

        /**
         * The Pareto frontier of tokens/s per user against tokens/s per chip over every candidate (met or not): no
         * other candidate is at least as fast per user and per chip and faster in one; by tokens/s per user, ascending.
         */
        public List<Candidate> frontier() {
            List<Candidate> sorted = new ArrayList<>(candidates);
            sorted.sort(Comparator.comparingDouble((Candidate c) -> -c.result().tokensPerSecondPerUser())
                    .thenComparingDouble(c -> -c.result().tokensPerSecondPerChip()));
            List<Candidate> out = new ArrayList<>();
            double best = Double.NEGATIVE_INFINITY;
            for (Candidate c : sorted) {
                if (c.result().tokensPerSecondPerChip() > best) {
                    out.add(c);
                    best = c.result().tokensPerSecondPerChip();
                }
            }
            java.util.Collections.reverse(out);
            return out;
        }
    }

    static final int[] RATIOS = {1, 1, 1, 2, 1, 3, 2, 1, 3, 1};

    private DeploymentSearch() {
    }

    /**
     * Searches one scale-up domain of {@code system} (its chip under the serving stack already) with {@code engine}.
     *
     * @param maxConcurrency the largest concurrency per instance tried (powers of two up to it)
     * @param requestsPerClient requests each client sends (at least 4 per candidate in all)
     * @param disaggregated whether disaggregated pools are tried
     */
    public static Outcome search(Model model, Workload like, SystemProfile system, ServingEngine engine, int isl, int osl,
                                 Targets targets, int maxConcurrency, int requestsPerClient, boolean disaggregated) {
        Objects.requireNonNull(targets, "targets");
        if (maxConcurrency < 1 || maxConcurrency > 65536) {
            throw new IllegalArgumentException("a search's concurrency per instance must be 1..65536, got " + maxConcurrency);
        }
        int domain = system.chipsPerNodeCount();
        List<Candidate> out = new ArrayList<>();
        List<String> refused = new ArrayList<>();
        ServingSimulator.PlanCache cache = new ServingSimulator.PlanCache();
        List<Integer> tps = new ArrayList<>();
        for (int tp = 1; tp <= domain; tp *= 2) {
            tps.add(tp);
        }
        if (!tps.contains(domain)) {
            tps.add(domain);
        }
        List<ServingDeployment> layouts = new ArrayList<>();
        boolean experts = model.architecture().flatMap(a -> a.experts()).isPresent();
        for (int tp : tps) {
            layouts.add(ServingDeployment.aggregated(system, engine, new Pool(1, tp)));
            if (experts && tp > 1) {
                layouts.add(ServingDeployment.aggregated(system, engine, new Pool(1, 1, tp, tp)));
            }
            if (disaggregated) {
                for (int i = 0; i < RATIOS.length; i += 2) {
                    int p = RATIOS[i];
                    int d = RATIOS[i + 1];
                    if ((long) (p + d) * tp <= domain) {
                        layouts.add(ServingDeployment.disaggregated(system, engine, new Pool(p, tp), new Pool(d, tp)));
                    }
                }
            }
        }
        for (ServingDeployment d : layouts) {
            ServingSimulator sim;
            try {
                sim = ServingSimulator.prepare(model, like, d, isl, osl, Optional.empty(), cache);
            } catch (IllegalArgumentException e) {
                refused.add(d.describe() + ": " + e.getMessage());
                continue;
            }
            int instances = d.decode().map(Pool::workers).orElse(d.prefill().workers());
            for (int c = 1; c <= maxConcurrency; c *= 2) {
                int clients = c * instances;
                int requests = Math.max(4 * clients, requestsPerClient * clients);
                ServingResult r = sim.run(RequestLoad.closed(clients, isl, osl, requests).withStart(RequestLoad.Start.BENCHMARK));
                out.add(new Candidate(d, clients, r, targets.met(r)));
                if (r.ttft().p90() > 4 * targets.ttftP90Seconds() && r.tpot().mean() > targets.tpotSeconds()) {
                    break; // more clients only queue longer
                }
            }
        }
        return new Outcome(system, out, refused);
    }
}
