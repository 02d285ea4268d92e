package org.opsim.model.transformer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.opsim.Opsim;
import org.opsim.Repo;
import org.opsim.cost.CostModel;
import org.opsim.cost.Evaluation;
import org.opsim.graph.Graph;
import org.opsim.hardware.HardwareProfile;
import org.opsim.internal.load.HfConfigLoader;
import org.opsim.model.Workload;

/**
 * Every config.json in {@code ../shared/hf-configs/} (87 of them, beside 27 hf_quant_config.json, as their publishers ship them) imports,
 * and its prefill, decode step, generation and training graphs build and cost to finite numbers on a
 * GPU and an ASIC.
 */
class SharedConfigsTest {

    static List<Path> configs() throws Exception {
        try (Stream<Path> files = Files.list(Repo.shared("hf-configs"))) {
            return files.filter(f -> f.getFileName().toString().endsWith("_config.json"))
                    .filter(f -> !f.getFileName().toString().endsWith("_hf_quant_config.json")).sorted().toList();
        }
    }

    @Test
    void everySharedConfigImportsAndEveryPhaseCosts() throws Exception {
        List<Path> files = configs();
        assertEquals(87, files.size()); // 87 config.json + 27 hf_quant_config.json = the folder's 114 files
        HardwareProfile b200 = Opsim.profile("nvidia-b200");
        HardwareProfile tpu = Opsim.profile("google-tpu-v6e");
        TreeSet<String> types = new TreeSet<>();
        StringBuilder table = new StringBuilder();
        for (Path f : files) {
            TransformerConfig c = HfConfigLoader.load(f);
            types.add(c.modelType());
            TransformerModel m = new TransformerModel(f.getFileName().toString(), f.toString(), c);
            for (Workload w : List.of(Workload.prefill(2, 1024), Workload.decode(8, 4096), Workload.generation(2, 512, 64),
                    Workload.training(1, 1024))) {
                Graph g = m.graph(w);
                for (HardwareProfile p : List.of(b200, tpu)) {
                    Evaluation e = CostModel.evaluate(g, p);
                    assertTrue(e.total().latencySeconds() > 0 && Double.isFinite(e.total().latencySeconds()), f + " " + w.describe());
                }
            }
            table.append(String.format(Locale.ROOT, "%-60s %-14s %9.2fB %8.2fB kv/tok %8.0f  %s%n", f.getFileName(),
                    c.modelType(), m.parameterCount() / 1e9, m.activeParameterCount() / 1e9,
                    m.kvCacheBytesPerToken(org.opsim.graph.Precision.BF16), c.attentionForms()));
        }
        System.out.print(table);
        assertEquals(27, types.size(), types.toString());
    }
}
