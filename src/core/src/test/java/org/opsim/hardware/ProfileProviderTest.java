package org.opsim.hardware;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opsim.Opsim;
import org.opsim.graph.Engine;
import org.opsim.graph.Precision;
import org.opsim.io.InputException;

/** Profiles from a directory and from ServiceLoader providers, validated like files. */
class ProfileProviderTest {

    @Test
    void aServiceLoaderProviderAddsAChip() {
        List<HardwareProfile> provided = Opsim.providedProfiles();
        assertTrue(provided.stream().anyMatch(p -> p.name().equals("Provided Chip")), provided.toString());
    }

    @Test
    void aProviderCannotHandOutAnInvalidProfile() {
        // The builder runs the same checks as the loader: a negative bandwidth never becomes a profile.
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HardwareProfile.builder("bad")
                .vendor("x").peak(Engine.MATRIX, Precision.BF16, 1e12, "s").peak(Engine.VECTOR, Precision.FP32, 1e12, "s")
                .memory(1e9, -1, "s").build());
        assertTrue(e.getMessage().contains("bandwidthBytesPerSecond"), e.getMessage());
    }

    @Test
    void aDirectoryLoadsEveryProfileAndNamesABadOne(@TempDir Path dir) throws Exception {
        Files.copy(org.opsim.Repo.path("hardware-profiles/nvidia-h100-sxm.yaml"), dir.resolve("a.yaml"));
        Files.copy(org.opsim.Repo.path("hardware-profiles/aws-trainium2.yaml"), dir.resolve("b.yaml"));
        Files.writeString(dir.resolve("notes.txt"), "not a profile");
        assertEquals(2, Opsim.loadProfiles(dir).size());
        Files.writeString(dir.resolve("c.json"), "{\"name\": \"x\"}");
        InputException e = assertThrows(InputException.class, () -> Opsim.loadProfiles(dir));
        assertEquals(dir.resolve("c.json").toString(), e.file());
    }
}
