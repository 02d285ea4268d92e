package org.opsim.hardware;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.opsim.Opsim;
import org.opsim.graph.OpKind;
import org.opsim.internal.load.StackLoader;
import org.opsim.io.InputException;

/** Stack files (hardware-profiles/stacks/): the shipped ones load; a broken one names its file and field. */
class StackLoadingTest {

    @Test
    void theShippedStacksLoadWithTheirSourcedBlockSizes() {
        SoftwareStack v = Opsim.stack("vllm");
        assertEquals("0.6-sourced", v.version());
        // vLLM csrc/layernorm_kernels.cu: block min(hidden, 1024); pos_encoding_kernels.cu: min(heads·rot/2, 512).
        assertEquals(1024, v.kernel(OpKind.RMSNORM).orElseThrow().blockThreads().orElseThrow().value());
        assertEquals(512, v.kernel(OpKind.ROPE).orElseThrow().blockThreads().orElseThrow().value());
        assertTrue(Opsim.stack("vllm@sarathi-serve-vidur-a100").kernel(OpKind.RMSNORM).orElseThrow().chain());
        assertEquals("vllm", Opsim.catalogue().defaultStack("NVIDIA").name());
        assertEquals("none", Opsim.catalogue().defaultStack("Groq").name());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Opsim.stack("vllm@nope"));
        assertTrue(e.getMessage().contains("0.6-sourced"), e.getMessage());
    }

    @Test
    void cyclesWithoutABlockSizeAreRefusedNamingTheFileAndField() {
        InputException e = assertThrows(InputException.class, () -> StackLoader.parse("""
                name: s
                versions:
                  - version: "1"
                    kernels:
                      - kind: rmsnorm
                        cyclesPerIteration: {value: 500, source: x}
                """, "s.yaml"));
        assertTrue(e.getMessage().startsWith("s.yaml: $.versions[0].kernels[0].blockThreads"), e.getMessage());
        InputException twice = assertThrows(InputException.class, () -> StackLoader.parse("""
                name: s
                versions:
                  - {version: "1"}
                  - {version: "1"}
                """, "s.yaml"));
        assertTrue(twice.getMessage().contains("$.versions[1].version"), twice.getMessage());
    }
}
