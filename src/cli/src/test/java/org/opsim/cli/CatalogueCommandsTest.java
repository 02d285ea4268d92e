package org.opsim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opsim.cost.Note;
import org.opsim.graph.Engine;
import org.opsim.graph.OpKind;
import org.opsim.graph.Precision;

/**
 * The command line names chips and models from the bundled catalogue wherever it runs (these tests
 * run in src/cli, not at the repository root), reads a model file of any kind by its content, adds
 * a user's folders, and groups structured notes.
 */
class CatalogueCommandsTest {

    @Test
    void shortNamesWorkFromAnyDirectory() {
        assertTrue(Files.notExists(Path.of("hardware-profiles")), "the test must not run at the repository root");
        CliRun r = CliRun.run("compare", "-m", "llama-3.1-8b", "-p", "h100", "-p", "trn2", "--phase", "decode",
                "--batch", "8", "--format", "csv");
        assertEquals(0, r.code(), r.err());
        List<String> lines = r.out().lines().toList();
        assertEquals(3, lines.size(), r.out());
        assertTrue(lines.get(1).startsWith("NVIDIA H100 SXM5 80GB,1,"), lines.get(1));
        assertTrue(lines.get(2).startsWith("AWS Trainium2,1,"), lines.get(2));
    }

    @Test
    void anUnknownChipExitsWithTwoAndListsTheCloseMatches() {
        CliRun r = CliRun.run("compare", "-p", "h10");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("no profile named 'h10' in the catalogue; close matches: "), r.err());
        assertTrue(r.err().contains("nvidia-h100-sxm (h100, h100-sxm)"), r.err());
        CliRun m = CliRun.run("compare", "-m", "llama-70b");
        assertEquals(2, m.code());
        assertTrue(m.err().contains("close matches: llama-3.1-70b"), m.err());
    }

    @Test
    void configIsAnAliasOfModelAndAFilePathStillWorks() {
        String config = CliRun.repo("models/hf/llama-3.1-8b.json").toString();
        CliRun byName = CliRun.run("compare", "-m", "llama-3.1-8b", "-p", "h100", "--format", "csv");
        CliRun byFile = CliRun.run("compare", "--config", config, "-p", "h100", "--format", "csv");
        assertEquals(0, byFile.code(), byFile.err());
        assertEquals(byName.out(), byFile.out());
    }

    @Test
    void anOnnxFileIsToldApartByContentAndItsDimensionsComeFromTheWorkload(@TempDir Path dir) throws IOException {
        // all-MiniLM-L6-v2 (a 6-layer BERT encoder) saved without an extension: the content says ONNX.
        Path model = dir.resolve("minilm");
        try (InputStream in = getClass().getResourceAsStream("/all-minilm-l6-v2.onnx")) {
            Files.copy(in, model);
        }
        CliRun r = CliRun.run("compare", "-m", model.toString(), "--phase", "prefill", "--batch", "2", "--context", "128",
                "-p", "h100", "--tp", "1", "--format", "json");
        assertEquals(0, r.code(), r.err());
        // 6 layers × 6 weight matmuls of 256 tokens (2 × 128) plus attention: a few GFLOP, all costed.
        assertTrue(r.out().contains("\"chip\" : \"NVIDIA H100 SXM5 80GB\""), r.out());
        // One forward pass over the prompts: its time to first token is the whole run.
        com.fasterxml.jackson.databind.JsonNode h100 = new com.fasterxml.jackson.databind.json.JsonMapper().readTree(r.out())
                .get("results").get(0);
        assertEquals(h100.get("latencySeconds").asDouble(), h100.get("ttftSeconds").asDouble());
        assertEquals(256, new com.fasterxml.jackson.databind.json.JsonMapper().readTree(r.out()).get("tokensPerExecution").asInt());
        CliRun decode = CliRun.run("compare", "-m", model.toString(), "--phase", "decode", "-p", "h100");
        assertEquals(2, decode.code());
        assertTrue(decode.err().contains("is an ONNX export, one forward pass: it has no decode phase"), decode.err());
    }

    @Test
    void theInt8OnnxModelIsCostedWithItsGemmsAtInt8(@TempDir Path dir) throws IOException {
        Path model = dir.resolve("minilm-q.onnx");
        try (InputStream in = getClass().getResourceAsStream("/all-minilm-l6-v2-q.onnx")) {
            Files.copy(in, model);
        }
        CliRun r = CliRun.run("run", "-m", model.toString(), "--phase", "prefill", "--dim", "batch_size=1",
                "--dim", "sequence_length=128", "-p", "h100", "--format", "csv");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().lines().anyMatch(l -> l.contains(",int8,")), r.out());
        CliRun tpu = CliRun.run("compare", "-m", model.toString(), "--phase", "prefill", "--batch", "1", "--context", "128",
                "-p", "h100", "-p", "tpu-v6e", "--format", "csv");
        assertEquals(0, tpu.code(), tpu.err());
        CliRun notOnnx = CliRun.run("run", "-m", "llama-3.1-8b", "-p", "h100", "--allow-unmapped");
        assertEquals(2, notOnnx.code());
        assertTrue(notOnnx.err().contains("--dim and --allow-unmapped apply to ONNX models"), notOnnx.err());
    }

    @Test
    void aFixedGraphRefusesWorkloadOptions() {
        CliRun r = CliRun.run("compare", "-m", "llama-3.1-8b-decode", "--batch", "64");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("llama-3.1-8b-decode is a graph with fixed shapes: --phase, --batch"), r.err());
        // Options with a default (a precision, a length) are refused too, not ignored: the file fixes them.
        for (String[] o : new String[][] {{"--weights", "fp8"}, {"--prompt", "1024"}, {"--activations", "bf16"}}) {
            CliRun given = CliRun.run("run", "-m", "llama-3.1-8b-decode", "-p", "h100", o[0], o[1]);
            assertEquals(2, given.code(), o[0] + ": " + given.out());
            assertTrue(given.err().contains("is a graph with fixed shapes"), given.err());
        }
    }

    @Test
    void generateOutsideAGenerationIsRefused() {
        CliRun r = CliRun.run("compare", "-m", "llama-3.1-8b", "-p", "h100", "--phase", "decode", "--generate", "64");
        assertEquals(2, r.code(), r.out());
        assertTrue(r.err().contains("--generate applies to --phase generation only (this is decode)"), r.err());
    }

    @Test
    void cachedTokensMakeAPrefillChunkAndAreRefusedElsewhere() {
        CliRun r = CliRun.run("compare", "-m", "llama-3.1-8b", "-p", "h100", "--phase", "decode", "--cached", "64");
        assertEquals(2, r.code(), r.out());
        assertTrue(r.err().contains("--cached applies to --phase prefill only (this is decode)"), r.err());
        // 512 new tokens after 3584 cached: attention over 4096 keys, 1,966,336 pairs per head (512·3584 + 512·513/2),
        // 32 heads × 517 FLOPs per pair = 32.5 GFLOP per layer.
        CliRun chunk = CliRun.run("run", "-m", "llama-3.1-8b", "-p", "h100", "--phase", "prefill", "--prompt", "512",
                "--cached", "3584");
        assertEquals(0, chunk.code(), chunk.err());
        assertTrue(chunk.out().contains("prefill chunk, batch 1, 512 new tokens after 3584 cached"), chunk.out());
        assertTrue(chunk.out().lines().anyMatch(l -> l.matches("layer +attention +attention .* 32\\.5 .*")), chunk.out());
        // compare labels a chunk's TTFT column as the chunk's time, not a request's time to first token.
        CliRun compare = CliRun.run("compare", "-m", "llama-3.1-8b", "-p", "h100", "--phase", "prefill", "--prompt", "512",
                "--cached", "3584");
        assertEquals(0, compare.code(), compare.err());
        assertTrue(compare.out().contains("TTFT: this prefill chunk of the whole batch (512 new tokens after 3584 cached), "
                + "not a request's time to first token"), compare.out());
        CliRun fixed = CliRun.run("run", "-m", "llama-3.1-8b-decode", "-p", "h100", "--cached", "5");
        assertEquals(2, fixed.code(), fixed.out());
        assertTrue(fixed.err().contains("is a graph with fixed shapes") && fixed.err().contains("--cached"), fixed.err());
        CliRun encoder = CliRun.run("run", "-m", "bert-base-uncased", "-p", "h100", "--phase", "prefill", "--cached", "5");
        assertEquals(2, encoder.code(), encoder.out());
        assertTrue(encoder.err().contains("is an encoder: it keeps no cache"), encoder.err());
    }

    @Test
    void profilesDirAddsAndShadows(@TempDir Path dir) throws IOException {
        String h100 = Files.readString(CliRun.repo("hardware-profiles/nvidia-h100-sxm.yaml"));
        Files.writeString(dir.resolve("nvidia-h100-sxm.yaml"), h100.replace("name: \"NVIDIA H100 SXM5 80GB\"", "name: \"My H100\""));
        CliRun r = CliRun.run("compare", "--profiles", dir.toString(), "-p", "h100", "--format", "csv");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().lines().skip(1).findFirst().orElseThrow().startsWith("My H100,"), r.out());
        CliRun profiles = CliRun.run("profiles", "--profiles", dir.toString(), "--format", "csv");
        assertTrue(profiles.out().contains("nvidia-h100-sxm,h100 h100-sxm,My H100,"), profiles.out());
        assertFalse(profiles.out().contains("NVIDIA H100 SXM5 80GB"), "shadowed: " + profiles.out());
    }

    @Test
    void modelsDirReadsConfigsInTheFolderAndItsHfFolder(@TempDir Path dir) throws IOException {
        Files.createDirectories(dir.resolve("hf"));
        Files.copy(CliRun.repo("models/hf/mistral-7b.json"), dir.resolve("hf/my-mistral.json"));
        Files.copy(CliRun.repo("models/hf/gpt2.json"), dir.resolve("tiny.json"));
        CliRun r = CliRun.run("models", "--dir", dir.toString(), "--format", "csv");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("my-mistral," + dir.resolve("hf/my-mistral.json") + ",mistral,7.24 B"), r.out());
        assertTrue(r.out().contains("tiny," + dir.resolve("tiny.json") + ",gpt2,0.124 B"), r.out());
        CliRun run = CliRun.run("run", "-m", dir.resolve("hf/my-mistral.json").toString(), "-p", "h100", "--format", "csv");
        assertEquals(0, run.code(), run.err());
    }

    @Test
    void precisionFallbacksOfOneEngineAreGroupedPerChipWithoutParsingText() {
        List<Note> notes = List.of(
                Note.precisionFallback("TPU", OpKind.RMSNORM, Engine.VECTOR, Precision.BF16, Precision.FP32),
                Note.precisionFallback("TPU", OpKind.ROPE, Engine.VECTOR, Precision.BF16, Precision.FP32),
                Note.precisionFallback("TPU", OpKind.RMSNORM, Engine.VECTOR, Precision.BF16, Precision.FP32),
                Note.precisionFallback("TPU", OpKind.MATMUL, Engine.MATRIX, Precision.FP8, Precision.BF16),
                Note.precisionFallback("MI300X", OpKind.RMSNORM, Engine.VECTOR, Precision.BF16, Precision.FP32),
                Note.fallback(Note.Kind.VECTOR_FALLBACK, "ASIC", OpKind.GELU, 3),
                Note.fused("TPU", OpKind.ADD, "jax-xla@1"), Note.fused("TPU", OpKind.SILU_AND_MUL, "jax-xla@1"),
                Note.fused("TPU", OpKind.ADD, "jax-xla@1"));
        assertEquals(List.of(
                "add, silu_and_mul are fused into their producers on TPU under jax-xla@1: no launch, and of their memory "
                        + "traffic only a binary op's other operand",
                "gelu is not native on ASIC: runs on the vector unit, time ×3",
                "matrix unit of TPU has no fp8: matmul ran at bf16",
                "vector unit of MI300X has no bf16: rmsnorm ran at fp32",
                "vector unit of TPU has no bf16: rmsnorm, rope ran at fp32"), CompareCommand.grouped(notes));
    }
}
