package org.opsim.internal.io;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import org.opsim.io.InputException;
import org.opsim.io.InvalidValueException;

/**
 * A position in a parsed document that knows its file and JSON path, so every check can say
 * exactly where input is wrong. Immutable; cheap to create.
 */
public final class Node {
    private final String file;
    private final String path;
    private final JsonNode json;

    Node(String file, String path, JsonNode json) {
        this.file = file;
        this.path = path;
        this.json = json;
    }

    public String file() {
        return file;
    }

    public String path() {
        return path;
    }

    public JsonNode json() {
        return json;
    }

    /** An error at this node. */
    public InputException error(String problem) {
        return new InputException(file, path, problem);
    }

    public boolean has(String field) {
        JsonNode child = json.get(field);
        return child != null && !child.isNull();
    }

    /** A required object field. */
    public Node field(String name) {
        requireObject();
        JsonNode child = json.get(name);
        if (child == null || child.isNull()) {
            throw new InputException(file, path, "missing required field '" + name + "'");
        }
        return child(name, child);
    }

    public Optional<Node> optional(String name) {
        requireObject();
        JsonNode child = json.get(name);
        return child == null || child.isNull() ? Optional.empty() : Optional.of(child(name, child));
    }

    private Node child(String name, JsonNode child) {
        String childPath = name.matches("[A-Za-z_][A-Za-z0-9_]*") ? path + "." + name : path + "['" + name + "']";
        return new Node(file, childPath, child);
    }

    /** Rejects any field not in {@code allowed}, naming it and the ones that are allowed. */
    public Node allowOnly(String... allowed) {
        requireObject();
        Set<String> ok = new LinkedHashSet<>(List.of(allowed));
        Iterator<String> names = json.fieldNames();
        while (names.hasNext()) {
            String n = names.next();
            if (!ok.contains(n)) {
                throw new InputException(file, path, "unknown field '" + n + "' (allowed: " + String.join(", ", ok) + ")");
            }
        }
        return this;
    }

    public Node requireObject() {
        if (!json.isObject()) {
            throw error("expected an object, got " + describe(json));
        }
        return this;
    }

    /** Fields of an object, in document order. */
    public List<Map.Entry<String, Node>> entries() {
        requireObject();
        List<Map.Entry<String, Node>> out = new ArrayList<>();
        Iterator<Map.Entry<String, JsonNode>> it = json.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            out.add(Map.entry(e.getKey(), child(e.getKey(), e.getValue())));
        }
        return out;
    }

    /** Elements of an array. */
    public List<Node> elements() {
        if (!json.isArray()) {
            throw error("expected a list, got " + describe(json));
        }
        List<Node> out = new ArrayList<>(json.size());
        for (int i = 0; i < json.size(); i++) {
            out.add(new Node(file, path + "[" + i + "]", json.get(i)));
        }
        return out;
    }

    public String text() {
        if (!json.isTextual()) {
            throw error("expected a string, got " + describe(json));
        }
        String s = json.asText();
        if (s.isBlank()) {
            throw error("must not be blank");
        }
        return s;
    }

    public boolean bool() {
        if (!json.isBoolean()) {
            throw error("expected true or false, got " + describe(json));
        }
        return json.booleanValue();
    }

    /** Any finite number. */
    public double number() {
        if (!json.isNumber()) {
            // YAML ".nan"/".inf" arrive as numbers; quoted strings do not.
            throw error("expected a number, got " + describe(json));
        }
        double v = json.doubleValue();
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            throw error("must be a finite number, got " + v);
        }
        return v;
    }

    public double positive() {
        double v = number();
        if (v <= 0) {
            throw error("must be > 0, got " + fmt(v));
        }
        return v;
    }

    public double nonNegative() {
        double v = number();
        if (v < 0) {
            throw error("must be >= 0, got " + fmt(v));
        }
        return v;
    }

    /**
     * A whole number of any sign (accepts 4096 and 4096.0, not 4096.5): a type check only; the record
     * the number goes into checks its range.
     */
    public long whole() {
        double v = number();
        if (v != Math.rint(v) || Math.abs(v) >= 0x1p63) {
            throw error("must be a whole number, got " + fmt(v));
        }
        return (long) v;
    }

    /** {@link #whole()} within the range of an int. */
    public int wholeInt() {
        long v = whole();
        if (v > Integer.MAX_VALUE || v < Integer.MIN_VALUE) {
            throw error("must be between " + Integer.MIN_VALUE + " and " + Integer.MAX_VALUE + ", got " + v);
        }
        return (int) v;
    }

    /** Parses a key of this node's parent object ({@code bf16} in {@code peakFlopsPerSecond}); errors point here. */
    public <T> T parseKey(String key, Function<String, T> parser) {
        try {
            return parser.apply(key);
        } catch (IllegalArgumentException e) {
            throw error(e.getMessage());
        }
    }

    /** A whole number > 0 (accepts 4096 and 4096.0, not 4096.5). */
    public long positiveLong() {
        double v = positive();
        if (v != Math.rint(v) || v > Long.MAX_VALUE) {
            throw error("must be a whole number, got " + fmt(v));
        }
        return (long) v;
    }

    public int positiveInt() {
        long v = positiveLong();
        if (v > Integer.MAX_VALUE) {
            throw error("must be at most " + Integer.MAX_VALUE + ", got " + v);
        }
        return (int) v;
    }

    /** Parses the text with {@code parser}; its IllegalArgumentException becomes an error here. */
    public <T> T parse(Function<String, T> parser) {
        String s = text();
        try {
            return parser.apply(s);
        } catch (IllegalArgumentException e) {
            throw error(e.getMessage());
        }
    }

    /**
     * Runs {@code build}, the construction of a record from this node's fields. A rule the record
     * breaks ({@link InvalidValueException}) is reported at this node's path joined with the field
     * the record names; any other {@link IllegalArgumentException} at this node.
     */
    public <T> T build(Supplier<T> build) {
        return build(build, Function.identity());
    }

    /**
     * As {@link #build(Supplier)}, for records whose field names differ from the document's keys:
     * {@code fieldToKey} maps the record's field path to the document's (a Hugging Face config's
     * {@code kvHeads} is its {@code num_key_value_heads}).
     */
    public <T> T build(Supplier<T> build, Function<String, String> fieldToKey) {
        try {
            return build.get();
        } catch (InvalidValueException e) {
            throw new InputException(file, InvalidValueException.join(path, fieldToKey.apply(e.field())), e.problem(), e);
        } catch (IllegalArgumentException e) {
            throw new InputException(file, path, e.getMessage(), e);
        }
    }

    static String fmt(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }

    private static String describe(JsonNode n) {
        if (n.isObject()) {
            return "an object";
        }
        if (n.isArray()) {
            return "a list";
        }
        if (n.isTextual()) {
            return "the string \"" + n.asText() + "\"";
        }
        if (n.isNull()) {
            return "null";
        }
        return n.getNodeType().name().toLowerCase(java.util.Locale.ROOT) + " " + n.asText();
    }
}
