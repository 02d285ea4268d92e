package org.opsim.sweep;

import java.io.IOException;
import java.io.Writer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import org.opsim.hardware.HardwareProfile;
import org.opsim.model.Model;

/**
 * Costs every configuration of a {@link SweepSpace} on every profile, in parallel, streaming rows to
 * a writer as it goes and keeping only the Pareto frontier.
 *
 * <pre>{@code
 * Sweep sweep = Sweep.builder(llama70b, space, profiles)
 *         .pareto(Metric.USD_PER_MILLION_TOKENS, Metric.SECONDS_PER_TOKEN)
 *         .build();
 * try (Writer out = Files.newBufferedWriter(Path.of("sweep.csv"))) {
 *     SweepSummary s = sweep.run(out, RowFormat.CSV);
 * }
 * }</pre>
 *
 * <p>Worker threads take chunks of consecutive workloads (see {@link SweepSpace} for the order),
 * each keeping one plan per variant and profile: a copy of the run's workload-parametric plan
 * (compiled once per variant and profile, docs/cost-model.md §17), or, where the model's graphs are not
 * closed-form over the space or for training, a compiled plan whose shapes each workload's graph rewrites; the calling thread writes finished chunks
 * in order, so the output is the same whatever the thread count, and at most a few chunks per
 * thread are held at once. A configuration a chip cannot run (a tensor-parallel degree that does
 * not divide the model, a precision the chip lacks, not enough memory unless
 * {@link Builder#keepOversized}) is skipped and counted, never fatal. Immutable; {@link #run} may be
 * called again.
 */
public final class Sweep {
    private static final int MAX_REASONS = 32;

    private final Model model;
    private final SweepSpace space;
    private final List<HardwareProfile> profiles;
    private final int threads;
    private final boolean keepOversized;
    private final Metric x;
    private final Metric y;
    private final LongConsumer progress;
    private final int chunkRows;

    private Sweep(Builder b) {
        model = b.model;
        space = b.space;
        profiles = b.profiles;
        threads = b.threads;
        keepOversized = b.keepOversized;
        x = b.x;
        y = b.y;
        progress = b.progress;
        chunkRows = b.chunkRows;
    }

    public static Builder builder(Model model, SweepSpace space, List<HardwareProfile> profiles) {
        return new Builder(model, space, profiles);
    }

    /** Configurations in the sweep: workloads × profiles. */
    public long points() {
        return Math.multiplyExact(space.workloadCount(), (long) profiles.size());
    }

    /**
     * Runs the sweep, writing {@code format}'s header, every row and its footer to {@code out} (which
     * it flushes, not closes).
     */
    public SweepSummary run(Writer out, RowFormat format) throws IOException {
        Objects.requireNonNull(out, "out");
        Objects.requireNonNull(format, "format");
        return run(out, format, null);
    }

    /**
     * Runs the sweep, handing every row to {@code sink} in sweep order, on the calling thread (the
     * workers cost in parallel; rows are not formatted): for a caller that filters, aggregates or
     * stores rows itself. {@code sink} may throw to stop the sweep.
     */
    public SweepSummary run(Consumer<? super SweepRow> sink) {
        Objects.requireNonNull(sink, "sink");
        try {
            return run(null, null, sink);
        } catch (IOException cannot) {
            throw new IllegalStateException(cannot); // no writer: nothing is written
        }
    }

    private SweepSummary run(Writer out, RowFormat format, Consumer<? super SweepRow> sink) throws IOException {
        long start = System.nanoTime();
        long workloads = space.workloadCount();
        long chunk = Math.max(1, chunkRows / profiles.size());
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "opsim-sweep");
            t.setDaemon(true);
            return t;
        });
        SharedPlans shared = new SharedPlans();
        ThreadLocal<ChunkWorker> workers = ThreadLocal.withInitial(
                () -> new ChunkWorker(model, space, profiles, keepOversized, format, x, y, shared));
        ArrayDeque<Future<ChunkWorker.Chunk>> inFlight = new ArrayDeque<>();
        Map<String, Long> skipped = new LinkedHashMap<>();
        ParetoFrontier<SweepRow> frontier = new ParetoFrontier<>();
        long rows = 0;
        long skips = 0;
        long done = 0;
        try {
            if (out != null) {
                out.write(format.header());
            }
            long next = 0;
            while (next < workloads || !inFlight.isEmpty()) {
                while (next < workloads && inFlight.size() < 2 * threads + 2) {
                    long from = next;
                    long to = Math.min(workloads, from + chunk);
                    inFlight.add(pool.submit(() -> workers.get().run(from, to)));
                    next = to;
                }
                ChunkWorker.Chunk c = take(inFlight.poll());
                if (sink != null) {
                    c.kept().forEach(sink);
                } else if (c.rows() > 0) {
                    if (rows > 0) {
                        out.write(format.separator());
                    }
                    out.append(c.text());
                }
                rows += c.rows();
                for (Map.Entry<String, Long> e : c.skipped().entrySet()) {
                    String reason = skipped.containsKey(e.getKey()) || skipped.size() < MAX_REASONS ? e.getKey() : "other";
                    skipped.merge(reason, e.getValue(), Long::sum);
                    skips += e.getValue();
                }
                frontier.offerAll(c.frontier());
                done += c.points();
                progress.accept(done);
            }
            if (out != null) {
                out.write(format.footer());
                out.flush();
            }
        } finally {
            pool.shutdownNow();
        }
        List<Map.Entry<String, Long>> byCount = new ArrayList<>(skipped.entrySet());
        byCount.sort(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder()));
        Map<String, Long> sorted = new LinkedHashMap<>();
        byCount.forEach(e -> sorted.put(e.getKey(), e.getValue()));
        return new SweepSummary(done, rows, skips, sorted, (System.nanoTime() - start) / 1e9, x, y, frontier.items(),
                shared.graphPaths());
    }

    private static ChunkWorker.Chunk take(Future<ChunkWorker.Chunk> f) throws IOException {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("sweep interrupted", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(cause);
        }
    }

    /** Sets up a sweep; the defaults: every core, oversized configurations skipped, $/M tokens vs s/token. */
    public static final class Builder {
        private final Model model;
        private final SweepSpace space;
        private final List<HardwareProfile> profiles;
        private int threads = Runtime.getRuntime().availableProcessors();
        private boolean keepOversized;
        private Metric x = Metric.USD_PER_MILLION_TOKENS;
        private Metric y = Metric.SECONDS_PER_TOKEN;
        private LongConsumer progress = done -> { };
        private int chunkRows = 4096;

        private Builder(Model model, SweepSpace space, List<HardwareProfile> profiles) {
            this.model = Objects.requireNonNull(model, "model");
            this.space = Objects.requireNonNull(space, "space");
            if (profiles == null || profiles.isEmpty()) {
                throw new IllegalArgumentException("sweep: profiles: needs at least one");
            }
            this.profiles = List.copyOf(profiles);
        }

        /** Worker threads (default: every core). */
        public Builder threads(int n) {
            if (n <= 0) {
                throw new IllegalArgumentException("sweep: threads must be > 0, got " + n);
            }
            threads = n;
            return this;
        }

        /** Also write configurations whose weights, cache and activations exceed the chip's memory. */
        public Builder keepOversized(boolean keep) {
            keepOversized = keep;
            return this;
        }

        /** The two metrics of the Pareto frontier. */
        public Builder pareto(Metric x, Metric y) {
            this.x = Objects.requireNonNull(x, "x");
            this.y = Objects.requireNonNull(y, "y");
            if (x == y) {
                throw new IllegalArgumentException("sweep: a Pareto frontier needs two different metrics, got " + x.id() + " twice");
            }
            return this;
        }

        /** Called on the running thread with the points done so far, after each chunk. */
        public Builder progress(LongConsumer listener) {
            progress = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /** About how many rows a worker formats before handing them over (default 4096). */
        public Builder chunkRows(int n) {
            if (n <= 0) {
                throw new IllegalArgumentException("sweep: chunk rows must be > 0, got " + n);
            }
            chunkRows = n;
            return this;
        }

        public Sweep build() {
            return new Sweep(this);
        }
    }
}
