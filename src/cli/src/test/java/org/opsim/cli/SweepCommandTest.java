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
import org.opsim.cli.CliRun;

/** {@code opsim sweep} as a user meets it: files written, the summary, and bad input. */
class SweepCommandTest {

    private static final String[] TWO_CHIPS = {"-p", "nvidia-h100-sxm",
        "-p", "aws-trainium2"};

    private static String[] args(String... rest) {
        String[] all = new String[2 + TWO_CHIPS.length + rest.length];
        all[0] = "sweep";
        all[1] = "--model=llama-3.1-70b";
        System.arraycopy(TWO_CHIPS, 0, all, 2, TWO_CHIPS.length);
        System.arraycopy(rest, 0, all, 2 + TWO_CHIPS.length, rest.length);
        return all;
    }

    @Test
    void writesRowsAndTheParetoFrontierToFilesAndSummarises(@TempDir Path dir) throws Exception {
        Path csv = dir.resolve("sweep.csv");
        Path pareto = dir.resolve("pareto.csv");
        CliRun r = CliRun.run(args("--batch", "1,8,64,256", "--context", "1024,4096,32768", "--weights", "bf16,fp8",
                "--tp", "1,2,3,4,8", "--out", csv.toString(), "--pareto", pareto.toString()));
        assertEquals(0, r.code(), r.err());
        // 4 batches × 3 contexts × 2 precisions × 5 degrees = 120 workloads × 2 chips = 240 configurations.
        assertTrue(r.out().contains("240 configurations (120 workloads × 2 profiles)"), r.out());
        assertTrue(r.out().contains("tensor-parallel degree 3 does not divide the 64 attention heads"), r.out());
        assertTrue(r.out().contains("does not fit in the chip's memory"), r.out());
        List<String> rows = Files.readAllLines(csv);
        long written = rows.size() - 1;
        assertTrue(r.out().contains(written + " rows written to " + csv), r.out());
        List<String> front = Files.readAllLines(pareto);
        assertTrue(r.out().contains("Pareto frontier (usd-per-million-tokens vs seconds-per-token): "
                + (front.size() - 1) + " configurations"), r.out());
        assertEquals(rows.get(0), front.get(0));
        assertTrue(rows.containsAll(front.subList(1, front.size())), "frontier rows are sweep rows");
        try (var files = Files.list(dir)) {
            assertEquals(2, files.count(), "no temporary file left behind");
        }
    }

    @Test
    void jsonToStandardOutputWithTheSummaryOnStandardError() throws Exception {
        CliRun r = CliRun.run(args("--batch", "1..3", "--context", "4096", "--tp", "2,4", "--format", "json",
                "--pareto-metrics", "joules-per-token,tokens-per-second"));
        assertEquals(0, r.code(), r.err());
        JsonNode rows = JsonMapper.builder().build().readTree(r.out());
        assertTrue(rows.size() > 0 && rows.size() <= 12, r.out());
        assertTrue(r.err().contains("Pareto frontier (joules-per-token vs tokens-per-second)"), r.err());
    }

    @Test
    void theSummaryNamesTheVariantsCostedByBuildingEachGraph() {
        // Decode is parametric; training is not: its two TP variants on two chips are listed, with why.
        CliRun r = CliRun.run(args("--phase", "decode,training", "--batch", "1,2", "--context", "1024", "--tp", "4,8",
                "--format", "json", "--keep-oversized"));
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("variants costed by building each graph (not a workload-parametric plan): 4"), r.err());
        assertTrue(r.err().contains("training, weights bf16, TP 8 on AWS Trainium2: training is not parametric"), r.err());
        assertTrue(!r.err().contains("decode, weights"), r.err());
    }

    @Test
    void badInputIsAClearErrorWithExitCodeTwo() {
        CliRun empty = CliRun.run(args("--batch="));
        assertEquals(2, empty.code());
        assertTrue(empty.err().contains("--batch: needs at least one value"), empty.err());

        CliRun negative = CliRun.run(args("--batch=8,-4"));
        assertEquals(2, negative.code());
        assertTrue(negative.err().contains("sweep: batch sizes must be > 0, got -4"), negative.err());

        CliRun precision = CliRun.run(args("--weights", "bf16,fp3"));
        assertEquals(2, precision.code());
        assertTrue(precision.err().contains("--weights: unknown precision 'fp3'"), precision.err());

        CliRun metrics = CliRun.run(args("--pareto-metrics", "latency-seconds"));
        assertEquals(2, metrics.code());
        assertTrue(metrics.err().contains("--pareto-metrics: give two metrics, got 1"), metrics.err());
    }
}
