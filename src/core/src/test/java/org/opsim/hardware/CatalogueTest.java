package org.opsim.hardware;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.opsim.graph.Engine;
import org.opsim.graph.Precision;
import org.opsim.internal.load.ProfileLoader;

/**
 * The shipped catalogue of hardware profiles: every chip is there, its headline figures match
 * shared/hardware-specs.md, and a few cross-field sanity rules hold. The expected numbers below are
 * copied from the sourced table of shared/hardware-specs.md (section in each comment), not from the
 * profile files.
 */
class CatalogueTest {

    /** Relative tolerance: the spec table rounds to 3-4 significant digits (H200 "989" vs 989.4). */
    private static final double ROUNDING = 1e-3;

    private static final double GIB = 1L << 30;

    /** The 20 chips of the catalogue, by file name. */
    static final List<String> CATALOGUE = List.of(
            "nvidia-a100-sxm.yaml", "nvidia-a40.yaml", "nvidia-h100-sxm.yaml", "nvidia-h200-sxm.yaml",
            "nvidia-b200.yaml", "nvidia-gb200.yaml",
            "amd-mi210.yaml", "amd-mi250x.yaml", "amd-mi300x.yaml",
            "google-tpu-v5e.yaml", "google-tpu-v5p.yaml", "google-tpu-v6e.yaml", "google-tpu-v7.yaml",
            "aws-trainium2.yaml", "aws-trainium3.yaml", "aws-inferentia2.yaml",
            "meta-mtia-v2.yaml", "microsoft-maia-100.yaml", "intel-gaudi-3.yaml", "groq-lpu.yaml");

    private static HardwareProfile load(String file) {
        return ProfileLoader.load(ProfileTexts.PROFILES.resolve(file));
    }

    static Stream<String> catalogue() {
        return CATALOGUE.stream();
    }

    @Test
    void theCatalogueHasAllTwentyChips() throws IOException {
        Set<String> shipped = ProfileLoadingTest.shippedProfiles().stream()
                .map(p -> p.getFileName().toString())
                .collect(Collectors.toCollection(TreeSet::new));
        assertEquals(20, CATALOGUE.size());
        assertEquals(20, Set.copyOf(CATALOGUE).size(), "no duplicate names");
        List<String> missing = CATALOGUE.stream().filter(f -> !shipped.contains(f)).toList();
        assertTrue(missing.isEmpty(), "missing from hardware-profiles/: " + missing);
        // Names follow vendor-model.yaml.
        assertAll(CATALOGUE.stream().map(f -> (Executable) () ->
                assertTrue(f.matches("[a-z0-9]+(-[a-z0-9]+)+\\.yaml"), f + " is vendor-model.yaml")));
    }

    /**
     * file, precision of the headline matrix peak, matrix peak (FLOP/s, dense), memory bandwidth (B/s),
     * memory capacity (bytes). Each row: the shared/hardware-specs.md entry it comes from.
     */
    static Stream<Arguments> headlineFigures() {
        return Stream.of(
                // §1 A100 SXM 80GB: BF16 312 dense, 2.039 TB/s, 80 GB.
                Arguments.of("nvidia-a100-sxm.yaml", Precision.BF16, 312e12, 2.039e12, 80e9),
                // §8 A40: BF16 149.7 dense, 0.696 TB/s, 48 GB GDDR6.
                Arguments.of("nvidia-a40.yaml", Precision.BF16, 149.7e12, 0.696e12, 48e9),
                // §1 H100 SXM5: BF16 989 dense (1979 sparse), 3.35 TB/s, 80 GB.
                Arguments.of("nvidia-h100-sxm.yaml", Precision.BF16, 989e12, 3.35e12, 80e9),
                // §1 H200 SXM: BF16 989 dense, 4.8 TB/s, 141 GB.
                Arguments.of("nvidia-h200-sxm.yaml", Precision.BF16, 989e12, 4.8e12, 141e9),
                // §1/§2 B200: BF16 2250 dense, 8.0 TB/s (DGX datasheet), 180 GB usable.
                Arguments.of("nvidia-b200.yaml", Precision.BF16, 2250e12, 8.0e12, 180e9),
                // §1/§2 GB200 (per GPU): BF16 2500 dense (5000 sparse), 8.0 TB/s, 186 GB.
                Arguments.of("nvidia-gb200.yaml", Precision.BF16, 2500e12, 8.0e12, 186e9),
                // §7 MI210: BF16 181.0, 1.638 TB/s, 64 GB (ROCm: 64 GiB).
                Arguments.of("amd-mi210.yaml", Precision.BF16, 181.0e12, 1.638e12, 64 * GIB),
                // §7 MI250X (whole package, 2 GCDs): BF16 383.0, 3.277 TB/s, 128 GB (ROCm: 128 GiB).
                Arguments.of("amd-mi250x.yaml", Precision.BF16, 383.0e12, 3.277e12, 128 * GIB),
                // §1/§2 MI300X: BF16 1307.4 dense, 5.3 TB/s, 192 GB (ROCm gpu-arch-specs: 192 GiB).
                Arguments.of("amd-mi300x.yaml", Precision.BF16, 1307.4e12, 5.3e12, 192 * GIB),
                // §1/§2 TPU v5e: BF16 197, 819 GBps (docs; an older revision says 800 GiBps), 16 GB.
                Arguments.of("google-tpu-v5e.yaml", Precision.BF16, 197e12, 0.819e12, 16e9),
                // §1/§2 TPU v5p: BF16 459, 2765 GBps, 95 GiB.
                Arguments.of("google-tpu-v5p.yaml", Precision.BF16, 459e12, 2.765e12, 95 * GIB),
                // §1/§2 TPU v6e: BF16 918, 1638 GBps, 32 GB.
                Arguments.of("google-tpu-v6e.yaml", Precision.BF16, 918e12, 1.638e12, 32e9),
                // §1/§2 TPU7x (Ironwood): BF16 2307, 7.38 TB/s (docs value trusted over the blog's 7.2), 192 GiB.
                Arguments.of("google-tpu-v7.yaml", Precision.BF16, 2307e12, 7.38e12, 192 * GIB),
                // §1/§2 Trainium2: BF16 667, 2.9 TB/s (trainium2.rst), 96 GiB.
                Arguments.of("aws-trainium2.yaml", Precision.BF16, 667e12, 2.9e12, 96 * GIB),
                // §1/§2 Trainium3: BF16 671, 4.9 TB/s (trainium3.rst; the NKI guide says 4.7), 144 GiB.
                Arguments.of("aws-trainium3.yaml", Precision.BF16, 671e12, 4.9e12, 144 * GIB),
                // §1/§2 Inferentia2: BF16 190, 820 GiB/s, 32 GiB.
                Arguments.of("aws-inferentia2.yaml", Precision.BF16, 190e12, 820 * GIB, 32 * GIB),
                // §1/§2 MTIA v2: BF16 177 dense (354 sparse), LPDDR5 204.8 GB/s, 128 GB.
                Arguments.of("meta-mtia-v2.yaml", Precision.BF16, 177e12, 204.8e9, 128e9),
                // §1/§2 Maia 100: BF16 800 (0.8 POPS), 1.8 TB/s, 64 GB HBM2E.
                Arguments.of("microsoft-maia-100.yaml", Precision.BF16, 800e12, 1.8e12, 64e9),
                // §1/§2 Gaudi 3: BF16 1835 is Intel's spec at the planned 1.75 GHz MME clock; shipping parts
                // run at 1.6 GHz (1677, stas00). The profile keeps the spec, so the MAMF efficiency is
                // 1243/1835 = 0.677 rather than 0.741 (vs 1677): the same achieved rate either way.
                Arguments.of("intel-gaudi-3.yaml", Precision.BF16, 1835e12, 3.67e12, 128e9),
                // §1/§2 Groq LPU v1: no BF16 matrix mode; FP16 188, on-chip SRAM 80 TB/s, 230 MB (no DRAM).
                Arguments.of("groq-lpu.yaml", Precision.FP16, 188e12, 80e12, 230e6));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("headlineFigures")
    void headlineFiguresMatchTheSpecTable(String file, Precision precision, double matrixPeak,
                                          double bandwidth, double capacity) {
        HardwareProfile p = load(file);
        assertAll(
                () -> assertClose(matrixPeak, p.peak(Engine.MATRIX, precision).orElseThrow().value(),
                        file + " " + precision.id() + " matrix peak"),
                () -> assertClose(bandwidth, p.memory().bandwidthBytesPerSecond().value(), file + " memory bandwidth"),
                () -> assertClose(capacity, p.memory().capacityBytes().value(), file + " memory capacity"));
    }

    @Test
    void precisionsAChipLacksAreAbsent() {
        // Ampere (A100, A40) and CDNA2 (MI210, MI250X) have no FP8; CDNA2 has no TF32 (§7).
        for (String f : List.of("nvidia-a100-sxm.yaml", "nvidia-a40.yaml", "amd-mi210.yaml", "amd-mi250x.yaml")) {
            assertFalse(load(f).peak(Engine.MATRIX, Precision.FP8).isPresent(), f + " has no fp8");
        }
        for (String f : List.of("amd-mi210.yaml", "amd-mi250x.yaml")) {
            assertFalse(load(f).peak(Engine.MATRIX, Precision.TF32).isPresent(), f + " has no tf32");
        }
        // TPUs: BF16 MXUs, no FP16 mode (§1 "n/a") and no TF32.
        for (String f : List.of("google-tpu-v5e.yaml", "google-tpu-v5p.yaml", "google-tpu-v6e.yaml", "google-tpu-v7.yaml")) {
            HardwareProfile p = load(f);
            assertFalse(p.peak(Engine.MATRIX, Precision.FP16).isPresent(), f + " has no fp16");
            assertFalse(p.peak(Engine.MATRIX, Precision.TF32).isPresent(), f + " has no tf32");
            // FP16 work runs at the BF16 rate (same-width sibling).
            assertEquals(Precision.BF16, p.resolve(Engine.MATRIX, Precision.FP16).orElseThrow(), f);
        }
        // TPU v5e lists no FP8 (§1 "n/a"); TPU7x does (4614).
        assertFalse(load("google-tpu-v5e.yaml").peak(Engine.MATRIX, Precision.FP8).isPresent());
        assertClose(4614e12, load("google-tpu-v7.yaml").peak(Engine.MATRIX, Precision.FP8).orElseThrow().value(), "TPU7x fp8");
        // Groq: FP16 and INT8 only; MTIA v2: no FP8.
        HardwareProfile groq = load("groq-lpu.yaml");
        assertFalse(groq.peak(Engine.MATRIX, Precision.BF16).isPresent());
        assertFalse(groq.peak(Engine.MATRIX, Precision.FP8).isPresent());
        assertFalse(load("meta-mtia-v2.yaml").peak(Engine.MATRIX, Precision.FP8).isPresent());
    }

    @Test
    void theMi250xProfileIsThePackageOfTwoGcds() {
        HardwareProfile p = load("amd-mi250x.yaml");
        String d = p.description().orElseThrow().toLowerCase(Locale.ROOT);
        assertTrue(d.contains("two gpus"), "the description says software sees two GPUs");
        // 2 GCDs x 110 CUs (§7).
        assertEquals(220, p.computeUnits().orElseThrow().value());
        // Twice the MI210-class GCD: 2 x 1.638 TB/s.
        assertClose(2 * 1.638e12, p.memory().bandwidthBytesPerSecond().value(), "package bandwidth");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("catalogue")
    void computeUnitsAndMatmulTileComeTogether(String file) {
        HardwareProfile p = load(file);
        assertEquals(p.computeUnits().isPresent(), p.matmulTile().isPresent(),
                file + ": computeUnits and matmulTile must be given together (the wave model needs both)");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("catalogue")
    void everySourceSaysWhereTheFigureComesFrom(String file) {
        // A Figure cannot be built with a blank source, so "has a source" is the loader's job; this
        // checks what the source says. It either marks how the figure was derived (an estimate with its
        // reasoning, a calibration, a transfer from another profile, a prior, a figure recalled from
        // memory), or cites a document (a section of shared/hardware-specs.md, a URL, a datasheet,
        // paper or documentation page), or refers to another figure of the same profile ("as matmul",
        // "as the default": the kind must have a rule of its own in this profile).
        HardwareProfile p = load(file);
        Set<String> kinds = new TreeSet<>();
        p.efficiency().rules().forEach(r -> kinds.add(r.kind().id()));
        List<String> unsourced = new ArrayList<>();
        for (Map.Entry<String, String> e : sources(p).entrySet()) {
            if (!saysWhereFrom(e.getValue(), kinds)) {
                unsourced.add(e.getKey() + " (\"" + e.getValue() + "\")");
            }
        }
        assertTrue(unsourced.isEmpty(), file + ": sources that name no origin: " + unsourced);
        assertTrue(p.description().isPresent(), file + " has a description");
    }

    private static final java.util.regex.Pattern PROVENANCE = java.util.regex.Pattern.compile(
            "estimate|calibrated|transferred|prior|recalled|§|https?://|\\.md\\b|\\.rst\\b|\\.pdf\\b|datasheet|whitepaper"
                    + "|\\bdocs?\\b|documentation|pricing|paper|spec|arxiv|blog|announce|product brief|guide|press",
            java.util.regex.Pattern.CASE_INSENSITIVE);

    static boolean saysWhereFrom(String source, Set<String> kinds) {
        if (PROVENANCE.matcher(source).find()) {
            return true;
        }
        java.util.regex.Matcher as = java.util.regex.Pattern.compile("^as (the default|[a-z_]+)\\b").matcher(source);
        return as.find() && (as.group(1).equals("the default") || kinds.contains(as.group(1)));
    }

    @Test
    void theSourceRuleRejectsASourceThatNamesNoOrigin() {
        Set<String> kinds = Set.of("matmul");
        assertTrue(saysWhereFrom("NVIDIA H100 datasheet", kinds));
        assertTrue(saysWhereFrom("estimate: half the H100's", kinds));
        assertTrue(saysWhereFrom("as matmul (MAMF 51.4%)", kinds));
        assertFalse(saysWhereFrom("as attention", kinds), "no attention rule to refer to");
        assertFalse(saysWhereFrom("x", kinds));
        assertFalse(saysWhereFrom("0.8", kinds));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("catalogue")
    void interconnectIsBelowMemoryBandwidth(String file) {
        // Sanity check that bidirectional link figures were halved: no scale-up link in the catalogue
        // is as fast per direction as the chip's own memory.
        HardwareProfile p = load(file);
        double link = p.interconnect().bandwidthBytesPerSecond().value();
        double memory = p.memory().bandwidthBytesPerSecond().value();
        assertTrue(link < memory, file + ": interconnect " + link + " B/s per direction is not below memory " + memory + " B/s");
    }

    /** Every figure's source, keyed by its path in the profile. */
    private static Map<String, String> sources(HardwareProfile p) {
        Map<String, String> s = new LinkedHashMap<>();
        p.peakFlopsPerSecond().forEach((engine, rates) -> rates.forEach((precision, f) ->
                s.put("engines." + engine.id() + "." + precision.id(), f.source())));
        s.put("memory.capacityBytes", p.memory().capacityBytes().source());
        s.put("memory.bandwidthBytesPerSecond", p.memory().bandwidthBytesPerSecond().source());
        s.put("onChipSramBytes", p.onChipSramBytes().source());
        s.put("dispatchOverheadSeconds", p.dispatchOverheadSeconds().source());
        s.put("interconnect.bandwidthBytesPerSecond", p.interconnect().bandwidthBytesPerSecond().source());
        s.put("interconnect.latencySeconds", p.interconnect().latencySeconds().source());
        p.interconnect().energyPerByteJoules().ifPresent(f -> s.put("interconnect.energyPerByteJoules", f.source()));
        s.put("power.tdpWatts", p.power().tdpWatts().source());
        s.put("power.idleWatts", p.power().idleWatts().source());
        p.power().energyPerFlopJoules().forEach((precision, f) -> s.put("power.energyPerFlopJoules." + precision.id(), f.source()));
        p.power().energyPerByteJoules().ifPresent(f -> s.put("power.energyPerByteJoules", f.source()));
        s.put("pricePerChipHourUsd", p.pricePerChipHourUsd().source());
        p.computeUnits().ifPresent(f -> s.put("computeUnits", f.source()));
        p.matmulTile().ifPresent(t -> s.put("matmulTile", t.source()));
        s.put("efficiency.default.compute", p.efficiency().defaultCompute().source());
        s.put("efficiency.default.memory", p.efficiency().defaultMemory().source());
        List<EfficiencyRule> rules = p.efficiency().rules();
        for (int i = 0; i < rules.size(); i++) {
            EfficiencyRule r = rules.get(i);
            String at = "efficiency.ops[" + i + "]";
            r.compute().ifPresent(c -> s.put(at + ".compute", c.source()));
            r.memory().ifPresent(c -> s.put(at + ".memory", c.source()));
            r.overheadSeconds().ifPresent(f -> s.put(at + ".overheadSeconds", f.source()));
        }
        p.support().defaultFallback().ifPresent(f -> s.put("fallback.default", f.penaltyFactor().source()));
        p.support().fallbackByKind().forEach((k, f) -> s.put("fallback.ops." + k.id(), f.penaltyFactor().source()));
        p.support().host().ifPresent(h -> {
            s.put("host.bandwidthBytesPerSecond", h.bandwidthBytesPerSecond().source());
            s.put("host.latencySeconds", h.latencySeconds().source());
            s.put("host.flopsPerSecond", h.flopsPerSecond().source());
        });
        return s;
    }

    private static void assertClose(double expected, double actual, String what) {
        assertEquals(expected, actual, Math.abs(expected) * ROUNDING, what);
    }
}
