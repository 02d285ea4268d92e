package org.opsim.examples;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.opsim.Opsim;
import org.opsim.Repo;
import org.opsim.cost.Bound;
import org.opsim.cost.Evaluation;
import org.opsim.graph.Engine;
import org.opsim.graph.Precision;
import org.opsim.hardware.HardwareProfile;
import org.opsim.model.Workload;
import org.opsim.model.transformer.TransformerModel;

/**
 * Notebook: what would doubling HBM bandwidth buy an H100 serving Llama-3.1-8B?
 *
 * <p>The roofline says an op is memory-bound when its arithmetic intensity (FLOPs per byte moved) is
 * below the chip's ridge point, peak FLOP/s ÷ bandwidth. Only the memory term of memory-bound ops
 * shrinks with more bandwidth; compute-bound ops and fixed launch overheads do not move. So we expect:
 * a batch-1 decode step (about 1 FLOP per byte of weights, ridge ≈ 300) nearly halves, and a long
 * prefill (thousands of FLOPs per byte) barely changes.
 */
class MemoryWallTest {

    /** The H100 as the CLI costs it: under the NVIDIA default stack (vllm, fitted on the A100 rows). */
    private static final HardwareProfile H100 = Opsim.profile("nvidia-h100-sxm").withStack(Opsim.stack("vllm"));
    private static final TransformerModel LLAMA_8B =
            Repo.transformer("llama-3.1-8b");

    private static Evaluation cost(Workload w, HardwareProfile chip) {
        return Opsim.evaluate(LLAMA_8B.graph(w), chip);
    }

    @Test
    void doublingBandwidthNearlyHalvesABatchOneDecodeStepButNeverMoreThanHalves() {
        // In: one decode step, batch 1, 4096 tokens of context, bf16 weights (16 GB, fits one H100).
        Workload decode = Workload.decode(1, 4096);
        HardwareProfile fasterHbm = H100.withMemoryBandwidthScaled(2.0);

        // Why we expect memory-bound: a batch-1 matmul does 2 FLOPs per 2-byte weight, 1 FLOP/byte,
        // against a ridge of hundreds of FLOP/byte.
        double ridge = H100.peak(Engine.MATRIX, Precision.BF16).orElseThrow().value()
                / H100.memory().bandwidthBytesPerSecond().value();
        assertTrue(ridge > 100, "H100 ridge point: " + ridge + " FLOP/byte");

        Evaluation before = cost(decode, H100);
        Evaluation after = cost(decode, fasterHbm);
        assertTrue(before.timeShare(Bound.MEMORY) > 0.8, "decode is memory-bound: " + before.timeShare(Bound.MEMORY));

        double saved = 1 - after.total().latencySeconds() / before.total().latencySeconds();
        // Only the memory term halves: the saving is at most half of the memory-bound time…
        assertTrue(saved <= before.timeShare(Bound.MEMORY) / 2 + 1e-9, "saved " + saved);
        // …so it stays under 50% (launch overheads, the little compute and the activations' traffic in L2,
        // docs/cost-model.md §8.4, stay) but, since >80% of the step is memory-bound and nearly all of that
        // is the weights and KV cache streaming from HBM, above 35%.
        assertTrue(saved > 0.35 && saved < 0.50, "decode time cut by " + saved);
    }

    @Test
    void doublingBandwidthBarelyMovesALongPrefill() {
        // In: prefill of 8 prompts of 2048 tokens: 16,384 rows per matmul, thousands of FLOPs per byte.
        Workload prefill = Workload.prefill(8, 2048);
        Evaluation before = cost(prefill, H100);
        Evaluation after = cost(prefill, H100.withMemoryBandwidthScaled(2.0));
        assertTrue(before.timeShare(Bound.COMPUTE) > 0.8, "prefill is compute-bound: " + before.timeShare(Bound.COMPUTE));

        double saved = 1 - after.total().latencySeconds() / before.total().latencySeconds();
        // Only the memory-bound rest (norms, elementwise ops) can gain, and at most half of it.
        assertTrue(saved <= before.timeShare(Bound.MEMORY) / 2 + 1e-9, "saved " + saved);
        assertTrue(saved < 0.10, "prefill time cut by only " + saved);
    }

    @Test
    void soBandwidthIsWorthMoreToADecodeHeavyServiceThanToABatchEncoder() {
        // The two tests above, as one conclusion an analyst would write down: the same hardware change is
        // worth several times more to decode than to prefill.
        HardwareProfile fasterHbm = H100.withMemoryBandwidthScaled(2.0);
        double decodeGain = cost(Workload.decode(1, 4096), H100).total().latencySeconds()
                / cost(Workload.decode(1, 4096), fasterHbm).total().latencySeconds();
        double prefillGain = cost(Workload.prefill(8, 2048), H100).total().latencySeconds()
                / cost(Workload.prefill(8, 2048), fasterHbm).total().latencySeconds();
        assertTrue(decodeGain - 1 > 4 * (prefillGain - 1), "decode ×" + decodeGain + " vs prefill ×" + prefillGain);
    }
}
