package org.opsim.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.opsim.Opsim;
import org.opsim.hardware.HardwareProfile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Option;

/** Shared {@code --profile} / {@code --profiles} options. */
final class Inputs {
    private static final Logger LOG = LoggerFactory.getLogger(Inputs.class);

    static final Path DEFAULT_DIR = Path.of("hardware-profiles");

    @Option(names = {"-p", "--profile"}, paramLabel = "FILE", description = "a hardware profile file (repeatable)")
    List<Path> profileFiles = new ArrayList<>();

    @Option(names = "--profiles", paramLabel = "DIR",
            description = "directory of profiles, used when no --profile is given (default: " + "hardware-profiles" + ")")
    Path profileDir;

    /** The --profile files, else every profile in --profiles (default hardware-profiles/). */
    List<HardwareProfile> profiles() {
        if (!profileFiles.isEmpty()) {
            return load(profileFiles);
        }
        return directory(profileDir != null ? profileDir : DEFAULT_DIR);
    }

    /** The --profile files, else every profile in --profiles if given, else {@code defaults} in hardware-profiles/. */
    List<HardwareProfile> profilesOr(List<String> defaults) {
        if (!profileFiles.isEmpty()) {
            return load(profileFiles);
        }
        if (profileDir != null) {
            return directory(profileDir);
        }
        return load(defaults.stream().map(DEFAULT_DIR::resolve).toList());
    }

    private static List<HardwareProfile> load(List<Path> files) {
        List<HardwareProfile> out = new ArrayList<>();
        for (Path p : files) {
            HardwareProfile h = Opsim.loadProfile(p);
            LOG.info("loaded profile {}: {}", p, h.name());
            out.add(h);
        }
        return out;
    }

    private static List<HardwareProfile> directory(Path dir) {
        List<HardwareProfile> out = Opsim.loadProfiles(dir);
        LOG.info("loaded {} profiles from {}", out.size(), dir);
        return out;
    }
}
