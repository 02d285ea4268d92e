package org.opsim.hardware;

import java.util.List;
import java.util.Optional;
import org.opsim.graph.OpKind;
import org.opsim.io.InvalidValueException;

/**
 * One version of a software stack (PyTorch eager, vLLM, SGLang, TensorRT-LLM, JAX/XLA, Neuron, ...):
 * what the software adds to a chip's cost, kept apart from the chip (files:
 * {@code hardware-profiles/stacks/<name>.yaml}; format: docs/hardware-profile-format.md). A profile
 * runs under one stack ({@link HardwareProfile#withStack}); a calibration fits the chip's figures
 * and the stack's separately.
 *
 * @param name the stack's short name (its file name)
 * @param version the version entry inside the file
 * @param launchSeconds fixed time per kernel call that the stack (and the timing method it is used
 *     with) adds; absent: the chip's dispatch overhead and per-kind overheads apply
 * @param floorSeconds the least time any call takes (host-side dispatch of an eager framework);
 *     absent: none
 * @param kernels per-kind kernel rules, at most one per kind
 * @param serving how the stack serves requests (scheduler, budgets, memory, step overheads), where the version is
 *     a serving engine's (read by the serving simulator); absent for kernel-only versions
 */
public record SoftwareStack(String name, String version, Optional<String> description, Optional<Figure> launchSeconds,
                            Optional<Figure> floorSeconds, List<KernelRule> kernels, Optional<ServingEngine> serving) {

    /** A kernel-only stack version (no serving engine). */
    public SoftwareStack(String name, String version, Optional<String> description, Optional<Figure> launchSeconds,
                         Optional<Figure> floorSeconds, List<KernelRule> kernels) {
        this(name, version, description, launchSeconds, floorSeconds, kernels, Optional.empty());
    }

    public SoftwareStack {
        Checks.text("name", name);
        Checks.text("version", version);
        Checks.required("description", description);
        Checks.required("launchSeconds", launchSeconds);
        launchSeconds.ifPresent(f -> Checks.nonNegative("launchSeconds", f));
        Checks.required("floorSeconds", floorSeconds);
        floorSeconds.ifPresent(f -> Checks.nonNegative("floorSeconds", f));
        kernels = List.copyOf(Checks.required("kernels", kernels));
        Checks.required("serving", serving);
        for (int i = 0; i < kernels.size(); i++) {
            for (int j = 0; j < i; j++) {
                if (kernels.get(i).kind() == kernels.get(j).kind()) {
                    throw new InvalidValueException("kernels[" + i + "]", "a second rule for " + kernels.get(i).kind().id()
                            + " (the first is kernels[" + j + "])");
                }
            }
        }
    }

    /** A stack that adds nothing: the chip's own figures decide everything. */
    public static SoftwareStack none() {
        return new SoftwareStack("none", "-", Optional.of("no stack: the chip profile's figures only"),
                Optional.empty(), Optional.empty(), List.of());
    }

    /** {@code name@version}. */
    public String id() {
        return name + "@" + version;
    }

    public Optional<KernelRule> kernel(OpKind kind) {
        for (KernelRule r : kernels) {
            if (r.kind() == kind) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }

    /** This stack with {@code rule} replacing the kind's rule (or added). */
    public SoftwareStack with(KernelRule rule) {
        List<KernelRule> out = new java.util.ArrayList<>(kernels.stream().filter(r -> r.kind() != rule.kind()).toList());
        out.add(rule);
        return new SoftwareStack(name, version, description, launchSeconds, floorSeconds, out, serving);
    }

    public SoftwareStack withVersion(String v, String why) {
        return new SoftwareStack(name, v, Optional.of(why), launchSeconds, floorSeconds, kernels, serving);
    }

    /** This stack with another serving engine (a calibration's result). */
    public SoftwareStack withServing(ServingEngine engine, String v, String why) {
        return new SoftwareStack(name, v, Optional.of(why), launchSeconds, floorSeconds, kernels, Optional.of(engine));
    }

    /** This stack with another per-kernel launch cost (a calibration's candidate). */
    public SoftwareStack withLaunchSeconds(Figure launch) {
        return new SoftwareStack(name, version, description, Optional.of(launch), floorSeconds, kernels, serving);
    }
}
