package org.opsim.validation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opsim.Catalogue;
import org.opsim.Opsim;
import org.opsim.deploy.SystemProfile;
import org.opsim.graph.Precision;
import org.opsim.internal.io.CsvTable;
import org.opsim.io.InputException;
import org.opsim.model.Precisions;
import org.opsim.model.Workload;
import org.opsim.serve.Pool;
import org.opsim.serve.RequestLoad;
import org.opsim.serve.ServingDeployment;
import org.opsim.serve.ServingResult;
import org.opsim.serve.ServingSimulator;

/**
 * Serving benchmarks read, simulated and written back: three rows of shared/validation/serving-b200-gb200.csv copied
 * into the test resources (AIConfigurator's silicon data, Apache-2.0): vLLM Llama-3.1-70B fp8 TP 4 at 8 clients,
 * TensorRT-LLM gpt-oss-120b fp4 TP 2 at 16, and a vLLM MiniMax-M2.5 row with attention data parallelism 4 × TP 4 (16 chips).
 */
class ServingCasesTest {

    static final Path THREE = Path.of("src/test/resources/serving/three-rows.csv");

    /** Row 1's scenario built by hand: Llama-3.1-70B fp8 on TP 4 of an HGX B200 under vLLM's serving engine. */
    static ServingSimulator firstRowSimulator(Catalogue c) {
        Catalogue.ServingStack st = c.servingStack("vllm");
        SystemProfile b200 = c.system("nvidia-hgx-b200-8");
        b200 = b200.withChip(b200.chip().withStack(st.stack()));
        ServingDeployment d = ServingDeployment.aggregated(b200, st.stack().serving().orElseThrow(), new Pool(1, 4));
        // fp8 as a serving recipe runs it: W8A8 GEMMs in the layers, bf16 lm_head, residual stream and all-reduces, fp8 KV.
        Workload like = Workload.decode(1, 1).withPrecisions(new Precisions(Precision.FP8, Precision.BF16, Precision.FP8));
        org.opsim.model.transformer.TransformerModel llama = (org.opsim.model.transformer.TransformerModel)
                c.model("llama-3.1-70b").requireModel("test");
        return ServingSimulator.prepare(llama.quantized("fp8", Precision.FP8, true, Precision.FP8), like, d, 1024, 1024,
                Optional.empty());
    }

    @Test
    void eachRowIsTheScenarioItDescribes() {
        ServingCases.File f = ServingCases.read(THREE);
        assertEquals(3, f.cases().size());
        Catalogue c = Opsim.catalogue();
        List<ServingCases.Prediction> p = ServingCases.predict(f, ServingCases.Options.defaults(c), new ServingSimulator.PlanCache());
        // Row 1 by hand: the model, system, engine, precisions, pool and load the row names, simulated directly: the
        // file's client, 3 requests per client (24), the first wave of 8 together, the other 16 spread.
        ServingResult want = firstRowSimulator(c).run(RequestLoad.closed(8, 1024, 1024, 24)
                .withStart(RequestLoad.Start.BENCHMARK));
        ServingResult got = p.get(0).result().orElseThrow();
        assertEquals(want.ttft().mean(), got.ttft().mean(), 0);
        assertEquals(want.tpot().mean(), got.tpot().mean(), 0);
        assertEquals(24, got.requests());
        // Together instead: 24 requests in waves of 8 that stay in step (at least 100 requests for that start).
        ServingCases.Prediction together = ServingCases.predict(f.cases().get(0), ServingCases.Options.defaults(c)
                .withClient(3, RequestLoad.Start.TOGETHER), new ServingSimulator.PlanCache());
        assertEquals(firstRowSimulator(c).run(RequestLoad.closed(8, 1024, 1024, 100)).ttft().mean(),
                together.result().orElseThrow().ttft().mean(), 0);
        assertTrue(p.get(1).result().isPresent(), p.get(1).error().orElse(""));
        assertTrue(p.get(2).result().isEmpty());
        // Attention DP 4 × TP 4: an instance of 16 chips, beyond the HGX board's 8 (two nodes would hold the chips).
        assertTrue(p.get(2).error().orElseThrow().startsWith("an instance beyond one scale-up domain (8 chips of NVIDIA HGX B200"),
                p.get(2).error().orElseThrow());
        // Measured figures as the row gives them: 108.9045… ms and 8.1793… ms.
        assertEquals(0.1089045209926553, f.cases().get(0).measuredTtftSeconds(), 1e-15);
        assertEquals(0.00817938015438319, f.cases().get(0).measuredTpotSeconds(), 1e-15);
    }

    /**
     * Two more rows of the shared file (test resource dp-and-instances.csv): vLLM MiniMax-M2.5 fp8 at TP 2 × attention
     * DP 2 × EP 4, batch_size 8 and silicon_concurrency 16 (8 requests per rank): one instance of 4 chips, 16 clients;
     * TensorRT-LLM Qwen3-32B at TP 2 on GB200, batch_size 4 and silicon_concurrency 8: 8 = 2 × 4, two instances of
     * TP 2 sharing 8 clients; SGLang DeepSeek-V3 disaggregated over 16 chips (two HGX B200 nodes). The first equals the
     * simulation of that deployment built by hand.
     */
    @Test
    void attentionRanksAndInstancesAreReadFromTheRow() {
        ServingCases.File f = ServingCases.read(Path.of("src/test/resources/serving/dp-and-instances.csv"));
        Catalogue c = Opsim.catalogue();
        ServingSimulator.PlanCache cache = new ServingSimulator.PlanCache();
        List<ServingCases.Prediction> p = ServingCases.predict(f, ServingCases.Options.defaults(c), cache);
        Catalogue.ServingStack vllm = c.servingStack("vllm@0.19.0");
        SystemProfile b200 = c.system("b200_sxm");
        b200 = b200.withChip(b200.chip().withStack(vllm.stack()));
        Workload fp8 = Workload.decode(1, 1).withPrecisions(new Precisions(Precision.FP8, Precision.BF16, Precision.FP8));
        org.opsim.model.Model minimax = ((org.opsim.model.transformer.TransformerModel) c.model("minimax-m2.5")
                .requireModel("test")).quantized("fp8", Precision.FP8, true, Precision.FP8);
        ServingResult want = ServingSimulator.prepare(minimax, fp8,
                ServingDeployment.aggregated(b200, vllm.stack().serving().orElseThrow(), new Pool(1, 2, 2, 4)), 1024, 1024,
                Optional.empty(), cache).run(RequestLoad.closed(16, 1024, 1024, 48).withStart(RequestLoad.Start.BENCHMARK));
        ServingResult got = p.get(0).result().orElseThrow(() -> new AssertionError(p.get(0).error().orElse("")));
        assertEquals(want.ttft().mean(), got.ttft().mean(), 0);
        assertEquals(want.tpot().mean(), got.tpot().mean(), 0);
        assertEquals(4, got.chips());
        assertTrue(p.get(0).notes().stream().anyMatch(n -> n.startsWith("attention DP 2 × TP 2")), p.get(0).notes().toString());
        ServingResult qwen = p.get(1).result().orElseThrow(() -> new AssertionError(p.get(1).error().orElse("")));
        assertEquals(4, qwen.chips(), "two instances of TP 2");
        assertEquals(24, qwen.requests(), "8 clients x 3");
        assertTrue(p.get(1).notes().stream().anyMatch(n -> n.contains("2 instances share the load")), p.get(1).notes().toString());
        // SGLang DeepSeek-V3 disaggregated, prefill 1 × TP 8 and decode 1 × TP 8: 16 chips, two HGX B200 nodes, the KV
        // cache crossing the scale-out link.
        ServingResult two = p.get(2).result().orElseThrow(() -> new AssertionError(p.get(2).error().orElse("")));
        assertEquals(16, two.chips());
        assertTrue(p.get(2).notes().stream().anyMatch(n -> n.startsWith("16 chips: 2 nodes of 8")), p.get(2).notes().toString());
    }

    /** With a range ratio of 0.8 the client draws lengths over ceil(0.8 × 1024) = 820 .. 1024 tokens. */
    @Test
    void aRangeRatioDrawsTheRowsLengths() {
        ServingCases.File f = ServingCases.read(THREE);
        Catalogue c = Opsim.catalogue();
        ServingCases.Prediction p = ServingCases.predict(f.cases().get(0), ServingCases.Options.defaults(c).withLengthRatio(0.8),
                new ServingSimulator.PlanCache());
        ServingResult want = firstRowSimulator(c).run(new RequestLoad(org.opsim.serve.Lengths.uniform(820, 1024),
                org.opsim.serve.Lengths.uniform(820, 1024), 24, 8, 0, 1, RequestLoad.Start.BENCHMARK));
        assertEquals(want.ttft().mean(), p.result().orElseThrow().ttft().mean(), 0);
        assertEquals(want.outputTokens(), p.result().orElseThrow().outputTokens());
        assertTrue(want.outputTokens() < 24 * 1024 && want.outputTokens() > 24 * 820, "drawn lengths: " + want.outputTokens());
        assertThrows(IllegalArgumentException.class, () -> ServingCases.Options.defaults(c).withLengthRatio(0));
    }

    /**
     * Four rows of one configuration: two copies of one measurement (another id and source), then two more
     * measurements. Distinct: three rows. Repeatability, each scored against the mean of the other two:
     * TPOT 10, 20, 30 ms -> |10/25-1| = 60%, |20/20-1| = 0%, |30/15-1| = 100%: MAPE 53.33%, median 60%;
     * TTFT 100, 100, 400 ms -> |100/250-1| = 60%, 60%, |400/100-1| = 300%: MAPE 140%. A fifth row of another
     * concurrency has no repeat and is not scored.
     */
    @Test
    void repeatsCountOnceAndTheFileIsScoredAgainstItself() {
        List<String> header = List.of("id", "silicon_data_source", "backend", "batch_size", "silicon_ttft_ms", "silicon_tpot_ms");
        List<ServingCases.Case> rows = List.of(
                new ServingCases.Case(1, header, List.of("a", "file one", "vllm", "8", "100", "10")),
                new ServingCases.Case(2, header, List.of("b", "file two", "vllm", "8", "100", "10")),
                new ServingCases.Case(3, header, List.of("c", "file one", "vllm", "8", "100", "20")),
                new ServingCases.Case(4, header, List.of("d", "file one", "vllm", "8", "400", "30")),
                new ServingCases.Case(5, header, List.of("e", "file one", "vllm", "16", "400", "30")));
        List<ServingCases.Case> distinct = ServingCases.distinct(rows);
        assertEquals(List.of(1, 3, 4, 5), distinct.stream().map(ServingCases.Case::number).toList());
        var r = ServingCases.repeatability(distinct, c -> c.get("backend"));
        ErrorStats[] all = r.get("all");
        assertEquals(3, all[1].cases());
        assertEquals(160.0 / 3, all[1].mapePercent(), 1e-9);
        assertEquals(60.0, all[1].medianPercent(), 1e-9);
        assertEquals(140.0, all[0].mapePercent(), 1e-9);
        assertEquals(3, r.get("vllm")[0].cases());
    }

    @Test
    void predictionsAreWrittenBesideTheRows(@TempDir Path dir) throws IOException {
        ServingCases.File f = ServingCases.read(THREE);
        List<ServingCases.Prediction> p = ServingCases.predict(f, ServingCases.Options.defaults(Opsim.catalogue()),
                new ServingSimulator.PlanCache());
        Path out = dir.resolve("out.csv");
        ServingCases.write(f, p, out);
        CsvTable t = CsvTable.read(out);
        assertEquals(f.header().size() + 4, t.header().size());
        assertEquals(List.of("predicted_ttft_ms", "predicted_tpot_ms", "prediction_error", "prediction_notes"),
                t.header().subList(f.header().size(), t.header().size()));
        assertEquals(3, t.rows().size());
        for (int i = 0; i < 3; i++) {
            assertEquals(f.cases().get(i).cells(), t.rows().get(i).cells().subList(0, f.header().size()), "row " + i + " kept");
        }
        assertEquals(p.get(0).result().orElseThrow().ttft().mean() * 1e3, t.rows().get(0).number("predicted_ttft_ms"), 1e-9);
        assertEquals("", t.rows().get(2).text("predicted_ttft_ms", ""));
        assertTrue(t.rows().get(2).text("prediction_error").startsWith("an instance beyond one scale-up domain"));
        assertEquals(4, Files.readString(out).lines().count());
        // gpt-oss-120b's decodes run by each context (its sliding windows); nothing approximated for Llama's row.
        assertEquals("", t.rows().get(0).text("prediction_notes", ""));
    }

    @Test
    void precisionsFollowTheQuantisationMode() {
        assertEquals(new Precisions(Precision.FP8, Precision.BF16, Precision.FP8), precisions("fp8"));
        assertEquals(new Precisions(Precision.NVFP4, Precision.BF16, Precision.FP8), precisions("nvfp4"));
        assertEquals(new Precisions(Precision.INT4_G32, Precision.BF16, Precision.BF16), precisions("int4"));
        assertEquals(new Precisions(Precision.BF16, Precision.BF16, Precision.BF16), precisions("bf16"));
        assertThrows(IllegalArgumentException.class, () -> precisions("fp3"));
    }

    private static Precisions precisions(String mode) {
        ServingCases.Case c = new ServingCases.Case(1, List.of("gemm_quant_mode"), List.of(mode));
        return ServingCases.precisions(c, "vllm", Optional.empty());
    }

    @Test
    void aMalformedFileNamesTheRowAndColumn(@TempDir Path dir) throws IOException {
        String header = "model_path,system,backend,mode,isl,osl,batch_size\n";
        Path bad = dir.resolve("bad.csv");
        Files.writeString(bad, header + "meta-llama/Llama-3.1-8B,b200_sxm,vllm,both,1024,1024,8\n");
        InputException e = assertThrows(InputException.class, () -> ServingCases.read(bad));
        assertTrue(e.getMessage().contains("bad.csv") && e.getMessage().contains("mode"), e.getMessage());
        Files.writeString(bad, header + "meta-llama/Llama-3.1-8B,b200_sxm,vllm,agg,many,1024,8\n");
        e = assertThrows(InputException.class, () -> ServingCases.read(bad));
        assertTrue(e.getMessage().contains("isl"), e.getMessage());
        Files.writeString(bad, "model_path,system,backend,isl,osl\nx,y,z,1,1\n");
        e = assertThrows(InputException.class, () -> ServingCases.read(bad));
        assertTrue(e.getMessage().contains("mode"), e.getMessage());
    }
}
