package org.opsim.serve;

import org.opsim.internal.io.Ids;

/**
 * The requests a serving benchmark sends: {@code requests} of them with input and output lengths, either in a
 * closed loop ({@code concurrency} clients, each sending its next request when its last one finished) or in an open
 * loop (Poisson arrivals at {@code ratePerSecond}). How a closed loop's clients start is {@code start}.
 *
 * @param concurrency clients of a closed loop, or 0 for an open loop
 * @param ratePerSecond arrivals per second of an open loop, or 0 for a closed loop
 * @param seed the generator's seed for lengths and arrival times (a run is reproducible bit for bit)
 * @param start how a closed loop's clients start ({@link Start#TOGETHER} for an open loop)
 */
public record RequestLoad(Lengths input, Lengths output, int requests, int concurrency, double ratePerSecond, long seed,
                          Start start) {

    /**
     * How a closed loop's clients start, which decides whether their requests stay in step (docs/serving.md §2).
     * With fixed lengths, requests that start together also end together and arrive together again: every wave's
     * prompts share the prefill steps.
     */
    public enum Start {
        /** Every client sends its first request at time 0 (vLLM's, SGLang's and genai-perf's clients at a concurrency). */
        TOGETHER("together"),
        /**
         * The steady state of a long run whose clients have drifted apart (as varying lengths leave them): each
         * client's phase is uniform over one request's time. Simulated by a warm-up request per client, its output
         * drawn uniformly over 1..the longest output, which no figure counts; throughput, energy and cost are
         * measured from the first counted request's arrival.
         */
        SPREAD("spread"),
        /**
         * A benchmark whose first wave ({@code concurrency} requests) arrives together and whose other requests
         * run in the {@link #SPREAD} steady state: its figures are those of the {@code requests} requests, the first
         * wave's {@code concurrency} of them and the rest's; the steady state is simulated with at least 100
         * requests and weighted to the rest's share, the two parts run back to back for throughput, energy and cost.
         */
        BENCHMARK("benchmark");

        private final String id;

        Start(String id) {
            this.id = id;
        }

        public String id() {
            return id;
        }

        public static Start parse(String s) {
            return Ids.parse(s, values(), Start::id, "client start");
        }
    }

    public RequestLoad {
        java.util.Objects.requireNonNull(input, "input");
        java.util.Objects.requireNonNull(output, "output");
        java.util.Objects.requireNonNull(start, "start");
        if (requests < 1 || requests > 10_000_000) {
            throw new IllegalArgumentException("a load needs 1..10000000 requests, got " + requests);
        }
        if (concurrency < 0 || concurrency > 1_000_000) {
            throw new IllegalArgumentException("concurrency must be 0..1000000, got " + concurrency);
        }
        if (!(ratePerSecond >= 0 && ratePerSecond < 1e9)) {
            throw new IllegalArgumentException("a request rate must be finite and >= 0, got " + ratePerSecond);
        }
        if ((concurrency > 0) == (ratePerSecond > 0)) {
            throw new IllegalArgumentException("give either a concurrency (closed loop) or a request rate (open loop), got "
                    + concurrency + " and " + ratePerSecond);
        }
        if (concurrency == 0 && start != Start.TOGETHER) {
            throw new IllegalArgumentException("an open loop has no clients to start " + start.id()
                    + ": its requests arrive at random times");
        }
    }

    /** A load whose closed loop starts every client at time 0. */
    public RequestLoad(Lengths input, Lengths output, int requests, int concurrency, double ratePerSecond, long seed) {
        this(input, output, requests, concurrency, ratePerSecond, seed, Start.TOGETHER);
    }

    /** A closed loop: {@code clients} clients sending {@code requests} requests of fixed lengths, all starting at 0. */
    public static RequestLoad closed(int clients, int inputTokens, int outputTokens, int requests) {
        return new RequestLoad(Lengths.fixed(inputTokens), Lengths.fixed(outputTokens), requests, clients, 0, 1);
    }

    /** An open loop: Poisson arrivals at {@code perSecond}, fixed lengths. */
    public static RequestLoad open(double perSecond, int inputTokens, int outputTokens, int requests, long seed) {
        return new RequestLoad(Lengths.fixed(inputTokens), Lengths.fixed(outputTokens), requests, 0, perSecond, seed);
    }

    /** The default request count of a closed-loop benchmark at {@code concurrency}: ten per client, at least 100. */
    public static int defaultRequests(int concurrency) {
        return (int) Math.min(10_000_000L, Math.max(100L, 10L * concurrency));
    }

    /** This load with its clients started as {@code s}. */
    public RequestLoad withStart(Start s) {
        return new RequestLoad(input, output, requests, concurrency, ratePerSecond, seed, s);
    }

    /** This load with {@code n} requests. */
    public RequestLoad withRequests(int n) {
        return new RequestLoad(input, output, n, concurrency, ratePerSecond, seed, start);
    }

    public boolean closedLoop() {
        return concurrency > 0;
    }
}
