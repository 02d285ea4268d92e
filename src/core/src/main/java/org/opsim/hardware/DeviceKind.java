package org.opsim.hardware;

import java.util.Locale;

/** What kind of chip a profile describes. */
public enum DeviceKind {
    GPU, ASIC, CPU;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static DeviceKind parse(String id) {
        for (DeviceKind k : values()) {
            if (k.id().equalsIgnoreCase(id)) {
                return k;
            }
        }
        throw new IllegalArgumentException("unknown device kind '" + id + "' (expected gpu, asic or cpu)");
    }
}
