package org.opsim.hardware;

import java.util.Locale;
import org.opsim.internal.io.Ids;

/** What kind of chip a profile describes. */
public enum DeviceKind {
    GPU, ASIC, CPU;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static DeviceKind parse(String id) {
        return Ids.parse(id, values(), DeviceKind::id, "device kind");
    }
}
