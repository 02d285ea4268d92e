package org.opsim.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.opsim.Repo;
import org.opsim.cost.CostModel;
import org.opsim.hardware.HardwareProfile;
import org.opsim.model.Workload;
import org.opsim.model.transformer.TransformerModel;

/** Deployments that cannot work get named errors; pipelines and replicas behave as the formulas say. */
class DeploymentTest {

    static final TransformerModel LLAMA_8B = Repo.transformer("llama-3.1-8b");
    static final SystemProfile HGX = CapacityTest.HGX;

    @Test
    void moreChipsThanTheSystemHas() {
        DeploymentException e = assertThrows(DeploymentException.class, () -> new Deployment(HGX, 8, 2, 1, 1, 1));
        assertEquals("TP 8 × PP 2 × DP 1 = 16 chips, but NVIDIA HGX H100 8-GPU has 8", e.getMessage());
    }

    @Test
    void degreesTheModelCannotBeSplitBy() {
        Workload w = Workload.decode(16, 1024);
        DeploymentException tp = assertThrows(DeploymentException.class,
                () -> DeploymentModel.evaluate(LLAMA_8B, w, new Deployment(HGX, 3, 1, 1, 1, 1)));
        assertTrue(tp.getMessage().contains("does not divide the 32 attention heads"), tp.getMessage());
        DeploymentException ep = assertThrows(DeploymentException.class,
                () -> DeploymentModel.evaluate(LLAMA_8B, w, new Deployment(HGX, 2, 1, 1, 2, 1)));
        assertTrue(ep.getMessage().contains("needs a mixture-of-experts model"), ep.getMessage());
        DeploymentException mb = assertThrows(DeploymentException.class,
                () -> DeploymentModel.evaluate(LLAMA_8B, w, new Deployment(HGX, 1, 2, 1, 1, 3)));
        assertTrue(mb.getMessage().contains("3 micro-batches do not divide the batch of 16"), mb.getMessage());
        assertThrows(DeploymentException.class, () -> new Deployment(HGX, 0, 1, 1, 1, 1));
        assertThrows(DeploymentException.class, () -> new Deployment(HGX, 1, 1, 3, 2, 1), "EP 2 must divide TP × DP = 3");
    }

    @Test
    void oneChipEqualsTheCostModel() {
        // TP = PP = DP = 1: no collectives, no pipeline; the step is CostModel's latency of the graph.
        Workload w = Workload.decode(16, 1024);
        DeploymentResult r = DeploymentModel.evaluate(LLAMA_8B, w, Deployment.single(HGX));
        double t = CostModel.evaluate(LLAMA_8B.graph(w), HGX.chip()).total().latencySeconds();
        assertEquals(t, r.stepSeconds(), t * 1e-12);
        assertEquals(16, r.tokensPerStep());
        assertEquals(0, r.bubbleFraction(), 1e-12);
        // Cloud $/M: $6.88 per chip-hour × t / 3600 / 16 tokens × 1e6.
        assertEquals(HGX.cloudUsdPerChipHour() * t / 3600 / 16 * 1e6, r.cloudUsdPerMillionTokens(), 1e-9);
        assertTrue(r.tcoUsdPerMillionTokens().isPresent());
    }

    @Test
    void pipelineBubbles() {
        // Decode, PP 2, one micro-batch: each step is max(m, p) = 2 stage slots of which a chip works 1:
        // bubble 1/2. Prefill, PP 2, 2 micro-batches: m + p − 1 = 3 slots, 2 busy: (p−1)/(m+p−1) = 1/3.
        DeploymentResult decode = DeploymentModel.evaluate(LLAMA_8B, Workload.decode(16, 1024),
                new Deployment(HGX, 1, 2, 1, 1, 1));
        assertEquals(0.5, decode.bubbleFraction(), 1e-12);
        DeploymentResult prefill = DeploymentModel.evaluate(LLAMA_8B, Workload.prefill(4, 1024),
                new Deployment(HGX, 1, 2, 1, 1, 2));
        assertEquals(1.0 / 3, prefill.bubbleFraction(), 1e-12);
    }

    @Test
    void replicasMultiplyThroughput() {
        // DP 4 of the same one-chip replica: same step, 4× the tokens, same $ per token.
        Workload w = Workload.decode(16, 1024);
        DeploymentResult one = DeploymentModel.evaluate(LLAMA_8B, w, Deployment.single(HGX));
        DeploymentResult four = DeploymentModel.evaluate(LLAMA_8B, w, new Deployment(HGX, 1, 1, 4, 1, 1));
        assertEquals(one.stepSeconds(), four.stepSeconds(), 1e-15);
        assertEquals(4 * one.tokensPerSecond(), four.tokensPerSecond(), 1e-6);
        assertEquals(one.cloudUsdPerMillionTokens(), four.cloudUsdPerMillionTokens(), 1e-9);
    }

    @Test
    void tensorParallelCollectivesAreCostedOnTheSystemLinks() {
        Workload w = Workload.decode(16, 1024);
        DeploymentResult tp8 = DeploymentModel.evaluate(LLAMA_8B, w, new Deployment(HGX, 8, 1, 1, 1, 1));
        assertTrue(tp8.collectiveSeconds() > 0 && tp8.collectiveSeconds() < tp8.stepSeconds());
        // 2 all-reduces per layer × 32 + 1 for the embedding, each of 16 × 4096 × 2 B = 131 kB: at least
        // the tree's latency 2·log2(8)·2.8 µs = 16.8 µs each.
        assertTrue(tp8.collectiveSeconds() > 65 * 16.8e-6);
    }

    /**
     * Expert parallelism adds two all-to-alls (dispatch, combine) per MoE layer per pass, each of the
     * micro-batch's rows × experts per token × hidden activations. Mixtral 8x7B (32 MoE layers, top-2,
     * hidden 4096) in bf16, TP 1, on test systems of chips with 2 TB of memory (so every layout fits):
     * inside a node a switch at 100 GB/s per direction, α = 1 µs; between nodes 10 GB/s, α = 5 µs;
     * efficiency 1, no overhead. With TP 1 and PP 1 a decode step's only collectives are the all-to-alls.
     */
    @Test
    void expertParallelismAddsTwoAllToAllsPerMoeLayerPerPass() {
        TransformerModel mixtral = Repo.transformer("mixtral-8x7b");
        HardwareProfile big = DeployFixtures.chip().toBuilder().memory(2e12, 2e12, DeployFixtures.SRC).build();
        SystemProfile eightPerNode = system(big, 8, 2);
        SystemProfile fourPerNode = system(big, 4, 2);
        Workload w = Workload.decode(8, 1024);
        // EP 8 inside a node: payload 8 rows × 2 × 4096 × 2 B = 131,072 B per chip; a switched all-to-all
        // takes (g − 1)·α + (g − 1)/g · S / B = 7 µs + 7/8 · 131,072 / 100e9 = 8.14688 µs; 2 × 32 × 1 pass = 64 of them.
        DeploymentResult inNode = DeploymentModel.evaluate(mixtral, w, new Deployment(eightPerNode, 1, 1, 8, 8, 1));
        assertEquals(64 * (7e-6 + 7.0 / 8 * 131_072 / 100e9), inNode.collectiveSeconds(), 1e-12);
        // EP 8 over two nodes of four: the inter-node link, 7 · 5 µs + 7/8 · 131,072 / 10e9 = 46.4688 µs, 64 of them.
        DeploymentResult across = DeploymentModel.evaluate(mixtral, w, new Deployment(fourPerNode, 1, 1, 8, 8, 1));
        assertEquals(64 * (7 * 5e-6 + 7.0 / 8 * 131_072 / 10e9), across.collectiveSeconds(), 1e-12);
        // Training passes twice (forward, backward): 2 × 32 × 2 = 128 all-to-alls of 512 tokens × 2 × 4096 × 2 B
        // = 8,388,608 B: 7 µs + 7/8 · 8,388,608 / 100e9 = 80.40032 µs each. The data-parallel gradient
        // all-reduce is the same with and without EP (the gradients of one replica's weights), so the
        // difference is the all-to-alls alone.
        Workload train = Workload.training(1, 512);
        double ep8 = DeploymentModel.evaluate(mixtral, train, new Deployment(eightPerNode, 1, 1, 8, 8, 1)).collectiveSeconds();
        double ep1 = DeploymentModel.evaluate(mixtral, train, new Deployment(eightPerNode, 1, 1, 8, 1, 1)).collectiveSeconds();
        assertEquals(128 * (7e-6 + 7.0 / 8 * 8_388_608 / 100e9), ep8 - ep1, 1e-12);
    }

    private static SystemProfile system(HardwareProfile chip, int perNode, int nodes) {
        return new SystemProfile("test " + nodes + "x" + perNode, java.util.Optional.empty(), chip,
                org.opsim.hardware.Figure.of(perNode, DeployFixtures.SRC), org.opsim.hardware.Figure.of(nodes, DeployFixtures.SRC),
                Link.switched(100e9, 1e-6, DeployFixtures.SRC), java.util.Optional.of(Link.switched(10e9, 5e-6, DeployFixtures.SRC)),
                java.util.Optional.empty(), java.util.Optional.empty(), java.util.Optional.empty());
    }
}
