package org.opsim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.opsim.graph.Precision;

/** Hugging Face ids to bundled models: the shared serving measurements' ids, and the ids users write. */
class HuggingFaceIdsTest {

    private static final Catalogue C = Catalogue.bundled();

    private static void reads(String id, String model, Precision weights) {
        Catalogue.HuggingFaceModel m = C.huggingFace(id);
        assertEquals(model, m.model(), id + ": " + m.why());
        assertEquals(Optional.ofNullable(weights), m.weights(), id + ": " + m.why());
    }

    @Test
    void everyModelOfTheSharedServingMeasurementsResolves() throws IOException {
        // Column model_path of ../shared/validation/serving-b200-gb200.csv, each with the model it is (by name) and
        // the weights its name sets (only the publishers' -NVFP4 checkpoints set any; the file's precision column
        // says the rest).
        Map<String, String> want = new TreeMap<>(Map.ofEntries(
                Map.entry("MiniMaxAI/MiniMax-M2.5", "minimax-m2.5"), Map.entry("Qwen/Qwen3-32B", "qwen3-32b"),
                Map.entry("Qwen/Qwen3.5-397B-A17B", "qwen3.5-397b-a17b"), Map.entry("deepseek-ai/DeepSeek-R1", "deepseek-r1"),
                Map.entry("deepseek-ai/DeepSeek-V3", "deepseek-v3"), Map.entry("meta-llama/Llama-3.1-70B", "llama-3.1-70b"),
                Map.entry("moonshotai/Kimi-K2.5", "kimi-k2.5"), Map.entry("nvidia/DeepSeek-R1-NVFP4", "deepseek-r1"),
                Map.entry("nvidia/DeepSeek-V3.1-NVFP4", "deepseek-v3"), Map.entry("nvidia/Qwen3-32B-NVFP4", "qwen3-32b"),
                Map.entry("openai/gpt-oss-120b", "gpt-oss-120b"), Map.entry("zhipuai/GLM-5", "glm-5")));
        List<String> lines = Files.readAllLines(Repo.shared("validation/serving-b200-gb200.csv"));
        int column = List.of(lines.get(0).split(",")).indexOf("model_path");
        java.util.Set<String> ids = new java.util.TreeSet<>();
        for (String l : lines.subList(1, lines.size())) {
            // The id column is never quoted (no commas in ids), and comes before any quoted field.
            ids.add(l.split(",")[column]);
        }
        assertEquals(want.keySet(), ids);
        for (String id : ids) {
            reads(id, want.get(id), id.endsWith("-NVFP4") ? Precision.NVFP4 : null);
        }
    }

    @Test
    void theServingMeasurementsSystemNamesAreSystems() throws IOException {
        // Column system of ../shared/validation/serving-b200-gb200.csv: b200_sxm is an HGX B200 8-GPU server, gb200 a
        // GB200 NVL72 rack (the GB200 chip itself is gb200-gpu: every alias names one entry).
        List<String> lines = Files.readAllLines(Repo.shared("validation/serving-b200-gb200.csv"));
        int column = List.of(lines.get(0).split(",")).indexOf("system");
        java.util.Set<String> systems = new java.util.TreeSet<>();
        lines.subList(1, lines.size()).forEach(l -> systems.add(l.split(",")[column]));
        assertEquals(java.util.Set.of("b200_sxm", "gb200"), systems);
        assertEquals("NVIDIA HGX B200 8-GPU", C.system("b200_sxm").name());
        assertEquals("NVIDIA B200 (HGX)", C.system("b200_sxm").chip().name());
        assertEquals(8, C.system("b200_sxm").chipsPerNode().value());
        assertEquals("NVIDIA GB200 NVL72", C.system("gb200").name());
        assertEquals("NVIDIA GB200 (per GPU)", C.system("gb200").chip().name());
        assertEquals(72, C.system("gb200").chipsPerNode().value());
        assertEquals("NVIDIA GB200 (per GPU)", C.profile("gb200-gpu").name());
        assertEquals("NVIDIA HGX H100 8-GPU", C.system("h100_sxm").name());
        assertEquals("NVIDIA H200 SXM 141GB", C.system("h200_sxm").chip().name());
    }

    @Test
    void theIdsUsersWriteForTheSameArchitecturesResolve() {
        reads("meta-llama/Llama-3.1-8B-Instruct", "llama-3.1-8b", null);
        reads("meta-llama/Meta-Llama-3.1-70B-Instruct", "llama-3.1-70b", null);
        reads("nvidia/Llama-3.1-8B-Instruct-FP8", "llama-3.1-8b", Precision.FP8);
        reads("Qwen/Qwen3-235B-A22B-FP8", "qwen3-235b-a22b", Precision.FP8);
        reads("Qwen/Qwen3-235B-A22B-Instruct-2507-FP8", "qwen3-235b-a22b", Precision.FP8);
        reads("nvidia/DeepSeek-R1-NVFP4", "deepseek-r1", Precision.NVFP4);
        reads("deepseek-ai/DeepSeek-R1-0528", "deepseek-r1", null);
        reads("zai-org/GLM-5", "glm-5", null);
        reads("google/gemma-3-27b-it", "gemma-3-27b", null);
        reads("meta-llama/Llama-4-Scout-17B-16E-Instruct", "llama-4-scout", null);
        reads("nvidia/NVIDIA-Nemotron-3-Nano-30B-A3B-FP8", "nemotron-3-nano", Precision.FP8);
        reads("openai/gpt-oss-20b", "gpt-oss-20b", null);
        // What was read is said: the organisation and the suffixes.
        Catalogue.HuggingFaceModel m = C.huggingFace("nvidia/Llama-3.1-8B-Instruct-FP8");
        assertTrue(m.why().contains("organisation nvidia read as meta-llama") && m.why().contains("weights fp8 from -fp8")
                && m.why().contains("-instruct dropped"), m.why());
        assertEquals("models/hf/SOURCES.md: the config's repository", C.huggingFace("meta-llama/Llama-3.1-8B").why());
    }

    @Test
    void everyRowNamesABundledModelAndAnUnknownIdIsRefusedWithCloseMatches() {
        for (Catalogue.HuggingFaceModel m : List.of(C.huggingFace("meta-llama/Llama-3.1-405B"), C.huggingFace("XiaomiMiMo/MiMo-V2-Flash"))) {
            assertTrue(C.modelEntries().stream().anyMatch(e -> e.name().equals(m.model())), m.model());
        }
        org.opsim.internal.load.HuggingFaceIds table = org.opsim.internal.load.HuggingFaceIds.parse(
                org.opsim.internal.load.Bundled.read("models/hf/huggingface-ids.tsv"), "table");
        table.repos().forEach((repo, model) -> assertTrue(C.modelEntries().stream().anyMatch(e -> e.name().equals(model)),
                repo + " -> " + model));
        // Every bundled Hugging Face config but GPT-3's (synthesised: no repository) has its repository in the table.
        long configs = C.modelEntries().stream().filter(e -> e.source().contains("models/hf/")).count();
        assertEquals(configs - 1, new java.util.HashSet<>(table.repos().values()).size());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> C.huggingFace("meta-llama/Llama-3.3-70B-Instruct"));
        assertTrue(e.getMessage().contains("meta-llama/Llama-3.3-70B-Instruct") && e.getMessage().contains("Llama-3.1-70B"),
                e.getMessage());
    }
}
