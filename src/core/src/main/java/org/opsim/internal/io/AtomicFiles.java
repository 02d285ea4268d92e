package org.opsim.internal.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Writes a file whole or not at all: into a temporary file beside it, renamed into place when
 * complete, so a failure never leaves a half-written output. The result has the ordinary
 * {@code rw-r--r--} permissions of a file a user writes (temporary files start owner-only).
 */
public final class AtomicFiles {

    private AtomicFiles() {
    }

    /** A new empty temporary file in {@code target}'s folder (created if missing). */
    public static Path tempBeside(Path target) throws IOException {
        Path abs = target.toAbsolutePath();
        Files.createDirectories(abs.getParent());
        return Files.createTempFile(abs.getParent(), ".opsim-", ".tmp");
    }

    /** Renames a finished {@code tmp} over {@code target}, with ordinary permissions. */
    public static void moveIntoPlace(Path tmp, Path target) throws IOException {
        if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
        }
        Files.move(tmp, target.toAbsolutePath(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Writes {@code text} to {@code target} whole or not at all. */
    public static void writeString(Path target, String text) {
        Path tmp = null;
        try {
            tmp = tempBeside(target);
            Files.writeString(tmp, text);
            moveIntoPlace(tmp, target);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target, e);
        } finally {
            deleteQuietly(tmp);
        }
    }

    static void deleteQuietly(Path p) {
        if (p != null) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException ignored) {
                // Best effort: the temporary file is hidden and named .opsim-*.tmp.
            }
        }
    }
}
