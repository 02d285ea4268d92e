package org.opsim.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.opsim.Catalogue;
import org.opsim.Opsim;
import org.opsim.Repo;
import org.opsim.io.InputException;
import org.opsim.model.Workload;
import org.opsim.model.transformer.TransformerModel;
import org.opsim.validation.AllReduceMeasurements;

/** Every shipped system file loads and runs; bad ones give errors naming the file and field. */
class SystemLoaderTest {

    static Stream<String> shipped() {
        return Opsim.catalogue().systemEntries().stream().map(Catalogue.SystemEntry::name);
    }

    @Test
    void theIssueSystemsAreShipped() throws IOException {
        List<String> names = shipped().toList();
        assertTrue(names.size() >= 8, names.toString());
        for (String f : List.of("nvidia-hgx-h100-8", "nvidia-hgx-b200-8", "nvidia-gb200-nvl72", "google-tpu-v5p-64",
                "google-tpu-v6e-256", "aws-trn2-16", "aws-trn2-ultraserver-64", "amd-mi300x-8",
                "nvidia-dgx-a100-x2")) {
            assertTrue(names.contains(f), f);
        }
    }

    @ParameterizedTest
    @MethodSource("shipped")
    void loadsAndCostsLlama8b(String name) {
        SystemProfile s = Opsim.system(name);
        assertTrue(s.chips() >= 8, s.name());
        assertFalse(s.intraNode().bandwidthBytesPerSecond().source().isBlank());
        TransformerModel m = DeploymentTest.LLAMA_8B;
        Workload w = Workload.decode(16, 4096);
        Capacity.Minimum min = Capacity.minimumChips(m, w, s);
        DeploymentResult r = DeploymentModel.evaluate(m, w, new Deployment(s, min.tp(), min.pp(), 1, 1, min.pp()));
        assertTrue(r.stepSeconds() > 0 && r.cloudUsdPerMillionTokens() > 0, s.name());
        // And the largest TP a node allows for its 32 heads, 8 at most: collectives on the node's link.
        DeploymentResult tp = DeploymentModel.evaluate(m, w, new Deployment(s, 8, 1, 1, 1, 1));
        assertTrue(tp.collectiveSeconds() > 0, s.name());
    }

    @Test
    void shippedTorusAndMeshShapes() {
        SystemProfile v5p = Opsim.system("google-tpu-v5p-64");
        assertEquals(Topology.TORUS, v5p.intraNode().topology());
        assertEquals(List.of(4, 4, 4), v5p.intraNode().torusDimensions());
        // 9e10 B/s per link one-way × 6 ports.
        assertEquals(9e10, v5p.intraNode().torusLinkBytesPerSecond(), 1);
        SystemProfile ultra = Opsim.system("aws-trn2-ultraserver-64");
        assertEquals(64, ultra.chips());
        assertEquals(Topology.FULL_MESH, Opsim.system("amd-mi300x-8").intraNode().topology());
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
        return Repo.path("hardware-profiles/nvidia-h100-sxm.yaml").toString();
    }

    @Test
    void aGoodFileLoads(@TempDir Path dir) throws IOException {
        SystemProfile s = Opsim.loadSystem(write(dir, GOOD.formatted(chipPath())));
        assertEquals(4, s.chips());
        assertEquals("NVIDIA H100 SXM5 80GB", s.chip().name());
    }

    @Test
    void badFilesNameTheField(@TempDir Path dir) throws IOException {
        InputException topology = assertThrows(InputException.class,
                () -> Opsim.loadSystem(write(dir, GOOD.formatted(chipPath()).replace("topology: switch", "topology: ring"))));
        assertEquals("$.intraNode.topology", topology.path());
        InputException nodes = assertThrows(InputException.class,
                () -> Opsim.loadSystem(write(dir, GOOD.formatted(chipPath()).replace("nodes: {value: 1", "nodes: {value: 2"))));
        assertEquals("$.interNode", nodes.path());
        assertEquals("required when there is more than one node (2)", nodes.problem());
        InputException torus = assertThrows(InputException.class, () -> Opsim.loadSystem(write(dir,
                GOOD.formatted(chipPath()).replace("topology: switch",
                        "topology: torus\n  torus: {dimensions: [4, 4], source: \"s\"}"))));
        assertTrue(torus.problem().contains("hold 16 chips, but chipsPerNode is 4"), torus.getMessage());
        InputException chip = assertThrows(InputException.class,
                () -> Opsim.loadSystem(write(dir, GOOD.formatted("no-such-chip.yaml"))));
        assertEquals("$.chip", chip.path());
        InputException unknown = assertThrows(InputException.class,
                () -> Opsim.loadSystem(write(dir, GOOD.formatted(chipPath()) + "gpus: 8\n")));
        assertTrue(unknown.problem().contains("unknown field 'gpus'"));
        InputException noSource = assertThrows(InputException.class, () -> Opsim.loadSystem(write(dir,
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
        assertEquals("$[2].median_ms", e.path());
        assertEquals("not a number: 'fast'", e.problem());
        Files.writeString(f, "network,collective,elements\nx,all_reduce,1\n");
        InputException header = assertThrows(InputException.class, () -> AllReduceMeasurements.read(f));
        assertEquals("$[0]", header.path());
        assertTrue(header.problem().startsWith("missing column 'num_workers'"), header.problem());
        // A quoted cell with a comma is one cell, as RFC 4180 says: the row still has seven cells.
        Files.writeString(f, "network,collective,num_workers,elements,dtype,bytes,median_ms\n"
                + "\"a100, dgx\",all_reduce,8,2048,fp16,4096,0.04\n");
        assertEquals(8, AllReduceMeasurements.read(f).get(0).workers());
    }

    @Test
    void aSampleOfTheMeasuredAllReducesReads() throws Exception {
        // The first 12 rows of shared/validation/a100-dgx-allreduce.csv (test resource samples/):
        // row 1 "a100_dgx,all_reduce,2,2048,fp16,4096,0.043000000000000003,..." and row 12
        // "a100_dgx,all_reduce,2,92160,fp16,184320,0.07200000000000001,...".
        Path sample = Path.of(getClass().getResource("/samples/a100-dgx-allreduce-sample.csv").toURI());
        List<AllReduceMeasurements.Row> rows = AllReduceMeasurements.read(sample);
        assertEquals(12, rows.size());
        AllReduceMeasurements.Row first = rows.get(0);
        assertEquals(1, first.row());
        assertEquals(2, first.workers());
        assertEquals(4096, first.bytes());
        assertEquals(0.043e-3, first.medianSeconds(), 1e-15);
        assertEquals(184320, rows.get(11).bytes());
        assertEquals(0.072e-3, rows.get(11).medianSeconds(), 1e-15);
    }

    @Test
    void theMeasuredAllReducesLoad() {
        Path csv = Repo.shared("validation/a100-dgx-allreduce.csv");
        assumeTrue(Files.exists(csv), "../shared/validation is not beside the repository");
        List<AllReduceMeasurements.Row> rows = AllReduceMeasurements.read(csv);
        assertEquals(6958, rows.size());
        assertEquals(4096, rows.get(0).bytes());
    }
}
