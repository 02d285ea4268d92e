package org.opsim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line as a user meets it: defaults, formats, exit codes and error messages. */
class CliTest {

    private record Run(int code, String out, String err) {
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void compareWithNoArgumentsCostsTheBundledModelOnEveryShippedChip() {
        Run r = run("compare");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("Llama-3.1-8B decode step"), r.out());
        assertTrue(r.out().contains("H100"), r.out());
        assertTrue(r.out().contains("Trainium2"), r.out());
        assertTrue(r.out().contains("$/M tokens"), r.out());
    }

    @Test
    void compareAsJsonGivesPositiveFiniteFiguresPerChip() throws Exception {
        Run r = run("compare", "--format", "json");
        assertEquals(0, r.code(), r.err());
        JsonNode root = JsonMapper.builder().build().readTree(r.out());
        assertEquals(16, root.get("tokensPerExecution").asLong());
        assertTrue(root.get("results").size() >= 2);
        for (JsonNode chip : root.get("results")) {
            for (String f : new String[] {"latencySeconds", "energyJoules", "costUsd", "usdPerMillionTokens"}) {
                double v = chip.get(f).asDouble();
                assertTrue(v > 0 && Double.isFinite(v), f + " = " + v);
            }
            // A batch-16 decode step reads ~16 GB of bf16 weights for 16 tokens: memory-bound on every
            // chip whose weights sit in DRAM/HBM (not Groq, whose 80 TB/s SRAM leaves it compute-bound).
            String chipName = chip.get("chip").asText();
            if (chipName.contains("H100") || chipName.contains("Trainium2") || chipName.contains("MI300X")) {
                assertEquals("memory", chip.get("dominantBound").asText(), chipName);
            }
        }
    }

    @Test
    void runPrintsOneRowPerOpAndAKindTable() {
        Run r = run("run", "--profile", "hardware-profiles/nvidia-h100-sxm.yaml", "--format", "csv");
        assertEquals(0, r.code(), r.err());
        // Header + 1 embedding + 11 decoder ops + 2 head ops.
        assertEquals(1 + 14, r.out().strip().split("\n").length, r.out());
    }

    @Test
    void compareTakesAHuggingFaceConfigWithAWorkload() throws Exception {
        Run r = run("compare", "--config", "models/hf/llama-3.1-70b.json", "--phase", "decode", "--batch", "16",
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
        Run bad = run("compare", "--config", "models/hf/llama-3.1-70b.json", "--tp", "3");
        assertEquals(2, bad.code());
        assertTrue(bad.err().contains("does not divide the 64 attention heads"), bad.err());
    }

    @Test
    void aMissingModelFileExitsWithTwoAndNamesTheFile() {
        Run r = run("compare", "--model", "models/nope.yaml");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("models/nope.yaml: $: file not found"), r.err());
    }

    @Test
    void aBrokenProfileExitsWithTwoNamingFileAndPath(@TempDir Path dir) throws Exception {
        Path bad = dir.resolve("bad.yaml");
        String h100 = Files.readString(Path.of("hardware-profiles/nvidia-h100-sxm.yaml"));
        // Break the memory bandwidth: the first bandwidthBytesPerSecond value becomes negative.
        int at = h100.indexOf("bandwidthBytesPerSecond");
        int v = h100.indexOf("value:", at);
        int end = h100.indexOf('\n', v);
        Files.writeString(bad, h100.substring(0, v) + "value: -1" + h100.substring(end));
        Run r = run("compare", "--profile", bad.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains(bad + ": $.memory.bandwidthBytesPerSecond.value: must be > 0, got -1"), r.err());
    }

    @Test
    void anUnknownFormatIsAUsageError() {
        Run r = run("compare", "--format", "xml");
        assertEquals(2, r.code());
        assertFalse(r.err().isEmpty());
    }

    @Test
    void outWritesTheWholeTableToTheFile(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("cmp.md");
        Run r = run("compare", "--format", "markdown", "--out", out.toString());
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
