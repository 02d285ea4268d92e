package org.opsim.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.opsim.Catalogue;
import org.opsim.hardware.HardwareProfile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Option;

/** Shared {@code --profile} / {@code --profiles} options: chips named from the catalogue, or files. */
final class Inputs {
    private static final Logger LOG = LoggerFactory.getLogger(Inputs.class);

    @Option(names = {"-p", "--profile"}, paramLabel = "CHIP",
            description = "a chip: a catalogue name or alias (h100, nvidia-h100-sxm; see opsim profiles) or a profile "
                    + "file (repeatable)")
    List<String> profileRefs = new ArrayList<>();

    @Option(names = "--profiles", paramLabel = "DIR",
            description = "add the profiles in DIR (and DIR/calibrated/, DIR/systems/) to the catalogue; yours shadow "
                    + "bundled ones of the same name")
    Path profileDir;

    @Option(names = "--stack", paramLabel = "STACK",
            description = "the software stack the chips run: a name (vllm, pytorch-eager, sglang, tensorrt-llm, jax-xla, neuron; hardware-profiles/stacks/), "
                    + "name@version, a stack file, or none (default: the chip vendor's stack, e.g. vllm for NVIDIA and AMD)")
    String stackRef;

    /** The bundled catalogue, with --profiles DIR added. */
    Catalogue catalogue() {
        return catalogue(profileDir);
    }

    /** The bundled catalogue, with the profiles and systems in {@code profileDir} added when it is not null. */
    static Catalogue catalogue(Path profileDir) {
        Catalogue c = Catalogue.bundled();
        if (profileDir != null) {
            c = c.withProfiles(profileDir);
            LOG.info("added the profiles in {} to the catalogue", profileDir);
        }
        return c;
    }

    /** The --profile chips, else every chip of the catalogue (bundled and --profiles DIR). */
    List<HardwareProfile> profiles() {
        Catalogue c = catalogue();
        return profileRefs.isEmpty() ? c.profiles().stream().map(h -> withStack(c, h, stackRef)).toList()
                : resolve(c, profileRefs);
    }

    /**
     * {@code h} under the stack {@code ref} names, or, with none named, under its own stack if it has
     * one, else its vendor's default stack ({@link Catalogue#defaultStack}).
     */
    static HardwareProfile withStack(Catalogue c, HardwareProfile h, String ref) {
        if (ref != null) {
            org.opsim.hardware.SoftwareStack s = c.stack(ref);
            return s.name().equals("none") && s.kernels().isEmpty() ? h.toBuilder().stack(null).build() : h.withStack(s);
        }
        if (h.stack().isPresent()) {
            return h;
        }
        org.opsim.hardware.SoftwareStack def = c.defaultStack(h.vendor());
        return def.kernels().isEmpty() && def.name().equals("none") ? h : h.withStack(def);
    }

    /**
     * The --profile chips; else {@code defaults} by name, followed by the chips of --profiles DIR when
     * one is given (your chips beside the reference ones; a file of yours that shadows a default takes
     * its place).
     */
    List<HardwareProfile> profilesOr(List<String> defaults) {
        Catalogue c = catalogue();
        if (!profileRefs.isEmpty()) {
            return resolve(c, profileRefs);
        }
        Set<String> names = new LinkedHashSet<>(defaults);
        if (profileDir != null) {
            for (Catalogue.ProfileEntry e : c.profileEntries()) {
                if (!e.calibrated() && e.source().startsWith(profileDir.toString())) {
                    names.add(e.name());
                }
            }
        }
        return resolve(c, List.copyOf(names));
    }

    private List<HardwareProfile> resolve(Catalogue c, List<String> refs) {
        List<HardwareProfile> out = new ArrayList<>();
        for (String ref : refs) {
            HardwareProfile h = withStack(c, c.profile(ref), stackRef);
            LOG.info("profile {}: {}", ref, h.name());
            out.add(h);
        }
        return out;
    }
}
