package org.opsim;

import java.nio.file.Files;
import java.nio.file.Path;
import org.opsim.graph.Graph;
import org.opsim.model.ImportedModel;
import org.opsim.model.transformer.TransformerModel;

/**
 * Where tests find what is not on the class path: the repository (docs/) and the shared data beside
 * it (../shared). Tests run with their module's folder as working directory, so they must not use
 * paths relative to the repository root; the bundled catalogue comes from the class path.
 */
public final class Repo {
    private Repo() {
    }

    /** The repository root: the {@code opsim.root} property Maven sets, else the nearest folder up with a pom and models/. */
    public static Path root() {
        String p = System.getProperty("opsim.root");
        if (p != null) {
            return Path.of(p).toAbsolutePath().normalize();
        }
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            if (Files.isDirectory(d.resolve("hardware-profiles")) && Files.isDirectory(d.resolve("models"))) {
                return d;
            }
        }
        throw new IllegalStateException("cannot find the repository root (set -Dopsim.root)");
    }

    /** A path under the repository root. */
    public static Path path(String relative) {
        return root().resolve(relative);
    }

    /** A path under {@code ../shared}, the data beside the repository. */
    public static Path shared(String relative) {
        return root().resolveSibling("shared").resolve(relative);
    }

    /** A bundled Hugging Face model by name, as a transformer. */
    public static TransformerModel transformer(String name) {
        return (TransformerModel) Opsim.model(name);
    }

    /** A bundled native graph by name. */
    public static Graph graph(String name) {
        return ((ImportedModel.Fixed) Opsim.importModel(name)).file().graph();
    }
}
