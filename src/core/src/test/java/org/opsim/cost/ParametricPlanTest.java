package org.opsim.cost;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.opsim.Opsim;
import org.opsim.hardware.HardwareProfile;
import org.opsim.model.Model;
import org.opsim.model.Workload;

/** The workload-parametric plan against the graph it stands for: built at the same point, compiled, evaluated. */
class ParametricPlanTest {

    /** Totals, dollars, FLOP capacity, seconds per bound and each op's bound, within 1e-12 (also used by ChunkPlanTest). */
    static void assertSame(PlanTotals want, PlanTotals got, String where) {
        assertEquals(want.latencySeconds(), got.latencySeconds(), 1e-12 * want.latencySeconds(), where + " latency");
        assertEquals(want.energyJoules(), got.energyJoules(), 1e-12 * want.energyJoules(), where + " energy");
        assertEquals(want.flops(), got.flops(), 1e-12 * want.flops(), where + " FLOPs");
        assertEquals(want.bytes(), got.bytes(), 1e-12 * want.bytes(), where + " bytes");
        assertEquals(want.costUsd(), got.costUsd(), 1e-12 * want.costUsd(), where + " dollars");
        assertEquals(want.peakFlopCapacity(), got.peakFlopCapacity(), 1e-12 * want.peakFlopCapacity(), where + " FLOP capacity");
        for (Bound b : Bound.values()) {
            assertEquals(want.seconds(b), got.seconds(b), 1e-12 * want.latencySeconds(), where + " seconds " + b);
        }
        // Each op's bound, in op order: the plan costs the ops that depend on the batch alone once per
        // batch and adds the others, and must still agree op by op.
        assertEquals(want.boundSignature, got.boundSignature, where + " bound of each op");
    }

    @Test
    void aDecodeStepAtAnyBatchAndContextCostsWhatItsGraphDoes() {
        Model llama = Opsim.model("llama-3.1-70b");
        Workload like = Workload.decode(1, 1).withTensorParallel(8);
        for (String chip : List.of("h100", "trn2", "tpu-v6e", "a100")) {
            HardwareProfile p = Opsim.profile(chip);
            ParametricPlan plan = Opsim.decodePlan(llama, like, p, 512, 32768);
            SplittableRandom r = new SplittableRandom(7);
            PlanTotals got = new PlanTotals();
            PlanTotals want = new PlanTotals();
            for (int t = 0; t < 40; t++) {
                long b = 1 + r.nextLong(512);
                long k = 1 + r.nextLong(32768);
                plan.evaluate(b, k, got);
                Plan.compile(llama.graph(Opsim.decodeStep(like, b, k)), p).evaluate(want);
                assertSame(want, got, chip + " batch " + b + " context " + k);
            }
        }
    }

    @Test
    void aDecodeBatchOfUnequalContextsCostsByItsSum() {
        // Oracles: at a sum that is a multiple of the batch, the step at that context (built graph); at any
        // other sum, FLOPs and bytes (sums over the sequences) are linear in it, so with the sum at
        // x·c + r they are the mix (1 − r/x)·f(c) + (r/x)·f(c + 1) of two built graphs.
        Model llama = Opsim.model("llama-3.1-70b");
        Workload like = Workload.decode(1, 1).withTensorParallel(8);
        for (String chip : List.of("h100", "trn2")) {
            HardwareProfile p = Opsim.profile(chip);
            ParametricPlan plan = Opsim.decodePlan(llama, like, p, 256, 32768);
            assertTrue(plan.sumRefusal().isEmpty(), plan.sumRefusal().toString());
            SplittableRandom r = new SplittableRandom(11);
            PlanTotals got = new PlanTotals();
            PlanTotals at = new PlanTotals();
            PlanTotals above = new PlanTotals();
            for (int t = 0; t < 20; t++) {
                long b = 2 + r.nextLong(255);
                long c = 1 + r.nextLong(32767);
                long rest = 1 + r.nextLong(b - 1);
                Plan.compile(llama.graph(Opsim.decodeStep(like, b, c)), p).evaluate(at);
                plan.evaluateSum(b, b * c, got);
                assertSame(at, got, chip + " batch " + b + " contexts summing to " + b * c);
                Plan.compile(llama.graph(Opsim.decodeStep(like, b, c + 1)), p).evaluate(above);
                plan.evaluateSum(b, b * c + rest, got);
                double w = (double) rest / b;
                String where = chip + " batch " + b + " contexts summing to " + (b * c + rest);
                assertEquals((1 - w) * at.flops() + w * above.flops(), got.flops(), 1e-12 * got.flops(), where);
                assertEquals((1 - w) * at.bytes() + w * above.bytes(), got.bytes(), 1e-12 * got.bytes(), where);
                assertTrue(got.latencySeconds() >= at.latencySeconds() && got.latencySeconds() <= above.latencySeconds(), where);
            }
        }
    }

    /**
     * A decode batch of sequences each at its own context, with sliding windows (gpt-oss: every other layer a
     * 128-token window; Gemma 3: five of six layers a 1024-token window; Mistral: 4096). Oracles, from built graphs:
     * with every context equal, the step at that context; otherwise FLOPs and bytes are sums over the ops and,
     * within attention, over the sequences, so they are those of the batch at the first context plus, for each
     * sequence, what one sequence at its own context adds over one at the first: total(x, c₁) + Σᵢ [total(1, cᵢ) −
     * total(1, c₁)]. Contexts on both sides of each window. Without a window, the same as by the sum.
     */
    @Test
    void aDecodeBatchOfUnequalContextsWithAWindowCostsByEachContext() {
        for (String name : List.of("gpt-oss-120b", "gemma-3-27b", "mistral-7b")) {
            Model m = Opsim.model(name);
            Workload like = Workload.decode(1, 1);
            for (String chip : List.of("h100", "trn2")) {
                HardwareProfile p = Opsim.profile(chip);
                ParametricPlan plan = Opsim.decodePlan(m, like, p, 64, 16384);
                assertTrue(plan.sumRefusal().isPresent(), name);
                assertTrue(plan.contextsRefusal().isEmpty(), plan.contextsRefusal().toString());
                SplittableRandom r = new SplittableRandom(21);
                PlanTotals got = new PlanTotals();
                PlanTotals want = new PlanTotals();
                PlanTotals one = new PlanTotals();
                PlanTotals oneFirst = new PlanTotals();
                for (int t = 0; t < 6; t++) {
                    int b = 2 + r.nextInt(63);
                    long[] cs = new long[b + 3];
                    for (int i = 0; i < b; i++) {
                        cs[i] = switch (i % 4) {
                            case 0 -> 1 + r.nextLong(100);
                            case 1 -> 100 + r.nextLong(2000);
                            case 2 -> 4000 + r.nextLong(200);
                            default -> 1 + r.nextLong(16384);
                        };
                    }
                    long[] equal = new long[b];
                    java.util.Arrays.fill(equal, cs[0]);
                    plan.evaluateContexts(equal, b, got);
                    Plan.compile(m.graph(Opsim.decodeStep(like, b, cs[0])), p).evaluate(want);
                    assertSame(want, got, name + " on " + chip + ", " + b + " sequences at " + cs[0]);
                    double flops = want.flops();
                    double bytes = want.bytes();
                    Plan.compile(m.graph(Opsim.decodeStep(like, 1, cs[0])), p).evaluate(oneFirst);
                    for (int i = 0; i < b; i++) {
                        Plan.compile(m.graph(Opsim.decodeStep(like, 1, cs[i])), p).evaluate(one);
                        flops += one.flops() - oneFirst.flops();
                        bytes += one.bytes() - oneFirst.bytes();
                    }
                    plan.evaluateContexts(cs, b, got);
                    String where = name + " on " + chip + ", " + b + " sequences at their own contexts";
                    assertEquals(flops, got.flops(), 1e-12 * flops, where);
                    assertEquals(bytes, got.bytes(), 1e-12 * bytes, where);
                    // Every sequence at the shortest context costs no more, every one at the longest no less.
                    long lo = java.util.Arrays.stream(cs, 0, b).min().getAsLong();
                    long hi = java.util.Arrays.stream(cs, 0, b).max().getAsLong();
                    plan.evaluate(b, lo, want);
                    assertTrue(want.latencySeconds() <= got.latencySeconds() * (1 + 1e-12), where + " latency above the shortest");
                    plan.evaluate(b, hi, want);
                    assertTrue(got.latencySeconds() <= want.latencySeconds() * (1 + 1e-12), where + " latency below the longest");
                }
            }
        }
        ParametricPlan llama = Opsim.decodePlan(Opsim.model("llama-3.1-8b"), Workload.decode(1, 1), Opsim.profile("h100"), 8, 4096);
        PlanTotals bySum = new PlanTotals();
        PlanTotals byEach = new PlanTotals();
        llama.evaluateSum(3, 10 + 2000 + 4000, bySum);
        llama.evaluateContexts(new long[] {10, 2000, 4000}, 3, byEach);
        assertSame(bySum, byEach, "llama-3.1-8b, 3 sequences");
        assertThrows(IllegalArgumentException.class, () -> llama.evaluateContexts(new long[] {10, 4097}, 2, byEach));
        assertThrows(IllegalArgumentException.class, () -> llama.evaluateContexts(new long[] {10, 20}, 3, byEach));
    }

    @Test
    void aSumOfContextsIsRefusedWhereEachContextMatters() {
        // Gemma 3's local layers attend to at most 1024 tokens: Σ min(c_i, 1024) is not a function of Σ c_i.
        ParametricPlan plan = Opsim.decodePlan(Opsim.model("gemma-3-27b"), Workload.decode(1, 1), Opsim.profile("h100"), 8, 4096);
        assertTrue(plan.sumRefusal().isPresent());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> plan.evaluateSum(2, 3000, new PlanTotals()));
        assertTrue(e.getMessage().contains("not a sum over the sequences") || e.getMessage().contains("structure"), e.getMessage());
        ParametricPlan llama = Opsim.decodePlan(Opsim.model("llama-3.1-8b"), Workload.decode(1, 1), Opsim.profile("h100"), 8, 4096);
        assertThrows(IllegalArgumentException.class, () -> llama.evaluateSum(2, 8193, new PlanTotals()));
        assertThrows(IllegalArgumentException.class, () -> llama.evaluateSum(2, 1, new PlanTotals()));
        llama.evaluateSum(2, 8192, new PlanTotals());
    }

    @Test
    void aPointOutsideTheDomainIsRefused() {
        ParametricPlan plan = Opsim.decodePlan(Opsim.model("llama-3.1-8b"), Workload.decode(1, 1), Opsim.profile("h100"), 64, 4096);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> plan.evaluate(65, 10, new PlanTotals()));
        assertTrue(e.getMessage().contains("domain"), e.getMessage());
    }

    /**
     * Every bundled model with a decode phase, on a GPU under its stack, a TPU, a Trainium and an AMD part:
     * the plan equals its graph at random batches and contexts (windows, sinks, sparse indexers, MoE and
     * recurrent layers included), or the model is refused by name (none is today).
     */
    @Test
    void everyBundledDecoderIsClosedFormOverItsContext() {
        org.opsim.Catalogue cat = Opsim.catalogue();
        List<HardwareProfile> chips = List.of(cat.profile("h100").withStack(cat.defaultStack("NVIDIA")), cat.profile("tpu-v6e"),
                cat.profile("trn2"), cat.profile("mi300x"));
        SplittableRandom r = new SplittableRandom(11);
        PlanTotals got = new PlanTotals();
        PlanTotals want = new PlanTotals();
        int models = 0;
        java.util.Set<String> refusedModels = new java.util.TreeSet<>();
        java.util.Set<String> notByEachContext = new java.util.TreeSet<>();
        for (org.opsim.Catalogue.ModelEntry e : cat.modelEntries()) {
            Model m = e.model() instanceof org.opsim.model.ImportedModel.Parametric pm ? pm.model() : null;
            if (m == null || !m.phases().contains(Workload.Phase.DECODE)) {
                continue;
            }
            models++;
            for (HardwareProfile p : chips) {
                ParametricPlan plan;
                try {
                    plan = Opsim.decodePlan(m, Workload.decode(1, 1), p, 256, 65536);
                } catch (IllegalArgumentException refused) {
                    refusedModels.add(e.name());
                    assertTrue(refused.getMessage().contains(m.name()), refused.getMessage());
                    continue;
                }
                if (plan.contextsRefusal().isPresent()) {
                    notByEachContext.add(e.name());
                }
                for (int t = 0; t < 6; t++) {
                    long b = 1 + r.nextLong(256);
                    long k = 1 + r.nextLong(65536);
                    plan.evaluate(b, k, got);
                    Plan.compile(m.graph(Opsim.decodeStep(Workload.decode(1, 1), b, k)), p).evaluate(want);
                    assertSame(want, got, e.name() + " on " + p.name() + " batch " + b + " context " + k);
                    if (plan.contextsRefusal().isEmpty()) {
                        long[] same = new long[(int) b];
                        java.util.Arrays.fill(same, k);
                        plan.evaluateContexts(same, (int) b, got);
                        assertSame(want, got, e.name() + " on " + p.name() + " batch " + b + " each at " + k);
                    }
                }
            }
        }
        assertTrue(models > 20, "models: " + models);
        // DeepSeek-V4's compressed-attention indexer reads ⌈context / ratio⌉ entries, and its top-k over them takes
        // ⌈log₂ entries⌉ passes until the entries reach k: a staircase whose step changes at each power of two
        // (pieces, each a staircase of its own). No bundled decoder is refused.
        assertEquals(java.util.Set.of(), refusedModels);
        // A batch at its sequences' own contexts: all but the DeepSeek sparse attention's indexer top-k, which sorts
        // a row of each sequence's own length (a ragged row, not a sum over the sequences), and DeepSeek-V4, whose
        // compressed cache is a staircase along the context (not a sum this plan reads per sequence yet).
        assertEquals(java.util.Set.of("deepseek-v3.2", "deepseek-v4-flash", "glm-5"), notByEachContext);
    }

    /** x·min(y, 100) elements added, a 64×4096×4096 GEMM per x, and beyond y = 1000 a second block. */
    private static org.opsim.graph.Graph windowed(long x, long y) {
        org.opsim.graph.Precision p = org.opsim.graph.Precision.BF16;
        org.opsim.graph.Graph.Builder b = org.opsim.graph.Graph.builder("windowed")
                .block("a", 2, org.opsim.graph.Elementwise.add("add", x * Math.min(y, 100), p),
                        new org.opsim.graph.MatMul("mm", 64 * x, 4096, 4096, p));
        if (y > 1000) {
            b.block("long", 1, org.opsim.graph.Elementwise.add("extra", x * y, p));
        }
        return b.build();
    }

    /**
     * Pieces and regions by hand: the add's elements are x·y up to y = 100 and 100·x after (two pieces,
     * the first ending at y = 100); the graph gains a block past y = 1000 (two regions, the first ending
     * at 1000). At (3, 50) the add has 150 elements, at (3, 4000) 300 and the extra block 12,000.
     */
    @Test
    void piecesAndStructureRegionsAreFoundWhereTheGraphChanges() {
        HardwareProfile h100 = Opsim.profile("h100");
        ParametricPlan plan = ParametricPlan.compile(ParametricPlanTest::windowed, h100, 64, 4096);
        assertEquals(2, plan.regionCount());
        PlanTotals got = new PlanTotals();
        PlanTotals want = new PlanTotals();
        for (long[] pt : new long[][] {{3, 50}, {3, 100}, {3, 101}, {3, 1000}, {3, 1001}, {64, 4096}, {1, 1}}) {
            plan.evaluate(pt[0], pt[1], got);
            Plan.compile(windowed(pt[0], pt[1]), h100).evaluate(want);
            assertSame(want, got, "(" + pt[0] + ", " + pt[1] + ")");
        }
        // bytes at (3, 50): 2 × (150 · 3 · 2 B + GEMM (192·4096 + 4096² + 192·4096)·2 B) = 2 × (900 + 36,700,160)
        plan.evaluate(3, 50, got);
        assertEquals(2 * (900 + 36_700_160.0), got.bytes(), 1e-6);
        // (3, 4000): the add at 300 elements (1,800 B) twice, the extra block 12,000 elements (72,000 B) once.
        plan.evaluate(3, 4000, got);
        assertEquals(2 * (1800 + 36_700_160.0) + 72_000, got.bytes(), 1e-6);
    }

    /** A number cubic in y (x·y³ elements) is no set of quadratic pieces: refused, op named. */
    @Test
    void aFamilyThatIsNotPiecewiseQuadraticIsRefusedByName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ParametricPlan.compile(
                (x, y) -> org.opsim.graph.Graph.builder("cubic").block("a", 1,
                        org.opsim.graph.Elementwise.add("cube", x * y * y * y, org.opsim.graph.Precision.BF16)).build(),
                Opsim.profile("h100"), 8, 4096));
        assertTrue(e.getMessage().contains("cube"), e.getMessage());
    }

    /**
     * A number quadratic in y is one piece: x·y·(y + 1)/2 elements (a causal score matrix) at (5, 1000) are
     * 5·1000·1001/2 = 2,502,500, read twice and written once at 2 B: 15,015,000 B.
     */
    @Test
    void aCausalTriangleIsOneQuadraticPiece() {
        ParametricPlan plan = ParametricPlan.compile(
                (x, y) -> org.opsim.graph.Graph.builder("triangle").block("a", 1,
                        org.opsim.graph.Elementwise.add("scores", x * y * (y + 1) / 2, org.opsim.graph.Precision.BF16)).build(),
                Opsim.profile("h100"), 8, 4096);
        PlanTotals got = new PlanTotals();
        plan.evaluate(5, 1000, got);
        assertEquals(15_015_000, got.bytes(), 1e-6);
        assertEquals(List.of(), java.util.Arrays.stream(plan.breakpoints()).boxed().toList());
    }

    /**
     * Every bundled model's prefill, on a GPU under its stack, a TPU and a Trainium: the plan equals its graph at
     * random batches and prompts (causal attention is x·y², sliding windows are pieces, an MoE layer's experts
     * touched by x·y tokens a function of the product, the ⌈prompt / 64⌉ chunks of linear attention and SSM
     * scans a staircase; DeepSeek-V4's indexer, whose query–entry pairs grow with the square of ⌈prompt / ratio⌉,
     * pieces that are staircases of their own), also where few tokens touch few experts (x·y below 512) and at
     * chunk boundaries, or it is refused with the op named (none is today).
     */
    @Test
    void everyBundledPrefillIsClosedFormOrRefusedByName() {
        org.opsim.Catalogue cat = Opsim.catalogue();
        List<HardwareProfile> chips = List.of(cat.profile("h100").withStack(cat.defaultStack("NVIDIA")), cat.profile("tpu-v6e"),
                cat.profile("trn2"));
        SplittableRandom r = new SplittableRandom(12);
        PlanTotals got = new PlanTotals();
        PlanTotals want = new PlanTotals();
        java.util.Set<String> closed = new java.util.TreeSet<>();
        java.util.Set<String> refusedModels = new java.util.TreeSet<>();
        for (org.opsim.Catalogue.ModelEntry e : cat.modelEntries()) {
            Model m = e.model() instanceof org.opsim.model.ImportedModel.Parametric pm ? pm.model() : null;
            if (m == null || !m.phases().contains(Workload.Phase.PREFILL)) {
                continue;
            }
            for (HardwareProfile p : chips) {
                ParametricPlan plan;
                try {
                    plan = Opsim.prefillPlan(m, Workload.decode(1, 1), p, 16, 16384);
                } catch (IllegalArgumentException refused) {
                    assertTrue(refused.getMessage().contains(m.name()) && refused.getMessage().contains("op "), refused.getMessage());
                    refusedModels.add(e.name());
                    continue;
                }
                closed.add(e.name());
                for (int t = 0; t < 7; t++) {
                    long b = 1 + r.nextLong(16);
                    long k = switch (t) {
                        case 0, 1 -> 1 + r.nextLong(16384);
                        case 2, 3 -> 1 + r.nextLong(Math.max(1, 512 / b));
                        default -> 64 * (1 + r.nextLong(255)) + t - 5;
                    };
                    plan.evaluate(b, k, got);
                    Plan.compile(m.graph(Opsim.prefill(Workload.decode(1, 1), b, k)), p).evaluate(want);
                    assertSame(want, got, e.name() + " on " + p.name() + " batch " + b + " prompt " + k);
                }
            }
        }
        assertTrue(closed.containsAll(List.of("llama-3.1-70b", "gemma-3-27b", "mistral-7b", "mixtral-8x7b", "bert-base-uncased",
                "deepseek-v3", "qwen3-235b-a22b", "gpt-oss-120b", "kimi-k2.5", "qwen3.5-397b-a17b", "nemotron-h-56b")), closed.toString());
        // DeepSeek-V4's prefill indexer over ⌈prompt / ratio⌉ entries is causal in them (quadratic in the chunk
        // count), its top-k over x·y rows of them a product y·⌈y / ratio⌉: staircases per piece. None is refused.
        assertEquals(java.util.Set.of(), refusedModels);
    }

    /**
     * A staircase in y: x·y elements plus 1,000·x·(2·⌈y/64⌉ + 1) (a chunked scan's per-chunk state), one piece
     * plus the chunk term. At (3, 130): ⌈130/64⌉ = 3, 390 + 3,000·7 = 21,390 elements; at (3, 128) 384 + 15,000 =
     * 15,384; a add moves 6 B per element (two 2-byte reads, one write): 128,340 B and 92,304 B. Every 64th
     * context is a breakpoint of the plan.
     */
    @Test
    void aChunkedScanIsAStaircaseInY() {
        ParametricPlan plan = ParametricPlan.compile(
                (x, y) -> org.opsim.graph.Graph.builder("scan").block("a", 1, org.opsim.graph.Elementwise.add("state",
                        x * y + 1000 * x * (2 * ((y + 63) / 64) + 1), org.opsim.graph.Precision.BF16)).build(),
                Opsim.profile("h100"), 8, 4096);
        PlanTotals got = new PlanTotals();
        plan.evaluate(3, 130, got);
        assertEquals(128_340, got.bytes(), 1e-6);
        plan.evaluate(3, 128, got);
        assertEquals(92_304, got.bytes(), 1e-6);
        long[] ends = plan.breakpoints();
        assertEquals(4096 / 64 - 1, ends.length);
        assertEquals(64, ends[0]);
        assertEquals(128, ends[1]);
    }

    /** ⌈log₂ n⌉ (0 for n = 1). */
    private static long log2Up(long n) {
        return n <= 1 ? 0 : 64 - Long.numberOfLeadingZeros(n - 1);
    }

    /**
     * Staircases whose step changes: x·n·(1 + ⌈log₂ n⌉) elements with n = ⌈y/8⌉ (a top-k over a compressed cache:
     * its passes grow at each power of two of the entries), and x·n(n+1)/2 + x·y with n = ⌈y/16⌉ (an indexer
     * causal over the entries: quadratic in n). A add moves 6 B per element. By hand: (3, 100): n = 13, 1 + 4 →
     * 195 elements, 1,170 B; (3, 64): n = 8, 1 + 3 → 96, 576 B; (5, 1000): n = 125, 1 + 7 → 5,000, 30,000 B.
     * (2, 100): n = 7, 2·28 + 200 = 256, 1,536 B; (4, 4000): n = 250, 4·31,375 + 16,000 = 141,500, 849,000 B.
     */
    @Test
    void staircasesWhoseStepChangesArePiecesOfStaircases() {
        HardwareProfile h100 = Opsim.profile("h100");
        ParametricPlan.Family topk = (x, y) -> org.opsim.graph.Graph.builder("topk").block("a", 1,
                org.opsim.graph.Elementwise.add("passes", x * ((y + 7) / 8) * (1 + log2Up((y + 7) / 8)),
                        org.opsim.graph.Precision.BF16)).build();
        ParametricPlan.Family causal = (x, y) -> org.opsim.graph.Graph.builder("causal").block("a", 1,
                org.opsim.graph.Elementwise.add("pairs", x * ((y + 15) / 16) * ((y + 15) / 16 + 1) / 2 + x * y,
                        org.opsim.graph.Precision.BF16)).build();
        ParametricPlan a = ParametricPlan.compile(topk, h100, 8, 4096);
        ParametricPlan b = ParametricPlan.compile(causal, h100, 8, 4096);
        PlanTotals got = new PlanTotals();
        for (long[] t : new long[][] {{3, 100, 1_170}, {3, 64, 576}, {5, 1000, 30_000}}) {
            a.evaluate(t[0], t[1], got);
            assertEquals(t[2], got.bytes(), 1e-6, "top-k at (" + t[0] + ", " + t[1] + ")");
        }
        for (long[] t : new long[][] {{2, 100, 1_536}, {4, 4000, 849_000}}) {
            b.evaluate(t[0], t[1], got);
            assertEquals(t[2], got.bytes(), 1e-6, "causal at (" + t[0] + ", " + t[1] + ")");
        }
        PlanTotals want = new PlanTotals();
        SplittableRandom r = new SplittableRandom(4);
        for (int i = 0; i < 200; i++) {
            long x = 1 + r.nextLong(8);
            long y = i < 60 ? 1 + r.nextLong(80) : 1 + r.nextLong(4096);
            a.evaluate(x, y, got);
            Plan.compile(topk.at(x, y), h100).evaluate(want);
            assertSame(want, got, "top-k at (" + x + ", " + y + ")");
            b.evaluate(x, y, got);
            Plan.compile(causal.at(x, y), h100).evaluate(want);
            assertSame(want, got, "causal at (" + x + ", " + y + ")");
        }
        // Every chunk end is a breakpoint (a generation's sum splits there).
        assertEquals(4096 / 8 - 1, a.breakpoints().length);
    }

    /**
     * ⌊y/4⌋ entries (a KV compressed 4:1): x·⌊y/4⌋ + x elements, a staircase whose steps start at multiples of 4.
     * At (5, 11): 5·2 + 5 = 15 elements, 90 B; at (5, 12): 5·3 + 5 = 20, 120 B.
     */
    @Test
    void aCompressedCacheIsAStaircaseOffsetByOne() {
        ParametricPlan plan = ParametricPlan.compile(
                (x, y) -> org.opsim.graph.Graph.builder("pooled").block("a", 1, org.opsim.graph.Elementwise.add("entries",
                        x * (y / 4) + x, org.opsim.graph.Precision.BF16)).build(),
                Opsim.profile("h100"), 8, 4096);
        PlanTotals got = new PlanTotals();
        plan.evaluate(5, 11, got);
        assertEquals(90, got.bytes(), 1e-9);
        plan.evaluate(5, 12, got);
        assertEquals(120, got.bytes(), 1e-9);
    }

    /**
     * A number of the token count t = x·y alone that no quadratic per x follows: x·y + 1,000·min(x·y, 50)
     * elements (a step at t = 50 that falls at another y for each x). At (3, 10): t = 30, 30 + 30,000 = 30,030
     * elements, 180,180 B; at (7, 10): t = 70, 70 + 50,000 = 50,070 elements, 300,420 B; at (8, 4096): 32,768 +
     * 50,000 = 82,768 elements, 496,608 B.
     */
    @Test
    void aFunctionOfTheTokenCountIsTabulatedUntilItIsAffine() {
        ParametricPlan plan = ParametricPlan.compile(
                (x, y) -> org.opsim.graph.Graph.builder("experts").block("a", 1, org.opsim.graph.Elementwise.add("touched",
                        x * y + 1000 * Math.min(x * y, 50), org.opsim.graph.Precision.BF16)).build(),
                Opsim.profile("h100"), 8, 4096);
        PlanTotals got = new PlanTotals();
        plan.evaluate(3, 10, got);
        assertEquals(180_180, got.bytes(), 1e-9);
        plan.evaluate(7, 10, got);
        assertEquals(300_420, got.bytes(), 1e-9);
        plan.evaluate(8, 4096, got);
        assertEquals(496_608, got.bytes(), 1e-9);
    }
}
