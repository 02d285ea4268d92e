package org.opsim.serve;

/**
 * The requests a serving benchmark sends: {@code requests} of them with input and output lengths, either in a
 * closed loop ({@code concurrency} clients, each sending its next request when its last one finished, all starting
 * at time 0, as vLLM's, SGLang's and genai-perf's benchmarks at a fixed concurrency) or in an open loop (Poisson
 * arrivals at {@code ratePerSecond}).
 *
 * @param concurrency clients of a closed loop, or 0 for an open loop
 * @param ratePerSecond arrivals per second of an open loop, or 0 for a closed loop
 * @param seed the generator's seed for lengths and arrival times (a run is reproducible bit for bit)
 */
public record RequestLoad(Lengths input, Lengths output, int requests, int concurrency, double ratePerSecond, long seed) {

    public RequestLoad {
        java.util.Objects.requireNonNull(input, "input");
        java.util.Objects.requireNonNull(output, "output");
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
    }

    /** A closed loop: {@code clients} clients sending {@code requests} requests of fixed lengths. */
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

    public boolean closedLoop() {
        return concurrency > 0;
    }
}
