package org.opsim.internal.load;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.ServiceLoader;
import java.util.stream.Collectors;
import org.opsim.io.InputException;
import org.opsim.model.ImportedModel;
import org.opsim.model.ModelImporter;

/**
 * The {@link ModelImporter}s on the class path (or module path), and reading a file with the first
 * that recognises its content.
 */
public final class ModelImporters {
    static final int HEAD_BYTES = 512;

    private ModelImporters() {
    }

    /** Every importer {@link ServiceLoader} finds, opsim-core's own first. */
    public static List<ModelImporter> all() {
        List<ModelImporter> out = new ArrayList<>(List.of(new HfConfigImporter(), new NativeGraphImporter()));
        for (ModelImporter m : ServiceLoader.load(ModelImporter.class, ModelImporters.class.getClassLoader())) {
            if (!(m instanceof HfConfigImporter) && !(m instanceof NativeGraphImporter)) {
                out.add(m);
            }
        }
        return out;
    }

    /** The importer that recognises {@code file}, if any. */
    public static java.util.Optional<ModelImporter> find(Path file) {
        byte[] head = head(file);
        for (ModelImporter m : all()) {
            if (m.recognises(file, head)) {
                return java.util.Optional.of(m);
            }
        }
        return java.util.Optional.empty();
    }

    /** Reads {@code file} as {@code name} with the first importer that recognises it, or says which were tried. */
    public static ImportedModel load(Path file, String name) {
        return find(file).orElseThrow(() -> new InputException(file.toString(), "$",
                "not a model file opsim can read (tried: " + all().stream().map(ModelImporter::format)
                        .collect(Collectors.joining(", ")) + ")")).load(file, name);
    }

    /** The first bytes of {@code file}. */
    static byte[] head(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new InputException(file.toString(), "$", Files.exists(file) ? "not a regular file" : "file not found");
        }
        try (InputStream in = Files.newInputStream(file)) {
            return in.readNBytes(HEAD_BYTES);
        } catch (NoSuchFileException e) {
            throw new InputException(file.toString(), "$", "file not found");
        } catch (IOException e) {
            throw new InputException(file.toString(), "$", "cannot read file: " + e.getMessage(), e);
        }
    }

    /**
     * Whether {@code head} is text: valid UTF-8 (a multi-byte character cut at the end allowed) without
     * NUL or other control characters than tab, CR and LF.
     */
    public static boolean looksLikeText(byte[] head) {
        for (byte b : head) {
            if (b == 0 || (b >= 0 && b < 0x20 && b != '\t' && b != '\n' && b != '\r')) {
                return false;
            }
        }
        for (int cut = 0; cut < 4 && cut <= head.length; cut++) {
            try {
                StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(ByteBuffer.wrap(Arrays.copyOf(head, head.length - cut)));
                return true;
            } catch (CharacterCodingException e) {
                // try again without a possibly cut last character
            }
        }
        return false;
    }

    /** {@code head} decoded as UTF-8 (malformed bytes replaced). */
    static String text(byte[] head) {
        return new String(head, StandardCharsets.UTF_8);
    }
}
