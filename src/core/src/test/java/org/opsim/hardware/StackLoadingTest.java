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
        // cuBLAS's sm80 fp16 tiles (six of them, 256×128 first) and its GEMV path up to 16 rows.
        KernelRule mm = v.kernel(OpKind.MATMUL).orElseThrow();
        assertEquals(6, mm.gemmConfigs().size());
        assertEquals(256, mm.gemmConfigs().get(0).tileM());
        assertEquals(128, mm.gemmConfigs().get(0).tileN());
        assertEquals(16, mm.gemv().orElseThrow().maxRows());
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
        InputException streamK = assertThrows(InputException.class, () -> StackLoader.parse("""
                name: s
                versions:
                  - version: "1"
                    kernels:
                      - kind: matmul
                        gemmConfigs:
                          - {m: 128, n: 128, decomposition: streamK, source: x}
                """, "s.yaml"));
        assertTrue(streamK.getMessage().startsWith("s.yaml: $.versions[0].kernels[0].gemmConfigs[0].k"), streamK.getMessage());
    }
}
