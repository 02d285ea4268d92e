package org.opsim.hardware;

import java.util.List;
import java.util.Locale;
import org.opsim.io.InvalidValueException;

/**
 * How a serving engine (vLLM, SGLang, TensorRT-LLM, a JetStream- or Neuron-style server) runs requests:
 * the engine-level part of a software stack version ({@code serving:} in a stack file, format:
 * docs/hardware-profile-format.md "Serving engines"), read by the serving simulator
 * (docs/serving.md). Every figure carries its source; estimates say so.
 *
 * @param scheduler how prompts and decodes share steps
 * @param maxNumTokens the token budget of one step (decode tokens plus prefill-chunk tokens)
 * @param maxBatch the most sequences running at once (vLLM's max_num_seqs, SGLang's max_running_requests,
 *     TensorRT-LLM's max_batch_size)
 * @param chunkedPrefill whether a prompt longer than the step's free budget is split into chunks; without it a
 *     prompt waits until it fits a step's budget whole (and one longer than {@code maxNumTokens} is refused)
 * @param kvReservation when a request's KV-cache blocks are taken
 * @param memoryFraction the share of chip memory the engine may use ({@code basis} says of what)
 * @param basis what {@code memoryFraction} is a share of
 * @param runtimeReserveBytes memory per chip the engine keeps outside weights, activations and KV cache (CUDA
 *     graphs, communication buffers, the allocator's slack)
 * @param kvBlockTokens tokens per KV-cache block (page); a sequence holds whole blocks
 * @param graphBatchSizes the batch sizes decode steps are captured at (CUDA graphs), ascending; a decode-only step
 *     of up to the largest runs padded to the next size; empty: no capture, no padding
 * @param graphSizesSource where the graph sizes come from (needed when there are sizes)
 * @param stepOverheadSeconds host time per engine step (scheduling, sampling, output processing) not hidden behind
 *     the GPU's work
 * @param sequenceOverheadSeconds host time per scheduled sequence per step (input preparation, detokenisation)
 * @param requestOverheadSeconds time a request spends before the engine can schedule it (the API server's request
 *     handling and tokenisation; the first token's way back is folded in): each request reaches the engine this long
 *     after it was sent, so it adds to TTFT and, in a closed loop, delays each client's next request
 */
public record ServingEngine(Scheduler scheduler, Figure maxNumTokens, Figure maxBatch, boolean chunkedPrefill,
                            KvReservation kvReservation, Figure memoryFraction, MemoryBasis basis,
                            Figure runtimeReserveBytes, Figure kvBlockTokens, List<Long> graphBatchSizes,
                            String graphSizesSource, Figure stepOverheadSeconds, Figure sequenceOverheadSeconds,
                            Figure requestOverheadSeconds) {

    /** How prompts and decodes share an engine's steps. */
    public enum Scheduler {
        /**
         * Every running decode takes one token of the step's budget, then prompt chunks fill what is left
         * (vLLM's V1 scheduler, TensorRT-LLM's in-flight batching with chunked context).
         */
        MIXED,
        /**
         * A step is either a prefill batch (while prompts wait and can be admitted) or a decode batch; decodes
         * wait while a prefill runs (SGLang's default, without --enable-mixed-chunk).
         */
        PREFILL_FIRST;

        public String id() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        public static Scheduler parse(String s) {
            for (Scheduler v : values()) {
                if (v.id().equals(s)) {
                    return v;
                }
            }
            throw new IllegalArgumentException("unknown scheduler '" + s + "'; known: mixed, prefill-first");
        }
    }

    /** When a request's KV-cache blocks are taken. */
    public enum KvReservation {
        /** Blocks as tokens arrive; a full cache preempts the latest admitted request, whose KV is recomputed later (vLLM, SGLang). */
        ON_DEMAND,
        /** Blocks for prompt and every output token at admission; never preempts (TensorRT-LLM's GUARANTEED_NO_EVICT). */
        WHOLE_REQUEST;

        public String id() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        public static KvReservation parse(String s) {
            for (KvReservation v : values()) {
                if (v.id().equals(s)) {
                    return v;
                }
            }
            throw new IllegalArgumentException("unknown kvReservation '" + s + "'; known: on-demand, whole-request");
        }
    }

    /** What an engine's memory fraction is a share of. */
    public enum MemoryBasis {
        /** Of the chip's whole memory; weights, activations and the reserve come out of it (vLLM's gpu_memory_utilization, SGLang's mem_fraction_static). */
        TOTAL,
        /** Of what is left after weights, activations and the reserve (TensorRT-LLM's free_gpu_memory_fraction). */
        FREE;

        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static MemoryBasis parse(String s) {
            for (MemoryBasis v : values()) {
                if (v.id().equals(s)) {
                    return v;
                }
            }
            throw new IllegalArgumentException("unknown memory basis '" + s + "'; known: total, free");
        }
    }

    public ServingEngine {
        Checks.required("scheduler", scheduler);
        whole("maxNumTokens", maxNumTokens);
        whole("maxBatch", maxBatch);
        Checks.required("kvReservation", kvReservation);
        Checks.positive("memoryFraction", memoryFraction);
        if (memoryFraction.value() > 1) {
            throw new InvalidValueException("memoryFraction", "must be at most 1, got " + Checks.fmt(memoryFraction.value()));
        }
        Checks.required("basis", basis);
        Checks.nonNegative("runtimeReserveBytes", runtimeReserveBytes);
        whole("kvBlockTokens", kvBlockTokens);
        graphBatchSizes = List.copyOf(Checks.required("graphBatchSizes", graphBatchSizes));
        for (int i = 0; i < graphBatchSizes.size(); i++) {
            long b = graphBatchSizes.get(i);
            if (b < 1 || i > 0 && b <= graphBatchSizes.get(i - 1)) {
                throw new InvalidValueException("graphBatchSizes[" + i + "]", "sizes must be >= 1 and ascending, got " + b);
            }
        }
        if (!graphBatchSizes.isEmpty()) {
            Checks.text("graphSizesSource", graphSizesSource);
        }
        Checks.nonNegative("stepOverheadSeconds", stepOverheadSeconds);
        Checks.nonNegative("sequenceOverheadSeconds", sequenceOverheadSeconds);
        Checks.nonNegative("requestOverheadSeconds", requestOverheadSeconds);
    }

    private static void whole(String field, Figure f) {
        Checks.positive(field, f);
        if (f.value() != Math.rint(f.value()) || f.value() > 1e9) {
            throw new InvalidValueException(field, "must be a whole number up to 1e9, got " + Checks.fmt(f.value()));
        }
    }

    public long tokenBudget() {
        return (long) maxNumTokens.value();
    }

    public int batchLimit() {
        return (int) maxBatch.value();
    }

    public long blockTokens() {
        return (long) kvBlockTokens.value();
    }

    /** The captured size a decode-only step of {@code batch} sequences runs at: the next graph size, or the batch itself. */
    public long graphBatch(long batch) {
        for (long b : graphBatchSizes) {
            if (b >= batch) {
                return b;
            }
        }
        return batch;
    }

    /** This engine with other host overheads (a calibration's candidates). */
    public ServingEngine withOverheads(Figure step, Figure perSequence, Figure perRequest) {
        return new ServingEngine(scheduler, maxNumTokens, maxBatch, chunkedPrefill, kvReservation, memoryFraction, basis,
                runtimeReserveBytes, kvBlockTokens, graphBatchSizes, graphSizesSource, step, perSequence, perRequest);
    }

    /** This engine without host overheads: what a step's chip work depends on (a plan cache's key). */
    public ServingEngine withoutOverheads() {
        Figure zero = Figure.of(0, "none");
        return withOverheads(zero, zero, zero);
    }

    /** This engine with another step budget and batch limit. */
    public ServingEngine withLimits(long tokens, int batch, String source) {
        return new ServingEngine(scheduler, Figure.of(tokens, source), Figure.of(batch, source), chunkedPrefill, kvReservation,
                memoryFraction, basis, runtimeReserveBytes, kvBlockTokens, graphBatchSizes, graphSizesSource,
                stepOverheadSeconds, sequenceOverheadSeconds, requestOverheadSeconds);
    }
}
