package org.opsim.internal.load;

import java.util.ArrayList;
import java.util.List;
import org.opsim.hardware.HardwareProfile;
import org.opsim.hardware.ProfileProvider;

/**
 * The bundled chip profiles as a {@link ProfileProvider}, so that {@code Opsim.providedProfiles()}
 * and any code that discovers providers sees them: every profile in {@code hardware-profiles/} and
 * {@code hardware-profiles/calibrated/}, in file order.
 */
public final class BundledProfiles implements ProfileProvider {

    @Override
    public List<HardwareProfile> profiles() {
        List<HardwareProfile> out = new ArrayList<>();
        for (String f : Bundled.files()) {
            if (isProfile(f)) {
                out.add(Bundled.profile(f).profile());
            }
        }
        return out;
    }

    /** A profile file of the catalogue: under hardware-profiles/, not a system. */
    public static boolean isProfile(String path) {
        return path.startsWith("hardware-profiles/") && !path.startsWith("hardware-profiles/systems/")
                && !path.startsWith("hardware-profiles/stacks/");
    }
}
