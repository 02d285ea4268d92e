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
 * the profile file's: {@code nativeOps}, {@code customOps}, {@code fallback.default},
 * {@code fallback.ops.KIND}, {@code host}.
 *
 * <p>User-defined ops ({@link org.opsim.graph.CustomOp}) run natively when {@code nativeOps} holds
 * {@code custom} (every custom op: a programmable chip) or {@code customOps} holds the op's support
 * key; otherwise they take the fallback for {@code custom}, else the default one. A chip with
 * neither refuses them.
 */
public record OpSupport(Set<OpKind> nativeOps, Set<String> customOps, Optional<Fallback> defaultFallback,
                        Map<OpKind, Fallback> fallbackByKind, Optional<HostLink> host) {

    public OpSupport {
        Checks.required("nativeOps", nativeOps);
        nativeOps = nativeOps.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(nativeOps));
        Checks.required("customOps", customOps);
        customOps = Set.copyOf(customOps);
        Checks.required("fallback.default", defaultFallback);
        Checks.required("fallback.ops", fallbackByKind);
        fallbackByKind = Map.copyOf(fallbackByKind);
        Checks.required("host", host);
        for (OpKind k : OpKind.values()) {
            if (k != OpKind.CUSTOM && !nativeOps.contains(k) && defaultFallback.isEmpty() && !fallbackByKind.containsKey(k)) {
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

    /** Without custom-op keys. */
    public OpSupport(Set<OpKind> nativeOps, Optional<Fallback> defaultFallback, Map<OpKind, Fallback> fallbackByKind,
                     Optional<HostLink> host) {
        this(nativeOps, Set.of(), defaultFallback, fallbackByKind, host);
    }

    /** Every op kind native (custom ones too): nothing ever falls back. */
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

    /** Whether a custom op with this support key runs natively. */
    public boolean isNativeCustom(String supportKey) {
        return nativeOps.contains(OpKind.CUSTOM) || customOps.contains(supportKey);
    }

    /** Whether a non-native custom op has a fallback. */
    public boolean hasCustomFallback() {
        return fallbackByKind.containsKey(OpKind.CUSTOM) || defaultFallback.isPresent();
    }

    /** The fallback for a non-native kind (present for every such kind by construction). */
    public Fallback fallbackFor(OpKind kind) {
        Fallback f = fallbackByKind.get(kind);
        return f != null ? f : defaultFallback.orElseThrow();
    }
}
