package org.opsim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code opsim serve} end to end: a scenario as a table and as JSON, a file of serving cases, bad input. */
class ServeCommandTest {

    private static final String[] SCENARIO = {"serve", "-m", "llama-3.1-8b", "--system", "hgx-h100", "--concurrency", "4",
        "--isl", "128", "--osl", "16", "--requests", "8"};

    @Test
    void aScenarioPrintsLatenciesThroughputAndCost() {
        CliRun r = CliRun.run(SCENARIO);
        assertEquals(0, r.code(), r.err());
        for (String want : List.of("TTFT", "TPOT", "ITL", "end-to-end", "output tokens/s per chip", "$ per million output tokens",
                "engine: vllm@0.11-serving",
                "4 concurrent clients (first wave together, the rest spread), 8 requests of 128 + 16 tokens")) {
            assertTrue(r.out().contains(want), want + " in\n" + r.out());
        }
    }

    /** {@code --start} names how the clients start; an open loop has none, and an unknown start is refused (exit 2). */
    @Test
    void theClientsStartAsAsked() {
        String[] together = java.util.Arrays.copyOf(SCENARIO, SCENARIO.length + 2);
        together[SCENARIO.length] = "--start";
        together[SCENARIO.length + 1] = "together";
        CliRun t = CliRun.run(together);
        assertEquals(0, t.code(), t.err());
        assertTrue(t.out().contains("4 concurrent clients (all starting at once)"), t.out());
        together[SCENARIO.length + 1] = "staggered";
        CliRun bad = CliRun.run(together);
        assertEquals(2, bad.code(), bad.err());
        assertTrue(bad.err().contains("unknown client start 'staggered'"), bad.err());
        CliRun open = CliRun.run("serve", "-m", "llama-3.1-8b", "--system", "hgx-h100", "--rate", "2", "--requests", "4",
                "--isl", "128", "--osl", "8", "--start", "spread");
        assertEquals(2, open.code(), open.err());
        assertTrue(open.err().contains("--start is for a closed loop"), open.err());
    }

    /** A Hugging Face id (a slash, no such file) resolves to the bundled config; it was read as a missing file. */
    @Test
    void aHuggingFaceIdNamesTheModel() {
        CliRun r = CliRun.run("serve", "-m", "meta-llama/Llama-3.1-8B-Instruct", "--system", "hgx-h100", "--concurrency", "2",
                "--isl", "128", "--osl", "8", "--requests", "4");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("llama-3.1-8b"), r.out());
        CliRun missing = CliRun.run("serve", "-m", "nobody/No-Such-Model", "--system", "hgx-h100");
        assertEquals(2, missing.code(), missing.err());
    }

    /**
     * The search as JSON: every candidate with its pool, load and figures; chips = workers × TP × attention DP; the one
     * marked cheapest meets the targets and costs least among those that do.
     */
    @Test
    void theSearchWritesEveryCandidateAsJson() throws Exception {
        CliRun r = CliRun.run("serve", "-m", "llama-3.1-8b", "--system", "hgx-h100", "--search", "--isl", "128", "--osl", "16",
                "--max-concurrency", "4", "--no-disagg", "--format", "json");
        assertEquals(0, r.code(), r.err());
        JsonNode j = JsonMapper.builder().build().readTree(r.out());
        assertEquals(1, j.get("schemaVersion").asInt());
        JsonNode cands = j.get("systems").get(0).get("candidates");
        assertTrue(cands.size() >= 4, r.out());
        JsonNode cheapest = null;
        double least = Double.POSITIVE_INFINITY;
        for (JsonNode c : cands) {
            JsonNode p = c.get("pool");
            assertEquals(p.get("workers").asLong() * p.get("tensorParallel").asLong() * p.get("attentionDp").asLong(),
                    c.get("chips").asLong());
            assertTrue(c.get("tpotSeconds").get("mean").asDouble() > 0);
            if (c.get("meetsTargets").asBoolean()) {
                least = Math.min(least, c.get("usdPerMillionOutputTokens").asDouble());
            }
            if (c.get("cheapest").asBoolean()) {
                assertEquals(null, cheapest, "one cheapest");
                cheapest = c;
            }
        }
        assertTrue(cheapest != null && cheapest.get("meetsTargets").asBoolean(), r.out());
        assertEquals(least, cheapest.get("usdPerMillionOutputTokens").asDouble(), 0);
    }

    /** 8 requests × 16 tokens = 128 output tokens; one H100; the closed loop's figures in seconds. */
    @Test
    void jsonCarriesEveryFigureInSeconds() throws Exception {
        String[] args = java.util.stream.Stream.concat(java.util.Arrays.stream(SCENARIO), java.util.stream.Stream.of("--format", "json"))
                .toArray(String[]::new);
        CliRun r = CliRun.run(args);
        assertEquals(0, r.code(), r.err());
        JsonNode j = JsonMapper.builder().build().readTree(r.out());
        assertEquals(1, j.get("schemaVersion").asInt());
        assertEquals(128, j.get("outputTokens").asLong());
        assertEquals(8, j.get("requests").asInt());
        assertEquals(1, j.get("chips").asInt());
        double ttft = j.get("ttftSeconds").get("mean").asDouble();
        assertTrue(ttft > 0 && ttft < 1, "TTFT " + ttft);
        // Four clients at 16 tokens each: no request's TTFT is below its own prefill, and a token takes more than 1 µs.
        assertTrue(j.get("tpotSeconds").get("mean").asDouble() > 1e-6);
        assertTrue(j.get("ttftSeconds").get("p90").asDouble() >= j.get("ttftSeconds").get("p50").asDouble());
        assertTrue(j.get("series").get("timeSeconds").size() > 0);
    }

    @Test
    void servingCasesAreWrittenBackWithPredictions(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("predicted.csv");
        CliRun r = CliRun.run("serve", "--cases", CliRun.repo("src/core/src/test/resources/serving/three-rows.csv").toString(),
                "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        List<String> lines = Files.readAllLines(out);
        assertEquals(4, lines.size());
        assertTrue(lines.get(0).endsWith(",predicted_ttft_ms,predicted_tpot_ms,prediction_error,prediction_notes"), lines.get(0));
        assertTrue(lines.get(3).contains(",,,an instance beyond one scale-up domain (8 chips of NVIDIA HGX B200 8-GPU x 2)"), lines.get(3));
        // vLLM 0.19.0 is not a version of the file: the nearest serving version is used, and the row says so.
        assertTrue(lines.get(3).contains("\"vllm 0.19.0 is not in vllm's serving versions; the nearest, 0.11-serving, is used; the row's"
                + " fp8 weights replace the checkpoint's formats (fp8 128x128 blocks, W8A8); experts split by EP 16"), lines.get(3));
    }

    @Test
    void badInputIsANamedErrorWithExitCode2(@TempDir Path dir) throws Exception {
        Path bad = dir.resolve("bad.csv");
        Files.writeString(bad, "model_path,system,backend,mode,isl,osl\nx,b200_sxm,vllm,agg,ten,1\n");
        CliRun r = CliRun.run("serve", "--cases", bad.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("bad.csv") && r.err().contains("isl"), r.err());
        CliRun noModel = CliRun.run("serve", "--system", "hgx-h100");
        assertEquals(2, noModel.code());
        assertTrue(noModel.err().contains("--model"), noModel.err());
        CliRun range = CliRun.run("serve", "-m", "llama-3.1-8b", "--system", "hgx-h100", "--isl", "5..x");
        assertEquals(2, range.code());
        assertTrue(range.err().contains("--isl takes TOKENS or LO..HI"), range.err());
    }
}
