package org.opsim.io;

import java.util.Objects;

/**
 * A value that breaks a rule of the record it belongs to. Each rule lives in the record that owns
 * the value: {@link #field()} is the value's path inside that record, in the names of the file
 * formats (e.g. {@code memory.bandwidthBytesPerSecond.value}, {@code curve[2]}), so a loader that
 * built the record from a document reports it at {@code file: $.path.field} and a program that built
 * it in Java reads the same field name.
 */
public class InvalidValueException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final String subject;
    private final String field;
    private final String problem;

    /**
     * @param field the value's path inside the record ({@code ""} for the record as a whole)
     * @param problem what is wrong, e.g. {@code must be > 0, got -1}
     */
    public InvalidValueException(String field, String problem) {
        this("", field, problem);
    }

    /**
     * @param subject what owns the field, for the message only (e.g. {@code op 'qkv_proj'}); loaders
     *     locate the value by their document path instead
     */
    public InvalidValueException(String subject, String field, String problem) {
        super(message(subject, field, problem));
        this.subject = Objects.requireNonNull(subject, "subject");
        this.field = Objects.requireNonNull(field, "field");
        this.problem = Objects.requireNonNull(problem, "problem");
    }

    private static String message(String subject, String field, String problem) {
        String where = field.isEmpty() ? subject : subject.isEmpty() ? field : subject + ": " + field;
        return where.isEmpty() ? problem : where + ": " + problem;
    }

    /** What owns the field ({@code ""} when the record is the whole subject). */
    public String subject() {
        return subject;
    }

    /** The value's path inside its record; {@code ""} for the record as a whole. */
    public String field() {
        return field;
    }

    /** What is wrong, without subject or field. */
    public String problem() {
        return problem;
    }

    /** The same problem seen from the record that holds this one at {@code parent}: {@code parent.field}. */
    public InvalidValueException within(String parent) {
        return new InvalidValueException(subject, join(parent, field), problem);
    }

    /** {@code a.b}, {@code a[0]}, or one of them alone when the other is empty. */
    public static String join(String parent, String field) {
        if (parent.isEmpty()) {
            return field;
        }
        if (field.isEmpty()) {
            return parent;
        }
        return field.startsWith("[") ? parent + field : parent + "." + field;
    }
}
