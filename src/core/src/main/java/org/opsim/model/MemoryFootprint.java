package org.opsim.model;

/**
 * Bytes one chip must hold for a workload, after tensor parallelism.
 *
 * @param weightsBytes model weights (÷ TP degree)
 * @param kvCacheBytes the KV cache at the workload's longest context (KV heads split by TP; an MLA
 *     latent is replicated)
 * @param activationBytes working activations: for inference the largest live tensors of one layer
 *     plus the logits; for training the activations stored for the backward pass
 * @param trainingStateBytes gradients and AdamW state (fp32 master weight, m, v); 0 for inference
 */
public record MemoryFootprint(double weightsBytes, double kvCacheBytes, double activationBytes,
                              double trainingStateBytes) {

    public double totalBytes() {
        return weightsBytes + kvCacheBytes + activationBytes + trainingStateBytes;
    }

    /** Whether it fits in {@code capacityBytes} of chip memory. */
    public boolean fitsIn(double capacityBytes) {
        return totalBytes() <= capacityBytes;
    }
}
