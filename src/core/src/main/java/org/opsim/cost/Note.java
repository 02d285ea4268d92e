package org.opsim.cost;

import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import org.opsim.graph.Engine;
import org.opsim.graph.OpKind;
import org.opsim.graph.Precision;

/**
 * Something the cost of an op depended on that its graph did not ask for: a precision the chip does
 * not have, an op kind it does not run natively. Structured, so that a program (or the command
 * line) can group and filter notes without parsing text; {@link #message()} is the sentence.
 *
 * @param kind what happened
 * @param chip the profile's name
 * @param opKind the kind of op it happened to
 * @param engine for a precision fallback, the engine that lacks the precision
 * @param from for a precision fallback, the precision the op asked for
 * @param to for a precision fallback, the precision it ran at
 * @param penaltyFactor for a vector or host fallback, the factor the profile multiplies its time by
 */
public record Note(Kind kind, String chip, OpKind opKind, Optional<Engine> engine, Optional<Precision> from,
                   Optional<Precision> to, OptionalDouble penaltyFactor) {

    /** What a note reports. */
    public enum Kind {
        /** An engine lacks the op's precision and ran it at a wider one. */
        PRECISION_FALLBACK,
        /** The op kind is not native: it ran on the vector unit, slowed by the profile's penalty. */
        VECTOR_FALLBACK,
        /** The op kind is not native: it ran on the host CPU, its data sent over the host link. */
        HOST_FALLBACK,
        /** The stack fuses the op into its producer: its arithmetic counts, its launch does not, and of its memory traffic only a binary op's other operand. */
        FUSED;

        public String id() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    public Note {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(chip, "chip");
        Objects.requireNonNull(opKind, "opKind");
        Objects.requireNonNull(engine, "engine");
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(penaltyFactor, "penaltyFactor");
        boolean precision = kind == Kind.PRECISION_FALLBACK;
        if (precision != (engine.isPresent() && from.isPresent() && to.isPresent())) {
            throw new IllegalArgumentException("a precision fallback note (and only one) names an engine and two precisions");
        }
        if ((precision || kind == Kind.FUSED) == penaltyFactor.isPresent()) {
            throw new IllegalArgumentException("a vector or host fallback note (and only one) has a penalty factor");
        }
    }

    /** {@code engine} of {@code chip} has no {@code from}: {@code opKind} ran at {@code to}. */
    public static Note precisionFallback(String chip, OpKind opKind, Engine engine, Precision from, Precision to) {
        return new Note(Kind.PRECISION_FALLBACK, chip, opKind, Optional.of(engine), Optional.of(from), Optional.of(to),
                OptionalDouble.empty());
    }

    /** {@code opKind} is not native on {@code chip}: it ran on the vector unit or the host, time × {@code penalty}. */
    public static Note fallback(Kind kind, String chip, OpKind opKind, double penalty) {
        if (kind == Kind.PRECISION_FALLBACK) {
            throw new IllegalArgumentException("use precisionFallback for a precision fallback");
        }
        return new Note(kind, chip, opKind, Optional.empty(), Optional.empty(), Optional.empty(), OptionalDouble.of(penalty));
    }

    /** {@code opKind} ran fused into its producer by the stack {@code stack} on {@code chip}. */
    public static Note fused(String chip, OpKind opKind, String stack) {
        return new Note(Kind.FUSED, chip + " under " + stack, opKind, Optional.empty(), Optional.empty(), Optional.empty(),
                OptionalDouble.empty());
    }

    /** The note as a sentence, e.g. {@code vector unit of Google TPU v6e (Trillium) has no bf16: rmsnorm ran at fp32}. */
    public String message() {
        return switch (kind) {
            case PRECISION_FALLBACK -> engine.get().id() + " unit of " + chip + " has no " + from.get().id() + ": "
                    + opKind.id() + " ran at " + to.get().id();
            case VECTOR_FALLBACK -> opKind.id() + " is not native on " + chip + ": runs on the vector unit, time ×"
                    + number(penaltyFactor.getAsDouble());
            case HOST_FALLBACK -> opKind.id() + " is not native on " + chip + ": runs on the host, time ×"
                    + number(penaltyFactor.getAsDouble());
            case FUSED -> opKind.id() + " is fused into its producer on " + chip + ": no launch, and of its memory "
                    + "traffic only a binary op's other operand";
        };
    }

    @Override
    public String toString() {
        return message();
    }

    private static String number(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }
}
