package org.opsim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line as a user meets it: defaults, formats, exit codes and error messages. */
class CliTest {

    @Test
    void compareWithNoArgumentsServesLlama70bOnFiveChips() {
        CliRun r = CliRun.run("compare");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("llama-3.1-70b"), r.out());
        assertTrue(r.out().contains("generation, batch 32, prompt 2048, 256 new tokens"), r.out());
        for (String chip : new String[] {"H100", "B200", "MI300X", "TPU v6e", "Trainium2"}) {
            assertTrue(r.out().contains(chip), chip + " missing:\n" + r.out());
        }
        for (String column : new String[] {"chips", "batch TTFT ms", "batch TPOT ms", "tokens/s/chip", "$/M tokens", "J/token",
            "memory-bound", "matmul"}) {
            assertTrue(r.out().contains(column), column + " missing:\n" + r.out());
        }
        assertEquals("", r.err());
    }

    @Test
    void compareAsJsonHoldsTheModelOnEnoughChipsAndSplitsTheRunIntoPrefillAndDecode() throws Exception {
        CliRun r = CliRun.run("compare", "--format", "json");
        assertEquals(0, r.code(), r.err());
        JsonNode root = JsonMapper.builder().build().readTree(r.out());
        assertEquals(32 * 256, root.get("tokensPerExecution").asLong());
        assertEquals(5, root.get("results").size());
        double weightsBytes = 70_553_706_496.0 * 2; // Llama-3.1-70B's parameters in bf16
        for (JsonNode chip : root.get("results")) {
            String name = chip.get("chip").asText();
            for (String f : new String[] {"latencySeconds", "ttftSeconds", "tpotSeconds", "tokensPerSecond",
                "tokensPerSecondPerChip", "usdPerMillionTokens", "joulesPerToken"}) {
                double v = chip.get(f).asDouble();
                assertTrue(v > 0 && Double.isFinite(v), name + " " + f + " = " + v);
            }
            // The chips must at least hold the weights (KV cache and activations come on top).
            int chips = chip.get("chips").asInt();
            double capacity = capacity(name);
            assertTrue(chips * capacity >= weightsBytes, name + ": " + chips + " chips");
            assertEquals(chips, chip.get("chipsNeeded").asInt(), name);
            assertTrue(chip.get("fitsInMemory").asBoolean(), name);
            // A generation is its prefill then 255 decode steps: TTFT + 255 TPOT is the whole run.
            assertEquals(chip.get("latencySeconds").asDouble(),
                    chip.get("ttftSeconds").asDouble() + 255 * chip.get("tpotSeconds").asDouble(),
                    1e-9 * chip.get("latencySeconds").asDouble(), name);
            assertEquals(chip.get("tokensPerSecond").asDouble() / chips, chip.get("tokensPerSecondPerChip").asDouble(),
                    1e-9 * chip.get("tokensPerSecond").asDouble(), name);
        }
        // 141 GB of bf16 weights do not fit one 80 GB H100.
        JsonNode h100 = root.get("results").get(0);
        assertTrue(h100.get("chip").asText().contains("H100"));
        assertTrue(h100.get("chipsNeeded").asInt() >= 2, h100.toString());
    }

    private static double capacity(String chipName) {
        for (String f : new String[] {"nvidia-h100-sxm", "nvidia-b200", "amd-mi300x", "google-tpu-v6e", "aws-trainium2"}) {
            var p = org.opsim.Opsim.profile(f);
            if (p.name().equals(chipName)) {
                return p.memory().capacityBytes().value();
            }
        }
        throw new AssertionError("unexpected chip " + chipName);
    }

    @Test
    void aSmallBatchDecodeStepIsMemoryBoundWhereWeightsSitInHbm() throws Exception {
        CliRun r = CliRun.run("compare", "--phase", "decode", "--batch", "16", "--context", "4096", "--format", "json");
        assertEquals(0, r.code(), r.err());
        JsonNode root = JsonMapper.builder().build().readTree(r.out());
        assertEquals(16, root.get("tokensPerExecution").asLong());
        for (JsonNode chip : root.get("results")) {
            // A batch-16 decode step reads every weight once for 16 tokens per sequence: 16 FLOP per byte of
            // bf16 weight, far below every chip's ridge point (peak ÷ bandwidth, hundreds of FLOP/byte).
            String chipName = chip.get("chip").asText();
            assertEquals("memory", chip.get("dominantBound").asText(), chipName);
            assertTrue(chip.get("boundShare").get("memory").asDouble() > 0.5, chipName);
            assertTrue(Double.isFinite(chip.get("tpotSeconds").asDouble()));
            assertFalse(chip.has("ttftSeconds"), chipName);
        }
    }

    @Test
    void aChipThatCannotHoldTheModelGetsARowAndANoticeNotACrash() {
        CliRun r = CliRun.run("compare", "-m", "llama-3.1-405b", "--profile", "google-tpu-v5e",
                "--profile", "nvidia-h100-sxm");
        assertEquals(0, r.code(), r.err());
        String row = r.out().lines().filter(l -> l.startsWith("Google TPU v5e")).findFirst().orElseThrow();
        assertTrue(row.matches("Google TPU v5e +> 64 +- .*"), row);
        assertTrue(r.out().contains("note: Google TPU v5e cannot hold the model at any tensor-parallel degree up to 64"), r.out());
    }

    @Test
    void aNativeGraphFileIsComparedAsOneChipPerStep() {
        CliRun r = CliRun.run("compare", "-m", "llama-3.1-8b-decode", "--format", "csv");
        assertEquals(0, r.code(), r.err());
        String[] lines = r.out().strip().split("\n");
        assertEquals(1 + 5, lines.length, r.out());
        // Its blocks are of stage decode: one decode step, so its time per output token is the whole run.
        assertTrue(lines[0].startsWith("chip,chips,batch TPOT ms,ms/run,tokens/s"), lines[0]);
        String[] h100 = lines[1].split(",");
        assertEquals(h100[2], h100[3], lines[1]);
    }

    @Test
    void runPrintsOneRowPerOpAndAKindTable() {
        CliRun r = CliRun.run("run", "--profile", "nvidia-h100-sxm", "--format", "csv");
        assertEquals(0, r.code(), r.err());
        // Header + 1 embedding + 11 decoder ops + 2 head ops.
        assertEquals(1 + 14, r.out().strip().split("\n").length, r.out());
    }

    @Test
    void compareTakesAHuggingFaceConfigWithAWorkload() throws Exception {
        CliRun r = CliRun.run("compare", "-m", "llama-3.1-70b", "--phase", "decode", "--batch", "16",
                "--context", "4096", "--tp", "8", "--format", "json");
        assertEquals(0, r.code(), r.err());
        JsonNode root = JsonMapper.builder().build().readTree(r.out());
        assertEquals(16, root.get("tokensPerExecution").asLong());
        assertTrue(root.get("model").asText().contains("TP 8"), root.get("model").asText());
        for (JsonNode chip : root.get("results")) {
            assertTrue(chip.get("timeShare").get("collectives").asDouble() > 0);
            assertEquals(8, chip.get("chips").asInt());
            // The per-chip graph costs one chip's dollars; a token costs all 8 chips' time:
            // $/M tokens = 8 · costUsd / 16 tokens · 1e6.
            assertEquals(8 * chip.get("costUsd").asDouble() / 16 * 1e6, chip.get("usdPerMillionTokens").asDouble(), 1e-9);
        }
        CliRun bad = CliRun.run("compare", "-m", "llama-3.1-70b", "--tp", "3");
        assertEquals(2, bad.code());
        assertTrue(bad.err().contains("does not divide the 64 attention heads"), bad.err());
    }

    @Test
    void aMissingModelFileExitsWithTwoAndNamesTheFile() {
        CliRun r = CliRun.run("compare", "--model", "models/nope.yaml");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("models/nope.yaml: $: file not found"), r.err());
    }

    @Test
    void aBrokenProfileExitsWithTwoNamingFileAndPath(@TempDir Path dir) throws Exception {
        Path bad = dir.resolve("bad.yaml");
        String h100 = Files.readString(CliRun.repo("hardware-profiles/nvidia-h100-sxm.yaml"));
        // Break the memory bandwidth: the first bandwidthBytesPerSecond value becomes negative.
        int at = h100.indexOf("bandwidthBytesPerSecond");
        int v = h100.indexOf("value:", at);
        int end = h100.indexOf('\n', v);
        Files.writeString(bad, h100.substring(0, v) + "value: -1" + h100.substring(end));
        CliRun r = CliRun.run("compare", "--profile", bad.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains(bad + ": $.memory.bandwidthBytesPerSecond.value: must be > 0, got -1"), r.err());
    }

    @Test
    void anUnknownFormatIsAUsageError() {
        CliRun r = CliRun.run("compare", "--format", "xml");
        assertEquals(2, r.code());
        assertFalse(r.err().isEmpty());
    }

    @Test
    void outWritesTheWholeTableToTheFile(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("cmp.md");
        CliRun r = CliRun.run("compare", "--format", "markdown", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        assertEquals("", r.out());
        String md = Files.readString(out);
        assertTrue(md.startsWith("| chip"), md);
        // An ordinary user file, not the owner-only mode of the temporary file it was written through.
        if (java.nio.file.FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            assertEquals("rw-r--r--", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(out)));
        }
    }
}
