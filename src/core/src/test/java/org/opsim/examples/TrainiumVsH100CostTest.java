package org.opsim.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.opsim.Opsim;
import org.opsim.Repo;
import org.opsim.cost.Bound;
import org.opsim.hardware.HardwareProfile;
import org.opsim.model.Workload;
import org.opsim.model.transformer.TransformerModel;
import org.opsim.report.ChipResult;
import org.opsim.report.Comparison;

/**
 * Notebook: is Trainium2 cheaper than an H100 per million tokens of Llama-3.1-70B?
 *
 * <p>Reasoning before computing: decode dominates serving and is memory-bound, so a decode step lasts
 * about (bytes each chip reads) ÷ (its bandwidth). Spread over n chips, each reads 1/n of the weights
 * and cache, so n chips × step time × price per chip-hour ≈ (total bytes ÷ bandwidth) × price: the
 * number of chips cancels, and dollars per token follow price ÷ bandwidth, the price of a byte/s of HBM.
 */
class TrainiumVsH100CostTest {

    private static final HardwareProfile H100 = Opsim.profile("nvidia-h100-sxm");
    private static final HardwareProfile TRAINIUM2 = Opsim.profile("aws-trainium2");
    private static final TransformerModel LLAMA_70B =
            Repo.transformer("llama-3.1-70b");

    private static double dollarsPerBytePerSecond(HardwareProfile p) {
        return p.pricePerChipHourUsd().value() / p.memory().bandwidthBytesPerSecond().value();
    }

    @Test
    void forMemoryBoundDecodeDollarsPerTokenFollowThePriceOfBandwidth() {
        // Each chip at the fewest chips that hold the model (Comparison picks the tensor-parallel degree).
        Comparison c = Comparison.of(LLAMA_70B, Workload.decode(32, 2048), true, List.of(H100, TRAINIUM2));
        ChipResult h100 = c.results().get(0);
        ChipResult trn2 = c.results().get(1);
        assertTrue(h100.chips() >= 2, "141 GB of bf16 weights need more than one 80 GB H100");
        for (ChipResult r : c.results()) {
            assertTrue(r.timeShare(Bound.MEMORY).orElseThrow() > 0.5, r.chip() + " decode is memory-bound");
        }
        double predicted = dollarsPerBytePerSecond(TRAINIUM2) / dollarsPerBytePerSecond(H100);
        double modelled = trn2.usdPerMillionTokens().orElseThrow() / h100.usdPerMillionTokens().orElseThrow();
        // Same verdict as the back-of-envelope, and within a factor 1.5 of it (efficiencies, overheads and
        // the all-reduces of the larger H100 deployment are what the envelope leaves out).
        assertEquals(predicted < 1, modelled < 1, "predicted " + predicted + ", modelled " + modelled);
        assertTrue(modelled / predicted < 1.5 && predicted / modelled < 1.5,
                "predicted " + predicted + ", modelled " + modelled);
    }

    @Test
    void servingCostsFollowTheSameVerdictOverAWholeGeneration() {
        // Prefill is compute-bound and priced by FLOP/s instead, but 255 decode steps outweigh one prefill
        // of 2048 tokens at batch 32, so the whole generation keeps decode's verdict.
        Workload serving = Workload.generation(32, 2048, 256);
        Comparison c = Comparison.of(LLAMA_70B, serving, true, List.of(H100, TRAINIUM2));
        double predicted = dollarsPerBytePerSecond(TRAINIUM2) / dollarsPerBytePerSecond(H100);
        double modelled = c.results().get(1).usdPerMillionTokens().orElseThrow()
                / c.results().get(0).usdPerMillionTokens().orElseThrow();
        assertEquals(predicted < 1, modelled < 1, "predicted " + predicted + ", modelled " + modelled);
        // Every dollar is for chip-hours: n chips × run time × price, over the run's new tokens.
        for (ChipResult r : c.results()) {
            double expected = r.chips() * r.latencySeconds().orElseThrow() / 3600 * r.profile().pricePerChipHourUsd().value()
                    / serving.tokens() * 1e6;
            assertEquals(expected, r.usdPerMillionTokens().orElseThrow(), 1e-9 * expected, r.chip());
        }
    }
}
