package org.opsim.hardware;

import java.util.List;

/**
 * A source of hardware profiles discovered with {@link java.util.ServiceLoader}: a jar that lists its
 * implementation in {@code META-INF/services/org.opsim.hardware.ProfileProvider} adds chips without
 * forking opsim. Profiles it returns are validated exactly as loaded files are (a
 * {@link HardwareProfile} cannot be built invalid); a provider may also parse text it ships with
 * {@link ProfileLoader#parse}.
 */
public interface ProfileProvider {

    /** The profiles this provider contributes. */
    List<HardwareProfile> profiles();
}
