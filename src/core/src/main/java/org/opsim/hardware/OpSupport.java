package org.opsim.hardware;

import java.util.EnumSet;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.opsim.graph.OpKind;

/**
 * Which op kinds a chip runs natively, and how it runs the rest: a default {@link Fallback} with
 * optional per-kind overrides, and the host link when any fallback goes to the host.
 */
public record OpSupport(Set<OpKind> nativeOps, Optional<Fallback> defaultFallback,
                        Map<OpKind, Fallback> fallbackByKind, Optional<HostLink> host) {

    public OpSupport {
        nativeOps = nativeOps.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(nativeOps));
        Objects.requireNonNull(defaultFallback, "defaultFallback");
        fallbackByKind = Map.copyOf(fallbackByKind);
        Objects.requireNonNull(host, "host");
        for (OpKind k : OpKind.values()) {
            if (!nativeOps.contains(k) && defaultFallback.isEmpty() && !fallbackByKind.containsKey(k)) {
                throw new IllegalArgumentException("op kind " + k.id() + " is not native and has no fallback");
            }
        }
        boolean usesHost = defaultFallback.map(f -> f.mode() == Fallback.Mode.HOST).orElse(false)
                || fallbackByKind.values().stream().anyMatch(f -> f.mode() == Fallback.Mode.HOST);
        if (usesHost && host.isEmpty()) {
            throw new IllegalArgumentException("a fallback goes to the host but no host link is given");
        }
    }

    /** Every op kind native: nothing ever falls back. */
    public static OpSupport allNative() {
        return new OpSupport(EnumSet.allOf(OpKind.class), Optional.empty(), Map.of(), Optional.empty());
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
