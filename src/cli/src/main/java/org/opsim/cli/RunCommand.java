package org.opsim.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.opsim.Catalogue;
import org.opsim.Opsim;
import org.opsim.cost.Evaluation;
import org.opsim.cost.OpResult;
import org.opsim.cost.Totals;
import org.opsim.graph.Graph;
import org.opsim.graph.OpKind;
import org.opsim.hardware.HardwareProfile;
import org.opsim.model.ImportedModel;
import org.opsim.model.Workload;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code opsim run}: one model on one chip, op by op. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Cost one model on one chip with a per-op and per-op-kind breakdown.")
final class RunCommand implements Callable<Integer> {

    @Mixin
    ModelOptions modelOptions;

    @Option(names = {"-p", "--profile"}, paramLabel = "CHIP", required = true,
            description = "the chip: a catalogue name or alias (h100) or a profile file")
    String profile;

    @Option(names = "--profiles", paramLabel = "DIR", description = "add the profiles in DIR to the catalogue")
    Path profileDir;

    /** The model {@code run} costs without -m: one Llama-3.1-8B decode step, a native graph file. */
    static final String DEFAULT_MODEL = "llama-3.1-8b-decode";

    @picocli.CommandLine.Option(names = "--stack", paramLabel = "STACK",
            description = "the software stack: a name (vllm, pytorch-eager, sglang, tensorrt-llm, jax-xla, neuron), name@version or a stack file (default: the vendor's)")
    String stackRef;

    @Mixin
    Output output;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        Catalogue catalogue = Inputs.catalogue(profileDir);
        ImportedModel m = modelOptions.load(catalogue, DEFAULT_MODEL);
        Graph graph;
        if (m instanceof ImportedModel.Fixed fixed) {
            graph = modelOptions.fixedGraph(fixed).graph();
        } else {
            graph = m.requireModel("run").graph(modelOptions.workload(Workload.Phase.DECODE, 1, 1));
        }
        HardwareProfile p = Inputs.withStack(catalogue, catalogue.profile(profile), stackRef);
        Evaluation e = Opsim.evaluate(graph, p);
        double total = e.total().latencySeconds();
        Table ops = new Table(List.of("block", "op", "kind", "count", "precision", "engine", "bound", "us each",
                "ms total", "time", "GFLOP each", "MB each", "TFLOP/s", "% peak"));
        for (OpResult r : e.ops()) {
            Totals all = r.totals();
            ops.add(List.of(r.block(), r.op().name(), r.op().kind().id(), Long.toString(r.count()),
                    r.precision().map(x -> x.id()).orElse("-"), r.engine().id(), r.bound().id(),
                    Numbers.sig(r.latencySeconds() * 1e6), Numbers.ms(all.latencySeconds()),
                    Numbers.percent(total > 0 ? all.latencySeconds() / total : 0),
                    Numbers.sig(r.op().flops() / 1e9), Numbers.sig(r.op().bytes() / 1e6),
                    Numbers.sig(r.achievedFlopsPerSecond() / 1e12), Numbers.percent(r.fractionOfPeak())));
        }
        Table kinds = new Table(List.of("kind", "ms", "time", "bound", "GFLOP", "MB", "TFLOP/s", "% peak", "J", "$"));
        for (Map.Entry<OpKind, Totals> k : e.byKind().entrySet()) {
            Totals t = k.getValue();
            kinds.add(List.of(k.getKey().id(), Numbers.ms(t.latencySeconds()), Numbers.percent(e.timeShare(k.getKey())),
                    e.dominantBound(k.getKey()).id(),
                    Numbers.sig(t.flops() / 1e9), Numbers.sig(t.bytes() / 1e6),
                    Numbers.sig(t.achievedFlopsPerSecond() / 1e12), Numbers.percent(t.fractionOfPeak()),
                    Numbers.sig(t.energyJoules()), Numbers.sig(t.costUsd())));
        }
        Totals t = e.total();
        kinds.add(List.of("total", Numbers.ms(t.latencySeconds()), "100%", e.dominantBound().id(), Numbers.sig(t.flops() / 1e9),
                Numbers.sig(t.bytes() / 1e6), Numbers.sig(t.achievedFlopsPerSecond() / 1e12),
                Numbers.percent(t.fractionOfPeak()), Numbers.sig(t.energyJoules()), Numbers.sig(t.costUsd())));
        StringBuilder sb = new StringBuilder();
        if (output.format == Table.Format.TABLE || output.format == Table.Format.MARKDOWN) {
            sb.append(graph.name()).append(" on ").append(p.name()).append("\n\n");
            sb.append(ops.render(output.format)).append('\n').append(kinds.render(output.format));
            e.notes().forEach(n -> sb.append("note: ").append(n.message()).append('\n'));
        } else if (output.format == Table.Format.CSV) {
            sb.append(ops.render(Table.Format.CSV));
        } else {
            throw new IllegalArgumentException("run supports --format table, markdown or csv");
        }
        output.emit(sb.toString(), spec.commandLine().getOut());
        return 0;
    }
}
