package org.opsim;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.opsim.deploy.SystemProfile;
import org.opsim.hardware.HardwareProfile;
import org.opsim.hardware.ProfileProvider;
import org.opsim.internal.io.Documents;
import org.opsim.internal.load.Bundled;
import org.opsim.internal.load.BundledProfiles;
import org.opsim.internal.load.StackLoader;
import org.opsim.hardware.SoftwareStack;
import org.opsim.internal.load.ModelImporters;
import org.opsim.internal.load.ProfileLoader;
import org.opsim.internal.load.SystemLoader;
import org.opsim.io.InputException;
import org.opsim.model.ImportedModel;
import org.opsim.model.Model;
import org.opsim.model.ModelImporter;

/**
 * The chips, systems and models opsim can name: the catalogue bundled in opsim-core's jar (the
 * repository's {@code hardware-profiles/} and {@code models/} folders), the profiles of every
 * {@link ProfileProvider} on the class path, and folders of your own added with
 * {@link #withProfiles} and {@link #withModels}. Immutable and thread-safe.
 *
 * <p>Names are file names without their extension ({@code nvidia-h100-sxm}, {@code llama-3.1-70b});
 * a profile or system file may also give itself short {@code aliases} ({@code h100}), and a
 * profile's display name ({@code NVIDIA H100 SXM5 80GB}) works too. A file of yours shadows a
 * bundled one of the same name, and its aliases take precedence. Wherever a name is taken, a file
 * path is taken as well: anything ending in {@code .yaml}, {@code .yml}, {@code .json} or
 * {@code .onnx}, containing a path separator, or naming an existing file. An unknown name fails
 * with the close matches.
 *
 * <pre>{@code
 * HardwareProfile h100 = Catalogue.bundled().profile("h100");
 * Catalogue mine = Catalogue.bundled().withProfiles(Path.of("my-chips"));
 * Model llama = mine.model("llama-3.1-70b").requireModel("a sweep");
 * }</pre>
 */
public final class Catalogue {

    /**
     * A named chip profile.
     *
     * @param source where it came from: a bundled file, a file of yours, or a provider class
     * @param calibrated whether it is a calibrated variant (a {@code calibrated/} folder): named, but
     *     not one of {@link #profiles()}
     */
    public record ProfileEntry(String name, List<String> aliases, String source, boolean calibrated,
                               HardwareProfile profile) {
        public ProfileEntry {
            Objects.requireNonNull(name, "name");
            aliases = List.copyOf(aliases);
            Objects.requireNonNull(source, "source");
            Objects.requireNonNull(profile, "profile");
        }
    }

    /** A named multi-chip system. */
    public record SystemEntry(String name, List<String> aliases, String source, SystemProfile system) {
        public SystemEntry {
            Objects.requireNonNull(name, "name");
            aliases = List.copyOf(aliases);
            Objects.requireNonNull(source, "source");
            Objects.requireNonNull(system, "system");
        }
    }

    /** A named model. */
    public record ModelEntry(String name, String source, ImportedModel model) {
        public ModelEntry {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(source, "source");
            Objects.requireNonNull(model, "model");
        }
    }

    private final List<ProfileEntry> profiles;
    private final List<SystemEntry> systems;
    private final List<ModelEntry> models;
    private final List<String> skipped;

    private final Map<String, org.opsim.io.InputException> unreadable;
    /** Software stacks by family name (hardware-profiles/stacks/), bundled first. */
    private final Map<String, StackLoader.StackFile> stacks;

    private Catalogue(List<ProfileEntry> profiles, List<SystemEntry> systems, List<ModelEntry> models, List<String> skipped,
                      Map<String, StackLoader.StackFile> stacks) {
        this(profiles, systems, models, skipped, Map.of(), stacks);
    }

    private Catalogue(List<ProfileEntry> profiles, List<SystemEntry> systems, List<ModelEntry> models, List<String> skipped,
                      Map<String, org.opsim.io.InputException> unreadable, Map<String, StackLoader.StackFile> stacks) {
        this.stacks = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(stacks));
        this.unreadable = Map.copyOf(unreadable);
        this.profiles = List.copyOf(profiles);
        this.systems = List.copyOf(systems);
        this.models = List.copyOf(models);
        this.skipped = List.copyOf(skipped);
    }

    /**
     * The bundled catalogue and the profiles of every other {@link ProfileProvider} on the class path
     * (named by their display names made lower-case and hyphenated). Read once, on first use.
     */
    public static Catalogue bundled() {
        return Holder.BUNDLED;
    }

    private static final class Holder {
        static final Catalogue BUNDLED = readBundled();
    }

    private static Catalogue readBundled() {
        List<ProfileEntry> profiles = new ArrayList<>();
        Map<String, HardwareProfile> byPath = new LinkedHashMap<>();
        for (String f : Bundled.files()) {
            if (BundledProfiles.isProfile(f)) {
                ProfileLoader.Loaded l = Bundled.profile(f);
                profiles.add(new ProfileEntry(Bundled.stem(f), l.aliases(), Bundled.label(f),
                        f.startsWith("hardware-profiles/calibrated/"), l.profile()));
                byPath.put(f, l.profile());
            }
        }
        for (ServiceLoader.Provider<ProfileProvider> p : ServiceLoader.load(ProfileProvider.class,
                Catalogue.class.getClassLoader()).stream().toList()) {
            if (p.type() == BundledProfiles.class) {
                continue;
            }
            for (HardwareProfile h : Opsim.provided(p)) {
                profiles.add(new ProfileEntry(slug(h.name()), List.of(), "provider " + p.type().getName(), false, h));
            }
        }
        Map<String, StackLoader.StackFile> stacks = new LinkedHashMap<>();
        for (String f : Bundled.files()) {
            if (f.startsWith("hardware-profiles/stacks/")) {
                StackLoader.StackFile s = StackLoader.parse(Bundled.read(f), Documents.Format.of(f), Bundled.label(f));
                stacks.put(s.name(), s);
            }
        }
        Catalogue partial = new Catalogue(profiles, List.of(), List.of(), List.of(), stacks);
        List<SystemEntry> systems = new ArrayList<>();
        List<ModelEntry> models = new ArrayList<>();
        for (String f : Bundled.files()) {
            if (f.startsWith("hardware-profiles/systems/")) {
                SystemLoader.Loaded l = Bundled.system(f, ref -> Bundled.resolve(f, ref).map(byPath::get)
                        .orElseGet(() -> partial.profile(ref)));
                systems.add(new SystemEntry(Bundled.stem(f), l.aliases(), Bundled.label(f), l.system()));
            } else if (f.startsWith("models/")) {
                models.add(new ModelEntry(Bundled.stem(f), Bundled.label(f), Bundled.model(f, Bundled.stem(f))));
            }
        }
        return new Catalogue(profiles, systems, models, List.of(), stacks);
    }

    // ---------------------------------------------------------------- adding your own

    /**
     * This catalogue with the profiles in {@code dir} (every {@code .yaml}, {@code .yml} and
     * {@code .json} file, each of which must be a profile), the calibrated ones in
     * {@code dir/calibrated/} and the systems in {@code dir/systems/}, shadowing entries of the same
     * name. A system's {@code chip} is a path relative to its file, or a name in the catalogue.
     */
    public Catalogue withProfiles(Path dir) {
        requireDirectory(dir);
        List<ProfileEntry> ps = new ArrayList<>(profiles);
        Map<String, String> addedProfiles = new HashMap<>();
        for (Path d : List.of(dir, dir.resolve("calibrated"))) {
            for (Path f : documents(d)) {
                ProfileLoader.Loaded l = ProfileLoader.parse(read(f), Documents.Format.of(f.getFileName().toString()),
                        f.toString());
                shadow(ps, new ProfileEntry(stem(f), l.aliases(), f.toString(), d != dir, l.profile()), ProfileEntry::name,
                        addedProfiles, f.toString());
            }
        }
        Map<String, StackLoader.StackFile> st = new LinkedHashMap<>(stacks);
        for (Path f : documents(dir.resolve("stacks"))) {
            StackLoader.StackFile s = StackLoader.load(f);
            if (!s.name().equals(stem(f))) {
                throw new org.opsim.io.InputException(f.toString(), "$.name", "a stack file is named by its stack: '"
                        + s.name() + "' belongs in " + s.name() + ".yaml");
            }
            st.put(s.name(), s);
        }
        Catalogue withChips = new Catalogue(ps, systems, models, skipped, unreadable, st);
        List<SystemEntry> ss = new ArrayList<>(systems);
        Map<String, String> addedSystems = new HashMap<>();
        for (Path f : documents(dir.resolve("systems"))) {
            SystemLoader.Loaded l = SystemLoader.loadEntry(f, withChips::profile);
            shadow(ss, new SystemEntry(stem(f), l.aliases(), f.toString(), l.system()), SystemEntry::name, addedSystems,
                    f.toString());
        }
        return new Catalogue(ps, ss, models, skipped, unreadable, st);
    }

    /**
     * This catalogue with the models in {@code dir} and {@code dir/hf/}: every file an importer
     * recognises by content (a Hugging Face {@code config.json}, a native graph file, an ONNX file
     * when opsim-onnx is on the class path), named by its file name without the extension (a file
     * named {@code config.json} by its folder). Files no importer recognises are listed in
     * {@link #skipped()}; a recognised file that is broken is listed in {@link #unreadable()} with its
     * error, which looking it up by name throws.
     */
    public Catalogue withModels(Path dir) {
        requireDirectory(dir);
        List<ModelEntry> ms = new ArrayList<>(models);
        List<String> sk = new ArrayList<>(skipped);
        Map<String, org.opsim.io.InputException> bad = new java.util.LinkedHashMap<>(unreadable);
        Map<String, String> added = new HashMap<>();
        for (Path d : List.of(dir, dir.resolve("hf"))) {
            for (Path f : files(d, p -> true)) {
                Optional<ModelImporter> importer = ModelImporters.find(f);
                if (importer.isEmpty()) {
                    sk.add(f.toString());
                    continue;
                }
                String name = modelName(f);
                ImportedModel loaded;
                try {
                    loaded = importer.get().load(f, name);
                } catch (org.opsim.io.InputException e) {
                    bad.put(name, e);
                    continue;
                }
                shadow(ms, new ModelEntry(name, f.toString(), loaded), ModelEntry::name, added, f.toString());
            }
        }
        return new Catalogue(profiles, systems, ms, sk, bad, stacks);
    }

    // ---------------------------------------------------------------- looking up

    /** A profile by name, alias, display name or file path. */
    public HardwareProfile profile(String ref) {
        return profileEntry(ref).profile();
    }

    /** The entry of a profile by name, alias or display name; a file path gives an entry of its own. */
    public ProfileEntry profileEntry(String ref) {
        requireRef(ref, "profile");
        if (isPath(ref, ".yaml", ".yml", ".json")) {
            Path f = Path.of(ref);
            ProfileLoader.Loaded l = ProfileLoader.parse(read(f), Documents.Format.of(f.getFileName().toString()), f.toString());
            return new ProfileEntry(stem(f), l.aliases(), f.toString(), false, l.profile());
        }
        return find(profiles, ref, ProfileEntry::name, ProfileEntry::aliases, e -> e.profile().name())
                .orElseThrow(() -> unknown("profile", ref, names(profiles, ProfileEntry::name, ProfileEntry::aliases),
                        "opsim profiles"));
    }

    // ---------------------------------------------------------------- software stacks

    /**
     * A software stack by reference: {@code name} (its default version), {@code name@version}, or a
     * stack file ({@code .yaml}/{@code .json}; {@code file@version} picks a version in it), or
     * {@code none} ({@link SoftwareStack#none()}: the chip's own figures only).
     */
    public SoftwareStack stack(String ref) {
        requireRef(ref, "stack");
        if (ref.equals("none")) {
            return SoftwareStack.none();
        }
        int at = ref.lastIndexOf('@');
        String family = at < 0 ? ref : ref.substring(0, at);
        Optional<String> version = at < 0 ? Optional.empty() : Optional.of(ref.substring(at + 1));
        StackLoader.StackFile file;
        if (isPath(family, ".yaml", ".yml", ".json")) {
            file = StackLoader.load(Path.of(family));
        } else {
            file = stacks.get(family);
            if (file == null) {
                throw new IllegalArgumentException("no stack '" + family + "'; known: " + String.join(", ", stacks.keySet())
                        + ", or none (hardware-profiles/stacks/)");
            }
        }
        if (version.isEmpty()) {
            return file.defaultVersion();
        }
        StackLoader.StackFile f = file;
        return file.version(version.get()).orElseThrow(() -> new IllegalArgumentException("stack " + f.name()
                + " has no version '" + version.get() + "'; its versions: "
                + String.join(", ", f.versions().stream().map(SoftwareStack::version).toList())));
    }

    /** A serving stack version and, where the version asked for is not in the file, the note saying which one is used. */
    public record ServingStack(SoftwareStack stack, Optional<String> note) {
    }

    /**
     * The serving-engine version of a stack (docs/serving.md §3): {@code name} gives the file's first version with a
     * {@code serving} section; {@code name@version} that version if the file has it with a serving section, else the
     * nearest such version by number (the highest at or below it, else the lowest above), said in the note. Backend
     * names of serving benchmarks are read as the families: {@code trtllm} as tensorrt-llm.
     *
     * @throws IllegalArgumentException for an unknown family or one without a serving version
     */
    public ServingStack servingStack(String ref) {
        requireRef(ref, "stack");
        int at = ref.lastIndexOf('@');
        String family = at < 0 ? ref : ref.substring(0, at);
        if (family.equals("trtllm")) {
            family = "tensorrt-llm";
        }
        String version = at < 0 ? null : ref.substring(at + 1);
        StackLoader.StackFile file = isPath(family, ".yaml", ".yml", ".json") ? StackLoader.load(Path.of(family)) : stacks.get(family);
        if (file == null) {
            throw new IllegalArgumentException("no stack '" + family + "'; known: " + String.join(", ", stacks.keySet())
                    + " (hardware-profiles/stacks/)");
        }
        List<SoftwareStack> serving = file.versions().stream().filter(v -> v.serving().isPresent()).toList();
        if (serving.isEmpty()) {
            throw new IllegalArgumentException("stack " + file.name() + " has no serving version (a version with a serving"
                    + " section); its versions: " + String.join(", ", file.versions().stream().map(SoftwareStack::version).toList()));
        }
        if (version == null || version.isBlank()) {
            return new ServingStack(serving.get(0), Optional.empty());
        }
        for (SoftwareStack v : serving) {
            if (v.version().equals(version)) {
                return new ServingStack(v, Optional.empty());
            }
        }
        double[] want = versionNumbers(version);
        SoftwareStack below = null;
        SoftwareStack above = null;
        for (SoftwareStack v : serving) {
            double[] have = versionNumbers(v.version());
            if (compareVersions(have, want) <= 0) {
                if (below == null || compareVersions(have, versionNumbers(below.version())) > 0) {
                    below = v;
                }
            } else if (above == null || compareVersions(have, versionNumbers(above.version())) < 0) {
                above = v;
            }
        }
        SoftwareStack chosen = below != null ? below : above;
        return new ServingStack(chosen, Optional.of(file.name() + " " + version + " is not in " + file.name()
                + "'s serving versions; the nearest, " + chosen.version() + ", is used"));
    }

    /** The serving stack a chip of {@code vendor} runs by default: the serving version of its default stack family, else vLLM's. */
    public ServingStack defaultServingStack(String vendor) {
        SoftwareStack d = defaultStack(vendor);
        String family = d.name().equals("none") ? "vllm" : d.name();
        return servingStack(family);
    }

    /** The leading numbers of a version string ("1.2.0rc6.post2" -> 1, 2, 0; "0.11-serving" -> 0, 11); none: empty. */
    static double[] versionNumbers(String v) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("^v?(\\d+(?:\\.\\d+)*)").matcher(v);
        if (!m.find()) {
            return new double[0];
        }
        String[] parts = m.group(1).split("\\.");
        double[] out = new double[parts.length];
        for (int i = 0; i < parts.length; i++) {
            out[i] = Double.parseDouble(parts[i]);
        }
        return out;
    }

    static int compareVersions(double[] a, double[] b) {
        for (int i = 0; i < Math.max(a.length, b.length); i++) {
            double x = i < a.length ? a[i] : 0;
            double y = i < b.length ? b[i] : 0;
            if (x != y) {
                return Double.compare(x, y);
            }
        }
        return 0;
    }

    /** The stack files, by family name. */
    public List<StackLoader.StackFile> stackFiles() {
        return List.copyOf(stacks.values());
    }

    /** The stack a chip of {@code vendor} runs by default: the first stack file listing the vendor, else none. */
    public SoftwareStack defaultStack(String vendor) {
        for (StackLoader.StackFile f : stacks.values()) {
            for (String v : f.vendors()) {
                if (v.equalsIgnoreCase(vendor)) {
                    return f.defaultVersion();
                }
            }
        }
        return SoftwareStack.none();
    }

    /** The chips: every profile but the calibrated variants, bundled first, in file-name order. */
    public List<HardwareProfile> profiles() {
        return profiles.stream().filter(e -> !e.calibrated()).map(ProfileEntry::profile).toList();
    }

    /** Every profile entry, calibrated variants included. */
    public List<ProfileEntry> profileEntries() {
        return profiles;
    }

    /** A system by name, alias or file path. */
    public SystemProfile system(String ref) {
        requireRef(ref, "system");
        if (isPath(ref, ".yaml", ".yml", ".json")) {
            return SystemLoader.load(Path.of(ref), this::profile);
        }
        return find(systems, ref, SystemEntry::name, SystemEntry::aliases, e -> e.system().name())
                .orElseThrow(() -> unknown("system", ref, names(systems, SystemEntry::name, SystemEntry::aliases),
                        "the systems in hardware-profiles/systems/"))
                .system();
    }

    public List<SystemEntry> systemEntries() {
        return systems;
    }

    /**
     * A model by name or file path. A file is read by the first importer that recognises its
     * content: a Hugging Face {@code config.json}, a native graph file, an ONNX file (with opsim-onnx
     * on the class path), or an importer of your own.
     */
    public ImportedModel model(String ref) {
        requireRef(ref, "model");
        if (isPath(ref, ".yaml", ".yml", ".json", ".onnx")) {
            Path f = Path.of(ref);
            return ModelImporters.load(f, modelName(f));
        }
        if (unreadable.containsKey(ref) && models.stream().noneMatch(e -> e.name().equals(ref))) {
            throw unreadable.get(ref);
        }
        return find(models, ref, ModelEntry::name, e -> List.of(), ModelEntry::name)
                .orElseThrow(() -> unknown("model", ref, names(models, ModelEntry::name, e -> List.of()), "opsim models"))
                .model();
    }

    /**
     * The bundled model a Hugging Face repository id names ({@code meta-llama/Llama-3.1-8B-Instruct},
     * {@code nvidia/DeepSeek-R1-NVFP4}), with the weights its name sets, by the table
     * {@code models/hf/huggingface-ids.tsv} and the rules of docs/catalogue.md ("Hugging Face ids").
     *
     * @throws IllegalArgumentException for an id no row reads as, with the close matches
     */
    public HuggingFaceModel huggingFace(String id) {
        requireRef(id, "Hugging Face id");
        org.opsim.internal.load.HuggingFaceIds.Match m = HF_IDS.resolve(id).orElseThrow(() -> {
            String trimmed = id.trim();
            String key = org.opsim.internal.load.HuggingFaceIds.key(trimmed);
            String message = unknown("Hugging Face id", key, HF_IDS.byKey(), "models/hf/huggingface-ids.tsv").getMessage()
                    .replace("named '" + key + "'", "named '" + trimmed + "' (read as '" + key + "')")
                    .replace("; a file path works too)", ")");
            return new IllegalArgumentException(message);
        });
        return new HuggingFaceModel(m.id(), m.model(), m.weights(), m.why());
    }

    /**
     * A Hugging Face id read ({@link #huggingFace}): the bundled model it names, the weights its name sets (a
     * publisher's {@code -FP8} or {@code -NVFP4} checkpoint), and why it maps there (the table's source, and the
     * rules applied).
     */
    public record HuggingFaceModel(String id, String model, Optional<org.opsim.graph.Precision> weights, String why) {
        public HuggingFaceModel {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(model, "model");
            Objects.requireNonNull(weights, "weights");
            Objects.requireNonNull(why, "why");
        }
    }

    /** The bundled table of Hugging Face ids, read once. */
    private static final org.opsim.internal.load.HuggingFaceIds HF_IDS = org.opsim.internal.load.HuggingFaceIds.parse(
            Bundled.read("models/hf/huggingface-ids.tsv"), Bundled.label("models/hf/huggingface-ids.tsv"));

    /** A model that takes a workload, by name or file path; a fixed-shape graph is refused, naming {@code what} needs it. */
    public Model parametricModel(String ref, String what) {
        return model(ref).requireModel(what);
    }

    public List<ModelEntry> modelEntries() {
        return models;
    }

    /** Model files an importer recognised but could not read, by model name, with the error. */
    public Map<String, org.opsim.io.InputException> unreadable() {
        return unreadable;
    }

    /** Files in model folders that no importer recognised (a tokenizer.json beside a config.json, say). */
    public List<String> skipped() {
        return skipped;
    }

    // ---------------------------------------------------------------- helpers

    private static <E> Optional<E> find(List<E> entries, String ref, Function<E, String> name,
                                        Function<E, List<String>> aliases, Function<E, String> display) {
        String r = ref.trim();
        for (int i = entries.size() - 1; i >= 0; i--) {
            if (name.apply(entries.get(i)).equalsIgnoreCase(r)) {
                return Optional.of(entries.get(i));
            }
        }
        for (int i = entries.size() - 1; i >= 0; i--) {
            for (String a : aliases.apply(entries.get(i))) {
                if (a.equalsIgnoreCase(r)) {
                    return Optional.of(entries.get(i));
                }
            }
        }
        for (int i = entries.size() - 1; i >= 0; i--) {
            if (display.apply(entries.get(i)).equalsIgnoreCase(r)) {
                return Optional.of(entries.get(i));
            }
        }
        return Optional.empty();
    }

    /** Each entry's name with its aliases: {@code nvidia-h100-sxm (h100)}. */
    private static <E> Map<String, String> names(List<E> entries, Function<E, String> name, Function<E, List<String>> aliases) {
        Map<String, String> out = new LinkedHashMap<>();
        for (E e : entries) {
            List<String> as = aliases.apply(e);
            String shown = as.isEmpty() ? name.apply(e) : name.apply(e) + " (" + String.join(", ", as) + ")";
            out.put(name.apply(e), shown);
            for (String a : as) {
                out.put(a, shown);
            }
        }
        return out;
    }

    private static IllegalArgumentException unknown(String what, String ref, Map<String, String> known, String listing) {
        String r = ref.trim().toLowerCase(Locale.ROOT);
        List<String> close = known.entrySet().stream()
                .map(e -> Map.entry(e.getValue(), distance(r, e.getKey().toLowerCase(Locale.ROOT))))
                .filter(e -> e.getValue() <= Math.max(2, r.length() / 3) || e.getKey().toLowerCase(Locale.ROOT).contains(r)
                        || containsEveryPart(e.getKey().toLowerCase(Locale.ROOT), r))
                .sorted(Map.Entry.<String, Integer>comparingByValue().thenComparing(Map.Entry.comparingByKey()))
                .map(Map.Entry::getKey).distinct().limit(5).toList();
        return new IllegalArgumentException("no " + what + " named '" + ref + "' in the catalogue"
                + (close.isEmpty() ? "" : "; close matches: " + String.join(", ", close))
                + " (" + listing + " lists them all; a file path works too)");
    }

    /** Whether every part of {@code ref} between hyphens or blanks occurs in {@code text} ({@code llama-70b} in {@code llama-3.1-70b}). */
    private static boolean containsEveryPart(String text, String ref) {
        String[] parts = ref.split("[-_ ]+");
        if (parts.length < 2) {
            return false;
        }
        for (String p : parts) {
            if (p.isEmpty() || !text.contains(p)) {
                return false;
            }
        }
        return true;
    }

    /** Levenshtein distance. */
    static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    /**
     * Puts {@code entry} in place of the entry of the same name, else adds it. {@code added} holds the
     * names (lower-case) already added from the user's folder in this call, and their files: two of
     * the user's files with one name are refused rather than one silently shadowing the other.
     */
    private static <E> void shadow(List<E> entries, E entry, Function<E, String> name, Map<String, String> added,
                                   String file) {
        String previous = added.putIfAbsent(name.apply(entry).toLowerCase(Locale.ROOT), file);
        if (previous != null) {
            throw new InputException(file, "", "gives the catalogue name '" + name.apply(entry) + "', as " + previous
                    + " does: rename one of them");
        }
        for (int i = 0; i < entries.size(); i++) {
            if (name.apply(entries.get(i)).equalsIgnoreCase(name.apply(entry))) {
                entries.set(i, entry);
                return;
            }
        }
        entries.add(entry);
    }

    /** Whether a reference names a file rather than a catalogue entry. */
    static boolean isPath(String ref, String... extensions) {
        String lower = ref.toLowerCase(Locale.ROOT);
        for (String e : extensions) {
            if (lower.endsWith(e)) {
                return true;
            }
        }
        return ref.contains("/") || ref.contains(java.io.File.separator) || Files.isRegularFile(Path.of(ref));
    }

    private static void requireRef(String ref, String what) {
        if (ref == null || ref.isBlank()) {
            throw new IllegalArgumentException("a " + what + " name or file must not be blank");
        }
    }

    private static void requireDirectory(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new InputException(dir.toString(), "$", Files.exists(dir) ? "not a directory" : "directory not found");
        }
    }

    /** The {@code .yaml}, {@code .yml} and {@code .json} files directly in {@code dir} (none if it does not exist). */
    private static List<Path> documents(Path dir) {
        return files(dir, p -> {
            String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
            return n.endsWith(".yaml") || n.endsWith(".yml") || n.endsWith(".json");
        });
    }

    private static List<Path> files(Path dir, java.util.function.Predicate<Path> which) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(Files::isRegularFile).filter(which).sorted(Comparator.comparing(Path::toString)).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String read(Path f) {
        return Documents.text(f);
    }

    static String stem(Path f) {
        String n = f.getFileName().toString();
        int dot = n.lastIndexOf('.');
        return dot > 0 ? n.substring(0, dot) : n;
    }

    /** A model file's name: its stem, or for a file named {@code config} its folder's name. */
    static String modelName(Path f) {
        String s = stem(f);
        Path parent = f.toAbsolutePath().getParent();
        return s.equals("config") && parent != null && parent.getFileName() != null ? parent.getFileName().toString() : s;
    }

    /** {@code NVIDIA H100 SXM5 80GB} → {@code nvidia-h100-sxm5-80gb}. */
    static String slug(String name) {
        return name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9.]+", "-").replaceAll("(^-|-$)", "");
    }

    @Override
    public String toString() {
        return "Catalogue[" + profiles.size() + " profiles, " + systems.size() + " systems, " + models.size() + " models]"
                + (skipped.isEmpty() ? "" : ", skipped " + skipped.stream().collect(Collectors.joining(", ")));
    }
}
