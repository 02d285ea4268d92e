package org.opsim.internal.load;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.opsim.hardware.HardwareProfile;
import org.opsim.internal.io.Documents;
import org.opsim.model.ImportedModel;
import org.opsim.model.transformer.TransformerModel;

/**
 * The catalogue bundled in opsim-core's jar: the repository's {@code hardware-profiles/} and
 * {@code models/} folders, copied by the build under {@value #ROOT} with an index of their files
 * (a jar cannot list its folders). Read from the class path, so it works from any directory.
 */
public final class Bundled {
    /** The resource folder of the catalogue. */
    public static final String ROOT = "opsim-catalogue/";

    private Bundled() {
    }

    /** Every bundled file, as paths relative to the catalogue ({@code hardware-profiles/nvidia-h100-sxm.yaml}), sorted. */
    public static List<String> files() {
        return Index.FILES;
    }

    /** The text of a bundled file. */
    public static String read(String path) {
        try (InputStream in = Bundled.class.getResourceAsStream("/" + ROOT + path)) {
            if (in == null) {
                throw new IllegalStateException("the bundled catalogue has no " + path + " (a broken build?)");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read bundled " + path, e);
        }
    }

    /** The label a bundled file has in messages: {@code hardware-profiles/nvidia-h100-sxm.yaml (bundled)}. */
    public static String label(String path) {
        return path + " (bundled)";
    }

    public static ProfileLoader.Loaded profile(String path) {
        return ProfileLoader.parse(read(path), Documents.Format.of(path), label(path));
    }

    /** A bundled system; {@code chips} resolves its chip reference (already turned into a bundled path when relative). */
    public static SystemLoader.Loaded system(String path, Function<String, HardwareProfile> chips) {
        return SystemLoader.read(Documents.parse(read(path), Documents.Format.of(path), label(path)), chips);
    }

    /** A bundled model: a Hugging Face config under {@code models/hf/}, else a native graph file. */
    public static ImportedModel model(String path, String name) {
        String text = read(path);
        if (path.startsWith("models/hf/")) {
            return new ImportedModel.Parametric(new TransformerModel(name, label(path), HfConfigLoader.parse(text, label(path))));
        }
        return new ImportedModel.Fixed(name, NativeGraphLoader.parse(text, Documents.Format.of(path), label(path)));
    }

    /** {@code a/b/../c.yaml} → {@code a/c.yaml}; empty if the path climbs out of the catalogue. */
    public static Optional<String> resolve(String dirOf, String relative) {
        String base = dirOf.contains("/") ? dirOf.substring(0, dirOf.lastIndexOf('/') + 1) : "";
        List<String> parts = new ArrayList<>();
        for (String p : (base + relative).split("/")) {
            if (p.isEmpty() || p.equals(".")) {
                continue;
            }
            if (p.equals("..")) {
                if (parts.isEmpty()) {
                    return Optional.empty();
                }
                parts.remove(parts.size() - 1);
            } else {
                parts.add(p);
            }
        }
        return Optional.of(String.join("/", parts));
    }

    /** The file name without folders and extension. */
    public static String stem(String path) {
        String n = path.substring(path.lastIndexOf('/') + 1);
        int dot = n.lastIndexOf('.');
        return dot > 0 ? n.substring(0, dot) : n;
    }

    /** Read once, on first use (the holder idiom: thread-safe, immutable). */
    private static final class Index {
        static final List<String> FILES = load();

        private static List<String> load() {
            InputStream in = Bundled.class.getResourceAsStream("/" + ROOT + "index.txt");
            if (in == null) {
                throw new IllegalStateException("opsim-core's jar has no " + ROOT + "index.txt: the bundled catalogue is missing");
            }
            List<String> out = new ArrayList<>();
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                    if (!line.isBlank()) {
                        out.add(line.trim());
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            out.sort(null);
            return List.copyOf(out);
        }
    }
}
