package org.opsim.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.opsim.Opsim;
import org.opsim.Repo;
import org.opsim.model.MemoryFootprint;
import org.opsim.model.Workload;
import org.opsim.model.transformer.TransformerModel;

/** Llama-3.1-70B bf16 on H100s: fits two, not one. */
class CapacityTest {

    static final TransformerModel LLAMA_70B = Repo.transformer("llama-3.1-70b");
    static final SystemProfile HGX = Opsim.system("nvidia-hgx-h100-8");
    /** One sequence, 4096 tokens of context, bf16. */
    static final Workload DECODE = Workload.decode(1, 4096);

    @Test
    void llama70bNeedsMoreThanOneH100() {
        // Parameters by hand: embeddings and untied LM head 2 × 128256 × 8192 = 2,101,346,304; per layer
        // q 8192² + k,v 2 × 8192 × 1024 + o 8192² = 150,994,944, MLP 3 × 8192 × 28672 = 704,643,072,
        // norms 16,384 → 855,654,400 × 80 = 68,452,352,000; final norm 8192. Total 70,553,706,496
        // × 2 bytes = 141.1 GB > 80 GB.
        assertEquals(70_553_706_496L, LLAMA_70B.parameterCount());
        CapacityException e = assertThrows(CapacityException.class,
                () -> Capacity.check(LLAMA_70B, DECODE, Deployment.single(HGX)));
        assertTrue(e.getMessage().startsWith("llama-3.1-70b bf16 needs 141.1 GB of weights (+ "), e.getMessage());
        assertTrue(e.getMessage().endsWith("; one NVIDIA H100 SXM5 80GB has 80.0 GB"), e.getMessage());
        assertEquals(80e9, e.capacityBytesPerChip());
    }

    @Test
    void llama70bFitsTwoH100s() {
        // TP 2: weights 141.107e9 / 2 = 70.55 GB; KV 80 layers × 2 × (8/2 heads) × 128 × 2 B = 163,840 B per
        // token × 4097 tokens = 0.671 GB; activations well under 1 GB: ~71.3 GB < 80 GB.
        MemoryFootprint f = Capacity.check(LLAMA_70B, DECODE, new Deployment(HGX, 2, 1, 1, 1, 1));
        assertEquals(70_553_706_496.0, f.weightsBytes(), 1);
        assertEquals(163_840.0 * 4097, f.kvCacheBytes(), 1);
        assertTrue(f.totalBytes() < 80e9);
        // PP 2 instead: 40 of 80 layers per stage, the same halving.
        MemoryFootprint pp = Capacity.perChip(LLAMA_70B, DECODE, 1, 2, 1);
        assertEquals(70_553_706_496.0, pp.weightsBytes(), 1);
    }

    @Test
    void minimumChipsIsTwo() {
        Capacity.Minimum m = Capacity.minimumChips(LLAMA_70B, DECODE, HGX);
        assertEquals(2, m.chips());
        assertEquals(2, m.tp());
        assertEquals(1, m.pp());
    }

    @Test
    void aSystemTooSmallSaysSo() {
        // Training state alone (70.55e9 × (2 + 12) B = 988 GB) exceeds 8 × 80 GB.
        CapacityException e = assertThrows(CapacityException.class,
                () -> Capacity.minimumChips(LLAMA_70B, Workload.training(8, 4096), HGX));
        assertTrue(e.getMessage().contains("even all 8 chips of NVIDIA HGX H100 8-GPU cannot hold it"), e.getMessage());
    }

    @Test
    void expertParallelismDividesOnlyTheExperts() {
        // Mixtral 8x7B: 32 layers × 8 experts × 3 × 4096 × 14336 = 45,097,156,608 routed-expert parameters.
        TransformerModel mixtral = Repo.transformer("mixtral-8x7b");
        assertEquals(45_097_156_608.0, mixtral.architecture().orElseThrow().experts().orElseThrow().routedParameters(), 1);
        double all = Capacity.perChip(mixtral, DECODE, 1, 1, 1).weightsBytes();
        double ep8 = Capacity.perChip(mixtral, DECODE, 1, 1, 8).weightsBytes();
        // EP 8 keeps 1/8 of the experts: saves 7/8 × 45.1e9 × 2 bytes.
        assertEquals(all - 7.0 / 8 * 45_097_156_608.0 * 2, ep8, 1e3);
    }
}
