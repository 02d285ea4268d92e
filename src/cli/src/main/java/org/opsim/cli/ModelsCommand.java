package org.opsim.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.opsim.Catalogue;
import org.opsim.model.GraphFile;
import org.opsim.model.ImportedModel;
import org.opsim.model.Model;
import org.opsim.model.transformer.TransformerConfig;
import org.opsim.model.transformer.TransformerModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code opsim models}: the models of the catalogue, by the names -m takes. */
@Command(name = "models", mixinStandardHelpOptions = true,
        description = "List the models of the catalogue by the names -m takes: models that take a workload (Hugging Face "
                + "configs: family, parameters, layers, width, bf16 weight size; ONNX files) and graphs with fixed shapes "
                + "(native graph files: blocks, ops, tokens per execution). --dir DIR adds the model files in DIR and DIR/hf/.")
final class ModelsCommand implements Callable<Integer> {

    @Option(names = "--dir", paramLabel = "DIR",
            description = "add the model files in DIR and DIR/hf/ (any an importer recognises) to the bundled ones")
    Path dir;

    @Mixin
    Output output;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        if (output.format == Table.Format.JSON) {
            throw new IllegalArgumentException("models supports --format table, markdown or csv");
        }
        Catalogue c = dir == null ? Catalogue.bundled() : Catalogue.bundled().withModels(dir);
        Table models = new Table(List.of("name", "source", "model type", "parameters", "active", "layers", "hidden",
                "attention", "KV B/token", "weights", "weights GB"));
        Table graphs = new Table(List.of("name", "source", "graph", "blocks", "ops", "tokens/run", "GFLOP/run"));
        for (Catalogue.ModelEntry e : c.modelEntries()) {
            if (e.model() instanceof ImportedModel.Parametric p) {
                Model m = p.model();
                long params = m.parameterCount();
                long active = m.activeParameterCount();
                if (m instanceof TransformerModel tm) {
                    TransformerConfig cfg = tm.config();
                    String format = tm.quantization().map(q -> q.scheme()).orElse("bf16");
                    models.add(List.of(e.name(), e.source(), cfg.modelType(), billions(params),
                            active == params ? "-" : billions(active), Long.toString(cfg.layers()),
                            Long.toString(cfg.hiddenSize()), cfg.attentionForms(),
                            Numbers.sig(tm.kvCacheBytesPerToken(org.opsim.graph.Precision.BF16)), format,
                            Numbers.sig(tm.weightBytes(org.opsim.graph.Precision.BF16) / 1e9)));
                } else {
                    models.add(List.of(e.name(), e.source(), "-", billions(params),
                            active == params ? "-" : billions(active), "-", "-", m.describe(), "-", "bf16",
                            Numbers.sig(params * 2 / 1e9)));
                }
            } else {
                GraphFile g = ((ImportedModel.Fixed) e.model()).file();
                graphs.add(List.of(e.name(), e.source(), g.graph().name(), Integer.toString(g.graph().blocks().size()),
                        Integer.toString(g.graph().blocks().stream().mapToInt(b -> b.ops().size()).sum()),
                        g.tokensPerExecution().isPresent() ? Long.toString(g.tokensPerExecution().getAsLong()) : "-",
                        Numbers.sig(g.graph().totalFlops() / 1e9)));
            }
        }
        StringBuilder sb = new StringBuilder(models.render(output.format));
        if (output.format == Table.Format.CSV) {
            // Two tables of different columns: CSV gets the models that take a workload.
            output.emit(sb.toString(), spec.commandLine().getOut());
            return 0;
        }
        sb.append('\n').append(graphs.render(output.format));
        if (output.format == Table.Format.TABLE) {
            sb.append("\nName a model with -m NAME (or give a file: config.json, a native graph file, an ONNX file).\n");
            c.unreadable().forEach((name, err) -> sb.append("skipped ").append(name).append(": ").append(err.getMessage())
                    .append('\n'));
            if (!c.skipped().isEmpty()) {
                sb.append("not models (no importer recognised them): ").append(String.join(", ", c.skipped())).append('\n');
            }
        }
        output.emit(sb.toString(), spec.commandLine().getOut());
        return 0;
    }

    private static String billions(long n) {
        return Numbers.sig(n / 1e9) + " B";
    }
}
