package org.opsim.deploy;

import java.util.OptionalDouble;
import org.opsim.cost.CostModel;
import org.opsim.cost.Evaluation;
import org.opsim.cost.OpResult;
import org.opsim.graph.AllReduce;
import org.opsim.graph.Collective;
import org.opsim.graph.Stage;
import org.opsim.hardware.HardwareProfile;
import org.opsim.internal.cost.CostFormulas;
import org.opsim.model.Architecture;
import org.opsim.model.MemoryFootprint;
import org.opsim.model.Model;
import org.opsim.model.Workload;

/**
 * Costs a model's workload on a {@link Deployment} (docs/cost-model.md §6.3). The graph stays per
 * chip: the {@link Model} builds it at the TP degree for one micro-batch, {@link CostModel} costs it
 * on the chip (decode-stage blocks apart from the rest), and its TP collectives are re-costed on the
 * system's links by
 * {@link Collectives} (ring or tree, hierarchical across nodes). Then:
 * <ul>
 * <li>EP: two all-to-alls (dispatch, combine) per MoE layer per pass of rows × k × hidden activations;
 *   the expert compute per chip is left as the graph has it (balanced routing: a chip computes as many
 *   token-expert pairs as one replica would without EP).</li>
 * <li>PP: a stage runs ⌈L/PP⌉/L of the per-micro-batch time plus a hand-off of rows × hidden activations;
 *   a single pass (prefill, training) takes {@code (m + p − 1)} stage slots, decode steps
 *   {@code max(m, p)} per step (a micro-batch's next token waits for its previous one to leave the last
 *   stage).</li>
 * <li>DP: training adds a gradient all-reduce of the chip's weights-sized gradients over the replicas
 *   (not overlapped with compute).</li>
 * </ul>
 * Stateless.
 */
public final class DeploymentModel {

    private DeploymentModel() {
    }

    public static DeploymentResult evaluate(Model model, Workload w, Deployment d) {
        Architecture c = Capacity.architecture(model, "a deployment");
        d.checkFits(model.name(), c, w);
        MemoryFootprint perChip = Capacity.check(model, w, d);
        SystemProfile s = d.system();
        HardwareProfile chip = s.chip();
        double idle = chip.power().idleWatts().value();
        double linkJ = CostFormulas.linkJoulesPerByte(chip);
        int m = d.microBatches();
        int p = d.pp();
        long mb = w.batch() / m;
        Workload micro = new Workload(w.phase(), mb, w.sequenceLength(), w.generatedTokens(), w.precisions(), d.tp(),
                w.activationRecompute(), w.attentionForm(), w.cachedTokens());
        Evaluation ev = CostModel.evaluate(model.graph(micro), chip);

        // Part 0: single passes (prefill, training, a generation's prefill); part 1: decode steps.
        double[] time = new double[2];
        double[] energy = new double[2];
        double comm = 0;
        for (OpResult r : ev.ops()) {
            int part = r.stage() == Stage.DECODE ? 1 : 0;
            double t = r.latencySeconds();
            double e = r.energyJoules();
            if (r.op() instanceof Collective col && col.groupSize() > 1) {
                Collectives.Cost cc = col instanceof AllReduce
                        ? Collectives.allReduce(s, col.payloadBytes(), col.groupSize(), d.tpPerNode())
                        : Collectives.allGather(s, col.payloadBytes(), col.groupSize(), d.tpPerNode());
                t = cc.seconds();
                e = CostFormulas.collectiveEnergy(idle, t, cc.linkBytes(), linkJ);
                comm += t * r.count();
            }
            time[part] += t * r.count();
            energy[part] += e * r.count();
        }

        double actBytes = w.precisions().activations().bytesPerElement();
        long h = c.hiddenSize();
        double[] rows = new double[2];
        double[] passes = new double[2];
        switch (w.phase()) {
            case PREFILL -> { rows[0] = mb * w.sequenceLength(); passes[0] = 1; }
            case TRAINING -> { rows[0] = mb * w.sequenceLength(); passes[0] = 2; }
            case DECODE -> { rows[1] = mb; passes[1] = 1; }
            case GENERATION -> {
                rows[0] = mb * w.sequenceLength();
                passes[0] = 1;
                rows[1] = mb;
                passes[1] = w.generatedTokens() - 1;
            }
        }
        // EP all-to-alls: dispatch and combine per MoE layer per pass (forward and backward in training).
        if (d.ep() > 1 && c.experts().isPresent()) {
            Architecture.Experts experts = c.experts().get();
            long k = experts.perToken();
            for (int part = 0; part < 2; part++) {
                if (passes[part] == 0) {
                    continue;
                }
                Collectives.Cost a2a = Collectives.allToAll(s, rows[part] * k * h * actBytes, d.ep(), d.epPerNode());
                double n = 2.0 * experts.moeLayers() * passes[part];
                time[part] += n * a2a.seconds();
                energy[part] += n * CostFormulas.collectiveEnergy(idle, a2a.seconds(), a2a.linkBytes(), linkJ);
                comm += n * a2a.seconds();
            }
        }
        double stage = Math.ceil((double) c.layers() / p) / c.layers();
        // comm so far: the TP and EP collectives of one micro-batch through the whole model.
        double collective = m * stage * comm;
        double step = 0;
        double busy = 0;
        double chipEnergy = 0;
        for (int part = 0; part < 2; part++) {
            if (passes[part] == 0) {
                continue;
            }
            double handOff = 0;
            if (p > 1) {
                handOff = passes[part] * Collectives.pointToPoint(s, rows[part] * h * actBytes, d.handOffCrossesNodes()).seconds();
            }
            double slot = stage * time[part] + handOff;
            double slots = part == 0 ? m + p - 1 : Math.max(m, p);
            step += slots * slot;
            busy += m * slot;
            chipEnergy += m * (stage * energy[part] + idle * handOff);
            collective += m * handOff;
        }
        double bubble = step > 0 ? 1.0 - busy / step : 0;
        if (w.phase() == Workload.Phase.TRAINING && d.dp() > 1) {
            double gradBytes = (double) model.parameterCount() / d.tp() * stage * actBytes;
            Collectives.Cost sync = Collectives.allReduce(s, gradBytes, d.dp(), d.dpPerNode());
            step += sync.seconds();
            busy += sync.seconds();
            chipEnergy += CostFormulas.collectiveEnergy(idle, sync.seconds(), sync.linkBytes(), linkJ);
            collective += sync.seconds();
        }
        chipEnergy += idle * Math.max(0, step - busy);
        double tokens = (double) d.dp() * w.tokens();
        double watts = chipEnergy / step;
        double cloud = Tco.usdPerMillionTokens(s.cloudUsdPerChipHour(), d.chips(), step, tokens);
        OptionalDouble tco = OptionalDouble.empty();
        if (s.capex().isPresent() && s.opex().isPresent()) {
            double perHour = Tco.capexUsdPerChipHour(s.capex().get()) + Tco.opexUsdPerChipHour(s.opex().get(), watts);
            tco = OptionalDouble.of(Tco.usdPerMillionTokens(perHour, d.chips(), step, tokens));
        }
        return new DeploymentResult(d, perChip, step, tokens, collective, bubble, chipEnergy * d.chips(), watts, cloud, tco);
    }
}
