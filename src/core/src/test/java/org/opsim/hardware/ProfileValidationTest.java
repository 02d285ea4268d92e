package org.opsim.hardware;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.opsim.hardware.ProfileTexts.adding;
import static org.opsim.hardware.ProfileTexts.breaking;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opsim.internal.io.Documents;
import org.opsim.internal.load.ProfileLoader;
import org.opsim.internal.load.ProfileWriter;
import org.opsim.io.InputException;

/**
 * Bad profiles fail with an {@link InputException} that names the file, the JSON path of the
 * offending field and what is wrong. Each case breaks one field of {@link ProfileTexts#MINIMAL}.
 */
class ProfileValidationTest {

    /** Parses {@code yaml} as test.yaml and returns the error, checking file and path. */
    private static InputException rejects(String yaml, String path) {
        InputException e = assertThrows(InputException.class, () -> ProfileTexts.parseYaml(yaml));
        assertEquals("test.yaml", e.file(), "file");
        assertEquals(path, e.path(), () -> "path of: " + e.getMessage());
        assertEquals("test.yaml: " + path + ": " + e.problem(), e.getMessage(), "message form file: path: problem");
        return e;
    }

    private static void says(InputException e, String... fragments) {
        for (String f : fragments) {
            assertTrue(e.problem().contains(f), () -> "problem '" + e.problem() + "' should mention '" + f + "'");
        }
    }

    @Test
    void computeUnitsMustBeAWholeNumberOfUnits() {
        // The rule is HardwareProfile's; the loader only reads the number and reports the rule at its path.
        says(rejects(adding("computeUnits: {value: 2.5, source: \"x\"}\nmatmulTile: {m: 128, n: 128, source: \"x\"}\n"),
                "$.computeUnits.value"), "must be a whole number >= 1, got 2.5");
        says(rejects(adding("computeUnits: {value: 0, source: \"x\"}\nmatmulTile: {m: 128, n: 128, source: \"x\"}\n"),
                "$.computeUnits.value"), "must be a whole number >= 1, got 0");
    }

    @Test
    void malformedYamlNamesTheLine() {
        InputException e = rejects(breaking("kind: gpu\n", "kind: [gpu\n"), "$");
        says(e, "malformed YAML at line ");
    }

    @Test
    void malformedJsonNamesTheLine() {
        InputException e = assertThrows(InputException.class,
                () -> ProfileLoader.parse("{\"name\": \"x\",\n \"kind\": }", Documents.Format.JSON, "test.json"));
        assertEquals("test.json", e.file());
        assertEquals("$", e.path());
        assertTrue(e.problem().startsWith("malformed JSON at line 2"), e.problem());
    }

    @Test
    void anEmptyDocumentIsRejected() {
        says(rejects("", "$"), "empty document");
    }

    @Test
    void anUnknownTopLevelFieldIsNamedWithTheAllowedOnes() {
        says(rejects(adding("colour: red\n"), "$"), "unknown field 'colour'", "allowed: name, aliases, kind, vendor");
    }

    @Test
    void anUnknownFieldInsideAFigureIsRejected() {
        says(rejects(breaking("onChipSramBytes: {value: 32e6, source: \"datasheet\"}",
                "onChipSramBytes: {value: 32e6, unit: MB, source: \"datasheet\"}"), "$.onChipSramBytes"),
                "unknown field 'unit'", "allowed: value, source");
    }

    @Test
    void anUnknownOpKindInEfficiencyRulesIsRejected() {
        InputException e = rejects(adding("""
                  ops:
                    - kind: conv2d
                      compute: {value: 0.5, source: "x"}
                """), "$.efficiency.ops[0].kind");
        says(e, "unknown op kind 'conv2d'", "matmul");
    }

    @Test
    void anUnknownPrecisionKeyIsRejected() {
        InputException e = rejects(breaking("bf16: {value: 100e12", "bf17: {value: 100e12"),
                "$.engines.matrix.peakFlopsPerSecond.bf17");
        says(e, "unknown precision 'bf17'", "bf16");
    }

    @Test
    void anUnknownDeviceKindIsRejected() {
        says(rejects(breaking("kind: gpu", "kind: fpga"), "$.kind"), "unknown device kind 'fpga'");
    }

    @Test
    void aMissingRequiredFieldIsNamed() {
        InputException e = rejects(breaking("  bandwidthBytesPerSecond: {value: 1e12, source: \"datasheet\"}\n", ""),
                "$.memory");
        says(e, "missing required field 'bandwidthBytesPerSecond'");
    }

    @Test
    void aNegativeBandwidthIsRejected() {
        says(rejects(breaking("bandwidthBytesPerSecond: {value: 1e12", "bandwidthBytesPerSecond: {value: -1e12"),
                "$.memory.bandwidthBytesPerSecond.value"), "must be > 0", "-1");
    }

    @Test
    void aZeroPeakIsRejected() {
        says(rejects(breaking("bf16: {value: 100e12", "bf16: {value: 0"),
                "$.engines.matrix.peakFlopsPerSecond.bf16.value"), "must be > 0, got 0");
    }

    @Test
    void anEngineWithNoPrecisionIsRejected() {
        says(rejects(breaking("      fp32: {value: 10e12, source: \"datasheet\"}\n", "      {}\n"),
                "$.engines.vector.peakFlopsPerSecond"), "needs at least one precision");
    }

    @Test
    void aNanRateIsRejectedAtItsField() {
        InputException e = rejects(breaking("bf16: {value: 100e12", "bf16: {value: .nan"),
                "$.engines.matrix.peakFlopsPerSecond.bf16.value");
        says(e, "must be a finite number, got NaN");
    }

    @Test
    void anInfiniteBandwidthIsRejectedAtItsField() {
        says(rejects(breaking("bandwidthBytesPerSecond: {value: 1e12", "bandwidthBytesPerSecond: {value: .inf"),
                "$.memory.bandwidthBytesPerSecond.value"), "must be a finite number, got Infinity");
    }

    @Test
    void aQuotedNumberIsNotANumber() {
        says(rejects(breaking("tdpWatts: {value: 300", "tdpWatts: {value: \"300\""), "$.power.tdpWatts.value"),
                "expected a number, got the string \"300\"");
    }

    @Test
    void anEfficiencyOfZeroIsRejected() {
        says(rejects(breaking("compute: {value: 0.7", "compute: {value: 0"), "$.efficiency.default.compute.value"),
                "efficiency must be in (0, 1]", "got 0");
    }

    @Test
    void anEfficiencyAboveOneIsRejected() {
        says(rejects(breaking("memory: {value: 0.8", "memory: {value: 1.5"), "$.efficiency.default.memory.value"),
                "efficiency must be in (0, 1]", "got 1.5");
    }

    @Test
    void anEfficiencyAboveOneInACurveIsRejectedAtItsPoint() {
        says(rejects(breaking("compute: {value: 0.7", "compute: {curve: [[1e6, 0.5], [1e9, 1.5]]"),
                "$.efficiency.default.compute.curve[1][1]"), "efficiency must be in (0, 1], got 1.5");
    }

    @Test
    void curveSizesThatDoNotIncreaseAreRejected() {
        InputException e = rejects(breaking("compute: {value: 0.7", "compute: {curve: [[1e9, 0.5], [1e6, 0.7]]"),
                "$.efficiency.default.compute.curve[1][0]");
        says(e, "sizes must increase strictly", "1000000 follows 1000000000");
    }

    @Test
    void aCurvePointThatIsNotAPairIsRejected() {
        says(rejects(breaking("compute: {value: 0.7", "compute: {curve: [[1e6, 0.5, 3]]"),
                "$.efficiency.default.compute.curve[0]"), "expected [size, efficiency], got 3 numbers");
    }

    @Test
    void anEfficiencyWithBothValueAndCurveIsRejected() {
        says(rejects(breaking("compute: {value: 0.7", "compute: {curve: [[1e6, 0.5]], value: 0.7"),
                "$.efficiency.default.compute"), "exactly one of 'value'");
    }

    @Test
    void twoRulesForTheSameKindAndPrecisionAreRejected() {
        InputException e = rejects(adding("""
                  ops:
                    - kind: matmul
                      compute: {value: 0.5, source: "x"}
                    - kind: matmul
                      memory: {value: 0.5, source: "x"}
                """), "$.efficiency.ops[1]");
        says(e, "a second rule for matmul");
    }

    @Test
    void aRuleThatSetsNothingIsRejected() {
        says(rejects(adding("""
                  ops:
                    - kind: add
                      precision: bf16
                """), "$.efficiency.ops[0]"), "sets none of compute, memory or overheadSeconds");
    }

    @Test
    void aMissingSourceIsRejected() {
        says(rejects(breaking("capacityBytes: {value: 16e9, source: \"datasheet\"}", "capacityBytes: {value: 16e9}"),
                "$.memory.capacityBytes"), "missing required field 'source'");
    }

    @Test
    void aBlankSourceIsRejected() {
        says(rejects(breaking("capacityBytes: {value: 16e9, source: \"datasheet\"}",
                "capacityBytes: {value: 16e9, source: \"  \"}"), "$.memory.capacityBytes.source"), "must not be blank");
    }

    @Test
    void aMissingEfficiencySourceIsRejected() {
        says(rejects(breaking("compute: {value: 0.7, source: \"estimate\"}", "compute: {value: 0.7}"),
                "$.efficiency.default.compute"), "missing required field 'source'");
    }

    @Test
    void idlePowerAboveTdpIsRejected() {
        says(rejects(breaking("idleWatts: {value: 50", "idleWatts: {value: 400"), "$.power.idleWatts.value"),
                "idle power 400 W exceeds tdpWatts 300 W");
    }

    @Test
    void aHostFallbackWithoutAHostSectionIsRejected() {
        InputException e = rejects(adding("""
                nativeOps: [matmul, batched_matmul, softmax, layernorm, rmsnorm, gelu, silu, silu_and_mul, add, mul,
                            rope, embedding, all_reduce, all_gather]
                fallback:
                  default: {mode: host, penaltyFactor: {value: 1, source: "x"}}
                """), "$.host");
        says(e, "mode 'host'", "no 'host' section");
    }

    @Test
    void aKindMissingFromNativeOpsNeedsAFallback() {
        InputException e = rejects(adding("""
                nativeOps: [matmul, batched_matmul, softmax, layernorm, rmsnorm, gelu, silu, silu_and_mul, add, mul,
                            rope, embedding, all_reduce, all_gather]
                """), "$.fallback");
        says(e, "op kind attention is not in nativeOps and has no fallback");
    }

    @Test
    void aFallbackThatDoesNotCoverEveryMissingKindIsRejectedAtTheFallback() {
        InputException e = rejects(adding("""
                nativeOps: [matmul, batched_matmul, softmax, layernorm, rmsnorm, silu, silu_and_mul, add, mul,
                            rope, embedding, all_reduce, all_gather]
                fallback:
                  ops:
                    gelu: {mode: vector, penaltyFactor: {value: 2, source: "x"}}
                """), "$.fallback");
        says(e, "op kind attention is not in nativeOps");
    }

    @Test
    void aFallbackWithoutNativeOpsIsRejected() {
        says(rejects(adding("fallback: {default: {mode: vector, penaltyFactor: {value: 2, source: \"x\"}}}\n"),
                "$.fallback"), "no nativeOps");
    }

    @Test
    void aKindListedTwiceInNativeOpsIsRejected() {
        says(rejects(adding("nativeOps: [matmul, matmul]\nfallback: {default: {mode: vector, penaltyFactor: {value: 2, source: \"x\"}}}\n"),
                "$.nativeOps[1]"), "listed twice");
    }

    @Test
    void aPenaltyBelowOneIsRejected() {
        says(rejects(adding("nativeOps: [matmul]\nfallback: {default: {mode: vector, penaltyFactor: {value: 0.5, source: \"x\"}}}\n"),
                "$.fallback.default.penaltyFactor.value"), "must be >= 1, got 0.5");
    }

    @Test
    void anUnknownFallbackModeIsRejected() {
        says(rejects(adding("nativeOps: [matmul]\nfallback: {default: {mode: fpga, penaltyFactor: {value: 2, source: \"x\"}}}\n"),
                "$.fallback.default.mode"), "unknown fallback mode 'fpga'");
    }

    @Test
    void energyPerFlopWithoutEnergyPerByteIsRejected() {
        InputException e = rejects(breaking("  idleWatts: {value: 50, source: \"estimate\"}\n",
                "  idleWatts: {value: 50, source: \"estimate\"}\n"
                        + "  energyPerFlopJoules:\n"
                        + "    bf16: {value: 0.5e-12, source: \"x\"}\n"
                        + "    fp32: {value: 2e-12, source: \"x\"}\n"), "$.power");
        says(e, "energyPerFlopJoules and energyPerByteJoules together, or neither");
    }

    @Test
    void energyPerFlopMustCoverEveryPrecisionAnEngineRuns() {
        InputException e = rejects(breaking("  idleWatts: {value: 50, source: \"estimate\"}\n",
                "  idleWatts: {value: 50, source: \"estimate\"}\n"
                        + "  energyPerFlopJoules:\n"
                        + "    bf16: {value: 0.5e-12, source: \"x\"}\n"
                        + "  energyPerByteJoules: {value: 30e-12, source: \"x\"}\n"), "$.power.energyPerFlopJoules");
        says(e, "missing fp32, which engines.vector runs");
    }

    @Test
    void aFileWithAnUnknownExtensionIsRejected(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("chip.txt");
        Files.writeString(file, ProfileTexts.MINIMAL);
        InputException e = assertThrows(InputException.class, () -> ProfileLoader.load(file));
        assertEquals(file.toString(), e.file());
        assertEquals("$", e.path());
        assertTrue(e.problem().contains("unknown file type: expected .json, .yaml or .yml"), e.problem());
    }

    @Test
    void aMissingFileIsRejected(@TempDir Path dir) {
        Path file = dir.resolve("no-such-chip.yaml");
        InputException e = assertThrows(InputException.class, () -> ProfileLoader.load(file));
        assertEquals(file.toString(), e.file());
        assertEquals("$", e.path());
        assertEquals("file not found", e.problem());
    }

    @Test
    void errorsInJsonNameTheJsonPathToo() {
        String json = ProfileWriter.write(ProfileTexts.parseYaml(ProfileTexts.MINIMAL), Documents.Format.JSON)
                .replace("\"value\" : 1.0E12", "\"value\" : -1.0E12");
        InputException e = assertThrows(InputException.class,
                () -> ProfileLoader.parse(json, Documents.Format.JSON, "test.json"));
        assertEquals("test.json", e.file());
        assertEquals("$.memory.bandwidthBytesPerSecond.value", e.path(), json);
        assertTrue(e.problem().contains("must be > 0"));
    }

    @Test
    void aLoadedFileIsNamedByItsPath(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("chip.yaml");
        Files.writeString(file, breaking("bf16: {value: 100e12", "bf16: {value: 0"));
        InputException e = assertThrows(InputException.class, () -> ProfileLoader.load(file));
        assertEquals(file.toString(), e.file());
        assertEquals("$.engines.matrix.peakFlopsPerSecond.bf16.value", e.path());
        assertEquals(file + ": $.engines.matrix.peakFlopsPerSecond.bf16.value: must be > 0, got 0", e.getMessage());
    }
}
