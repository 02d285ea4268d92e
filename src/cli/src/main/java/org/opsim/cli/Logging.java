package org.opsim.cli;

import java.lang.reflect.Method;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sets the log level of the whole program for {@code --verbose}. Logback is a runtime-only dependency,
 * so its root logger's {@code setLevel} is reached by reflection; with another SLF4J binding the
 * option does nothing. The level configured at start-up (WARN, or {@code OPSIM_LOG_LEVEL}) is
 * remembered so that each command run starts from it.
 */
final class Logging {
    private static final Object DEFAULT_LEVEL = level();

    private Logging() {
    }

    /** 0: the configured level (quiet); 1: INFO; 2 or more: DEBUG. */
    static void verbosity(int v) {
        set(v <= 0 ? DEFAULT_LEVEL : toLevel(v == 1 ? "INFO" : "DEBUG"));
    }

    private static Object level() {
        Logger root = LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);
        try {
            return root.getClass().getMethod("getLevel").invoke(root);
        } catch (ReflectiveOperationException e) {
            return null;
        }
    }

    private static Object toLevel(String name) {
        try {
            return Class.forName("ch.qos.logback.classic.Level").getMethod("toLevel", String.class).invoke(null, name);
        } catch (ReflectiveOperationException e) {
            return null;
        }
    }

    private static void set(Object level) {
        if (level == null) {
            return;
        }
        Logger root = LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);
        try {
            Method m = root.getClass().getMethod("setLevel", level.getClass());
            m.invoke(root, level);
        } catch (ReflectiveOperationException e) {
            // not logback: leave the binding's own configuration alone
        }
    }
}
