package org.opsim.hardware;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.opsim.graph.Engine;
import org.opsim.graph.Precision;
import org.opsim.io.InvalidValueException;

/**
 * Everything the cost model knows about one chip. Immutable and validated on construction; load one
 * with {@link ProfileLoader}, or build one in Java with {@link #builder(String)}.
 *
 * <p>Units are in the names: FLOP/s, bytes, bytes/s, seconds, watts, joules, US dollars.
 * Peak rates are dense (no structured sparsity). Interconnect bandwidth is per chip per direction.
 *
 * @param peakFlopsPerSecond per engine ({@code MATRIX} and {@code VECTOR}, both required) and per
 *     precision; a precision the engine lacks is simply absent
 * @param dispatchOverheadSeconds fixed cost added to every op: kernel launch on a GPU, instruction
 *     dispatch/sync on an ASIC
 * @param description free text: what the chip is, as of when, caveats
 * @param computeUnits SMs, CUs, cores or matrix engines that GEMM tiles are spread over (optional)
 * @param matmulTile the output tile each unit computes per pass (optional; with computeUnits it
 *     turns on the wave model of matmul time; a tile without computeUnits is refused)
 * @param clock the compute units' clock (optional; needed by a stack whose kernels are in cycles)
 * @param threadsPerUnit resident threads per compute unit (GPUs; optional, needs computeUnits): with a
 *     row-wise kernel's block size it sets how many rows a unit runs at once
 * @param onChip the last-level on-chip memory (L2, SBUF, VMEM, SRAM; optional): operands that fit move
 *     at its rate (docs/cost-model.md §8.4)
 * @param stack the software stack the chip runs under (empty: the chip's figures only); loaded from
 *     its own file and attached with {@link #withStack}
 */
public record HardwareProfile(
        String name,
        DeviceKind kind,
        String vendor,
        Map<Engine, Map<Precision, Figure>> peakFlopsPerSecond,
        Memory memory,
        Figure onChipSramBytes,
        Figure dispatchOverheadSeconds,
        Interconnect interconnect,
        Power power,
        Figure pricePerChipHourUsd,
        EfficiencyTable efficiency,
        OpSupport support,
        Optional<String> description,
        Optional<Figure> computeUnits,
        Optional<MatmulTile> matmulTile,
        Optional<Clock> clock,
        Optional<Figure> threadsPerUnit,
        Optional<OnChipMemory> onChip,
        Optional<SoftwareStack> stack) {

    public HardwareProfile {
        Checks.text("name", name);
        Checks.required("kind", kind);
        Checks.text("vendor", vendor);
        Checks.required("engines", peakFlopsPerSecond);
        for (Engine e : peakFlopsPerSecond.keySet()) {
            if (e != Engine.MATRIX && e != Engine.VECTOR) {
                throw new InvalidValueException("engines." + e.id(), "only matrix and vector engines have FLOP rates");
            }
        }
        EnumMap<Engine, Map<Precision, Figure>> engines = new EnumMap<>(Engine.class);
        for (Engine e : List.of(Engine.MATRIX, Engine.VECTOR)) {
            String field = "engines." + e.id() + ".peakFlopsPerSecond";
            Map<Precision, Figure> rates = peakFlopsPerSecond.get(e);
            if (rates == null || rates.isEmpty()) {
                throw new InvalidValueException(field, "needs at least one precision");
            }
            rates.forEach((p, f) -> Checks.positive(field + "." + p.id(), f));
            engines.put(e, Map.copyOf(new EnumMap<>(rates)));
        }
        peakFlopsPerSecond = Map.copyOf(engines);
        Checks.required("memory", memory);
        Checks.positive("onChipSramBytes", onChipSramBytes);
        Checks.nonNegative("dispatchOverheadSeconds", dispatchOverheadSeconds);
        Checks.required("interconnect", interconnect);
        Checks.required("power", power);
        Checks.nonNegative("pricePerChipHourUsd", pricePerChipHourUsd);
        Checks.required("efficiency", efficiency);
        Checks.required("nativeOps", support);
        Checks.required("description", description);
        Checks.required("computeUnits", computeUnits);
        Checks.required("matmulTile", matmulTile);
        computeUnits.ifPresent(f -> {
            if (f.value() < 1 || f.value() != Math.rint(f.value())) {
                throw new InvalidValueException("computeUnits.value", "must be a whole number >= 1, got " + Checks.fmt(f.value()));
            }
        });
        Checks.required("clock", clock);
        Checks.required("threadsPerUnit", threadsPerUnit);
        Checks.required("onChip", onChip);
        Checks.required("stack", stack);
        if (matmulTile.isPresent() && computeUnits.isEmpty()) {
            throw new InvalidValueException("computeUnits", "matmulTile is given but computeUnits is not: the wave model "
                    + "spreads tiles over the units");
        }
        threadsPerUnit.ifPresent(f -> {
            if (computeUnits.isEmpty()) {
                throw new InvalidValueException("computeUnits", "threadsPerUnit is given but computeUnits is not");
            }
            if (f.value() < 1 || f.value() != Math.rint(f.value())) {
                throw new InvalidValueException("threadsPerUnit.value", "must be a whole number >= 1, got " + Checks.fmt(f.value()));
            }
        });
        if (stack.isPresent()) {
            for (KernelRule r : stack.get().kernels()) {
                if (r.inCycles() && (clock.isEmpty() || computeUnits.isEmpty())) {
                    throw new InvalidValueException(clock.isEmpty() ? "clock" : "computeUnits", "stack "
                            + stack.get().id() + " gives " + r.kind().id() + " in cycles per compute unit: the profile needs "
                            + (clock.isEmpty() ? "a clock" : "computeUnits") + " to run it");
                }
                if (!r.gemmConfigs().isEmpty() && computeUnits.isEmpty()) {
                    throw new InvalidValueException("computeUnits", "stack " + stack.get().id() + " gives GEMM "
                            + "configurations (tiles over compute units) for " + r.kind().id()
                            + ": the profile needs computeUnits to run them");
                }
            }
        }
        if (power.hasEnergyCoefficients()) {
            for (Engine e : List.of(Engine.MATRIX, Engine.VECTOR)) {
                for (Precision p : peakFlopsPerSecond.get(e).keySet()) {
                    if (!power.energyPerFlopJoules().containsKey(p)) {
                        throw new InvalidValueException("power.energyPerFlopJoules", "missing " + p.id()
                                + ", which engines." + e.id() + " runs");
                    }
                }
            }
        }
    }

    /** Peak FLOP/s of {@code engine} at exactly {@code precision}, if the chip has it. */
    public Optional<Figure> peak(Engine engine, Precision precision) {
        Map<Precision, Figure> rates = peakFlopsPerSecond.get(engine);
        return rates == null ? Optional.empty() : Optional.ofNullable(rates.get(precision));
    }

    /**
     * The precision {@code engine} actually runs {@code wanted} at: itself if present, else the first
     * of {@link Precision#fallbacks()} the engine has; empty if none.
     */
    public Optional<Precision> resolve(Engine engine, Precision wanted) {
        Precision arithmetic = wanted.arithmetic();
        if (peak(engine, arithmetic).isPresent()) {
            return Optional.of(arithmetic);
        }
        for (Precision p : arithmetic.fallbacks()) {
            if (peak(engine, p).isPresent()) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /** This chip under {@code s} (the chip's figures unchanged): refused if the stack needs a figure it lacks. */
    public HardwareProfile withStack(SoftwareStack s) {
        return toBuilder().stack(s).build();
    }

    /** The stack this chip runs under, or {@link SoftwareStack#none()}. */
    public SoftwareStack stackOrNone() {
        return stack.orElseGet(SoftwareStack::none);
    }

    public static Builder builder(String name) {
        return new Builder().name(name);
    }

    /** A builder preloaded with this profile, for what-if variants. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.name = name;
        b.kind = kind;
        b.vendor = vendor;
        b.peaks.clear();
        peakFlopsPerSecond.forEach((e, m) -> b.peaks.put(e, new EnumMap<>(m)));
        b.memory = memory;
        b.onChipSramBytes = onChipSramBytes;
        b.dispatchOverheadSeconds = dispatchOverheadSeconds;
        b.interconnect = interconnect;
        b.power = power;
        b.pricePerChipHourUsd = pricePerChipHourUsd;
        b.efficiency = efficiency;
        b.support = support;
        b.description = description.orElse(null);
        b.computeUnits = computeUnits.orElse(null);
        b.matmulTile = matmulTile.orElse(null);
        b.clock = clock.orElse(null);
        b.threadsPerUnit = threadsPerUnit.orElse(null);
        b.onChip = onChip.orElse(null);
        b.stack = stack.orElse(null);
        return b;
    }

    /** What-if: the same chip with main-memory bandwidth multiplied by {@code factor}. */
    public HardwareProfile withMemoryBandwidthScaled(double factor) {
        return toBuilder()
                .name(name + " (memory bandwidth ×" + factor + ")")
                .memory(new Memory(memory.capacityBytes(),
                        memory.bandwidthBytesPerSecond().scaled(factor, "what-if"), memory.latencySeconds()))
                .build();
    }

    /** Assembles a profile; {@link #build()} runs the same validation as loading a file. */
    public static final class Builder {
        private String name;
        private DeviceKind kind = DeviceKind.GPU;
        private String vendor;
        private final EnumMap<Engine, EnumMap<Precision, Figure>> peaks = new EnumMap<>(Engine.class);
        private Memory memory;
        private Figure onChipSramBytes;
        private Figure dispatchOverheadSeconds;
        private Interconnect interconnect;
        private Power power;
        private Figure pricePerChipHourUsd;
        private EfficiencyTable efficiency;
        private OpSupport support = OpSupport.allNative();
        private String description;
        private Figure computeUnits;
        private MatmulTile matmulTile;
        private Clock clock;
        private Figure threadsPerUnit;
        private OnChipMemory onChip;
        private SoftwareStack stack;

        private Builder() {
        }

        public Builder name(String v) {
            name = v;
            return this;
        }

        public Builder kind(DeviceKind v) {
            kind = v;
            return this;
        }

        public Builder vendor(String v) {
            vendor = v;
            return this;
        }

        public Builder peak(Engine engine, Precision precision, double flopsPerSecond, String source) {
            peaks.computeIfAbsent(engine, e -> new EnumMap<>(Precision.class)).put(precision, new Figure(flopsPerSecond, source));
            return this;
        }

        public Builder memory(Memory v) {
            memory = v;
            return this;
        }

        public Builder memory(double capacityBytes, double bandwidthBytesPerSecond, String source) {
            return memory(new Memory(new Figure(capacityBytes, source), new Figure(bandwidthBytesPerSecond, source)));
        }

        public Builder onChipSramBytes(double v, String source) {
            onChipSramBytes = new Figure(v, source);
            return this;
        }

        public Builder dispatchOverheadSeconds(double v, String source) {
            dispatchOverheadSeconds = new Figure(v, source);
            return this;
        }

        public Builder interconnect(Interconnect v) {
            interconnect = v;
            return this;
        }

        public Builder interconnect(double bandwidthBytesPerSecond, double latencySeconds, String source) {
            return interconnect(new Interconnect(new Figure(bandwidthBytesPerSecond, source), new Figure(latencySeconds, source), Optional.empty()));
        }

        public Builder power(Power v) {
            power = v;
            return this;
        }

        public Builder power(double tdpWatts, double idleWatts, String source) {
            return power(Power.of(new Figure(tdpWatts, source), new Figure(idleWatts, source)));
        }

        public Builder pricePerChipHourUsd(double v, String source) {
            pricePerChipHourUsd = new Figure(v, source);
            return this;
        }

        public Builder efficiency(EfficiencyTable v) {
            efficiency = v;
            return this;
        }

        public Builder support(OpSupport v) {
            support = v;
            return this;
        }

        public Builder description(String v) {
            description = v;
            return this;
        }

        public Builder computeUnits(long units, String source) {
            computeUnits = new Figure(units, source);
            return this;
        }

        public Builder matmulTile(long m, long n, String source) {
            matmulTile = new MatmulTile(m, n, source);
            return this;
        }

        public Builder clock(Clock v) {
            clock = v;
            return this;
        }

        public Builder clock(double maxBoostHz, double sustainedHz, String source) {
            return clock(new Clock(new Figure(maxBoostHz, source), new Figure(sustainedHz, source)));
        }

        public Builder threadsPerUnit(long v, String source) {
            threadsPerUnit = new Figure(v, source);
            return this;
        }

        public Builder onChip(OnChipMemory v) {
            onChip = v;
            return this;
        }

        /** The stack to run under; null for none. */
        public Builder stack(SoftwareStack v) {
            stack = v;
            return this;
        }

        public HardwareProfile build() {
            Map<Engine, Map<Precision, Figure>> copy = new EnumMap<>(Engine.class);
            peaks.forEach((e, m) -> copy.put(e, new EnumMap<>(m)));
            return new HardwareProfile(name, kind, vendor, copy, memory, onChipSramBytes, dispatchOverheadSeconds,
                    interconnect, power, pricePerChipHourUsd, efficiency, support,
                    Optional.ofNullable(description).filter(d -> !d.isBlank()), Optional.ofNullable(computeUnits),
                    Optional.ofNullable(matmulTile), Optional.ofNullable(clock), Optional.ofNullable(threadsPerUnit),
                    Optional.ofNullable(onChip), Optional.ofNullable(stack));
        }
    }
}
