package org.opsim.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.opsim.Opsim;
import org.opsim.hardware.HardwareProfile;
import picocli.CommandLine.Option;

/** Shared {@code --profile} / {@code --profiles} options. */
final class Inputs {
    @Option(names = {"-p", "--profile"}, paramLabel = "FILE", description = "a hardware profile file (repeatable)")
    List<Path> profileFiles = new ArrayList<>();

    @Option(names = "--profiles", paramLabel = "DIR", defaultValue = "hardware-profiles",
            description = "directory of profiles, used when no --profile is given (default: ${DEFAULT-VALUE})")
    Path profileDir;

    List<HardwareProfile> profiles() {
        if (!profileFiles.isEmpty()) {
            List<HardwareProfile> out = new ArrayList<>();
            for (Path p : profileFiles) {
                out.add(Opsim.loadProfile(p));
            }
            return out;
        }
        return Opsim.loadProfiles(profileDir);
    }
}
