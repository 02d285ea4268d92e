package org.opsim.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.opsim.Catalogue;
import org.opsim.deploy.SystemProfile;
import org.opsim.graph.Precision;
import org.opsim.hardware.ServingEngine;
import org.opsim.model.Model;
import org.opsim.model.Precisions;
import org.opsim.model.Workload;
import org.opsim.serve.DeploymentSearch;
import org.opsim.serve.Lengths;
import org.opsim.serve.Pool;
import org.opsim.serve.RequestLoad;
import org.opsim.serve.ServingDeployment;
import org.opsim.serve.ServingResult;
import org.opsim.serve.ServingSimulator;
import org.opsim.serve.Speculation;
import org.opsim.validation.ServingCases;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code opsim serve}: a serving benchmark simulated request by request (docs/serving.md), or a file of them. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Simulate LLM serving request by request on a system: continuous batching with chunked prefill, "
                + "KV-cache admission and preemption, engine overheads; prints TTFT, TPOT, ITL and end-to-end latency "
                + "(mean, p50, p90, p99), tokens/s (total, per chip, per user), $ per million tokens and J per token. "
                + "With --cases, predicts a file of serving benchmarks (the format of shared/validation/serving-*.csv).")
final class ServeCommand implements Callable<Integer> {

    @Option(names = {"-m", "--model"}, paramLabel = "MODEL",
            description = "a bundled model (llama-3.1-70b), a Hugging Face id (meta-llama/Llama-3.1-70B-Instruct) or a config file")
    String model;

    @Option(names = "--system", paramLabel = "SYSTEM",
            description = "a system (hgx-h100, b200_sxm, gb200, or a system file; hardware-profiles/systems/)")
    String system;

    @Option(names = "--profiles", paramLabel = "DIR", description = "add the profiles and systems in DIR to the catalogue")
    Path profileDir;

    @Option(names = "--stack", paramLabel = "STACK",
            description = "the serving engine: vllm, sglang, tensorrt-llm (or trtllm), jax-xla, neuron, name@version or a stack "
                    + "file (default: the chip vendor's; a version the file does not know takes the nearest, said)")
    String stack;

    @Option(names = "--precision", description = "weights and GEMM inputs, replacing the checkpoint's formats (default: the "
            + "checkpoint's formats when its config gives them, else bf16)")
    String precision;

    @Option(names = "--kv", paramLabel = "PRECISION", description = "the KV cache's precision (default: --precision)")
    String kv;

    @Option(names = "--tp", defaultValue = "1", description = "tensor-parallel degree of each instance (default: ${DEFAULT-VALUE})")
    int tp;

    @Option(names = "--attention-dp", defaultValue = "1", paramLabel = "N",
            description = "attention data parallelism: N ranks of --tp chips per instance, each with its own requests and KV"
                    + " cache, the feed-forward layers (experts) split over all N × TP chips (default: ${DEFAULT-VALUE}; "
                    + "disaggregated: both pools)")
    int attentionDp;

    @Option(names = "--ep", defaultValue = "1", paramLabel = "N",
            description = "expert parallelism: each of an instance's chips holds 1/N of the experts (N divides its chips;"
                    + " the rest of the split is MoE-TP); the busiest chip under random routing sets the time (default:"
                    + " ${DEFAULT-VALUE}; disaggregated: both pools)")
    int expertParallel;

    @Option(names = "--replicas", defaultValue = "1", description = "instances behind one load balancer (default: ${DEFAULT-VALUE})")
    int replicas;

    @Option(names = "--prefill-workers", description = "disaggregated: prefill instances (with --decode-workers)")
    Integer prefillWorkers;

    @Option(names = "--prefill-tp", description = "disaggregated: TP of each prefill instance (default: --tp)")
    Integer prefillTp;

    @Option(names = "--decode-workers", description = "disaggregated: decode instances (with --prefill-workers)")
    Integer decodeWorkers;

    @Option(names = "--decode-tp", description = "disaggregated: TP of each decode instance (default: --tp)")
    Integer decodeTp;

    @Option(names = "--isl", defaultValue = "1024", paramLabel = "TOKENS|LO..HI",
            description = "input tokens per request, fixed or uniform over LO..HI (default: ${DEFAULT-VALUE})")
    String isl;

    @Option(names = "--osl", defaultValue = "1024", paramLabel = "TOKENS|LO..HI",
            description = "output tokens per request, fixed or uniform over LO..HI (default: ${DEFAULT-VALUE})")
    String osl;

    @Option(names = "--concurrency", description = "closed loop: clients, each sending its next request when the last finished")
    Integer concurrency;

    @Option(names = "--rate", description = "open loop: Poisson arrivals per second")
    Double rate;

    @Option(names = "--requests", description = "requests to send (default: 10 per client, at least 100; open loop: 1000)")
    Integer requests;

    @Option(names = "--seed", defaultValue = "1", description = "seed of lengths and arrivals (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--spec-tokens", description = "speculative decoding: tokens proposed per step (MTP depth or draft lookahead)")
    Integer specTokens;

    @Option(names = "--spec-acceptance", defaultValue = "0.7",
            description = "speculative decoding: acceptance rate per proposed token (default: ${DEFAULT-VALUE})")
    double specAcceptance;

    @Option(names = "--spec-cost", defaultValue = "0.02",
            description = "speculative decoding: one proposal's cost over the model's token-only decode work (default: ${DEFAULT-VALUE})")
    double specCost;

    @Option(names = "--cases", paramLabel = "CSV",
            description = "serving benchmarks to predict (shared/validation/serving-*.csv format); writes them back with "
                    + "predicted_ttft_ms, predicted_tpot_ms and prediction_error added")
    Path cases;

    @Option(names = "--range-ratio", paramLabel = "R",
            description = "with --cases: the benchmark client drew each row's lengths uniformly over R·ISL..ISL and "
                    + "R·OSL..OSL (vLLM/SGLang bench --random-range-ratio, older semantics; default: 1, fixed lengths)")
    Double rangeRatio;

    @Option(names = "--start", paramLabel = "HOW",
            description = "closed loop: how the clients start: together (all at time 0, every wave in step), spread (the "
                    + "steady state of a long run, clients' phases spread), benchmark (the first wave together, the rest "
                    + "spread; default; docs/serving.md §2)")
    String start;

    @Option(names = "--search", description = "search the deployments of one scale-up domain of each --system (comma-separated): "
            + "TP, aggregated or disaggregated pools, concurrency; prints the best under --ttft-p90 and --tpot and the Pareto "
            + "frontier of tokens/s per user against tokens/s per chip")
    boolean search;

    @Option(names = "--ttft-p90", defaultValue = "2", paramLabel = "SECONDS",
            description = "search target: p90 time to first token (default: ${DEFAULT-VALUE} s)")
    double ttftTarget;

    @Option(names = "--tpot", defaultValue = "0.05", paramLabel = "SECONDS",
            description = "search target: mean time per output token (default: ${DEFAULT-VALUE} s)")
    double tpotTarget;

    @Option(names = "--max-concurrency", defaultValue = "256",
            description = "search: the most concurrent clients per instance tried, powers of two (default: ${DEFAULT-VALUE})")
    int maxConcurrency;

    @Option(names = "--no-disagg", description = "search: aggregated deployments only")
    boolean noDisagg;

    @picocli.CommandLine.Mixin
    Output output;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        Catalogue catalogue = Inputs.catalogue(profileDir);
        if (cases != null) {
            return predictCases(catalogue);
        }
        if (rangeRatio != null) {
            throw new IllegalArgumentException("--range-ratio is for --cases; a scenario takes --isl LO..HI and --osl LO..HI");
        }
        if (model == null || system == null) {
            throw new IllegalArgumentException("serve needs --model and --system (or --cases FILE)");
        }
        Catalogue.HuggingFaceModel hf = null;
        Model m;
        try {
            m = catalogue.parametricModel(model, "serve");
        } catch (IllegalArgumentException | org.opsim.io.InputException e) {
            // Not a bundled name nor a readable file: a Hugging Face id ("org/name") when it has a slash and no such file.
            if (!model.contains("/") || java.nio.file.Files.exists(java.nio.file.Path.of(model))) {
                throw e;
            }
            hf = catalogue.huggingFace(model);
            m = catalogue.model(hf.model()).requireModel("serve");
        }
        List<String> notes = new ArrayList<>();
        if (search) {
            return search(catalogue, m, hf, notes);
        }
        SystemProfile s = catalogue.system(system);
        Catalogue.ServingStack st = stack != null ? catalogue.servingStack(stack) : catalogue.defaultServingStack(s.chip().vendor());
        st.note().ifPresent(notes::add);
        ServingEngine engine = st.stack().serving().orElseThrow();
        s = s.withChip(s.chip().withStack(st.stack()));
        Precisions precisions = precisions(hf, notes);
        m = served(m, hf, precisions, notes);
        Workload like = Workload.decode(1, 1).withPrecisions(precisions);
        ServingDeployment d;
        if (prefillWorkers != null || decodeWorkers != null) {
            if (replicas != 1) {
                throw new IllegalArgumentException("--replicas is for aggregated serving; a disaggregated deployment takes "
                        + "--prefill-workers and --decode-workers");
            }
            if (prefillWorkers == null || decodeWorkers == null) {
                throw new IllegalArgumentException("a disaggregated deployment needs both --prefill-workers and --decode-workers");
            }
            d = ServingDeployment.disaggregated(s, engine, new Pool(prefillWorkers, prefillTp != null ? prefillTp : tp, attentionDp, expertParallel),
                    new Pool(decodeWorkers, decodeTp != null ? decodeTp : tp, attentionDp, expertParallel));
        } else {
            d = ServingDeployment.aggregated(s, engine, new Pool(replicas, tp, attentionDp, expertParallel));
        }
        Lengths in = lengths("--isl", isl);
        Lengths outL = lengths("--osl", osl);
        RequestLoad load;
        if (rate != null) {
            if (concurrency != null) {
                throw new IllegalArgumentException("give --concurrency (closed loop) or --rate (open loop), not both");
            }
            if (start != null) {
                throw new IllegalArgumentException("--start is for a closed loop (--concurrency); an open loop's requests arrive at random times");
            }
            load = new RequestLoad(in, outL, requests != null ? requests : 1000, 0, rate, seed);
        } else {
            int c = concurrency != null ? concurrency : 16;
            RequestLoad.Start how = start == null ? RequestLoad.Start.BENCHMARK : RequestLoad.Start.parse(start);
            load = new RequestLoad(in, outL, requests != null ? requests : RequestLoad.defaultRequests(c), c, 0, seed, how);
        }
        Optional<Speculation> specDecoding = specTokens == null ? Optional.empty()
                : Optional.of(new Speculation(specTokens, specAcceptance, specCost));
        ServingSimulator sim = ServingSimulator.prepare(m, like, d, in.max(), outL.max(), specDecoding);
        ServingResult r = sim.run(load);
        notes.addAll(r.notes());
        String text = switch (output.format) {
            case JSON -> json(m, d, st, load, r, notes);
            default -> header(m, d, st, load, precisions, checkpointFormats(hf)) + table(r).render(output.format)
                    + (output.format == Table.Format.CSV ? "" : notes(notes));
        };
        output.emit(text, spec.commandLine().getOut());
        return 0;
    }

    /**
     * The --precision (or the checkpoint's id-given format, else bf16) as the weights; a quantised format keeps
     * activations (residual stream, norms, all-reduces, attention's arithmetic) in bf16, its GEMM inputs quantised
     * as {@link #served} says, and the KV cache in fp8 where the GEMMs run in fp8 or fp4 (else bf16), unless --kv.
     */
    private Precisions precisions(Catalogue.HuggingFaceModel hf, List<String> notes) {
        String chosen = chosenPrecision(hf);
        Precision p = Precision.parse(chosen);
        if (hf != null && hf.weights().isPresent() && !chosen.equals(hf.weights().get().id())) {
            notes.add(hf.id() + " is a " + hf.weights().get().id() + " checkpoint; --precision " + chosen + " is used");
        }
        if (full(p)) {
            return new Precisions(p, p, kv != null ? Precision.parse(kv) : p);
        }
        Precision cache = kv != null ? Precision.parse(kv) : org.opsim.model.transformer.TransformerModel.servedKvCache(p);
        return new Precisions(p, Precision.BF16, cache);
    }

    private static boolean full(Precision p) {
        return p == Precision.FP32 || p == Precision.TF32 || p == Precision.BF16 || p == Precision.FP16;
    }

    private String chosenPrecision(Catalogue.HuggingFaceModel hf) {
        return precision != null ? precision : hf != null && hf.weights().isPresent() ? hf.weights().get().id() : "bf16";
    }

    /**
     * The model with a named format replacing the checkpoint's (said in a note): a quantised format as serving
     * engines run it ({@code TransformerModel.servedIn}: the layers' GEMMs in it, W8A8/W4A4 where its arithmetic
     * matches, routers, embedding and lm_head bf16).
     */
    private Model served(Model m, Catalogue.HuggingFaceModel hf, Precisions p, List<String> notes) {
        if (m instanceof org.opsim.model.transformer.TransformerModel tm) {
            boolean named = precision != null || hf != null && hf.weights().isPresent();
            if (tm.quantization().isPresent() && !named) {
                notes.add("weights in the checkpoint's formats (" + tm.quantization().get().summary() + ")");
                return m;
            }
            tm.quantization().ifPresent(q -> notes.add(chosenPrecision(hf) + " weights replace the checkpoint's formats ("
                    + q.scheme() + ")"));
            return full(p.weights()) ? tm.unquantized() : tm.servedIn(p.weights(), p.kvCache());
        }
        return m;
    }

    private int search(Catalogue catalogue, Model m, Catalogue.HuggingFaceModel hf, List<String> notes) {
        if (concurrency != null || rate != null || requests != null || specTokens != null || prefillWorkers != null
                || decodeWorkers != null || attentionDp != 1 || expertParallel != 1 || start != null) {
            throw new IllegalArgumentException("--search chooses the deployment and the load itself: drop --concurrency, --rate,"
                    + " --requests, --start, --spec-tokens, --attention-dp, --ep and the pool options");
        }
        Precisions precisions = precisions(hf, notes);
        Model model = served(m, hf, precisions, notes);
        Workload like = Workload.decode(1, 1).withPrecisions(precisions);
        Lengths in = lengths("--isl", isl);
        Lengths outL = lengths("--osl", osl);
        if (in.min() != in.max() || outL.min() != outL.max()) {
            throw new IllegalArgumentException("--search takes fixed --isl and --osl");
        }
        DeploymentSearch.Targets targets = new DeploymentSearch.Targets(ttftTarget, tpotTarget);
        Table t = new Table(List.of("system", "deployment", "chips", "clients", "TTFT p90 ms", "TPOT ms", "tokens/s/user",
                "tokens/s/chip", "$/M tokens", "meets", "best"));
        StringBuilder text = new StringBuilder();
        List<Object> systems = new ArrayList<>();
        for (String ref : system.split(",")) {
            SystemProfile s = catalogue.system(ref.trim());
            Catalogue.ServingStack st = stack != null ? catalogue.servingStack(stack) : catalogue.defaultServingStack(s.chip().vendor());
            st.note().ifPresent(notes::add);
            s = s.withChip(s.chip().withStack(st.stack()));
            DeploymentSearch.Outcome o = DeploymentSearch.search(model, like, s, st.stack().serving().orElseThrow(), in.max(),
                    outL.max(), targets, maxConcurrency, 4, !noDisagg);
            var cheapest = o.cheapest();
            var perChip = o.mostPerChip();
            var frontier = o.frontier();
            List<Object> candidates = new ArrayList<>();
            for (DeploymentSearch.Candidate c : o.candidates()) {
                String best = (cheapest.isPresent() && cheapest.get() == c ? "cheapest " : "")
                        + (perChip.isPresent() && perChip.get() == c ? "most/chip " : "") + (frontier.contains(c) ? "frontier" : "");
                candidates.add(candidate(c, cheapest.isPresent() && cheapest.get() == c,
                        perChip.isPresent() && perChip.get() == c, frontier.contains(c)));
                if (output.format == Table.Format.TABLE && best.isEmpty()) {
                    continue;
                }
                ServingResult r = c.result();
                t.add(List.of(s.name(), c.deployment().describe(), Long.toString(c.deployment().chips()), Integer.toString(c.concurrency()),
                        Numbers.sig(r.ttft().p90() * 1e3), Numbers.sig(r.tpot().mean() * 1e3), Numbers.sig(r.tokensPerSecondPerUser()),
                        Numbers.sig(r.tokensPerSecondPerChip()), Numbers.sig(r.usdPerMillionTokens()), c.meetsTargets() ? "yes" : "no",
                        best.trim()));
            }
            text.append(s.name()).append(" (").append(st.stack().id()).append("): ").append(o.candidates().size())
                    .append(" candidates simulated");
            cheapest.ifPresentOrElse(c -> text.append("; cheapest under the targets: ").append(c.deployment().describe())
                    .append(" at ").append(c.concurrency()).append(" clients, $").append(Numbers.sig(c.result().usdPerMillionTokens()))
                    .append("/M tokens"), () -> text.append("; none meets the targets"));
            text.append('\n');
            o.refused().forEach(x -> notes.add("not simulated: " + x));
            Map<String, Object> sys = new LinkedHashMap<>();
            sys.put("system", s.name());
            sys.put("engine", st.stack().id());
            sys.put("candidates", candidates);
            sys.put("notSimulated", o.refused());
            systems.add(sys);
        }
        if (output.format == Table.Format.JSON) {
            Map<String, Object> root = new LinkedHashMap<>();
            root.put("schemaVersion", 1);
            root.put("model", model.name());
            root.put("inputTokens", in.max());
            root.put("outputTokens", outL.max());
            Map<String, Object> tg = new LinkedHashMap<>();
            tg.put("ttftP90Seconds", ttftTarget);
            tg.put("tpotSeconds", tpotTarget);
            root.put("targets", tg);
            root.put("systems", systems);
            root.put("notes", notes);
            output.emit(write(root), spec.commandLine().getOut());
            return 0;
        }
        String head = model.name() + ", " + in + " + " + outL + " tokens; targets: p90 TTFT <= " + Numbers.sig(ttftTarget)
                + " s, mean TPOT <= " + Numbers.sig(tpotTarget * 1e3) + " ms\n" + text + "\n";
        String body = t.render(output.format);
        output.emit(output.format == Table.Format.TABLE ? head + body + notes(notes) : body, spec.commandLine().getOut());
        return 0;
    }

    private int predictCases(Catalogue catalogue) {
        ServingCases.File f = ServingCases.read(cases);
        ServingCases.Options o = ServingCases.Options.defaults(catalogue);
        if (rangeRatio != null) {
            o = o.withLengthRatio(rangeRatio);
        }
        if (start != null) {
            o = o.withClient(o.requestsPerClient(), RequestLoad.Start.parse(start));
        }
        List<ServingCases.Prediction> p = ServingCases.predict(f, o,
                new ServingSimulator.PlanCache());
        output.emit(ServingCases.write(f, p), spec.commandLine().getOut());
        long failed = p.stream().filter(x -> x.result().isEmpty()).count();
        org.slf4j.LoggerFactory.getLogger(ServeCommand.class).info("{} rows predicted, {} without a prediction (prediction_error says why);"
                + " each row's client: {} requests per client, {} start (docs/serving.md §5)", p.size() - failed, failed,
                o.requestsPerClient(), o.start().id());
        return 0;
    }

    static Lengths lengths(String option, String v) {
        try {
            int dots = v.indexOf("..");
            if (dots < 0) {
                return Lengths.fixed(Integer.parseInt(v.trim()));
            }
            return Lengths.uniform(Integer.parseInt(v.substring(0, dots).trim()), Integer.parseInt(v.substring(dots + 2).trim()));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " takes TOKENS or LO..HI, got '" + v + "'");
        }
    }

    /** Whether the model is served in its checkpoint's own formats (no --precision, no format in the id). */
    private boolean checkpointFormats(Catalogue.HuggingFaceModel hf) {
        return precision == null && !(hf != null && hf.weights().isPresent());
    }

    private static String startWords(RequestLoad.Start s) {
        return switch (s) {
            case TOGETHER -> "all starting at once";
            case SPREAD -> "steady state, clients spread";
            case BENCHMARK -> "first wave together, the rest spread";
        };
    }

    private static String header(Model m, ServingDeployment d, Catalogue.ServingStack st, RequestLoad load, Precisions p,
                                 boolean checkpointFormats) {
        // A quantised model says which formats its GEMMs follow and that the rest runs in the activation precision.
        String weights = m instanceof org.opsim.model.transformer.TransformerModel tm && tm.quantization().isPresent()
                ? (checkpointFormats ? "checkpoint's formats (" + tm.quantization().get().scheme() + ")"
                        : tm.quantization().get().scheme()) + ", " + p.activations().id() + " elsewhere"
                : p.weights().id() + " weights";
        return m.name() + " (" + weights + ", " + p.kvCache().id() + " KV), " + d.describe() + " ("
                + d.chips() + " chips of " + d.system().chip().name() + ")\n" + "engine: " + st.stack().id() + "; load: "
                + (load.closedLoop() ? load.concurrency() + " concurrent clients (" + startWords(load.start()) + ")"
                : Numbers.sig(load.ratePerSecond()) + " requests/s")
                + ", " + load.requests() + " requests of " + load.input() + " + " + load.output() + " tokens\n\n";
    }

    private static Table table(ServingResult r) {
        Table t = new Table(List.of("metric", "mean", "p50", "p90", "p99", "unit"));
        stat(t, "TTFT", r.ttft(), 1e3, "ms");
        stat(t, "TPOT", r.tpot(), 1e3, "ms");
        stat(t, "ITL", r.itl(), 1e3, "ms");
        stat(t, "end-to-end", r.e2e(), 1e3, "ms");
        one(t, "output tokens/s", r.outputTokensPerSecond(), "tokens/s");
        one(t, "output tokens/s per chip", r.tokensPerSecondPerChip(), "tokens/s");
        one(t, "output tokens/s per user", r.tokensPerSecondPerUser(), "tokens/s");
        one(t, "$ per million output tokens", r.usdPerMillionTokens(), "USD");
        one(t, "energy per output token", r.joulesPerToken(), "J");
        one(t, "requests preempted", r.preemptions(), "requests");
        one(t, "mean sequences per decode step", r.meanRunning(), "sequences");
        one(t, "KV cache per chip", r.kvBudgetBytes().get(0) / 1e9, "GB");
        return t;
    }

    private static void stat(Table t, String name, ServingResult.Stats s, double scale, String unit) {
        t.add(List.of(name, Numbers.sig(s.mean() * scale), Numbers.sig(s.p50() * scale), Numbers.sig(s.p90() * scale),
                Numbers.sig(s.p99() * scale), unit));
    }

    private static void one(Table t, String name, double v, String unit) {
        t.add(List.of(name, Numbers.sig(v), "", "", "", unit));
    }

    /** A search candidate as JSON: its pools, load, figures in seconds and whether it is best. */
    private static Map<String, Object> candidate(DeploymentSearch.Candidate c, boolean cheapest, boolean mostPerChip,
                                                 boolean frontier) {
        ServingDeployment d = c.deployment();
        ServingResult r = c.result();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("deployment", d.describe());
        m.put("mode", d.disaggregated() ? "disagg" : "agg");
        m.put(d.disaggregated() ? "prefillPool" : "pool", pool(d.prefill()));
        d.decode().ifPresent(p -> m.put("decodePool", pool(p)));
        m.put("chips", d.chips());
        m.put("concurrency", c.concurrency());
        m.put("ttftSeconds", stats(r.ttft()));
        m.put("tpotSeconds", stats(r.tpot()));
        m.put("outputTokensPerSecondPerUser", r.tokensPerSecondPerUser());
        m.put("outputTokensPerSecondPerChip", r.tokensPerSecondPerChip());
        m.put("usdPerMillionOutputTokens", r.usdPerMillionTokens());
        m.put("joulesPerOutputToken", r.joulesPerToken());
        m.put("meetsTargets", c.meetsTargets());
        m.put("cheapest", cheapest);
        m.put("mostPerChip", mostPerChip);
        m.put("frontier", frontier);
        return m;
    }

    private static Map<String, Object> pool(Pool p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("workers", p.workers());
        m.put("tensorParallel", p.tensorParallel());
        m.put("attentionDp", p.attentionDp());
        m.put("expertParallel", p.expertParallel());
        return m;
    }

    private static String write(Map<String, Object> root) {
        try {
            return JsonMapper.builder().build().writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n";
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String notes(List<String> notes) {
        StringBuilder sb = new StringBuilder();
        for (String n : notes) {
            sb.append("note: ").append(n).append('\n');
        }
        return sb.toString();
    }

    private static String json(Model m, ServingDeployment d, Catalogue.ServingStack st, RequestLoad load, ServingResult r,
                               List<String> notes) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("schemaVersion", 1);
        root.put("model", m.name());
        root.put("deployment", d.describe());
        root.put("chips", r.chips());
        root.put("engine", st.stack().id());
        root.put("concurrency", load.concurrency());
        if (load.closedLoop()) {
            root.put("start", load.start().id());
        }
        root.put("ratePerSecond", load.ratePerSecond());
        root.put("requests", r.requests());
        root.put("ttftSeconds", stats(r.ttft()));
        root.put("tpotSeconds", stats(r.tpot()));
        root.put("itlSeconds", stats(r.itl()));
        root.put("e2eSeconds", stats(r.e2e()));
        root.put("outputTokens", r.outputTokens());
        root.put("makespanSeconds", r.makespanSeconds());
        root.put("outputTokensPerSecond", r.outputTokensPerSecond());
        root.put("outputTokensPerSecondPerChip", r.tokensPerSecondPerChip());
        root.put("outputTokensPerSecondPerUser", r.tokensPerSecondPerUser());
        root.put("usdPerMillionOutputTokens", r.usdPerMillionTokens());
        root.put("joulesPerOutputToken", r.joulesPerToken());
        root.put("preemptions", r.preemptions());
        root.put("kvCacheBytesPerChip", r.kvBudgetBytes());
        Map<String, Object> series = new LinkedHashMap<>();
        series.put("timeSeconds", r.series().timeSeconds());
        series.put("running", r.series().running());
        series.put("tokens", r.series().tokens());
        series.put("kvUsedFraction", r.series().kvUsed());
        series.put("stepSeconds", r.series().stepSeconds());
        root.put("series", series);
        root.put("notes", notes);
        return write(root);
    }

    private static Map<String, Object> stats(ServingResult.Stats s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("mean", s.mean());
        m.put("p50", s.p50());
        m.put("p90", s.p90());
        m.put("p99", s.p99());
        m.put("max", s.max());
        m.put("count", s.count());
        return m;
    }
}
