package org.opsim.internal.io;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import org.opsim.io.InputException;

/** Reads JSON or YAML documents (chosen by file extension) into a {@link Node} tree. */
public final class Documents {

    /** Document formats, by file extension. */
    public enum Format {
        JSON, YAML;

        public static Format of(String fileName) {
            String lower = fileName.toLowerCase(Locale.ROOT);
            if (lower.endsWith(".json")) {
                return JSON;
            }
            if (lower.endsWith(".yaml") || lower.endsWith(".yml")) {
                return YAML;
            }
            throw new InputException(fileName, "$", "unknown file type: expected .json, .yaml or .yml");
        }
    }

    private Documents() {
    }

    public static ObjectMapper mapper(Format format) {
        // YAML: no line splitting, so a long source string stays one greppable line.
        // JSON: Python's json module writes Infinity and NaN (Hugging Face configs carry them, e.g.
        // time_step_limit); they parse, and Node.number() refuses them wherever a value is read.
        ObjectMapper mapper = format == Format.JSON
                ? JsonMapper.builder().enable(com.fasterxml.jackson.core.json.JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build()
                : YAMLMapper.builder().disable(com.fasterxml.jackson.dataformat.yaml.YAMLGenerator.Feature.SPLIT_LINES).build();
        mapper.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
        return mapper;
    }

    /** Reads a file; malformed content, a missing file or an empty document is an {@link InputException}. */
    public static Node read(Path file) {
        String label = file.toString();
        Format format;
        try {
            format = Format.of(file.getFileName().toString());
        } catch (InputException e) {
            throw new InputException(label, e.path(), e.problem());
        }
        return parse(text(file), format, label);
    }

    /**
     * Reads a file whatever its name, telling JSON from YAML by content (a document that starts with
     * {@code {} or {@code [} is JSON), for importers that recognise files by what they hold.
     */
    public static Node readByContent(Path file) {
        String text = text(file);
        return parse(text, formatOf(text), file.toString());
    }

    /** A file's text; a missing or unreadable file is an {@link InputException} naming it. */
    public static String text(Path file) {
        try {
            return Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new InputException(file.toString(), "$", "file not found");
        } catch (IOException e) {
            throw new InputException(file.toString(), "$", "cannot read file: " + e.getMessage(), e);
        }
    }

    /** JSON if the text's first non-blank character opens an object or a list, else YAML. */
    public static Format formatOf(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!Character.isWhitespace(c) && c != '\uFEFF') {
                return c == '{' || c == '[' ? Format.JSON : Format.YAML;
            }
        }
        return Format.YAML;
    }

    /** Parses text already in memory; {@code label} names it in errors. */
    public static Node parse(String text, Format format, String label) {
        JsonNode root;
        try {
            root = format == Format.YAML ? YamlTree.read(mapper(format), text) : mapper(format).readTree(text);
        } catch (JsonProcessingException e) {
            JsonLocation loc = e.getLocation();
            String where = loc == null ? "" : " at line " + loc.getLineNr() + ", column " + loc.getColumnNr();
            throw new InputException(label, "$", "malformed " + format.name() + where + ": " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            throw new InputException(label, "$", "empty document");
        }
        return new Node(label, "$", root);
    }
}
