package org.opsim.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.opsim.Opsim;
import org.opsim.importer.GraphFile;
import org.opsim.importer.transformer.HfConfigLoader;
import org.opsim.importer.transformer.TransformerConfig;
import org.opsim.importer.transformer.TransformerModel;
import org.opsim.io.InputException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code opsim models}: the bundled models, Hugging Face configs and native graph files. */
@Command(name = "models", mixinStandardHelpOptions = true,
        description = "List the bundled models: Hugging Face configs in DIR/hf/ (family, parameters, layers, width, "
                + "bf16 weight size) and native graph files in DIR/ (name, blocks, ops, tokens per execution).")
final class ModelsCommand implements Callable<Integer> {

    @Option(names = "--dir", defaultValue = "models", paramLabel = "DIR", description = "(default: ${DEFAULT-VALUE})")
    Path dir;

    @Mixin
    Output output;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        if (!Files.isDirectory(dir)) {
            throw new InputException(dir.toString(), "$", "not a directory");
        }
        if (output.format == Table.Format.JSON) {
            throw new IllegalArgumentException("models supports --format table, markdown or csv");
        }
        Table configs = new Table(List.of("config", "model type", "family", "parameters", "active", "layers", "hidden",
                "heads (q/kv)", "bf16 weights GB"));
        for (Path f : files(dir.resolve("hf"), ".json")) {
            TransformerConfig c = HfConfigLoader.load(f);
            TransformerModel m = new TransformerModel(c);
            long params = m.parameterCount();
            long active = m.activeParameterCount();
            configs.add(List.of(f.toString(), c.modelType(), c.family().name().toLowerCase(Locale.ROOT), billions(params),
                    active == params ? "-" : billions(active), Long.toString(c.layers()), Long.toString(c.hiddenSize()),
                    c.queryHeads() + "/" + c.kvHeads(), Numbers.sig(params * 2 / 1e9)));
        }
        Table graphs = new Table(List.of("graph file", "name", "blocks", "ops", "tokens/run", "GFLOP/run"));
        for (Path f : files(dir, ".yaml")) {
            GraphFile g = Opsim.loadGraph(f);
            graphs.add(List.of(f.toString(), g.graph().name(), Integer.toString(g.graph().blocks().size()),
                    Integer.toString(g.graph().blocks().stream().mapToInt(b -> b.ops().size()).sum()),
                    g.tokensPerExecution().isPresent() ? Long.toString(g.tokensPerExecution().getAsLong()) : "-",
                    Numbers.sig(g.graph().totalFlops() / 1e9)));
        }
        StringBuilder sb = new StringBuilder(configs.render(output.format));
        if (output.format == Table.Format.CSV) {
            // Two tables of different columns: CSV gets the configs only unless there are no configs.
            output.emit(sb.toString(), spec.commandLine().getOut());
            return 0;
        }
        sb.append('\n').append(graphs.render(output.format));
        if (output.format == Table.Format.TABLE) {
            sb.append("\nUse a config with --config FILE (any workload), a graph file with --model FILE.\n");
        }
        output.emit(sb.toString(), spec.commandLine().getOut());
        return 0;
    }

    private static String billions(long n) {
        return Numbers.sig(n / 1e9) + " B";
    }

    private static List<Path> files(Path d, String suffix) {
        if (!Files.isDirectory(d)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(d)) {
            return s.filter(p -> p.getFileName().toString().endsWith(suffix) && Files.isRegularFile(p)).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
