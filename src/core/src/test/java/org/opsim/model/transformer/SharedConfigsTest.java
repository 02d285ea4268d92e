package org.opsim.model.transformer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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
            assertTrue(m.parameterCount() > 0 && m.activeParameterCount() <= m.parameterCount(), f.toString());
        }
        assertEquals(27, types.size(), types.toString());
    }
}
