package org.opsim;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.opsim.cost.CostModel;
import org.opsim.cost.Evaluation;
import org.opsim.graph.Graph;
import org.opsim.hardware.HardwareProfile;
import org.opsim.hardware.ProfileLoader;
import org.opsim.importer.GraphFile;
import org.opsim.importer.NativeGraphLoader;
import org.opsim.io.InputException;

/**
 * The entry point: load a profile, load or build a graph, evaluate, read the result.
 *
 * <pre>{@code
 * HardwareProfile h100 = Opsim.loadProfile(Path.of("hardware-profiles/nvidia-h100-sxm.yaml"));
 * Graph graph = Opsim.loadGraph(Path.of("models/llama-3.1-8b-decode.yaml")).graph();
 * Evaluation e = Opsim.evaluate(graph, h100);
 * double seconds = e.total().latencySeconds();
 * }</pre>
 *
 * Holds no state; every method is safe to call from many threads.
 */
public final class Opsim {

    private Opsim() {
    }

    public static HardwareProfile loadProfile(Path file) {
        return ProfileLoader.load(file);
    }

    /** Every {@code .yaml}, {@code .yml} and {@code .json} profile in {@code dir}, sorted by file name. */
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

    /**
     * Profiles contributed by {@link org.opsim.hardware.ProfileProvider}s on the class path
     * ({@link java.util.ServiceLoader}), in discovery order. A provider that fails names itself in the error.
     */
    public static List<HardwareProfile> providedProfiles() {
        List<HardwareProfile> out = new ArrayList<>();
        for (java.util.ServiceLoader.Provider<org.opsim.hardware.ProfileProvider> p
                : java.util.ServiceLoader.load(org.opsim.hardware.ProfileProvider.class).stream().toList()) {
            try {
                out.addAll(p.get().profiles());
            } catch (RuntimeException e) {
                throw new InputException(p.type().getName(), "$", "profile provider failed: " + e.getMessage());
            }
        }
        return out;
    }

    public static GraphFile loadGraph(Path file) {
        return NativeGraphLoader.load(file);
    }

    public static Evaluation evaluate(Graph graph, HardwareProfile profile) {
        return CostModel.evaluate(graph, profile);
    }

    static boolean isDocument(Path p) {
        String n = p.getFileName().toString();
        return Files.isRegularFile(p) && (n.endsWith(".yaml") || n.endsWith(".yml") || n.endsWith(".json"));
    }
}
