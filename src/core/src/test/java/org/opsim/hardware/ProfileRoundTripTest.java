package org.opsim.hardware;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.opsim.graph.Engine;
import org.opsim.graph.OpKind;
import org.opsim.graph.Precision;
import org.opsim.internal.io.Documents;
import org.opsim.internal.load.ProfileLoader;
import org.opsim.internal.load.ProfileWriter;

/** load → ProfileWriter.write → ProfileLoader.parse gives back an equal profile (records compare by value). */
class ProfileRoundTripTest {

    static Stream<Path> shippedProfiles() throws Exception {
        return ProfileLoadingTest.shippedProfiles().stream();
    }

    private static void assertRoundTrips(HardwareProfile original) {
        for (Documents.Format format : Documents.Format.values()) {
            String text = ProfileWriter.write(original, format);
            HardwareProfile back = ProfileLoader.parse(text, format, "round-trip." + format.name().toLowerCase()).profile();
            assertEquals(original, back, () -> format + " round trip of " + original.name() + " changed it:\n" + text);
        }
    }

    @ParameterizedTest
    @MethodSource("shippedProfiles")
    void everyShippedProfileSurvivesYamlAndJson(Path file) {
        assertRoundTrips(ProfileLoader.load(file));
    }

    @Test
    void aFallbackOnAnAllNativeProfileAndTheDescriptionSurvive() {
        // Every kind native, yet a default fallback given (harmless, but it must not vanish on write).
        StringBuilder kinds = new StringBuilder();
        for (org.opsim.graph.OpKind k : org.opsim.graph.OpKind.values()) {
            kinds.append(kinds.length() == 0 ? "" : ", ").append(k.id());
        }
        HardwareProfile p = ProfileTexts.parseYaml(ProfileTexts.MINIMAL
                + "description: \"a test chip, as of 2026\"\n"
                + "nativeOps: [" + kinds + "]\n"
                + "fallback:\n  default: {mode: vector, penaltyFactor: {value: 2, source: \"estimate\"}}\n");
        assertEquals(java.util.Optional.of("a test chip, as of 2026"), p.description());
        assertEquals(true, p.support().defaultFallback().isPresent());
        assertRoundTrips(p);
    }

    @Test
    void theMinimalProfileSurvivesYamlAndJson() {
        assertRoundTrips(ProfileTexts.parseYaml(ProfileTexts.MINIMAL));
    }

    @Test
    void aProfileWithEveryOptionalPartSurvives() {
        String full = ProfileTexts.MINIMAL
                .replace("  latencySeconds: {value: 2e-6, source: \"estimate\"}\n",
                        "  latencySeconds: {value: 2e-6, source: \"estimate\"}\n"
                                + "  energyPerByteJoules: {value: 1.04e-11, source: \"1.3 pJ/bit\"}\n")
                .replace("  idleWatts: {value: 50, source: \"estimate\"}\n",
                        "  idleWatts: {value: 50, source: \"estimate\"}\n"
                                + "  energyPerFlopJoules:\n"
                                + "    bf16: {value: 0.5e-12, source: \"estimate\"}\n"
                                + "    fp32: {value: 2e-12, source: \"estimate\"}\n"
                                + "  energyPerByteJoules: {value: 30e-12, source: \"estimate\"}\n")
                + """
                  ops:
                    - kind: matmul
                      compute: {curve: [[1e6, 0.05], [1e9, 0.4], [1e12, 0.7]], source: "prior"}
                    - kind: matmul
                      precision: fp8
                      compute: {value: 0.6, source: "prior"}
                      memory: {curve: [[1e6, 0.5]], source: "one point, not at size 1"}
                    - kind: all_reduce
                      memory: {value: 0.8, source: "busbw"}
                nativeOps: [matmul, batched_matmul, softmax, add, all_reduce]
                fallback:
                  default: {mode: vector, penaltyFactor: {value: 2, source: "estimate"}}
                  ops:
                    attention: {mode: host, penaltyFactor: {value: 1.5, source: "estimate"}}
                host:
                  bandwidthBytesPerSecond: {value: 32e9, source: "PCIe4 x16"}
                  latencySeconds: {value: 10e-6, source: "estimate"}
                  flopsPerSecond: {value: 2e12, source: "estimate"}
                """;
        HardwareProfile p = ProfileTexts.parseYaml(full);
        assertTrue(p.power().hasEnergyCoefficients());
        assertEquals(Fallback.Mode.HOST, p.support().fallbackFor(OpKind.ATTENTION).mode());
        assertEquals(Fallback.Mode.VECTOR, p.support().fallbackFor(OpKind.GELU).mode());
        assertRoundTrips(p);
    }

    @Test
    void aBuiltProfileSurvivesAndMatchesItsYaml() {
        HardwareProfile built = HardwareProfile.builder("Example chip")
                .kind(DeviceKind.GPU)
                .vendor("Example Corp")
                .peak(Engine.MATRIX, Precision.BF16, 100e12, "datasheet")
                .peak(Engine.VECTOR, Precision.FP32, 10e12, "datasheet")
                .memory(new Memory(Figure.of(16e9, "datasheet"), Figure.of(1e12, "datasheet")))
                .onChipSramBytes(32e6, "datasheet")
                .dispatchOverheadSeconds(5e-6, "estimate: kernel launch")
                .interconnect(new Interconnect(Figure.of(100e9, "datasheet, per direction"),
                        Figure.of(2e-6, "estimate"), Optional.empty()))
                .power(Power.of(Figure.of(300, "datasheet"), Figure.of(50, "estimate")))
                .pricePerChipHourUsd(2.0, "cloud list price, 2026")
                .efficiency(new EfficiencyTable(EfficiencyCurve.constant(0.7, "estimate"),
                        EfficiencyCurve.constant(0.8, "estimate"), List.of()))
                .build();
        assertEquals(ProfileTexts.parseYaml(ProfileTexts.MINIMAL), built);
        assertRoundTrips(built);
    }

    @Test
    void writingToAFileAndLoadingItGivesTheSameProfile(@TempDir Path dir) {
        HardwareProfile p = ProfileLoader.load(ProfileTexts.PROFILES.resolve("nvidia-h100-sxm.yaml"));
        for (String name : List.of("h100.yaml", "h100.yml", "h100.json")) {
            Path file = dir.resolve(name);
            ProfileWriter.write(p, file);
            assertTrue(Files.isRegularFile(file));
            assertEquals(p, ProfileLoader.load(file), name);
        }
    }

    @Test
    void aWhatIfVariantKeepsEverythingButTheScaledBandwidth() {
        HardwareProfile p = ProfileTexts.parseYaml(ProfileTexts.MINIMAL);
        HardwareProfile v = p.withMemoryBandwidthScaled(2.0);
        assertEquals(2e12, v.memory().bandwidthBytesPerSecond().value());
        assertEquals(p.efficiency(), v.efficiency());
        assertEquals(EnumSet.allOf(OpKind.class), EnumSet.copyOf(v.support().nativeOps()));
        assertEquals(Map.of(), v.support().fallbackByKind());
        assertRoundTrips(v);
    }
}
