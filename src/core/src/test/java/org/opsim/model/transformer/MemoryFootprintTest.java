package org.opsim.model.transformer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.opsim.graph.Precision;
import org.opsim.model.MemoryFootprint;
import org.opsim.model.Precisions;
import org.opsim.model.Workload;

/** Bytes per chip after tensor parallelism, against hand arithmetic. */
class MemoryFootprintTest {

    private static final TransformerModel LLAMA70B = PublishedParameterCountTest.model("llama-3.1-70b");

    @Test
    void llama70bBf16WeightsAre141GbAndDoNotFitOneH100() {
        // 70,553,706,496 parameters × 2 B = 141.1 GB, more than an H100's 80 GB.
        MemoryFootprint one = LLAMA70B.memoryFootprint(Workload.decode(1, 1024));
        assertEquals(70_553_706_496.0 * 2, one.weightsBytes());
        assertFalse(one.fitsIn(80e9));
        // Split over 2 chips: 70.55 GB of weights each; KV cache for 1025 tokens with 8/2 = 4 KV heads per chip:
        // 1025 · 80 · 2 · 4 · 128 · 2 B = 167.9 MB.
        MemoryFootprint two = LLAMA70B.memoryFootprint(Workload.decode(1, 1024).withTensorParallel(2));
        assertEquals(70_553_706_496.0, two.weightsBytes());
        assertEquals(1025.0 * 80 * 2 * 4 * 128 * 2, two.kvCacheBytes());
        assertTrue(two.fitsIn(80e9), "total " + two.totalBytes());
    }

    @Test
    void kvHeadsAreReplicatedOnceTheTensorParallelDegreeExceedsThem() {
        // TP 16 over 8 KV heads: each chip still holds one whole KV head (not half of one).
        MemoryFootprint tp16 = LLAMA70B.memoryFootprint(Workload.decode(4, 999).withTensorParallel(16));
        assertEquals(4 * 1000.0 * 80 * 2 * 1 * 128 * 2, tp16.kvCacheBytes());
    }

    @Test
    void fp8WeightsAndCacheHalveThoseTerms() {
        Precisions fp8 = new Precisions(Precision.FP8, Precision.BF16, Precision.FP8);
        MemoryFootprint bf16 = LLAMA70B.memoryFootprint(Workload.decode(8, 4095));
        MemoryFootprint q = LLAMA70B.memoryFootprint(Workload.decode(8, 4095).withPrecisions(fp8));
        assertEquals(bf16.weightsBytes() / 2, q.weightsBytes());
        assertEquals(bf16.kvCacheBytes() / 2, q.kvCacheBytes());
        // 8 sequences × 4096 tokens × 327,680 B = 10.7 GB of bf16 cache.
        assertEquals(8 * 4096 * 327_680.0, bf16.kvCacheBytes());
    }

    @Test
    void trainingHoldsOptimizerStateAndStoredActivations() {
        TransformerModel llama8b = PublishedParameterCountTest.model("llama-3.1-8b");
        MemoryFootprint f = llama8b.memoryFootprint(Workload.training(1, 4096));
        // Gradients (2 B) + fp32 master, m and v (12 B) = 14 B per parameter: 8.03e9 · 14 = 112.4 GB.
        assertEquals(8_030_261_248.0 * 14, f.trainingStateBytes());
        // Stored activations (Korthikanti et al. 2022): 34·s·b·h per layer (bf16) = 34·4096·4096·32 layers
        // = 18.25 GB, plus the logits 4096 · 128,256 · 2 B = 1.05 GB.
        assertEquals(34.0 * 4096 * 4096 * 32 + 4096.0 * 128_256 * 2, f.activationBytes());
        MemoryFootprint recompute = llama8b.memoryFootprint(Workload.training(1, 4096).withActivationRecompute(true));
        assertEquals(2.0 * 4096 * 4096 * 32 + 4096.0 * 128_256 * 2, recompute.activationBytes());
        assertEquals(0.0, f.kvCacheBytes());
    }
}
