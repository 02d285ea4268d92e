package org.opsim.model;

import java.nio.file.Path;

/**
 * Reads one kind of model file. Importers are found with {@link java.util.ServiceLoader}: opsim-core
 * brings the Hugging Face {@code config.json} and native graph file importers, opsim-onnx the ONNX
 * one, and a jar of your own that lists its implementation in
 * {@code META-INF/services/org.opsim.model.ModelImporter} (or {@code provides} it in its module
 * descriptor) adds another. A file is given to the first importer that {@linkplain #recognises
 * recognises} its content, whatever its extension.
 */
public interface ModelImporter {

    /** What files this importer reads, for messages: e.g. {@code Hugging Face config.json}. */
    String format();

    /**
     * Whether {@code file} holds what this importer reads, judged by content: {@code head} is its first
     * bytes (up to 512); an importer may read the file further to decide.
     */
    boolean recognises(Path file, byte[] head);

    /**
     * Reads {@code file} as the model named {@code name}. Bad content is an
     * {@link org.opsim.io.InputException} naming the file and the field.
     */
    ImportedModel load(Path file, String name);
}
