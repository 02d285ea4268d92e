package org.opsim.validation;

import com.fasterxml.jackson.dataformat.csv.CsvGenerator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.opsim.Catalogue;
import org.opsim.deploy.SystemProfile;
import org.opsim.graph.Precision;
import org.opsim.hardware.ServingEngine;
import org.opsim.hardware.SoftwareStack;
import org.opsim.internal.io.AtomicFiles;
import org.opsim.internal.io.CsvTable;
import org.opsim.io.InputException;
import org.opsim.model.Model;
import org.opsim.model.Precisions;
import org.opsim.model.Workload;
import org.opsim.serve.Lengths;
import org.opsim.serve.Pool;
import org.opsim.serve.RequestLoad;
import org.opsim.serve.ServingDeployment;
import org.opsim.serve.ServingResult;
import org.opsim.serve.ServingSimulator;

/**
 * Serving benchmarks in the format of {@code shared/validation/serving-*.csv} (docs/serving.md §5): one row per
 * model, backend, deployment, ISL/OSL and concurrency with the measured TTFT and TPOT. {@link #read} checks the file
 * (a malformed one is an {@link InputException} naming the row and column); {@link #predict} simulates each row and
 * says for a row it cannot represent why, leaving its predictions empty.
 */
public final class ServingCases {

    static final List<String> REQUIRED = List.of("model_path", "system", "backend", "mode", "isl", "osl");

    private ServingCases() {
    }

    /** One row: its 1-based data-row number, the header and its cells (kept to be written back). */
    public record Case(int number, List<String> header, List<String> cells) {

        public Case {
            header = List.copyOf(header);
            cells = List.copyOf(cells);
        }

        public String get(String column) {
            int i = header.indexOf(column);
            return i < 0 || i >= cells.size() ? "" : cells.get(i).trim();
        }

        /** Measured mean TTFT in seconds, or NaN where the row has none. */
        public double measuredTtftSeconds() {
            return millis("silicon_ttft_ms");
        }

        /** Measured mean TPOT in seconds, or NaN where the row has none. */
        public double measuredTpotSeconds() {
            return millis("silicon_tpot_ms");
        }

        private double millis(String column) {
            String v = get(column);
            if (v.isEmpty()) {
                return Double.NaN;
            }
            double ms = Double.parseDouble(v);
            return ms / 1e3;
        }
    }

    /** The file's header and rows; every required column present, numbers where numbers belong. */
    public record File(String label, List<String> header, List<Case> cases) {
        public File {
            header = List.copyOf(header);
            cases = List.copyOf(cases);
        }
    }

    /** A row's prediction: TTFT and TPOT in seconds, or why there is none. */
    public record Prediction(Case row, Optional<ServingResult> result, Optional<String> error, List<String> notes) {
        public Prediction {
            notes = List.copyOf(notes);
        }
    }

    public static File read(Path file) {
        CsvTable t = CsvTable.read(file).require(REQUIRED.toArray(String[]::new));
        List<Case> out = new ArrayList<>();
        for (CsvTable.Row r : t.rows()) {
            for (String c : List.of("isl", "osl")) {
                r.whole(c);
            }
            for (String c : List.of("batch_size", "tp_size", "pp_size", "attention_dp_size", "moe_tp_size", "moe_ep_size",
                    "prefill_num_workers", "prefill_tp_size", "decode_num_workers", "decode_tp_size")) {
                if (t.has(c) && !r.text(c, "").isBlank()) {
                    r.whole(c);
                }
            }
            for (String c : List.of("silicon_ttft_ms", "silicon_tpot_ms")) {
                if (t.has(c) && !r.text(c, "").isBlank()) {
                    r.positive(c);
                }
            }
            String mode = r.text("mode");
            if (!mode.equals("agg") && !mode.equals("disagg")) {
                throw r.error("mode", "expected agg or disagg, got '" + mode + "'");
            }
            out.add(new Case(r.number(), t.header(), r.cells()));
        }
        return new File(t.label(), t.header(), out);
    }

    /** Columns that name a row or its source, not what was measured: left out when rows are compared. */
    private static final java.util.Set<String> NAMING = java.util.Set.of("id", "silicon_data_source");

    /**
     * {@code rows} with exact repeats left out: the first of rows equal in every column but {@code id} and
     * {@code silicon_data_source} is kept (one measurement published in two source files counts once).
     */
    public static List<Case> distinct(List<Case> rows) {
        java.util.Set<List<String>> seen = new java.util.HashSet<>();
        List<Case> out = new ArrayList<>();
        for (Case c : rows) {
            if (seen.add(values(c, false))) {
                out.add(c);
            }
        }
        return out;
    }

    /**
     * How well the file predicts itself: among {@code rows} (distinct measurements), configurations measured more
     * than once (equal in every column but the naming ones and the {@code silicon_*} results) have each measurement
     * scored against the mean of its repeats, as TTFT and TPOT absolute percentage errors grouped by {@code group}
     * (and "all"). Differences there come from what the columns do not say (software builds, speculative decoding,
     * the client's arrival pattern, run-to-run noise): no model of these columns can do better on average.
     */
    public static java.util.Map<String, ErrorStats[]> repeatability(List<Case> rows, java.util.function.Function<Case, String> group) {
        java.util.Map<List<String>, List<Case>> byConfig = new java.util.LinkedHashMap<>();
        for (Case c : rows) {
            if (c.measuredTtftSeconds() > 0 && c.measuredTpotSeconds() > 0) {
                byConfig.computeIfAbsent(values(c, true), k -> new ArrayList<>()).add(c);
            }
        }
        java.util.Map<String, List<double[]>> by = new java.util.TreeMap<>();
        for (List<Case> repeats : byConfig.values()) {
            if (repeats.size() < 2) {
                continue;
            }
            double sumF = 0;
            double sumT = 0;
            for (Case c : repeats) {
                sumF += c.measuredTtftSeconds();
                sumT += c.measuredTpotSeconds();
            }
            int others = repeats.size() - 1;
            for (Case c : repeats) {
                double f = 100 * Math.abs(c.measuredTtftSeconds() / ((sumF - c.measuredTtftSeconds()) / others) - 1);
                double t = 100 * Math.abs(c.measuredTpotSeconds() / ((sumT - c.measuredTpotSeconds()) / others) - 1);
                by.computeIfAbsent(group.apply(c), k -> new ArrayList<>()).add(new double[]{f, t});
                by.computeIfAbsent("all", k -> new ArrayList<>()).add(new double[]{f, t});
            }
        }
        java.util.Map<String, ErrorStats[]> out = new java.util.LinkedHashMap<>();
        by.forEach((k, v) -> out.put(k, new ErrorStats[]{
            ErrorStats.of(k + " TTFT", v.stream().mapToDouble(x -> x[0]).toArray()),
            ErrorStats.of(k + " TPOT", v.stream().mapToDouble(x -> x[1]).toArray())}));
        return out;
    }

    /**
     * A row's cells but the naming columns (and, with {@code configOnly}, the measured {@code silicon_*} ones); the
     * benchmark's concurrency, which {@code silicon_data_source} carries, is part of the configuration.
     */
    private static List<String> values(Case c, boolean configOnly) {
        List<String> v = new ArrayList<>();
        Matcher m = CONCURRENCY.matcher(c.get("silicon_data_source"));
        v.add("silicon_concurrency=" + (m.find() ? m.group(1) : ""));
        for (int i = 0; i < c.header().size(); i++) {
            String h = c.header().get(i);
            if (!NAMING.contains(h) && !(configOnly && h.startsWith("silicon_"))) {
                v.add(h + "=" + c.get(h));
            }
        }
        return v;
    }

    /**
     * How rows become simulations: the catalogue, the benchmark client (requests per client and how the clients
     * start), a stack edit (a fit's candidate) and the spread of lengths.
     */
    public record Options(Catalogue catalogue, int requestsPerClient, UnaryOperator<SoftwareStack> stackEdit,
                          double lengthRatio, RequestLoad.Start start) {
        /**
         * The shared file's benchmark client: three requests per client, the first wave together, the rest spread
         * (docs/serving.md §5, "The client's arrival pattern"; chosen on the HGX B200 rows).
         */
        public static final int FILE_REQUESTS_PER_CLIENT = 3;

        public Options {
            java.util.Objects.requireNonNull(start, "start");
            if (requestsPerClient < 1) {
                throw new IllegalArgumentException("a benchmark needs at least one request per client, got " + requestsPerClient);
            }
            if (!(lengthRatio > 0 && lengthRatio <= 1)) {
                throw new IllegalArgumentException("a length ratio must be in (0, 1], got " + lengthRatio);
            }
        }

        public static Options defaults(Catalogue c) {
            return new Options(c, FILE_REQUESTS_PER_CLIENT, UnaryOperator.identity(), 1.0, RequestLoad.Start.BENCHMARK);
        }

        /** These options with {@code edit} applied to each row's stack (a fit's candidate parameters). */
        public Options withStackEdit(UnaryOperator<SoftwareStack> edit) {
            return new Options(catalogue, requestsPerClient, edit, lengthRatio, start);
        }

        public Options withLengthRatio(double ratio) {
            return new Options(catalogue, requestsPerClient, stackEdit, ratio, start);
        }

        /** These options with the benchmark client's {@code perClient} requests per client started as {@code s}. */
        public Options withClient(int perClient, RequestLoad.Start s) {
            return new Options(catalogue, perClient, stackEdit, lengthRatio, s);
        }
    }

    /** Simulates each row (rows that cannot be represented get an error); plans are shared through {@code cache}. */
    public static List<Prediction> predict(File file, Options options, ServingSimulator.PlanCache cache) {
        List<Prediction> out = new ArrayList<>(file.cases().size());
        for (Case c : file.cases()) {
            out.add(predict(c, options, cache));
        }
        return out;
    }

    private static final Pattern CONCURRENCY = Pattern.compile("silicon_concurrency=(\\d+)");

    /** The scenario a row describes, or an error saying what cannot be represented. */
    public static Prediction predict(Case c, Options options, ServingSimulator.PlanCache cache) {
        List<String> notes = new ArrayList<>();
        try {
            Catalogue cat = options.catalogue();
            Catalogue.HuggingFaceModel hf = cat.huggingFace(c.get("model_path"));
            Model model = cat.model(hf.model()).requireModel("a serving case");
            SystemProfile system = cat.system(c.get("system"));
            String backend = c.get("backend");
            String version = c.get("backend_version");
            Catalogue.ServingStack st = cat.servingStack(version.isEmpty() ? backend : backend + "@" + version);
            st.note().ifPresent(notes::add);
            SoftwareStack stack = options.stackEdit().apply(st.stack());
            ServingEngine engine = stack.serving().orElseThrow();
            system = system.withChip(system.chip().withStack(stack));
            Precisions p = precisions(c, backend, hf.weights());
            if (!c.get("gemm_quant_mode").isEmpty() || !c.get("precision").isEmpty()) {
                // The row's formats replace the checkpoint's (a DeepSeek-R1 config says fp8; the row may run nvfp4):
                // the layers' weight GEMMs in the row's format (inputs quantised alike for fp8 and nvfp4), routers,
                // embedding and lm_head in bf16, the residual stream, norms and all-reduces in bf16.
                if (model instanceof org.opsim.model.transformer.TransformerModel tm) {
                    tm.quantization().ifPresent(q -> notes.add("the row's " + p.weights().id()
                            + " weights replace the checkpoint's formats (" + q.scheme() + ")"));
                    model = tm.servedIn(p.weights(), p.kvCache());
                }
            }
            Workload like = Workload.decode(1, 1).withPrecisions(p);
            int isl = whole(c, "isl");
            int osl = whole(c, "osl");
            int concurrency;
            ServingDeployment d;
            if (c.get("mode").equals("agg")) {
                // batch_size counts one attention rank's requests (the file's DP rows: silicon_concurrency = batch_size
                // × attention DP); where the benchmark's concurrency is a whole multiple of an instance's, the load was
                // spread over that many instances.
                Pool one = pool(c, "", 1, notes);
                int batch = whole(c, "batch_size");
                if (batch < 1) {
                    return error(c, "batch_size must be >= 1, got " + batch, notes);
                }
                long perInstance = (long) batch * one.attentionDp();
                Optional<Integer> sc = siliconConcurrency(c);
                long clients = sc.isPresent() ? sc.get() : perInstance;
                if (clients < perInstance || clients % perInstance != 0) {
                    return error(c, "silicon_concurrency " + clients + " is not a whole multiple of batch_size × attention DP "
                            + perInstance, notes);
                }
                int instances = (int) (clients / perInstance);
                if (instances > 1) {
                    notes.add("silicon_concurrency " + clients + " = " + instances + " instances × batch_size × attention DP "
                            + perInstance + ": " + instances + " instances share the load");
                }
                concurrency = (int) clients;
                Pool all = new Pool(instances, one.tensorParallel(), one.attentionDp(), one.expertParallel());
                system = nodes(system, all.chips(), notes);
                d = ServingDeployment.aggregated(system, engine, all);
            } else {
                Optional<Integer> sc = siliconConcurrency(c);
                if (sc.isEmpty()) {
                    return error(c, "a disaggregated row needs silicon_concurrency in silicon_data_source", notes);
                }
                concurrency = sc.get();
                if (c.get("prefill_num_workers").isEmpty() || c.get("decode_num_workers").isEmpty()) {
                    // How many instances shared the load decides TTFT and TPOT; guessing it would be a per-row knob.
                    return error(c, "a disaggregated row needs prefill_num_workers and decode_num_workers", notes);
                }
                Pool prefill = pool(c, "prefill_", whole(c, "prefill_num_workers"), notes);
                Pool decode = pool(c, "decode_", whole(c, "decode_num_workers"), notes);
                system = nodes(system, prefill.chips() + decode.chips(), notes);
                d = ServingDeployment.disaggregated(system, engine, prefill, decode);
            }
            ServingSimulator sim = ServingSimulator.prepare(model, like, d, isl, osl, Optional.empty(), cache);
            // A benchmark start simulates its steady state with at least 100 requests itself; the others get 100.
            long perClient = (long) options.requestsPerClient() * concurrency;
            int requests = (int) Math.min(100_000L, options.start() == RequestLoad.Start.BENCHMARK ? perClient
                    : Math.max(100L, perClient));
            ServingResult r = sim.run(new RequestLoad(spread(isl, options.lengthRatio()), spread(osl, options.lengthRatio()),
                    requests, concurrency, 0, 1, options.start()));
            // The client's start (the same for every row: Options, docs/serving.md §5) is not repeated on each row.
            r.notes().stream().filter(n -> !n.startsWith("ITL") && !n.startsWith("the time series")
                    && !n.startsWith("benchmark start")).forEach(notes::add);
            return new Prediction(c, Optional.of(r), Optional.empty(), notes);
        } catch (InputException e) {
            throw e;
        } catch (RuntimeException e) {
            return error(c, e.getMessage() == null ? e.toString() : e.getMessage(), notes);
        }
    }

    /** A row's length as the benchmark client drew it: uniform over {@code ceil(ratio·L)..L} (fixed at ratio 1). */
    static Lengths spread(int tokens, double ratio) {
        return Lengths.uniform(Math.max(1, (int) Math.ceil(ratio * tokens)), tokens);
    }

    /** The benchmark's clients from {@code silicon_data_source}, if it names them; beyond 1,000,000 refused. */
    private static Optional<Integer> siliconConcurrency(Case c) {
        Matcher m = CONCURRENCY.matcher(c.get("silicon_data_source"));
        if (!m.find()) {
            return Optional.empty();
        }
        String v = m.group(1);
        if (v.length() > 7 || Integer.parseInt(v) > 1_000_000 || Integer.parseInt(v) < 1) {
            throw new IllegalArgumentException("silicon_concurrency must be 1..1000000 clients, got " + v);
        }
        return Optional.of(Integer.parseInt(v));
    }

    /**
     * {@code system} with as many nodes as a row's {@code chips} need, joined by its scale-out link (a multi-node
     * run; noted); unchanged when one node holds them or the system has no scale-out link (the deployment then says
     * it does not fit).
     */
    private static SystemProfile nodes(SystemProfile system, long chips, List<String> notes) {
        if (chips <= system.chips() || system.interNode().isEmpty()) {
            return system;
        }
        int n = (int) Math.min(1_000_000, (chips + system.chipsPerNodeCount() - 1) / system.chipsPerNodeCount());
        notes.add(chips + " chips: " + n + " nodes of " + system.chipsPerNodeCount() + " joined by the system's scale-out link");
        return system.withNodes(n, "the row's deployment: " + chips + " chips");
    }

    private static Prediction error(Case c, String why, List<String> notes) {
        return new Prediction(c, Optional.empty(), Optional.of(why), notes);
    }

    private static int whole(Case c, String column) {
        String v = c.get(column);
        if (v.isEmpty()) {
            throw new IllegalArgumentException("no " + column);
        }
        return Integer.parseInt(v);
    }

    /** A size column: blank or 0 (the file's "none") read as 1; negative refused. */
    private static int optional(Case c, String column) {
        String v = c.get(column);
        int n = v.isEmpty() ? 1 : Integer.parseInt(v);
        if (n < 0) {
            throw new IllegalArgumentException(column + " must be >= 0, got " + n);
        }
        return Math.max(1, n);
    }

    /**
     * A row's pool ({@code prefix} "", "prefill_" or "decode_") of {@code workers} instances: TP and attention DP
     * (an instance is {@code tp_size × attention_dp_size} chips, as the file counts them) and expert parallelism
     * (MoE-EP × MoE-TP must equal the instance's chips; noted). Pipelines are refused.
     */
    private static Pool pool(Case c, String prefix, int workers, List<String> notes) {
        int tp = optional(c, prefix + "tp_size");
        int pp = optional(c, prefix + "pp_size");
        int adp = optional(c, prefix + "attention_dp_size");
        int ep = optional(c, prefix + "moe_ep_size");
        int mtp = optional(c, prefix + "moe_tp_size");
        if (pp > 1) {
            throw new IllegalArgumentException("pipeline parallelism (" + prefix + "pp_size " + pp + ") is not modelled by the serving simulator");
        }
        long chips = (long) tp * adp;
        if (ep > 1 || adp > 1) {
            if ((long) ep * mtp != chips) {
                throw new IllegalArgumentException("MoE-EP " + ep + " × MoE-TP " + mtp + " differs from the instance's "
                        + (adp > 1 ? "attention DP " + adp + " × TP " + tp : "TP " + tp));
            }
            notes.add("experts split by EP " + ep + " × MoE-TP " + mtp + " over " + chips + " chips, the busiest chip under"
                    + " random routing setting the time; the exchange of tokens costed as an all-reduce over them");
        }
        if (adp > 1) {
            notes.add("attention DP " + adp + " × TP " + tp + ": each rank schedules its own requests; the feed-forward layers"
                    + " run over all ranks' tokens on " + chips + " chips");
        }
        return new Pool(workers, tp, adp, Math.max(1, ep));
    }

    /**
     * A row's precisions: {@code gemm_quant_mode} (else {@code precision}, else the checkpoint's from the id, else
     * bf16) for the weights: fp8, fp8_block, nvfp4/fp4 (their GEMMs quantise their inputs alike:
     * {@code TransformerModel.quantisesInputs}), int4 (group 32, weight-only), bf16. Activations (residual stream, norms,
     * all-reduces, attention's arithmetic): bf16. KV cache: fp8 where the GEMMs run in fp8 or fp4 (the serving
     * recipes of such checkpoints quantise the cache: an assumption, the file does not say), else bf16.
     */
    static Precisions precisions(Case c, String backend, Optional<Precision> checkpoint) {
        // backend: kept for engines whose cache precision differs (none so far)
        String q = c.get("gemm_quant_mode");
        if (q.isEmpty()) {
            q = c.get("precision");
        }
        if (q.isEmpty()) {
            q = checkpoint.map(Precision::id).orElse("bf16");
        }
        q = q.toLowerCase(Locale.ROOT);
        Precision w;
        Precision a;
        switch (q) {
            case "fp8", "fp8_static" -> {
                w = c.get("moe_quant_mode").equals("fp8_block") ? Precision.FP8_BLOCK : Precision.FP8;
                a = Precision.BF16;
            }
            case "fp8_block", "fp8-block" -> {
                w = Precision.FP8_BLOCK;
                a = Precision.BF16;
            }
            case "nvfp4", "fp4", "w4a4_nvfp4" -> {
                w = Precision.NVFP4;
                a = Precision.BF16;
            }
            case "mxfp4" -> {
                w = Precision.MXFP4;
                a = Precision.BF16;
            }
            case "int4", "w4a16", "int4_wo", "w4a16_awq" -> {
                w = Precision.INT4_G32;
                a = Precision.BF16;
            }
            case "bf16", "float16", "fp16", "bfloat16" -> {
                w = Precision.BF16;
                a = Precision.BF16;
            }
            default -> throw new IllegalArgumentException("unknown quantisation '" + q + "'");
        }
        Precision kv = org.opsim.model.transformer.TransformerModel.servedKvCache(w);
        return new Precisions(w, a, kv);
    }


    /**
     * The file written back with {@code predicted_ttft_ms}, {@code predicted_tpot_ms}, {@code prediction_error} (why a row
     * has no prediction) and {@code prediction_notes} (what its simulation approximated) added (Jackson's CSV writer,
     * quoting only the cells that need it).
     */
    public static String write(File file, List<Prediction> predictions) {
        List<List<String>> rows = new ArrayList<>();
        List<String> header = new ArrayList<>(file.header());
        header.addAll(List.of("predicted_ttft_ms", "predicted_tpot_ms", "prediction_error", "prediction_notes"));
        rows.add(header);
        for (Prediction p : predictions) {
            List<String> cells = new ArrayList<>(p.row().cells());
            while (cells.size() < file.header().size()) {
                cells.add("");
            }
            if (p.result().isPresent()) {
                ServingResult r = p.result().get();
                cells.add(Double.toString(r.ttft().mean() * 1e3));
                cells.add(Double.toString(r.tpot().mean() * 1e3));
                cells.add("");
            } else {
                cells.add("");
                cells.add("");
                cells.add(p.error().orElse(""));
            }
            cells.add(String.join("; ", p.notes()));
            rows.add(cells);
        }
        try {
            return CSV.writer(CsvSchema.emptySchema().withLineSeparator("\n")).writeValueAsString(rows);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static final CsvMapper CSV = CsvMapper.builder().enable(CsvGenerator.Feature.STRICT_CHECK_FOR_QUOTING).build();

    public static void write(File file, List<Prediction> predictions, Path out) {
        AtomicFiles.writeString(out, write(file, predictions));
    }
}
