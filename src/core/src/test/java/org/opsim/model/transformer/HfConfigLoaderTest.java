package org.opsim.model.transformer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.opsim.Repo;
import org.opsim.internal.load.HfConfigLoader;
import org.opsim.io.InputException;
import org.opsim.model.Workload;

/** config.json parsing: every family in the catalogue, and bad configs as named errors. */
class HfConfigLoaderTest {

    private static InputException bad(String json) {
        return assertThrows(InputException.class, () -> HfConfigLoader.parse(json, "config.json"));
    }

    @Test
    void everyCatalogueConfigLoads() throws Exception {
        try (Stream<Path> files = Files.list(Repo.path("models/hf"))) {
            long n = files.filter(f -> f.toString().endsWith(".json")).peek(HfConfigLoader::load).count();
            assertEquals(37, n); // the bundled configs, SOURCES.md lists them
        }
    }

    @Test
    void llamaFieldsAreRead() {
        TransformerConfig c = HfConfigLoader.load(Repo.path("models/hf/llama-3.1-70b.json"));
        assertEquals(8192, c.hiddenSize());
        assertEquals(80, c.layers());
        LayerSpec l = c.layerSpecs().get(0);
        assertEquals(1, c.layerGroups().size()); // 80 identical layers
        LayerSpec.Gqa g = (LayerSpec.Gqa) l.mixer();
        assertEquals(64, g.queryHeads());
        assertEquals(8, g.kvHeads());
        assertEquals(128, g.headDim()); // 8192 / 64
        assertEquals(28_672, ((LayerSpec.Dense) l.ffn()).width());
    }

    @Test
    void anUnsupportedModelTypeListsTheSupportedOnes() {
        InputException e = bad("{\"model_type\": \"t5\", \"d_model\": 512}");
        assertEquals("$.model_type", e.path());
        assertTrue(e.problem().contains("unsupported model_type 't5'"), e.problem());
        assertTrue(e.problem().contains("llama, mistral, qwen2, qwen3"), e.problem());
    }

    @Test
    void headsThatDoNotDivideTheHiddenSizeAreContradictory() {
        InputException e = bad("""
                {"model_type": "llama", "hidden_size": 4096, "num_attention_heads": 30, "num_key_value_heads": 10,
                 "num_hidden_layers": 2, "intermediate_size": 11008, "vocab_size": 32000}""");
        assertEquals("config.json", e.file());
        assertEquals("$.num_attention_heads", e.path());
        assertTrue(e.problem().contains("does not divide hidden_size 4096"), e.problem());
    }

    @Test
    void kvHeadsThatDoNotDivideTheHeadsAreContradictory() {
        InputException e = bad("""
                {"model_type": "mistral", "hidden_size": 4096, "num_attention_heads": 32, "num_key_value_heads": 6,
                 "num_hidden_layers": 2, "intermediate_size": 14336, "vocab_size": 32000}""");
        assertEquals("$.num_key_value_heads", e.path());
        assertEquals("the 32 attention heads are not a multiple of the 6 key/value heads", e.problem());
    }

    @Test
    void missingAndNonPositiveFieldsAreNamed() {
        InputException missing = bad("""
                {"model_type": "llama", "hidden_size": 4096, "num_attention_heads": 32,
                 "num_hidden_layers": 2, "vocab_size": 32000}""");
        assertEquals("$", missing.path());
        assertEquals("missing required field 'intermediate_size'", missing.problem());
        InputException zero = bad("""
                {"model_type": "gpt2", "n_embd": 768, "n_head": 12, "n_layer": 0, "vocab_size": 50257, "n_positions": 1024}""");
        assertEquals("$.n_layer", zero.path());
        assertEquals("must be > 0, got 0", zero.problem());
        InputException negative = bad("""
                {"model_type": "bert", "hidden_size": -768, "num_attention_heads": 12, "num_hidden_layers": 12,
                 "intermediate_size": 3072, "vocab_size": 30522, "max_position_embeddings": 512}""");
        assertEquals("$.hidden_size", negative.path());
    }

    @Test
    void moreExpertsPerTokenThanExpertsIsContradictory() {
        InputException e = bad("""
                {"model_type": "mixtral", "hidden_size": 4096, "num_attention_heads": 32, "num_key_value_heads": 8,
                 "num_hidden_layers": 2, "intermediate_size": 14336, "vocab_size": 32000,
                 "num_local_experts": 2, "num_experts_per_tok": 4}""");
        assertEquals("$.num_experts_per_tok", e.path());
        assertEquals("4 exceeds the 2 experts", e.problem());
    }

    @Test
    void malformedJsonIsANamedError() {
        InputException e = bad("{\"model_type\": \"llama\", ");
        assertEquals("$", e.path());
        assertTrue(e.problem().startsWith("malformed JSON"), e.problem());
    }

    @Test
    void badWorkloadsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> Workload.prefill(0, 128));
        assertThrows(IllegalArgumentException.class, () -> Workload.decode(1, -5));
        assertThrows(IllegalArgumentException.class, () -> Workload.generation(1, 128, 0));
        assertThrows(IllegalArgumentException.class, () -> Workload.decode(1, 128).withActivationRecompute(true));
        assertThrows(IllegalArgumentException.class, () -> Workload.prefill(1, 128).withTensorParallel(0));
    }
}
