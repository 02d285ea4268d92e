package org.opsim.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.opsim.importer.transformer.HfConfigLoader;
import org.opsim.importer.transformer.TransformerModel;
import org.opsim.importer.transformer.Workload;
import org.opsim.io.InputException;

/** Every shipped system file loads and runs; bad ones give errors naming the file and field. */
class SystemLoaderTest {

    static Stream<Path> shipped() throws IOException {
        return Files.list(DeployFixtures.SYSTEMS).filter(p -> p.toString().endsWith(".yaml")).sorted().toList().stream();
    }

    @Test
    void theIssueSystemsAreShipped() throws IOException {
        List<String> names = shipped().map(p -> p.getFileName().toString()).toList();
        assertTrue(names.size() >= 8, names.toString());
        for (String f : List.of("nvidia-hgx-h100-8.yaml", "nvidia-gb200-nvl72.yaml", "google-tpu-v5p-64.yaml",
                "google-tpu-v6e-256.yaml", "aws-trn2-16.yaml", "aws-trn2-ultraserver-64.yaml", "amd-mi300x-8.yaml",
                "nvidia-dgx-a100-x2.yaml")) {
            assertTrue(names.contains(f), f);
        }
    }

    @ParameterizedTest
    @MethodSource("shipped")
    void loadsAndCostsLlama8b(Path file) {
        SystemProfile s = SystemLoader.load(file);
        assertTrue(s.chips() >= 8, s.name());
        assertFalse(s.intraNode().bandwidthBytesPerSecond().source().isBlank());
        TransformerModel m = DeploymentTest.LLAMA_8B;
        Workload w = Workload.decode(16, 4096);
        Capacity.Minimum min = Capacity.minimumChips("Llama-3.1-8B", m, w, s);
        DeploymentResult r = DeploymentModel.evaluate("Llama-3.1-8B", m, w, new Deployment(s, min.tp(), min.pp(), 1, 1, min.pp()));
        assertTrue(r.stepSeconds() > 0 && r.cloudUsdPerMillionTokens() > 0, s.name());
        // And the largest TP a node allows for its 32 heads, 8 at most: collectives on the node's link.
        DeploymentResult tp = DeploymentModel.evaluate("Llama-3.1-8B", m, w, new Deployment(s, 8, 1, 1, 1, 1));
        assertTrue(tp.collectiveSeconds() > 0, s.name());
    }

    @Test
    void shippedTorusAndMeshShapes() {
        SystemProfile v5p = SystemLoader.load(DeployFixtures.SYSTEMS.resolve("google-tpu-v5p-64.yaml"));
        assertEquals(Topology.TORUS, v5p.intraNode().topology());
        assertEquals(List.of(4, 4, 4), v5p.intraNode().torusDimensions());
        // 9e10 B/s per link one-way × 6 ports.
        assertEquals(9e10, v5p.intraNode().torusLinkBytesPerSecond(), 1);
        SystemProfile ultra = SystemLoader.load(DeployFixtures.SYSTEMS.resolve("aws-trn2-ultraserver-64.yaml"));
        assertEquals(64, ultra.chips());
        assertEquals(Topology.FULL_MESH, SystemLoader.load(DeployFixtures.SYSTEMS.resolve("amd-mi300x-8.yaml")).intraNode().topology());
    }

    private static final String GOOD = """
            name: "test"
            chip: %s
            chipsPerNode: {value: 4, source: "s"}
            nodes: {value: 1, source: "s"}
            intraNode:
              topology: switch
              bandwidthBytesPerSecond: {value: 1.0e11, source: "s"}
              latencySeconds: {value: 1.0e-6, source: "s"}
            """;

    private static Path write(Path dir, String text) throws IOException {
        Path f = dir.resolve("system.yaml");
        Files.writeString(f, text);
        return f;
    }

    private static String chipPath() {
        return Path.of("hardware-profiles/nvidia-h100-sxm.yaml").toAbsolutePath().toString();
    }

    @Test
    void aGoodFileLoads(@TempDir Path dir) throws IOException {
        SystemProfile s = SystemLoader.load(write(dir, GOOD.formatted(chipPath())));
        assertEquals(4, s.chips());
        assertEquals("NVIDIA H100 SXM5 80GB", s.chip().name());
    }

    @Test
    void badFilesNameTheField(@TempDir Path dir) throws IOException {
        InputException topology = assertThrows(InputException.class,
                () -> SystemLoader.load(write(dir, GOOD.formatted(chipPath()).replace("topology: switch", "topology: ring"))));
        assertEquals("$.intraNode.topology", topology.path());
        InputException nodes = assertThrows(InputException.class,
                () -> SystemLoader.load(write(dir, GOOD.formatted(chipPath()).replace("nodes: {value: 1", "nodes: {value: 2"))));
        assertTrue(nodes.problem().contains("interNode: required"), nodes.getMessage());
        InputException torus = assertThrows(InputException.class, () -> SystemLoader.load(write(dir,
                GOOD.formatted(chipPath()).replace("topology: switch",
                        "topology: torus\n  torus: {dimensions: [4, 4], source: \"s\"}"))));
        assertTrue(torus.problem().contains("hold 16 chips, but chipsPerNode is 4"), torus.getMessage());
        InputException chip = assertThrows(InputException.class,
                () -> SystemLoader.load(write(dir, GOOD.formatted("no-such-chip.yaml"))));
        assertEquals("$.chip", chip.path());
        InputException unknown = assertThrows(InputException.class,
                () -> SystemLoader.load(write(dir, GOOD.formatted(chipPath()) + "gpus: 8\n")));
        assertTrue(unknown.problem().contains("unknown field 'gpus'"));
        InputException noSource = assertThrows(InputException.class, () -> SystemLoader.load(write(dir,
                GOOD.formatted(chipPath()).replace("chipsPerNode: {value: 4, source: \"s\"}", "chipsPerNode: {value: 4}"))));
        assertEquals("$.chipsPerNode", noSource.path());
    }

    @Test
    void allReduceCsvErrorsNameRowAndColumn(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("ar.csv");
        Files.writeString(f, "network,collective,num_workers,elements,dtype,bytes,median_ms\n"
                + "x,all_reduce,2,2048,fp16,4096,0.04\n"
                + "x,all_reduce,2,2048,fp16,4096,fast\n");
        InputException e = assertThrows(InputException.class, () -> AllReduceMeasurements.read(f));
        assertEquals("row 2, column median_ms", e.path());
        Files.writeString(f, "network,collective,elements\nx,all_reduce,1\n");
        assertEquals("header", assertThrows(InputException.class, () -> AllReduceMeasurements.read(f)).path());
    }

    @Test
    void theMeasuredAllReducesLoad() {
        Path csv = Path.of("../shared/validation/a100-dgx-allreduce.csv");
        if (Files.exists(csv)) {
            List<AllReduceMeasurements.Row> rows = AllReduceMeasurements.read(csv);
            assertEquals(6958, rows.size());
            assertEquals(4096, rows.get(0).bytes());
        }
    }
}
