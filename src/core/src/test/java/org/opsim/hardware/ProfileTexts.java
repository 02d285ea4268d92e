package org.opsim.hardware;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.opsim.internal.io.Documents;
import org.opsim.internal.load.ProfileLoader;

/** Small profile documents for tests: one valid minimal profile, and ways to break it. */
final class ProfileTexts {

    private ProfileTexts() {
    }

    /** Where the shipped profiles live, relative to the project root (Maven's working directory). */
    static final Path PROFILES = org.opsim.Repo.path("hardware-profiles");

    /** A valid profile with every required field and nothing optional. */
    static final String MINIMAL = """
            name: "Example chip"
            kind: gpu
            vendor: "Example Corp"
            engines:
              matrix:
                peakFlopsPerSecond:
                  bf16: {value: 100e12, source: "datasheet"}
              vector:
                peakFlopsPerSecond:
                  fp32: {value: 10e12, source: "datasheet"}
            memory:
              capacityBytes: {value: 16e9, source: "datasheet"}
              bandwidthBytesPerSecond: {value: 1e12, source: "datasheet"}
            onChipSramBytes: {value: 32e6, source: "datasheet"}
            dispatchOverheadSeconds: {value: 5e-6, source: "estimate: kernel launch"}
            interconnect:
              bandwidthBytesPerSecond: {value: 100e9, source: "datasheet, per direction"}
              latencySeconds: {value: 2e-6, source: "estimate"}
            power:
              tdpWatts: {value: 300, source: "datasheet"}
              idleWatts: {value: 50, source: "estimate"}
            pricePerChipHourUsd: {value: 2.0, source: "cloud list price, 2026"}
            efficiency:
              default:
                compute: {value: 0.7, source: "estimate"}
                memory: {value: 0.8, source: "estimate"}
            """;

    /** {@link #MINIMAL} with {@code from} replaced by {@code to}; fails if {@code from} is not there. */
    static String breaking(String from, String to) {
        assertTrue(MINIMAL.contains(from), () -> "test bug: minimal profile has no '" + from + "'");
        return MINIMAL.replace(from, to);
    }

    /**
     * {@link #MINIMAL} with {@code yaml} appended. Top-level keys start at column 0; lines indented
     * by two spaces continue the {@code efficiency} section, which {@link #MINIMAL} ends with.
     */
    static String adding(String yaml) {
        return MINIMAL + yaml;
    }

    static HardwareProfile parseYaml(String text) {
        return ProfileLoader.parse(text, Documents.Format.YAML, "test.yaml").profile();
    }
}
