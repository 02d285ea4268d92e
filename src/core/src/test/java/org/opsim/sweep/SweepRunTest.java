package org.opsim.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.opsim.Opsim;
import org.opsim.Repo;
import org.opsim.cost.CostModel;
import org.opsim.cost.Totals;
import org.opsim.graph.Attention;
import org.opsim.graph.Engine;
import org.opsim.graph.Precision;
import org.opsim.hardware.DeviceKind;
import org.opsim.hardware.EfficiencyTable;
import org.opsim.hardware.HardwareProfile;
import org.opsim.model.Precisions;
import org.opsim.model.Workload;
import org.opsim.model.transformer.TransformerModel;

/** Running sweeps: rows streamed per configuration, skips counted, rows equal to the object evaluation. */
class SweepRunTest {
    private static final TransformerModel LLAMA8B = model("llama-3.1-8b");
    private static final TransformerModel LLAMA70B = model("llama-3.1-70b");
    private static final HardwareProfile H100 = Opsim.profile("nvidia-h100-sxm");
    private static final HardwareProfile TRN2 = Opsim.profile("aws-trainium2");

    private static TransformerModel model(String name) {
        return Repo.transformer(name);
    }

    private record Run(SweepSummary summary, String text) {
    }

    private static Run run(Sweep sweep, RowFormat format) throws IOException {
        StringWriter out = new StringWriter();
        SweepSummary s = sweep.run(out, format);
        return new Run(s, out.toString());
    }

    /** 2 TP degrees × 2 batches × 2 contexts = 8 workloads on 2 chips; TP 3 does not divide 32 heads. */
    private static Sweep.Builder small() {
        SweepSpace space = SweepSpace.builder().batches(1, 8).lengths(128, 1024).tensorParallel(1, 3).build();
        return Sweep.builder(LLAMA8B, space, List.of(H100, TRN2));
    }

    @Test
    void csvHasAHeaderAndOneLinePerConfigurationThatRuns() throws IOException {
        Run r = run(small().build(), RowFormat.CSV);
        String[] lines = r.text().split("\n");
        assertEquals(16, r.summary().points());
        assertEquals(8, r.summary().rowsWritten());
        assertEquals(8, r.summary().skipped());
        assertEquals(1 + 8, lines.length);
        assertEquals(String.join(",", RowFormat.COLUMNS), lines[0]);
        for (int i = 1; i < lines.length; i++) {
            assertEquals(RowFormat.COLUMNS.length, lines[i].split(",").length, lines[i]);
        }
        assertEquals(8L, r.summary().skippedByReason().get(
                "tensor-parallel degree 3 does not divide the 32 attention heads of llama"), r.summary().skippedByReason().toString());
    }

    @Test
    void everyRowEqualsTheObjectGraphEvaluationOfItsWorkload() throws IOException {
        Run r = run(small().build(), RowFormat.CSV);
        String[] lines = r.text().split("\n");
        List<String> cols = List.of(RowFormat.COLUMNS);
        for (int i = 1; i < lines.length; i++) {
            String[] c = lines[i].split(",");
            HardwareProfile p = c[0].equals(H100.name()) ? H100 : TRN2;
            Workload w = Workload.decode(Long.parseLong(c[cols.indexOf("batch")]), Long.parseLong(c[cols.indexOf("length")]))
                    .withTensorParallel(Integer.parseInt(c[cols.indexOf("tensorParallel")]));
            Totals t = CostModel.evaluate(LLAMA8B.graph(w), p).total();
            double latency = Double.parseDouble(c[cols.indexOf("latencySeconds")]);
            assertEquals(t.latencySeconds(), latency, 1e-12 * latency, lines[i]);
            double usdPerM = Double.parseDouble(c[cols.indexOf("usdPerMillionTokens")]);
            assertEquals(t.costUsd() * w.tensorParallel() / w.tokens() * 1e6, usdPerM, 1e-12 * usdPerM, lines[i]);
        }
    }

    @Test
    void rowsOfEveryPhaseFormAndModelFamilyEqualTheObjectEvaluation() throws IOException {
        // Generation's attention segments change with the prompt length and new-token count, so the
        // plans here are both updated in place and lowered afresh; every row must still match.
        SweepSpace space = SweepSpace.builder()
                .phases(Workload.Phase.PREFILL, Workload.Phase.DECODE, Workload.Phase.GENERATION, Workload.Phase.TRAINING)
                .batches(1, 3).lengths(16, 17).generatedTokens(4, 5).tensorParallel(1, 2)
                .attentionForms(Attention.Form.FLASH, Attention.Form.UNFUSED).recompute(List.of(false, true))
                .build();
        for (String name : List.of("gpt2", "mixtral-8x7b", "deepseek-v3")) {
            TransformerModel m = model(name);
            Run r = run(Sweep.builder(m, space, List.of(H100)).keepOversized(true).chunkRows(7).build(), RowFormat.CSV);
            assertEquals(96, r.summary().rowsWritten(), name + ": " + r.summary().skippedByReason());
            // Training is not parametric: its variants (TP 1, 2 × flash, unfused × recompute off, on) are the ones
            // costed by building each graph, and the summary says so, with why.
            List<String> byGraph = r.summary().costedByGraph();
            assertEquals(8, byGraph.stream().filter(v -> v.startsWith("training,") && v.endsWith(": training is not parametric"))
                    .count(), byGraph.toString());
            assertEquals(8, byGraph.size(), byGraph.toString());
            List<String> cols = List.of(RowFormat.COLUMNS);
            String[] lines = r.text().split("\n");
            for (int i = 1; i < lines.length; i++) {
                String[] c = lines[i].split(",");
                Workload w = new Workload(Workload.Phase.parse(c[cols.indexOf("phase")]),
                        Long.parseLong(c[cols.indexOf("batch")]), Long.parseLong(c[cols.indexOf("length")]),
                        Long.parseLong(c[cols.indexOf("generatedTokens")]), Precisions.all(Precision.BF16),
                        Integer.parseInt(c[cols.indexOf("tensorParallel")]),
                        Boolean.parseBoolean(c[cols.indexOf("recompute")]), Attention.Form.parse(c[cols.indexOf("attention")]));
                double expected = CostModel.evaluate(m.graph(w), H100).total().latencySeconds();
                double latency = Double.parseDouble(c[cols.indexOf("latencySeconds")]);
                assertEquals(expected, latency, 1e-12 * expected, name + ": " + lines[i]);
            }
        }
    }

    @Test
    void theOutputIsTheSameWhateverTheThreadsAndChunks() throws IOException {
        String one = run(small().threads(1).build(), RowFormat.CSV).text();
        String many = run(small().threads(3).chunkRows(2).build(), RowFormat.CSV).text();
        assertEquals(one, many);
    }

    @Test
    void aSinkGetsTheRowsTheCsvHoldsInTheSameOrder() throws IOException {
        // 4 TP-1 workloads × 2 chips run (TP 3 is skipped): the sink's rows, written as CSV, are the CSV's lines.
        String csv = run(small().build(), RowFormat.CSV).text();
        List<SweepRow> rows = new ArrayList<>();
        SweepSummary s = small().threads(3).chunkRows(2).build().run(rows::add);
        assertEquals(8, rows.size());
        assertEquals(8, s.rowsWritten());
        assertEquals(8, s.skipped());
        StringBuilder again = new StringBuilder(RowFormat.CSV.header());
        rows.forEach(r -> RowFormat.CSV.append(again, r));
        assertEquals(csv, again.toString());
        assertEquals(1, rows.get(0).workload().batch());
        assertEquals(128, rows.get(0).workload().sequenceLength());
        assertEquals(H100.name(), rows.get(0).profile());
        assertEquals(TRN2.name(), rows.get(1).profile());
    }

    @Test
    void jsonIsOneArrayWithAnObjectPerRow() throws IOException {
        Run r = run(small().build(), RowFormat.JSON);
        JsonNode rows = JsonMapper.builder().build().readTree(r.text());
        assertTrue(rows.isArray());
        assertEquals(8, rows.size());
        JsonNode first = rows.get(0);
        assertEquals(RowFormat.COLUMNS.length, first.size());
        assertEquals("decode", first.get("phase").asText());
        assertTrue(first.get("latencySeconds").asDouble() > 0);
        assertTrue(first.get("fitsInMemory").asBoolean());
    }

    @Test
    void anEmptyResultIsStillValidJson() throws IOException {
        SweepSpace space = SweepSpace.builder().tensorParallel(3).build();
        Run r = run(Sweep.builder(LLAMA8B, space, List.of(H100)).build(), RowFormat.JSON);
        assertEquals(0, r.summary().rowsWritten());
        assertEquals(0, JsonMapper.builder().build().readTree(r.text()).size());
    }

    @Test
    void configurationsThatDoNotFitAreSkippedUnlessKeptAndNeverOnTheFrontier() throws IOException {
        // Llama-3.1-70B in bf16 is 141 GB of weights: no single 80 GB H100 holds it; TP 2 does (70.6 GB + cache).
        SweepSpace space = SweepSpace.builder().batches(1).lengths(1024).tensorParallel(1, 2).build();
        Run skipped = run(Sweep.builder(LLAMA70B, space, List.of(H100)).build(), RowFormat.CSV);
        assertEquals(1, skipped.summary().rowsWritten());
        assertEquals(1L, skipped.summary().skippedByReason().get(ChunkWorker.OVERSIZED));

        Run kept = run(Sweep.builder(LLAMA70B, space, List.of(H100)).keepOversized(true).build(), RowFormat.CSV);
        assertEquals(2, kept.summary().rowsWritten());
        assertTrue(kept.text().split("\n")[1].endsWith(",false"), kept.text());
        assertEquals(1, kept.summary().frontier().size());
        assertEquals(2, kept.summary().frontier().get(0).workload().tensorParallel());
    }

    @Test
    void aPrecisionTheChipCannotRunIsSkippedWithTheReason() throws IOException {
        String s = "test";
        HardwareProfile bf16Only = HardwareProfile.builder("bf16-only").kind(DeviceKind.ASIC).vendor("test")
                .peak(Engine.MATRIX, Precision.BF16, 100e12, s).peak(Engine.VECTOR, Precision.BF16, 10e12, s)
                .memory(1e12, 1e12, s).onChipSramBytes(1e6, s).dispatchOverheadSeconds(1e-6, s)
                .interconnect(100e9, 1e-6, s).power(100, 10, s).pricePerChipHourUsd(1, s)
                .efficiency(EfficiencyTable.uniform(0.5, 0.5, s)).build();
        SweepSpace space = SweepSpace.builder().batches(1, 2, 3).weights(Precision.BF16, Precision.FP32)
                .activations(Precision.BF16, Precision.FP32).build();
        Run r = run(Sweep.builder(LLAMA8B, space, List.of(bf16Only)).build(), RowFormat.CSV);
        // fp32 weights or fp32 activations make fp32 matmuls, which a bf16-only chip cannot run.
        assertEquals(3, r.summary().rowsWritten());
        assertEquals(9, r.summary().skipped());
        assertTrue(r.summary().skippedByReason().keySet().stream().allMatch(k -> k.contains("no fp32 rate")),
                r.summary().skippedByReason().toString());
    }

    @Test
    void progressReachesEveryPointAndNeverGoesBack() throws IOException {
        List<Long> seen = new ArrayList<>();
        AtomicLong last = new AtomicLong();
        run(small().chunkRows(4).progress(d -> {
            assertTrue(d > last.get());
            last.set(d);
            seen.add(d);
        }).build(), RowFormat.CSV);
        assertEquals(16L, seen.get(seen.size() - 1));
        assertFalse(seen.size() < 2, "several chunks: " + seen);
    }

    @Test
    void theFrontierHoldsOnlyRowsNoOtherRowDominates() throws IOException {
        SweepSpace space = SweepSpace.builder().batches(1, 4, 16, 64).lengths(512, 4096).tensorParallel(1, 2).build();
        Run r = run(Sweep.builder(LLAMA8B, space, List.of(H100, TRN2)).build(), RowFormat.CSV);
        List<SweepRow> frontier = r.summary().frontier();
        assertFalse(frontier.isEmpty());
        String[] lines = r.text().split("\n");
        List<String> cols = List.of(RowFormat.COLUMNS);
        for (SweepRow f : frontier) {
            for (int i = 1; i < lines.length; i++) {
                String[] c = lines[i].split(",");
                double x = Double.parseDouble(c[cols.indexOf("usdPerMillionTokens")]);
                double y = Double.parseDouble(c[cols.indexOf("secondsPerToken")]);
                boolean dominates = x <= f.usdPerMillionTokens() && y <= f.secondsPerToken()
                        && (x < f.usdPerMillionTokens() || y < f.secondsPerToken());
                assertFalse(dominates, lines[i] + " dominates " + f);
            }
        }
    }
}
