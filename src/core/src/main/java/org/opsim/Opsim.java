package org.opsim;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import java.util.stream.Stream;
import org.opsim.cost.CostModel;
import org.opsim.cost.Evaluation;
import org.opsim.cost.Plan;
import org.opsim.deploy.SystemProfile;
import org.opsim.graph.Graph;
import org.opsim.hardware.HardwareProfile;
import org.opsim.hardware.ProfileProvider;
import org.opsim.internal.load.BundledProfiles;
import org.opsim.internal.load.ModelImporters;
import org.opsim.internal.load.NativeGraphLoader;
import org.opsim.internal.load.ProfileLoader;
import org.opsim.internal.load.ProfileWriter;
import org.opsim.io.InputException;
import org.opsim.model.GraphFile;
import org.opsim.model.ImportedModel;
import org.opsim.model.Model;

/**
 * The entry point: name a chip and a model from the bundled catalogue (or load your own files),
 * build the graph of a workload, evaluate, read the result.
 *
 * <pre>{@code
 * HardwareProfile h100 = Opsim.profile("h100");
 * Model llama = Opsim.model("llama-3.1-70b");
 * Graph step = llama.graph(Workload.decode(16, 4096).withTensorParallel(8));
 * Evaluation e = Opsim.evaluate(step, h100);
 * double seconds = e.total().latencySeconds();
 * }</pre>
 *
 * Holds no mutable state; every method is safe to call from many threads. Bad input is an
 * {@link InputException} naming the file and the field path; an unknown name lists the close matches.
 */
public final class Opsim {

    private Opsim() {
    }

    // ---------------------------------------------------------------- the catalogue

    /** The bundled catalogue, with every {@link ProfileProvider}'s profiles: see {@link Catalogue}. */
    public static Catalogue catalogue() {
        return Catalogue.bundled();
    }

    /** A bundled (or provided) profile by name, alias or display name ({@code h100}, {@code nvidia-h100-sxm}), or a file. */
    public static HardwareProfile profile(String nameOrFile) {
        return Catalogue.bundled().profile(nameOrFile);
    }

    /** Writes a stack version as a stack file ({@code .yaml} or {@code .json}), atomically. */
    public static void writeStack(org.opsim.hardware.SoftwareStack stack, Path file) {
        org.opsim.internal.load.StackWriter.write(stack, List.of(), file);
    }

    /** A software stack: {@code vllm}, {@code vllm@<version>}, or a stack file (see {@link Catalogue#stack}). */
    public static org.opsim.hardware.SoftwareStack stack(String ref) {
        return Catalogue.bundled().stack(ref);
    }

    /** A bundled system by name or alias ({@code nvidia-hgx-h100-8}, {@code hgx-h100}), or a system file. */
    public static SystemProfile system(String nameOrFile) {
        return Catalogue.bundled().system(nameOrFile);
    }

    /**
     * A model that takes a workload, by catalogue name ({@code llama-3.1-70b}) or file (a Hugging
     * Face {@code config.json}, an ONNX file with symbolic dimensions); a graph with fixed shapes is
     * refused (read it with {@link #importModel}).
     */
    public static Model model(String nameOrFile) {
        return Catalogue.bundled().parametricModel(nameOrFile, "Opsim.model");
    }

    /** Any model by catalogue name or file, parametric or fixed-shape. */
    public static ImportedModel importModel(String nameOrFile) {
        return Catalogue.bundled().model(nameOrFile);
    }

    // ---------------------------------------------------------------- files

    /** A {@code .json}, {@code .yaml} or {@code .yml} profile file from anywhere. */
    public static HardwareProfile loadProfile(Path file) {
        return ProfileLoader.load(file);
    }

    /** Profile text (what a {@link ProfileProvider} may ship); {@code label}'s extension picks JSON or YAML. */
    public static HardwareProfile parseProfile(String text, String label) {
        return ProfileLoader.parse(text, label);
    }

    /** Writes {@code profile} to {@code file} (format by extension) whole or not at all; loading it back gives an equal profile. */
    public static void writeProfile(HardwareProfile profile, Path file) {
        ProfileWriter.write(profile, file);
    }

    /** Every {@code .yaml}, {@code .yml} and {@code .json} profile directly in {@code dir}, sorted by file name. */
    public static List<HardwareProfile> loadProfiles(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new InputException(dir.toString(), "$", "not a directory");
        }
        List<HardwareProfile> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(Opsim::isDocument).sorted().toList()) {
                out.add(ProfileLoader.load(f));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    private static boolean isDocument(Path p) {
        String n = p.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
        return Files.isRegularFile(p) && (n.endsWith(".yaml") || n.endsWith(".yml") || n.endsWith(".json"));
    }

    /** A system file; its chip is a profile file relative to it, or a catalogue name. */
    public static SystemProfile loadSystem(Path file) {
        return Catalogue.bundled().system(file.toString());
    }

    /** A native graph file (docs/model-format.md). */
    public static GraphFile loadGraph(Path file) {
        return NativeGraphLoader.load(file);
    }

    /** Any model file, read by the first {@link org.opsim.model.ModelImporter} that recognises its content. */
    public static ImportedModel loadModel(Path file) {
        return ModelImporters.load(file, Catalogue.modelName(file));
    }

    /**
     * Profiles contributed by {@link ProfileProvider}s on the class path ({@link ServiceLoader}): the
     * bundled catalogue's first, then the others in discovery order. A provider that fails names itself.
     */
    public static List<HardwareProfile> providedProfiles() {
        List<HardwareProfile> out = new ArrayList<>(new BundledProfiles().profiles());
        for (ServiceLoader.Provider<ProfileProvider> p : ServiceLoader.load(ProfileProvider.class,
                Opsim.class.getClassLoader()).stream().toList()) {
            if (p.type() != BundledProfiles.class) {
                out.addAll(provided(p));
            }
        }
        return out;
    }

    static List<HardwareProfile> provided(ServiceLoader.Provider<ProfileProvider> p) {
        try {
            return List.copyOf(p.get().profiles());
        } catch (RuntimeException e) {
            throw new InputException(p.type().getName(), "$", "profile provider failed: " + e.getMessage(), e);
        }
    }

    // ---------------------------------------------------------------- costing

    /** Costs one execution of {@code graph} on {@code profile}, op by op. */
    public static Evaluation evaluate(Graph graph, HardwareProfile profile) {
        return CostModel.evaluate(graph, profile);
    }

    /** Compiles {@code graph} onto {@code profile} for fast, allocation-free evaluation (sweeps). */
    public static Plan compile(Graph graph, HardwareProfile profile) {
        return Plan.compile(graph, profile);
    }

    /**
     * One decode step of {@code model} with {@code like}'s precisions, tensor-parallel degree and
     * attention form, compiled once onto {@code profile} for every batch {@code 1..maxBatch} and context
     * {@code 1..maxContext} (tokens already cached per sequence): {@code plan.evaluate(batch, context, totals)}
     * costs a step without building its graph (docs/cost-model.md §17).
     *
     * @throws IllegalArgumentException if the model's decode step is not closed-form over that domain (named)
     */
    public static org.opsim.cost.ParametricPlan decodePlan(Model model, org.opsim.model.Workload like, HardwareProfile profile,
                                                          long maxBatch, long maxContext) {
        noCachedTokens(like, "a decode plan");
        return org.opsim.cost.ParametricPlan.compile((batch, context) -> model.graph(decodeStep(like, batch, context)),
                profile, maxBatch, maxContext);
    }

    /**
     * A prefill of {@code model} with {@code like}'s precisions, tensor-parallel degree and attention form,
     * compiled once onto {@code profile} for every batch {@code 1..maxBatch} and prompt {@code 1..maxPrompt}:
     * {@code plan.evaluate(batch, prompt, totals)} costs it without building its graph (docs/cost-model.md §17).
     *
     * @throws IllegalArgumentException if the model's prefill is not closed-form over that domain (named)
     */
    public static org.opsim.cost.ParametricPlan prefillPlan(Model model, org.opsim.model.Workload like, HardwareProfile profile,
                                                           long maxBatch, long maxPrompt) {
        noCachedTokens(like, "a prefill plan");
        return org.opsim.cost.ParametricPlan.compile((batch, prompt) -> model.graph(prefill(like, batch, prompt)),
                profile, maxBatch, maxPrompt);
    }

    /**
     * A generation of {@code model} (a prefill, then one decode step per further token) with {@code like}'s
     * precisions, tensor-parallel degree and attention form, compiled once onto {@code profile} for every batch
     * {@code 1..maxBatch}, prompt {@code 1..maxPrompt} and generated tokens {@code 1..maxGenerated}: costed in
     * time independent of the tokens generated, without building a graph (docs/cost-model.md §17.3).
     *
     * @throws IllegalArgumentException if the model's prefill or decode step is not closed-form over that domain (named)
     */
    public static org.opsim.cost.GenerationPlan generationPlan(Model model, org.opsim.model.Workload like, HardwareProfile profile,
                                                              long maxBatch, long maxPrompt, long maxGenerated) {
        if (maxGenerated < 1) {
            throw new IllegalArgumentException("a generation plan needs maxGenerated >= 1, got " + maxGenerated);
        }
        noCachedTokens(like, "a generation plan");
        return org.opsim.cost.GenerationPlan.of(prefillPlan(model, like, profile, maxBatch, maxPrompt),
                decodePlan(model, like, profile, maxBatch, Math.max(4, maxPrompt + maxGenerated - 2)));
    }

    /**
     * Prefill chunks of {@code model} at {@code like}'s batch, precisions, tensor-parallel degree and attention
     * form, compiled once onto {@code profile} for every chunk of {@code 1..maxChunk} new tokens after
     * {@code 0..maxCached} tokens already cached per sequence (a serving engine's chunked prefill, a prompt after
     * a prefix-cache hit): {@code plan.evaluate(chunk, cached, totals)} costs one without building its graph
     * (docs/cost-model.md §17.5). {@code like}'s own lengths and cached tokens are not used (the plan spans them).
     * A chunk of one token is a prefill's (MLA decompresses its cache), not a decode step: {@link #decodePlan}.
     *
     * @throws IllegalArgumentException if {@code maxChunk < 3} or {@code maxCached < 3}, or the model's prefill chunk
     *     is not closed-form over that domain (named)
     */
    public static org.opsim.cost.ChunkPlan chunkPlan(Model model, org.opsim.model.Workload like, HardwareProfile profile,
                                                     long maxChunk, long maxCached) {
        long batch = like.batch();
        return org.opsim.cost.ChunkPlan.compile((chunk, cached) -> model.graph(prefillChunk(like, batch, chunk, cached)),
                profile, maxChunk, maxCached);
    }

    /** A plan takes its workload's shape from its own parameters: a template with cached tokens would be ignored, so refuse it. */
    private static void noCachedTokens(org.opsim.model.Workload like, String what) {
        if (like.cachedTokens() != 0) {
            throw new IllegalArgumentException(what + " costs whole prompts: its template has " + like.cachedTokens()
                    + " cached tokens (use Opsim.chunkPlan for prefill chunks)");
        }
    }

    /** {@code like} as a prefill chunk: {@code batch} sequences with {@code cached} tokens cached add {@code chunk} new ones. */
    public static org.opsim.model.Workload prefillChunk(org.opsim.model.Workload like, long batch, long chunk, long cached) {
        return prefill(like, batch, chunk).withCachedTokens(cached);
    }

    /** {@code like} as the prefill of {@code batch} prompts of {@code prompt} tokens. */
    public static org.opsim.model.Workload prefill(org.opsim.model.Workload like, long batch, long prompt) {
        return new org.opsim.model.Workload(org.opsim.model.Workload.Phase.PREFILL, batch, prompt, 0, like.precisions(),
                like.tensorParallel(), false, like.attentionForm());
    }

    /** {@code like} as one decode step of {@code batch} sequences with {@code context} tokens cached. */
    public static org.opsim.model.Workload decodeStep(org.opsim.model.Workload like, long batch, long context) {
        return new org.opsim.model.Workload(org.opsim.model.Workload.Phase.DECODE, batch, context, 0, like.precisions(),
                like.tensorParallel(), false, like.attentionForm());
    }
}
