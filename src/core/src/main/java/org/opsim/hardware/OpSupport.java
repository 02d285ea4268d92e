package org.opsim.hardware;

import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.opsim.graph.OpKind;
import org.opsim.io.InvalidValueException;

/**
 * Which op kinds a chip runs natively, and how it runs the rest: a default {@link Fallback} with
 * optional per-kind overrides, and the host link when any fallback goes to the host. Field names are
 * the profile file's: {@code nativeOps}, {@code fallback.default}, {@code fallback.ops.KIND},
 * {@code host}.
 */
public record OpSupport(Set<OpKind> nativeOps, Optional<Fallback> defaultFallback,
                        Map<OpKind, Fallback> fallbackByKind, Optional<HostLink> host) {

    public OpSupport {
        Checks.required("nativeOps", nativeOps);
        nativeOps = nativeOps.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(nativeOps));
        Checks.required("fallback.default", defaultFallback);
        Checks.required("fallback.ops", fallbackByKind);
        fallbackByKind = Map.copyOf(fallbackByKind);
        Checks.required("host", host);
        for (OpKind k : OpKind.values()) {
            if (!nativeOps.contains(k) && defaultFallback.isEmpty() && !fallbackByKind.containsKey(k)) {
                throw new InvalidValueException("fallback", "op kind " + k.id()
                        + " is not in nativeOps and has no fallback (add fallback.default or fallback.ops." + k.id() + ")");
            }
        }
        boolean usesHost = defaultFallback.map(f -> f.mode() == Fallback.Mode.HOST).orElse(false)
                || fallbackByKind.values().stream().anyMatch(f -> f.mode() == Fallback.Mode.HOST);
        if (usesHost && host.isEmpty()) {
            throw new InvalidValueException("host", "a fallback uses mode 'host' but the profile has no 'host' section");
        }
    }

    /** Every op kind native: nothing ever falls back. */
    public static OpSupport allNative() {
        return new OpSupport(EnumSet.allOf(OpKind.class), Optional.empty(), Map.of(), Optional.empty());
    }

    /** Every op kind native, with a host link (unused unless a fallback names it). */
    public static OpSupport allNative(Optional<HostLink> host) {
        return new OpSupport(EnumSet.allOf(OpKind.class), Optional.empty(), Map.of(), host);
    }

    public boolean isNative(OpKind kind) {
        return nativeOps.contains(kind);
    }

    /** The fallback for a non-native kind (present for every such kind by construction). */
    public Fallback fallbackFor(OpKind kind) {
        Fallback f = fallbackByKind.get(kind);
        return f != null ? f : defaultFallback.orElseThrow();
    }
}
