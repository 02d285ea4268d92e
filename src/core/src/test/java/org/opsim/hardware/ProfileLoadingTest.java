package org.opsim.hardware;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.opsim.Opsim;
import org.opsim.graph.Engine;
import org.opsim.graph.OpKind;
import org.opsim.graph.Precision;
import org.opsim.internal.load.ProfileLoader;

/** The shipped profiles load, and their headline figures match shared/hardware-specs.md. */
class ProfileLoadingTest {

    /** Relative tolerance for a datasheet figure: the spec rounds to 3-4 significant digits. */
    private static final double ROUNDING = 1e-3;

    static List<Path> shippedProfiles() throws IOException {
        try (Stream<Path> files = Files.walk(ProfileTexts.PROFILES)) {
            // hardware-profiles/systems/ holds multi-chip system files (org.opsim.deploy), not chip profiles.
            return files.filter(Files::isRegularFile)
                    .filter(f -> !f.getParent().getFileName().toString().equals("systems"))
                    // hardware-profiles/stacks/ holds software stacks, loaded by StackLoader (StackLoadingTest).
                    .filter(f -> !f.getParent().getFileName().toString().equals("stacks"))
                    .filter(f -> {
                        String n = f.getFileName().toString().toLowerCase(Locale.ROOT);
                        return n.endsWith(".yaml") || n.endsWith(".yml") || n.endsWith(".json");
                    })
                    .sorted()
                    .collect(Collectors.toList());
        }
    }

    private static HardwareProfile h100() {
        return ProfileLoader.load(ProfileTexts.PROFILES.resolve("nvidia-h100-sxm.yaml"));
    }

    private static HardwareProfile trainium2() {
        return ProfileLoader.load(ProfileTexts.PROFILES.resolve("aws-trainium2.yaml"));
    }

    private static void assertClose(double expected, double actual, String what) {
        assertEquals(expected, actual, Math.abs(expected) * ROUNDING, what);
    }

    @Test
    void everyFileInHardwareProfilesLoads() throws IOException {
        List<Path> files = shippedProfiles();
        assertTrue(files.size() >= 2, "expected at least the H100 and Trainium2 profiles, found " + files);
        assertAll(files.stream().map(f -> (Executable) () -> {
            HardwareProfile p = ProfileLoader.load(f);
            assertFalse(p.name().isBlank(), f + " has a name");
        }));
    }

    @Test
    void h100HeadlineFiguresMatchTheDatasheet() {
        HardwareProfile p = h100();
        // shared/hardware-specs.md §1: H100 SXM5 dense BF16 989 (1979 sparse / 2), HBM3 3.35 TB/s,
        // 80 GB, 700 W, NVLink4 900 GB/s bidirectional = 450 per direction, AWS $6.88/GPU-h (Apr 2026).
        assertClose(989.4e12, p.peak(Engine.MATRIX, Precision.BF16).orElseThrow().value(), "bf16 matrix");
        assertClose(989.4e12, p.peak(Engine.MATRIX, Precision.FP16).orElseThrow().value(), "fp16 matrix");
        assertClose(494.5e12, p.peak(Engine.MATRIX, Precision.TF32).orElseThrow().value(), "tf32 matrix");
        assertClose(1978.9e12, p.peak(Engine.MATRIX, Precision.FP8).orElseThrow().value(), "fp8 matrix");
        assertClose(66.9e12, p.peak(Engine.VECTOR, Precision.FP32).orElseThrow().value(), "fp32 vector");
        assertClose(133.8e12, p.peak(Engine.VECTOR, Precision.BF16).orElseThrow().value(), "bf16 vector");
        assertClose(3.35e12, p.memory().bandwidthBytesPerSecond().value(), "HBM bandwidth");
        assertClose(80e9, p.memory().capacityBytes().value(), "HBM capacity");
        assertClose(450e9, p.interconnect().bandwidthBytesPerSecond().value(), "NVLink per direction");
        assertClose(700, p.power().tdpWatts().value(), "TDP");
        assertClose(6.88, p.pricePerChipHourUsd().value(), "price");
        // 50 MiB L2 + 132 SMs x 228 KiB shared memory.
        assertEquals(50.0 * (1 << 20) + 132.0 * 228 * (1 << 10), p.onChipSramBytes().value());
        assertEquals(DeviceKind.GPU, p.kind());
    }

    @Test
    void h100EfficienciesAreTheChipsOwnPriors() {
        EfficiencyTable e = h100().efficiency();
        // No software figure in the chip file: the bf16 GEMM prior is stas00's MAMF 794.5 / 989 = 0.803
        // (rounded 0.8), and rmsnorm has no per-kind overhead (the stack's, hardware-profiles/stacks/).
        assertEquals(0.8, e.compute(OpKind.MATMUL, Precision.BF16).at(1e12), 1e-9);
        assertTrue(e.overhead(OpKind.RMSNORM, Precision.BF16).isEmpty());
        // fp8, attention, softmax and collectives keep the H100's own sourced priors:
        // stas00 MAMF FP8 1402.6/1979 = 0.709; FlashAttention-3 740 TFLOPS = 75 %; ring busbw 367/450.
        assertEquals(0.709, e.compute(OpKind.MATMUL, Precision.FP8).at(1e13), 1e-9);
        assertEquals(0.75, e.compute(OpKind.ATTENTION, Precision.BF16).at(1e12), 1e-9);
        assertEquals(0.82, e.memory(OpKind.ALL_REDUCE, null).at(1e9), 1e-9);
        assertTrue(e.memory(OpKind.SOFTMAX, Precision.BF16).at(1e5) < e.memory(OpKind.SOFTMAX, Precision.BF16).at(1e9));
    }

    @Test
    void h100RunsEveryOpNatively() {
        HardwareProfile p = h100();
        assertEquals(EnumSet.allOf(OpKind.class), EnumSet.copyOf(p.support().nativeOps()));
        assertEquals(Optional.empty(), p.support().defaultFallback());
    }

    @Test
    void trainium2HeadlineFiguresMatchTheNeuronDocs() {
        HardwareProfile p = trainium2();
        // shared/hardware-specs.md §1/§2 (trainium2.rst): 667 BF16/FP16/TF32, 1,299 FP8 dense,
        // 96 GiB HBM3 at 2.9 TB/s, SBUF 224 MiB, NeuronLink-v3 1.28 TB/s bidirectional.
        assertClose(667e12, p.peak(Engine.MATRIX, Precision.BF16).orElseThrow().value(), "bf16 matrix");
        assertClose(667e12, p.peak(Engine.MATRIX, Precision.TF32).orElseThrow().value(), "tf32 matrix");
        assertClose(1299e12, p.peak(Engine.MATRIX, Precision.FP8).orElseThrow().value(), "fp8 matrix");
        // VectorE 8 x 1.0 + ScalarE 8 x 1.2 TFLOPS FP32.
        assertClose(17.6e12, p.peak(Engine.VECTOR, Precision.FP32).orElseThrow().value(), "fp32 vector");
        // AWS's own accounting: VectorE 1.0 TFLOPS fp32 at 256 elem/clk doubles to 2.0 at 512 bf16
        // elem/clk; plus ScalarE 1.2 (bf16 taken as fp32): 8 × (2.0 + 1.2) TFLOPS. Never below fp32.
        assertClose(8 * (2.0e12 + 1.2e12), p.peak(Engine.VECTOR, Precision.BF16).orElseThrow().value(), "bf16 vector");
        assertClose(2.9e12, p.memory().bandwidthBytesPerSecond().value(), "HBM bandwidth");
        assertEquals(96.0 * (1L << 30), p.memory().capacityBytes().value(), "96 GiB");
        assertEquals(224.0 * (1 << 20), p.onChipSramBytes().value(), "224 MiB SBUF");
        assertClose(1.28e12 / 2, p.interconnect().bandwidthBytesPerSecond().value(), "NeuronLink per direction");
        assertEquals(DeviceKind.ASIC, p.kind());
    }

    @Test
    void trainium2RunsFp16VectorWorkAtItsBf16Rate() {
        // No fp16 vector rate is published; Precision.FP16.fallbacks() starts with BF16.
        assertEquals(Optional.of(Precision.BF16), trainium2().resolve(Engine.VECTOR, Precision.FP16));
    }

    @Test
    void trainium2RunsTheTransformerOpsNativelyAndFallsBackForKernelsItHasNoLibraryFor() {
        HardwareProfile p = trainium2();
        EnumSet<OpKind> fallBack = EnumSet.of(OpKind.LINEAR_ATTENTION, OpKind.SSM_SCAN, OpKind.INDEXER, OpKind.CUSTOM);
        assertEquals(EnumSet.complementOf(fallBack), EnumSet.copyOf(p.support().nativeOps()));
        assertEquals(Optional.empty(), p.support().defaultFallback());
        assertEquals(fallBack, EnumSet.copyOf(p.support().fallbackByKind().keySet()));
        assertEquals(2.0, p.support().fallbackFor(OpKind.SSM_SCAN).penaltyFactor().value());
    }

    @Test
    void unpublishedFiguresAreMarkedAsEstimates() {
        HardwareProfile h = h100();
        HardwareProfile t = trainium2();
        assertAll(
                () -> assertTrue(h.dispatchOverheadSeconds().source().startsWith("estimate")),
                () -> assertTrue(h.interconnect().latencySeconds().source().startsWith("estimate")),
                () -> assertTrue(h.power().idleWatts().source().startsWith("estimate")),
                () -> assertTrue(t.dispatchOverheadSeconds().source().startsWith("estimate")),
                () -> assertTrue(t.interconnect().latencySeconds().source().startsWith("estimate")),
                () -> assertTrue(t.power().tdpWatts().source().startsWith("estimate")),
                () -> assertTrue(t.power().idleWatts().source().startsWith("estimate")),
                () -> assertTrue(t.pricePerChipHourUsd().source().startsWith("estimate")),
                () -> assertTrue(t.efficiency().defaultCompute().source().startsWith("estimate")),
                () -> assertTrue(t.efficiency().defaultMemory().source().startsWith("estimate")),
                () -> assertTrue(t.efficiency().rules().stream().allMatch(r ->
                        r.compute().map(c -> c.source().startsWith("estimate")).orElse(true)
                                && r.memory().map(c -> c.source().startsWith("estimate")).orElse(true)),
                        "every Trainium2 efficiency is an estimate"));
    }

    @Test
    void theMinimalExampleOfTheFormatDocumentLoads() throws IOException {
        String doc = Files.readString(org.opsim.Repo.path("docs/hardware-profile-format.md"));
        int start = doc.indexOf("```yaml\n");
        assertTrue(start >= 0, "docs/hardware-profile-format.md has a ```yaml example");
        int end = doc.indexOf("```", start + 8);
        HardwareProfile p = ProfileTexts.parseYaml(doc.substring(start + 8, end));
        assertFalse(p.name().isBlank());
    }

    @Test
    void theMinimalTestProfileLoadsWithDefaults() {
        HardwareProfile p = ProfileTexts.parseYaml(ProfileTexts.MINIMAL);
        assertEquals("Example chip", p.name());
        assertEquals(EnumSet.allOf(OpKind.class), EnumSet.copyOf(p.support().nativeOps()));
        assertFalse(p.power().hasEnergyCoefficients());
        assertTrue(p.interconnect().energyPerByteJoules().isEmpty());
        assertTrue(p.efficiency().rules().isEmpty());
        assertEquals(0.7, p.efficiency().compute(OpKind.MATMUL, Precision.BF16).at(1e12));
    }
}
