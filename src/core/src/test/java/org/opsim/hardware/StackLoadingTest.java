package org.opsim.hardware;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.opsim.Catalogue;
import org.opsim.Opsim;
import org.opsim.graph.OpKind;
import org.opsim.internal.load.StackLoader;
import org.opsim.io.InputException;

/** Stack files (hardware-profiles/stacks/): the shipped ones load; a broken one names its file and field. */
class StackLoadingTest {

    /**
     * A GEMM rule's overlap exponent is read from a stack file and written back: the one-line rule by hand, then
     * the shipped fitted version (whose matmul rule carries one) through the writer and the loader, equal.
     */
    @Test
    void anOverlapExponentIsReadAndWrittenBack() {
        SoftwareStack one = StackLoader.parse("""
                name: s
                versions:
                  - version: "1"
                    kernels:
                      - kind: matmul
                        overlapExponent: {value: 2.5, source: x}
                """, "s.yaml").defaultVersion();
        assertEquals(2.5, one.kernel(OpKind.MATMUL).orElseThrow().overlapExponent().orElseThrow().value());
        SoftwareStack fitted = Opsim.stack("vllm@sarathi-serve-vidur-a100");
        assertTrue(fitted.kernel(OpKind.MATMUL).orElseThrow().overlapExponent().orElseThrow().value() >= 1);
        String text = org.opsim.internal.load.StackWriter.write(fitted, List.of(),
                org.opsim.internal.io.Documents.Format.YAML);
        assertEquals(fitted, StackLoader.parse(text, "t.yaml").defaultVersion());
    }

    @Test
    void theShippedStacksLoadWithTheirSourcedBlockSizes() {
        // The default version is the one fitted on the A100 rows; the sourced structure is a version of its own.
        assertEquals("sarathi-serve-vidur-a100", Opsim.stack("vllm").version());
        SoftwareStack v = Opsim.stack("vllm@0.6-sourced");
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
    void everyShippedStackFileLoadsAndTheAsicVendorsDefaultToTheirCompilers() throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.list(ProfileTexts.PROFILES.resolve("stacks"))) {
            files = s.filter(f -> f.getFileName().toString().endsWith(".yaml")).sorted().toList();
        }
        List<String> names = files.stream().map(f -> f.getFileName().toString().replaceFirst("\\.yaml$", "")).toList();
        assertTrue(names.containsAll(List.of("jax-xla", "neuron", "pytorch-eager", "sglang", "tensorrt-llm", "vllm")),
                names.toString());
        Catalogue c = Opsim.catalogue();
        for (Path f : files) {
            StackLoader.StackFile s = StackLoader.load(f);
            String stem = f.getFileName().toString().replaceFirst("\\.yaml$", "");
            assertEquals(stem, s.name(), f.toString());
            assertEquals(s.defaultVersion(), c.stack(stem), f + ": the bundled copy");
        }
        assertEquals(names, c.stackFiles().stream().map(StackLoader.StackFile::name).sorted().toList());

        assertEquals("jax-xla", c.defaultStack("Google").name());
        assertEquals("neuron", c.defaultStack("AWS (Annapurna Labs)").name());
        assertEquals("vllm", c.defaultStack("NVIDIA").name());
        assertEquals("vllm", c.defaultStack("AMD").name());
        for (HardwareProfile h : c.profiles()) {
            String want = switch (h.vendor()) {
                case "Google" -> "jax-xla";
                case "AWS (Annapurna Labs)" -> "neuron";
                default -> null;
            };
            if (want != null) {
                assertEquals(want, c.defaultStack(h.vendor()).name(), h.name());
            }
        }
        // Defaults of the compiler stacks hold no figure (nothing sourced), only which element-wise kinds the
        // compiler fuses into their producers.
        for (String ref : List.of("jax-xla", "neuron")) {
            SoftwareStack s = c.stack(ref);
            assertTrue(s.launchSeconds().isEmpty() && s.floorSeconds().isEmpty(), s.id());
            assertEquals(java.util.Set.of(OpKind.ADD, OpKind.MUL, OpKind.SILU, OpKind.GELU, OpKind.SILU_AND_MUL),
                    s.kernels().stream().map(KernelRule::kind).collect(java.util.stream.Collectors.toSet()), s.id());
            assertTrue(s.kernels().stream().allMatch(r -> r.fused().isPresent() && r.overheadSeconds().isEmpty()
                    && r.computeFactor().isEmpty() && r.memoryFactor().isEmpty()), s.id());
        }
        // The NVIDIA serving engines are not a vendor's default (vllm stays it) and share cuBLAS's six sm80 tiles.
        for (String ref : List.of("sglang", "tensorrt-llm")) {
            assertTrue(c.stackFiles().stream().filter(f -> f.name().equals(ref)).findFirst().orElseThrow().vendors().isEmpty());
            KernelRule mm = c.stack(ref).kernel(OpKind.MATMUL).orElseThrow();
            assertEquals(6, mm.gemmConfigs().size(), ref);
            assertEquals(Opsim.stack("vllm").kernel(OpKind.MATMUL).orElseThrow().gemmConfigs().stream()
                    .map(g -> g.tileM() + "x" + g.tileN()).toList(),
                    mm.gemmConfigs().stream().map(g -> g.tileM() + "x" + g.tileN()).toList(), ref);
        }
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
        // A k on a split-K configuration would be ignored: refused instead, naming it.
        InputException splitK = assertThrows(InputException.class, () -> StackLoader.parse("""
                name: s
                versions:
                  - version: "1"
                    kernels:
                      - kind: matmul
                        gemmConfigs:
                          - {m: 128, n: 128, k: 32, source: x}
                """, "s.yaml"));
        assertTrue(splitK.getMessage().startsWith("s.yaml: $.versions[0].kernels[0].gemmConfigs[0].k"), splitK.getMessage());
        // An unknown decomposition is refused at its field, the message listing both ids.
        InputException unknownDecomposition = assertThrows(InputException.class, () -> StackLoader.parse("""
                name: s
                versions:
                  - version: "1"
                    kernels:
                      - kind: matmul
                        gemmConfigs:
                          - {m: 128, n: 128, decomposition: sliceK, source: x}
                """, "s.yaml"));
        assertTrue(unknownDecomposition.getMessage().startsWith("s.yaml: $.versions[0].kernels[0].gemmConfigs[0].decomposition"),
                unknownDecomposition.getMessage());
        assertTrue(unknownDecomposition.getMessage().contains("splitK or streamK"), unknownDecomposition.getMessage());
        // An overlap exponent below 1, or on a kind that is not a GEMM, is refused at its field.
        InputException overlap = assertThrows(InputException.class, () -> StackLoader.parse("""
                name: s
                versions:
                  - version: "1"
                    kernels:
                      - kind: matmul
                        overlapExponent: {value: 0.8, source: x}
                """, "s.yaml"));
        assertTrue(overlap.getMessage().startsWith("s.yaml: $.versions[0].kernels[0].overlapExponent.value"), overlap.getMessage());
        InputException offGemm = assertThrows(InputException.class, () -> StackLoader.parse("""
                name: s
                versions:
                  - version: "1"
                    kernels:
                      - kind: add
                        overlapExponent: {value: 2, source: x}
                """, "s.yaml"));
        assertTrue(offGemm.getMessage().startsWith("s.yaml: $.versions[0].kernels[0].overlapExponent"), offGemm.getMessage());
    }

    @Test
    void theServingStacksListTheirAllReduceKernelsAndABadListIsRefusedNamingTheField() {
        // vLLM's custom all-reduce: one-shot and two-shot for 2-8 chips, NCCL's ring and tree beyond.
        AllReduceAlgorithms v = Opsim.stack("vllm@0.11-serving").kernel(OpKind.ALL_REDUCE).orElseThrow().allReduce().orElseThrow();
        assertEquals(8, v.maxChips());
        assertTrue(v.allows(AllReduceAlgorithms.Algorithm.ONE_SHOT, 8));
        assertTrue(!v.allows(AllReduceAlgorithms.Algorithm.ONE_SHOT, 16) && v.allows(AllReduceAlgorithms.Algorithm.TREE, 16));
        assertEquals(16, Opsim.stack("tensorrt-llm@1.x-serving").kernel(OpKind.ALL_REDUCE).orElseThrow().allReduce()
                .orElseThrow().maxChips());
        // A list of peer kernels only still reaches NCCL beyond their group limit.
        StackLoader.StackFile only = StackLoader.parse("""
                name: s
                versions:
                  - version: "1"
                    kernels:
                      - kind: all_reduce
                        algorithms: {use: [one-shot], maxChips: 4, source: x}
                """, "s.yaml");
        AllReduceAlgorithms a = only.defaultVersion().kernel(OpKind.ALL_REDUCE).orElseThrow().allReduce().orElseThrow();
        assertTrue(a.allows(AllReduceAlgorithms.Algorithm.ONE_SHOT, 4) && !a.allows(AllReduceAlgorithms.Algorithm.RING, 4));
        assertTrue(!a.allows(AllReduceAlgorithms.Algorithm.ONE_SHOT, 8) && a.allows(AllReduceAlgorithms.Algorithm.RING, 8));
        InputException unknown = assertThrows(InputException.class, () -> StackLoader.parse("""
                name: s
                versions:
                  - version: "1"
                    kernels:
                      - kind: all_reduce
                        algorithms: {use: [ring, three-shot], source: x}
                """, "s.yaml"));
        assertTrue(unknown.getMessage().startsWith("s.yaml: $.versions[0].kernels[0].algorithms.use[1]"), unknown.getMessage());
        InputException wrongKind = assertThrows(InputException.class, () -> StackLoader.parse("""
                name: s
                versions:
                  - version: "1"
                    kernels:
                      - kind: matmul
                        algorithms: {use: [ring], source: x}
                """, "s.yaml"));
        assertTrue(wrongKind.getMessage().startsWith("s.yaml: $.versions[0].kernels[0].algorithms"), wrongKind.getMessage());
    }
}
