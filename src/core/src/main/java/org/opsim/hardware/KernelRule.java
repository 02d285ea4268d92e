package org.opsim.hardware;

import java.util.List;
import java.util.Optional;
import org.opsim.graph.OpKind;
import org.opsim.io.InvalidValueException;

/**
 * How one software stack's kernel for an op kind runs, in the chip's own units (docs/cost-model.md
 * §8.3): what belongs to the software, not the silicon, so it carries from chip to chip.
 *
 * @param blockThreads a row-wise kernel's threads per row (one thread block per row of
 *     {@code min(row elements, blockThreads)} threads, as vLLM's rms_norm and act_and_mul write it);
 *     with the chip's {@code threadsPerUnit} it sets how many rows a unit holds at once
 * @param fixedCycles cycles of one row's chain that do not depend on its length (reductions, syncs,
 *     prologue and epilogue)
 * @param cyclesPerIteration cycles of one loop iteration over a row ({@code blockThreads} elements)
 * @param unitBytesPerCycle the bytes per unit-cycle one compute unit moves in this kernel (a cap set by
 *     its instruction mix and bytes in flight, not by DRAM)
 * @param overheadSeconds the fixed time per call of this kernel that is not the chip's (launch and
 *     the gap a timing method sees); replaces the stack's {@code launchSeconds}
 * @param floorSeconds the least time a call takes however small (a host-side dispatch floor)
 * @param kernelsPerOp the kernels the stack launches for one op (an unfused eager layernorm: several),
 *     each paying {@code overheadSeconds}
 * @param computeFactor multiplies the chip's compute efficiency for this kind, as a curve over the op's
 *     FLOPs: the library's kernels relative to the chip's best (in (0, 1])
 * @param memoryFactor multiplies the chip's memory efficiency for this kind, as a curve over the op's bytes
 * @param gemmConfigs a GEMM kind's kernel configurations (tile, decomposition, factor); the fastest
 *     for each shape is taken (docs/cost-model.md §8.6). Empty: the chip's {@code matmulTile} and its
 *     halvings and doublings, factor 1
 * @param gemv a GEMM kind's skinny path for GEMMs of few rows (decode), if the library has one
 * @param overheadCycles the fixed time per call in the chip's cycles (launch, block scheduling,
 *     drain: what scales with the clock), instead of {@code overheadSeconds}
 * @param fused present (its text: the source) when the stack's compiler fuses this kind into the op
 *     that produces its input (XLA's loop and output fusions): no launch and no memory pass of its own,
 *     only its arithmetic on the vector unit (docs/cost-model.md §8.7); every such op gets a note
 * @param allReduce an all_reduce kind's algorithms (docs/cost-model.md §6.3); absent: NCCL's ring and tree
 * @param overlapExponent a GEMM kind's overlap of memory with compute, the exponent {@code p ≥ 1} of
 *     {@code t = (t_c^p + t_m^p)^(1/p)} (docs/cost-model.md §8.6): how well the kernel's software pipeline
 *     hides its loads behind its MMAs. Absent: perfect overlap, {@code max(t_c, t_m)}
 */
public record KernelRule(OpKind kind, Optional<Figure> blockThreads, Optional<Figure> fixedCycles,
                         Optional<Figure> cyclesPerIteration, Optional<Figure> unitBytesPerCycle,
                         Optional<Figure> overheadSeconds, Optional<Figure> floorSeconds, Optional<Figure> kernelsPerOp,
                         Optional<EfficiencyCurve> computeFactor, Optional<EfficiencyCurve> memoryFactor,
                         List<GemmConfig> gemmConfigs, Optional<Gemv> gemv, Optional<Figure> overheadCycles,
                         Optional<String> fused, Optional<AllReduceAlgorithms> allReduce, Optional<Figure> overlapExponent) {

    /** A rule without an overlap exponent (perfect overlap). */
    public KernelRule(OpKind kind, Optional<Figure> blockThreads, Optional<Figure> fixedCycles,
                      Optional<Figure> cyclesPerIteration, Optional<Figure> unitBytesPerCycle,
                      Optional<Figure> overheadSeconds, Optional<Figure> floorSeconds, Optional<Figure> kernelsPerOp,
                      Optional<EfficiencyCurve> computeFactor, Optional<EfficiencyCurve> memoryFactor,
                      List<GemmConfig> gemmConfigs, Optional<Gemv> gemv, Optional<Figure> overheadCycles,
                      Optional<String> fused, Optional<AllReduceAlgorithms> allReduce) {
        this(kind, blockThreads, fixedCycles, cyclesPerIteration, unitBytesPerCycle, overheadSeconds, floorSeconds,
                kernelsPerOp, computeFactor, memoryFactor, gemmConfigs, gemv, overheadCycles, fused, allReduce, Optional.empty());
    }

    /** A rule without all-reduce algorithms. */
    public KernelRule(OpKind kind, Optional<Figure> blockThreads, Optional<Figure> fixedCycles,
                      Optional<Figure> cyclesPerIteration, Optional<Figure> unitBytesPerCycle,
                      Optional<Figure> overheadSeconds, Optional<Figure> floorSeconds, Optional<Figure> kernelsPerOp,
                      Optional<EfficiencyCurve> computeFactor, Optional<EfficiencyCurve> memoryFactor,
                      List<GemmConfig> gemmConfigs, Optional<Gemv> gemv, Optional<Figure> overheadCycles,
                      Optional<String> fused) {
        this(kind, blockThreads, fixedCycles, cyclesPerIteration, unitBytesPerCycle, overheadSeconds, floorSeconds,
                kernelsPerOp, computeFactor, memoryFactor, gemmConfigs, gemv, overheadCycles, fused, Optional.empty());
    }

    /** A rule without GEMM configurations or a skinny path. */
    public KernelRule(OpKind kind, Optional<Figure> blockThreads, Optional<Figure> fixedCycles,
                      Optional<Figure> cyclesPerIteration, Optional<Figure> unitBytesPerCycle,
                      Optional<Figure> overheadSeconds, Optional<Figure> floorSeconds, Optional<Figure> kernelsPerOp,
                      Optional<EfficiencyCurve> computeFactor, Optional<EfficiencyCurve> memoryFactor) {
        this(kind, blockThreads, fixedCycles, cyclesPerIteration, unitBytesPerCycle, overheadSeconds, floorSeconds,
                kernelsPerOp, computeFactor, memoryFactor, List.of(), Optional.empty(), Optional.empty(), Optional.empty());
    }

    public KernelRule {
        Checks.required("kind", kind);
        blockThreads.ifPresent(f -> whole("blockThreads", f));
        fixedCycles.ifPresent(f -> Checks.nonNegative("fixedCycles", f));
        cyclesPerIteration.ifPresent(f -> Checks.positive("cyclesPerIteration", f));
        unitBytesPerCycle.ifPresent(f -> Checks.positive("unitBytesPerCycle", f));
        overheadSeconds.ifPresent(f -> Checks.nonNegative("overheadSeconds", f));
        floorSeconds.ifPresent(f -> Checks.nonNegative("floorSeconds", f));
        kernelsPerOp.ifPresent(f -> whole("kernelsPerOp", f));
        Checks.required("computeFactor", computeFactor);
        Checks.required("memoryFactor", memoryFactor);
        gemmConfigs = List.copyOf(Checks.required("gemmConfigs", gemmConfigs));
        Checks.required("gemv", gemv);
        Checks.required("overheadCycles", overheadCycles);
        Checks.required("fused", fused);
        Checks.required("allReduce", allReduce);
        Checks.required("overlapExponent", overlapExponent);
        overlapExponent.ifPresent(f -> {
            if (!(f.value() >= 1) || Double.isInfinite(f.value())) {
                throw new InvalidValueException("overlapExponent.value", "must be a finite number >= 1 (1: loads and "
                        + "MMAs do not overlap at all; larger: closer to max(t_c, t_m)), got " + Checks.fmt(f.value()));
            }
        });
        if (allReduce.isPresent() && kind != OpKind.ALL_REDUCE) {
            throw new InvalidValueException("algorithms", "only the all_reduce kind has all-reduce algorithms, not " + kind.id());
        }
        fused.ifPresent(f -> Checks.text("fused.source", f));
        if (fused.isPresent() && (blockThreads.isPresent() || fixedCycles.isPresent() || cyclesPerIteration.isPresent()
                || unitBytesPerCycle.isPresent() || overheadSeconds.isPresent() || floorSeconds.isPresent()
                || kernelsPerOp.isPresent() || computeFactor.isPresent() || memoryFactor.isPresent()
                || overheadCycles.isPresent())) {
            throw new InvalidValueException("fused", "a fused " + kind.id() + " runs inside its producer's kernel: it "
                    + "takes no launch, floor, row chain, cap or factor of its own (remove them or the fused mark)");
        }
        if (fused.isPresent() && (kind == OpKind.MATMUL || kind == OpKind.BATCHED_MATMUL || kind == OpKind.ATTENTION
                || kind == OpKind.ALL_REDUCE || kind == OpKind.ALL_GATHER)) {
            throw new InvalidValueException("fused", kind.id() + " is a producer, not fused into one: only element-wise "
                    + "and row-wise kinds can be fused");
        }
        overheadCycles.ifPresent(f -> Checks.nonNegative("overheadCycles", f));
        if (overheadCycles.isPresent() && overheadSeconds.isPresent()) {
            throw new InvalidValueException("overheadCycles", "both overheadSeconds and overheadCycles are given for "
                    + kind.id() + ": the fixed time per call is one or the other");
        }
        boolean gemm = kind == OpKind.MATMUL || kind == OpKind.BATCHED_MATMUL;
        if (!gemm && (!gemmConfigs.isEmpty() || gemv.isPresent() || overlapExponent.isPresent())) {
            throw new InvalidValueException(!gemmConfigs.isEmpty() ? "gemmConfigs" : gemv.isPresent() ? "gemv" : "overlapExponent",
                    "only a GEMM kind (matmul, batched_matmul) has GEMM configurations, a GEMV path or an overlap "
                    + "exponent, not " + kind.id());
        }
        if (cyclesPerIteration.isPresent() && blockThreads.isEmpty()) {
            throw new InvalidValueException("blockThreads", "cyclesPerIteration without blockThreads: a row chain needs "
                    + "the kernel's threads per row (" + kind.id() + ")");
        }
        if (fixedCycles.isPresent() && cyclesPerIteration.isEmpty()) {
            throw new InvalidValueException("cyclesPerIteration", "fixedCycles without a row chain (" + kind.id() + ")");
        }
        if (blockThreads.isEmpty() && fixedCycles.isEmpty() && cyclesPerIteration.isEmpty() && unitBytesPerCycle.isEmpty()
                && overheadSeconds.isEmpty() && floorSeconds.isEmpty() && kernelsPerOp.isEmpty() && computeFactor.isEmpty()
                && memoryFactor.isEmpty() && gemmConfigs.isEmpty() && gemv.isEmpty() && overheadCycles.isEmpty() && fused.isEmpty()
                && allReduce.isEmpty() && overlapExponent.isEmpty()) {
            throw new InvalidValueException("", "the kernel rule for " + kind.id() + " sets nothing");
        }
    }

    private static void whole(String field, Figure f) {
        if (f.value() < 1 || f.value() != Math.rint(f.value())) {
            throw new InvalidValueException(field + ".value", "must be a whole number >= 1, got " + Checks.fmt(f.value()));
        }
    }

    /** Whether this rule makes the kind a row chain (needs the chip's clock and compute units). */
    public boolean chain() {
        return cyclesPerIteration.isPresent();
    }

    /** Whether anything in this rule is in cycles (needs the chip's clock). */
    public boolean inCycles() {
        return cyclesPerIteration.isPresent() || unitBytesPerCycle.isPresent() || overheadCycles.isPresent();
    }

    /** This rule with another overhead per call, in cycles. */
    public KernelRule withOverheadCycles(Figure cycles) {
        return new KernelRule(kind, blockThreads, fixedCycles, cyclesPerIteration, unitBytesPerCycle, Optional.empty(),
                floorSeconds, kernelsPerOp, computeFactor, memoryFactor, gemmConfigs, gemv, Optional.of(cycles), fused, allReduce,
                overlapExponent);
    }

    /** This rule with another memory factor (a serving fit's candidate). */
    public KernelRule withMemoryFactor(EfficiencyCurve factor) {
        return new KernelRule(kind, blockThreads, fixedCycles, cyclesPerIteration, unitBytesPerCycle, overheadSeconds,
                floorSeconds, kernelsPerOp, computeFactor, Optional.of(factor), gemmConfigs, gemv, overheadCycles, fused, allReduce,
                overlapExponent);
    }

    /** A rule that only multiplies the chip's memory efficiency for {@code kind}. */
    public static KernelRule memoryFactorOnly(OpKind kind, EfficiencyCurve factor) {
        return new KernelRule(kind, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.of(factor));
    }

    /** This rule without its per-unit cap. */
    public KernelRule withoutCap() {
        return new KernelRule(kind, blockThreads, fixedCycles, cyclesPerIteration, Optional.empty(), overheadSeconds,
                floorSeconds, kernelsPerOp, computeFactor, memoryFactor, gemmConfigs, gemv, overheadCycles, fused, allReduce,
                overlapExponent);
    }
}
