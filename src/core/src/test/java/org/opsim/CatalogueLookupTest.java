package org.opsim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opsim.hardware.HardwareProfile;
import org.opsim.internal.load.Bundled;
import org.opsim.io.InputException;
import org.opsim.model.ImportedModel;
import org.opsim.model.Model;
import org.opsim.model.Workload;
import org.opsim.model.transformer.TransformerModel;

/**
 * The catalogue on the class path: names, aliases and display names resolve from any working
 * directory (the tests run in src/core, not at the repository root), files still work, a user's
 * folder adds and shadows, and an unknown name lists the close matches.
 */
class CatalogueLookupTest {

    private static final Catalogue C = Catalogue.bundled();

    @Test
    void theBundledCatalogueHoldsTheRepositorysFolders() throws IOException {
        // Every profile, system and model file of the repository is in the jar's index, and nothing else.
        List<String> onDisk = new ArrayList<>();
        for (String dir : List.of("hardware-profiles", "models")) {
            try (Stream<Path> s = Files.walk(Repo.path(dir))) {
                s.filter(Files::isRegularFile).map(p -> Repo.root().relativize(p).toString().replace('\\', '/'))
                        .filter(n -> n.endsWith(".yaml") || n.endsWith(".json")).forEach(onDisk::add);
            }
        }
        assertEquals(new TreeSet<>(onDisk), new TreeSet<>(Bundled.files()));
        // 22 chips, 2 calibrated variants, 12 systems, 37 Hugging Face configs and 2 native graphs (the
        // test class path adds one chip through a ProfileProvider of its own).
        assertEquals(23, C.profiles().size());
        assertEquals(24, C.profileEntries().stream().filter(e -> e.source().endsWith("(bundled)")).count());
        assertEquals(12, C.systemEntries().size());
        assertEquals(39, C.modelEntries().size());
    }

    @Test
    void aChipIsNamedByItsFileNameAnAliasOrItsDisplayNameInAnyCase() {
        HardwareProfile h100 = C.profile("nvidia-h100-sxm");
        assertEquals("NVIDIA H100 SXM5 80GB", h100.name());
        assertSame(h100, C.profile("h100"));
        assertSame(h100, C.profile("H100"));
        assertSame(h100, C.profile("NVIDIA H100 SXM5 80GB"));
        assertEquals("AWS Trainium2", C.profile("trn2").name());
        assertEquals("Google TPU v6e (Trillium)", C.profile("v6e").name());
        assertEquals("NVIDIA A100 SXM4 80GB (calibrated)", C.profile("a100-vidur").name());
        assertEquals("NVIDIA HGX H100 8-GPU", C.system("hgx-h100").name());
        assertSame(C.system("hgx-h100").chip(), h100, "a bundled system's chip is the bundled profile itself");
    }

    @Test
    void everyAliasIsUniqueAndNoneIsAnotherEntrysName() {
        Map<String, String> owner = new HashMap<>();
        C.profileEntries().forEach(e -> owner.put(e.name(), e.name()));
        C.systemEntries().forEach(e -> owner.put(e.name(), e.name()));
        List<String> clashes = new ArrayList<>();
        C.profileEntries().forEach(e -> e.aliases().forEach(a -> {
            String was = owner.putIfAbsent(a.toLowerCase(Locale.ROOT), e.name());
            if (was != null) {
                clashes.add(a + ": " + was + " and " + e.name());
            }
        }));
        C.systemEntries().forEach(e -> e.aliases().forEach(a -> {
            String was = owner.putIfAbsent(a.toLowerCase(Locale.ROOT), e.name());
            if (was != null) {
                clashes.add(a + ": " + was + " and " + e.name());
            }
        }));
        assertTrue(clashes.isEmpty(), clashes.toString());
        assertTrue(C.profileEntries().stream().filter(e -> e.source().endsWith("(bundled)"))
                .allMatch(e -> !e.aliases().isEmpty()), "every bundled chip has a short name");
    }

    @Test
    void anUnknownNameListsTheCloseMatches() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> C.profile("h10"));
        assertTrue(e.getMessage().startsWith("no profile named 'h10' in the catalogue; close matches: "), e.getMessage());
        assertTrue(e.getMessage().contains("nvidia-h100-sxm (h100, h100-sxm)"), e.getMessage());
        assertTrue(e.getMessage().contains("opsim profiles lists them all"), e.getMessage());
        IllegalArgumentException model = assertThrows(IllegalArgumentException.class, () -> C.model("llama-3.1-7b"));
        assertTrue(model.getMessage().contains("llama-3.1-70b") && model.getMessage().contains("llama-3.1-8b"),
                model.getMessage());
        IllegalArgumentException system = assertThrows(IllegalArgumentException.class, () -> C.system("hgx"));
        assertTrue(system.getMessage().contains("nvidia-hgx-h100-8"), system.getMessage());
        IllegalArgumentException none = assertThrows(IllegalArgumentException.class, () -> C.profile("quantum-annealer"));
        assertEquals("no profile named 'quantum-annealer' in the catalogue (opsim profiles lists them all; a file path"
                + " works too)", none.getMessage());
    }

    @Test
    void aFilePathStillWorksAndAMissingOneIsNamed() {
        Path file = Repo.path("hardware-profiles/nvidia-h100-sxm.yaml");
        assertEquals(C.profile("h100"), C.profile(file.toString()));
        InputException missing = assertThrows(InputException.class, () -> C.profile("no/such/chip.yaml"));
        assertEquals("no/such/chip.yaml", missing.file());
        assertEquals("file not found", missing.problem());
    }

    @Test
    void modelsAreNamedAndAFixedGraphIsToldApart() {
        Model llama = Opsim.model("llama-3.1-70b");
        assertInstanceOf(TransformerModel.class, llama);
        assertEquals(70_553_706_496L, llama.parameterCount());
        assertInstanceOf(ImportedModel.Fixed.class, Opsim.importModel("llama-3.1-8b-decode"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Opsim.model("llama-3.1-8b-decode"));
        assertTrue(e.getMessage().startsWith("llama-3.1-8b-decode is a graph with fixed shapes"), e.getMessage());
    }

    @Test
    void aModelFileIsReadByContentWhateverItIsCalled(@TempDir Path dir) throws IOException {
        // A config.json saved as .yaml, and a native graph saved as .json: the importers look inside.
        Path config = dir.resolve("my-llama.yaml");
        Files.copy(Repo.path("models/hf/llama-3.1-8b.json"), config);
        Model m = Opsim.loadModel(config).requireModel("the test");
        assertEquals("my-llama", m.name());
        assertEquals(Opsim.model("llama-3.1-8b").parameterCount(), m.parameterCount());
        Path graph = dir.resolve("step.json");
        Files.copy(Repo.path("models/llama-3.1-8b-decode.yaml"), graph);
        assertInstanceOf(ImportedModel.Fixed.class, Opsim.loadModel(graph));
        Path notes = dir.resolve("notes.json");
        Files.writeString(notes, "{\"title\": \"not a model\"}");
        InputException e = assertThrows(InputException.class, () -> Opsim.loadModel(notes));
        assertTrue(e.problem().startsWith("not a model file opsim can read (tried: Hugging Face config.json, native graph file"),
                e.problem());
    }

    @Test
    void aUsersProfilesAddToTheCatalogueAndShadowBundledOnes(@TempDir Path dir) throws IOException {
        String h100 = Files.readString(Repo.path("hardware-profiles/nvidia-h100-sxm.yaml"));
        Files.writeString(dir.resolve("nvidia-h100-sxm.yaml"), h100.replace("name: \"NVIDIA H100 SXM5 80GB\"", "name: \"My H100\""));
        Files.writeString(dir.resolve("my-chip.yaml"), h100.replace("name: \"NVIDIA H100 SXM5 80GB\"", "name: \"My chip\"")
                .replace("aliases: [h100, h100-sxm]", "aliases: [mine]"));
        Catalogue mine = C.withProfiles(dir);
        assertEquals("My H100", mine.profile("nvidia-h100-sxm").name());
        assertEquals("My H100", mine.profile("h100").name(), "a user's aliases come first");
        assertEquals("My chip", mine.profile("mine").name());
        assertEquals(C.profiles().size() + 1, mine.profiles().size());
        assertEquals("NVIDIA H100 SXM5 80GB", C.profile("h100").name(), "the bundled catalogue is unchanged");
        // A bundled system refers to the bundled chip; a system of the user's folder finds its chip by name.
        Files.createDirectories(dir.resolve("systems"));
        Files.writeString(dir.resolve("systems/pair.yaml"), """
                name: "two of mine"
                aliases: [pair]
                chip: mine
                chipsPerNode: {value: 2, source: "s"}
                nodes: {value: 1, source: "s"}
                intraNode:
                  topology: switch
                  bandwidthBytesPerSecond: {value: 1.0e11, source: "s"}
                  latencySeconds: {value: 1.0e-6, source: "s"}
                """);
        assertEquals("My chip", C.withProfiles(dir).system("pair").chip().name());
    }

    @Test
    void aUsersModelsAddToTheCatalogueAndWhatIsNoModelIsListed(@TempDir Path dir) throws IOException {
        Files.createDirectories(dir.resolve("hf"));
        Files.copy(Repo.path("models/hf/mistral-7b.json"), dir.resolve("hf/my-mistral.json"));
        Files.createDirectories(dir.resolve("snapshot"));
        Files.copy(Repo.path("models/llama-3.1-8b-decode.yaml"), dir.resolve("step.yaml"));
        Files.writeString(dir.resolve("tokenizer.json"), "{\"version\": \"1.0\"}");
        Catalogue mine = C.withModels(dir);
        assertEquals(Opsim.model("mistral-7b").parameterCount(), mine.parametricModel("my-mistral", "test").parameterCount());
        assertInstanceOf(ImportedModel.Fixed.class, mine.model("step"));
        assertEquals(List.of(dir.resolve("tokenizer.json").toString()), mine.skipped());
        assertEquals(41, mine.modelEntries().size());
    }

    @Test
    void aBrokenConfigIsListedAsUnreadableAndLookingItUpThrowsItsError(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("broken.json"), "{\"model_type\": \"llama\", \"hidden_size\": 64}");
        Files.copy(Repo.path("models/hf/gpt2.json"), dir.resolve("mine.json"));
        Catalogue mine = C.withModels(dir);
        assertEquals(40, mine.modelEntries().size()); // the listing goes on
        assertEquals(java.util.Set.of("broken"), mine.unreadable().keySet());
        org.opsim.io.InputException e = assertThrows(org.opsim.io.InputException.class, () -> mine.model("broken"));
        assertEquals("missing required field 'vocab_size'", e.problem());
    }

    @Test
    void twoOfAUsersFilesWithOneNameAreRefused(@TempDir Path dir) throws IOException {
        // DIR/x.json and DIR/hf/x.json both give the model name "x": neither may silently win.
        Files.createDirectories(dir.resolve("hf"));
        Files.copy(Repo.path("models/hf/mistral-7b.json"), dir.resolve("x.json"));
        Files.copy(Repo.path("models/hf/mistral-7b.json"), dir.resolve("hf/x.json"));
        InputException e = assertThrows(InputException.class, () -> C.withModels(dir));
        assertTrue(e.getMessage().contains(dir.resolve("hf/x.json").toString()), e.getMessage());
        assertTrue(e.getMessage().contains("gives the catalogue name 'x', as " + dir.resolve("x.json")), e.getMessage());
        // The same for a chip in DIR and DIR/calibrated/.
        Path chips = dir.resolve("chips");
        Files.createDirectories(chips.resolve("calibrated"));
        Files.copy(Repo.path("hardware-profiles/nvidia-h100-sxm.yaml"), chips.resolve("h.yaml"));
        Files.copy(Repo.path("hardware-profiles/nvidia-h100-sxm.yaml"), chips.resolve("calibrated/h.yaml"));
        InputException p = assertThrows(InputException.class, () -> C.withProfiles(chips));
        assertTrue(p.getMessage().contains("gives the catalogue name 'h'"), p.getMessage());
    }

    @Test
    void providedProfilesIncludeTheBundledOnes() {
        List<HardwareProfile> provided = Opsim.providedProfiles();
        assertTrue(provided.contains(C.profile("h100")));
        assertTrue(provided.contains(C.profile("a40-vidur")));
        assertTrue(provided.stream().anyMatch(p -> p.name().equals("Provided Chip")), "the test provider's");
        assertNotEquals(0, C.profile("provided-chip").memory().capacityBytes().value());
    }

    @Test
    void aCatalogueModelCostsFromAnyWorkingDirectory() {
        // The tests run in src/core: a path relative to the repository root would not resolve here.
        assertTrue(Files.notExists(Path.of("hardware-profiles/nvidia-h100-sxm.yaml")));
        double seconds = Opsim.evaluate(Opsim.model("llama-3.1-8b").graph(Workload.decode(1, 1024)), Opsim.profile("h100"))
                .total().latencySeconds();
        assertTrue(seconds > 0);
    }

    @Test
    void docsCatalogueListsEveryNameWithItsAliases() throws IOException {
        // docs/catalogue.md's tables are the documented alias table: one row per entry, aliases as the files give them.
        String doc = Files.readString(Repo.path("docs/catalogue.md"));
        List<String> missing = new ArrayList<>();
        C.profileEntries().stream().filter(e -> e.source().endsWith("(bundled)")).forEach(e -> {
            String row = "| `" + e.name() + "` | " + String.join(", ", e.aliases().stream().map(a -> "`" + a + "`").toList())
                    + " | " + e.profile().name() + " |";
            if (!doc.contains(row)) {
                missing.add(row);
            }
        });
        C.systemEntries().forEach(e -> {
            String row = "| `" + e.name() + "` | " + String.join(", ", e.aliases().stream().map(a -> "`" + a + "`").toList())
                    + " | " + e.system().name() + " |";
            if (!doc.contains(row)) {
                missing.add(row);
            }
        });
        C.modelEntries().forEach(e -> {
            if (!doc.contains("| `" + e.name() + "` |")) {
                missing.add(e.name());
            }
        });
        assertTrue(missing.isEmpty(), "docs/catalogue.md lacks: " + missing);
    }
}
