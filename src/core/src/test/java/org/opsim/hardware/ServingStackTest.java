package org.opsim.hardware;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.opsim.Catalogue;
import org.opsim.Opsim;
import org.opsim.internal.io.Documents;
import org.opsim.internal.load.StackLoader;
import org.opsim.internal.load.StackWriter;
import org.opsim.io.InputException;

/** The serving engines' sections of the stack files: shipped values, version fallback, round trip, refusals. */
class ServingStackTest {

    @Test
    void theShippedServingVersionsCarryTheEnginesDefaults() {
        Catalogue c = Opsim.catalogue();
        ServingEngine vllm = c.servingStack("vllm").stack().serving().orElseThrow();
        assertEquals("0.11-serving", c.servingStack("vllm").stack().version());
        assertEquals(ServingEngine.Scheduler.MIXED, vllm.scheduler());
        assertEquals(8192, vllm.tokenBudget());
        assertEquals(1024, vllm.batchLimit());
        assertEquals(16, vllm.blockTokens());
        assertEquals(0.9, vllm.memoryFraction().value());
        assertEquals(ServingEngine.MemoryBasis.TOTAL, vllm.basis());
        // vLLM V1's capture sizes: 1, 2, 4 and the multiples of 8 to 512: 3 + 64 sizes; 9 runs at 16, 513 as itself.
        assertEquals(67, vllm.graphBatchSizes().size());
        assertEquals(16, vllm.graphBatch(9));
        assertEquals(513, vllm.graphBatch(513));
        ServingEngine sglang = c.servingStack("sglang").stack().serving().orElseThrow();
        assertEquals(ServingEngine.Scheduler.PREFILL_FIRST, sglang.scheduler());
        ServingEngine trt = c.servingStack("trtllm").stack().serving().orElseThrow();
        assertEquals("tensorrt-llm", c.servingStack("trtllm").stack().name());
        assertEquals(ServingEngine.MemoryBasis.FREE, trt.basis());
        // The vendors' defaults: NVIDIA vLLM; Google a JetStream-style engine; AWS an NxD-style one.
        assertEquals("vllm@0.11-serving", c.defaultServingStack("NVIDIA").stack().id());
        assertEquals("jax-xla@jetstream-serving", c.defaultServingStack("Google").stack().id());
        assertEquals("neuron@nxdi-serving", c.defaultServingStack("AWS (Annapurna Labs)").stack().id());
        // The compiler stacks' serving versions take their default version's kernel rules (kernelsFrom).
        assertEquals(c.stack("jax-xla").kernels(), c.servingStack("jax-xla").stack().kernels());
        assertEquals(c.stack("neuron").kernels(), c.servingStack("neuron").stack().kernels());
    }

    @Test
    void aVersionTheFileDoesNotKnowTakesTheNearestWithANote() {
        Catalogue c = Opsim.catalogue();
        Catalogue.ServingStack s = c.servingStack("vllm@0.8.1.post2");
        assertEquals("0.11-serving", s.stack().version());
        assertTrue(s.note().orElseThrow().contains("nearest, 0.11-serving"), s.note().orElseThrow());
        assertTrue(c.servingStack("vllm@0.11-serving").note().isEmpty());
        assertEquals("0.5-serving", c.servingStack("sglang@0.5.9").stack().version());
        assertThrows(IllegalArgumentException.class, () -> c.servingStack("pytorch-eager"));
        assertThrows(IllegalArgumentException.class, () -> c.servingStack("nope"));
    }

    @Test
    void aServingVersionIsWrittenAndReadBackEqual() {
        SoftwareStack s = Opsim.catalogue().servingStack("tensorrt-llm").stack();
        String text = StackWriter.write(s, List.of(), Documents.Format.YAML);
        SoftwareStack back = StackLoader.parse(text, "t.yaml").defaultVersion();
        assertEquals(s, back);
    }

    private static final String HEAD = """
            name: s
            versions:
              - version: "1"
              - version: "2"
                serving:
                  scheduler: mixed
                  maxNumTokens: {value: 8192, source: x}
                  maxBatch: {value: 256, source: x}
                  chunkedPrefill: true
                  kvReservation: on-demand
                  memoryFraction: {value: FRACTION, source: x}
                  memoryBasis: total
                  runtimeReserveBytes: {value: 0, source: x}
                  kvBlockTokens: {value: 16, source: x}
                  graphBatchSizes: {sizes: SIZES, source: x}
                  stepOverheadSeconds: {value: 0, source: x}
                  sequenceOverheadSeconds: {value: 0, source: x}
                  requestOverheadSeconds: {value: 0, source: x}
            """;

    @Test
    void aBrokenServingSectionNamesTheField() {
        String ok = HEAD.replace("FRACTION", "0.9").replace("SIZES", "[1, 2, 4]");
        assertEquals(3, StackLoader.parse(ok, "s.yaml").versions().get(1).serving().orElseThrow().graphBatchSizes().size());
        InputException e = assertThrows(InputException.class, () -> StackLoader.parse(
                HEAD.replace("FRACTION", "1.2").replace("SIZES", "[1]"), "s.yaml"));
        assertTrue(e.getMessage().startsWith("s.yaml: $.versions[1].serving.memoryFraction"), e.getMessage());
        e = assertThrows(InputException.class, () -> StackLoader.parse(
                HEAD.replace("FRACTION", "0.9").replace("SIZES", "[4, 2]"), "s.yaml"));
        assertTrue(e.getMessage().startsWith("s.yaml: $.versions[1].serving.graphBatchSizes"), e.getMessage());
        e = assertThrows(InputException.class, () -> StackLoader.parse(
                HEAD.replace("FRACTION", "0.9").replace("SIZES", "[1]").replace("scheduler: mixed", "scheduler: fifo"), "s.yaml"));
        assertTrue(e.getMessage().startsWith("s.yaml: $.versions[1].serving.scheduler"), e.getMessage());
        e = assertThrows(InputException.class, () -> StackLoader.parse("""
                name: s
                versions:
                  - version: "1"
                    kernelsFrom: "0"
                """, "s.yaml"));
        assertTrue(e.getMessage().startsWith("s.yaml: $.versions[0].kernelsFrom"), e.getMessage());
    }
}
