package org.opsim.internal.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.opsim.Repo;
import org.opsim.graph.Attention;
import org.opsim.graph.Graph;
import org.opsim.graph.MatMul;
import org.opsim.graph.Precision;
import org.opsim.internal.io.Documents;
import org.opsim.io.InputException;
import org.opsim.model.GraphFile;

class NativeGraphLoaderTest {

    private static GraphFile yaml(String text) {
        return NativeGraphLoader.parse(text, Documents.Format.YAML, "g.yaml");
    }

    private static InputException bad(String text) {
        return assertThrows(InputException.class, () -> yaml(text));
    }

    @Test
    void bundledLlamaDecodeStepHasThePublishedShapes() {
        GraphFile gf = NativeGraphLoader.load(Repo.path("models/llama-3.1-8b-decode.yaml"));
        Graph g = gf.graph();
        assertEquals(16, gf.tokensPerExecution().orElseThrow());
        assertEquals(32, g.blocks().get(1).repeat());
        // Weights touched per step = every matmul's B operand: per layer
        // qkv 4096·6144 + o 4096·4096 + gate_up 4096·28672 + down 14336·4096 = 218,103,808 params;
        // × 32 layers = 6,979,321,856, + lm_head 4096·128,256 = 525,336,576 → 7,504,658,432.
        // Plus the 525,336,576-param embedding table (only 16 rows read) gives 8,029,995,008 ≈ the
        // published 8.03B parameters of Llama-3.1-8B.
        double weights = 0;
        for (var b : g.blocks()) {
            for (var op : b.ops()) {
                if (op instanceof MatMul mm) {
                    weights += b.repeat() * (double) mm.k() * mm.n();
                }
            }
        }
        assertEquals(7_504_658_432.0, weights);
        assertEquals(8.03e9, weights + 128_256.0 * 4096, 0.01e9);
        Attention a = (Attention) g.blocks().get(1).ops().get(3);
        assertEquals(1, a.queryLength());
        assertEquals(4096, a.kvLength());
        assertEquals(8, a.kvHeads());
    }

    @Test
    void opsInheritTheGraphPrecisionAndMayOverrideIt() {
        GraphFile gf = yaml("""
                name: t
                precision: bf16
                blocks:
                  - name: b
                    ops:
                      - {kind: matmul, m: 2, n: 3, k: 4}
                      - {kind: matmul, m: 2, n: 3, k: 4, weightPrecision: fp8}
                      - {kind: softmax, rows: 2, cols: 8, precision: fp32}
                """);
        var ops = gf.graph().blocks().get(0).ops();
        assertEquals(new MatMul("matmul", 2, 3, 4, Precision.BF16), ops.get(0));
        assertEquals(new MatMul("matmul", 2, 3, 4, Precision.BF16, Precision.FP8, Precision.BF16), ops.get(1));
        assertEquals(Precision.FP32, ((org.opsim.graph.Softmax) ops.get(2)).precision());
        assertEquals(1, gf.graph().blocks().get(0).repeat());
    }

    @Test
    void customAndArchitectureOpsAreReadFromTheFile() {
        GraphFile gf = yaml("""
                name: t
                precision: bf16
                blocks:
                  - name: b
                    ops:
                      - {kind: custom, name: hc, supportKey: hyper_connection, vectorFlops: 3840, bytes: 1440}
                      - {kind: linear_attention, batch: 2, tokens: 1, keyHeads: 1, valueHeads: 2, keyDim: 4, valueDim: 8}
                      - {kind: attention, batch: 1, queryHeads: 2, kvHeads: 1, queryLength: 1, kvLength: 10, headDim: 4,
                         limit: window, keyLimit: 3}
                """);
        var ops = gf.graph().blocks().get(0).ops();
        assertEquals(new org.opsim.graph.CustomOp("hc", "hyper_connection", org.opsim.graph.Engine.VECTOR, 0, 3840, 1440,
                Precision.BF16), ops.get(0));
        assertEquals(1200.0, ops.get(1).bytes()); // as worked in ArchitectureOpsTest
        assertEquals(3.0, ((org.opsim.graph.Attention) ops.get(2)).scorePairs());
        InputException e = bad("""
                name: t
                precision: bf16
                blocks:
                  - name: b
                    ops:
                      - {kind: custom, supportKey: k, bytes: -1}
                """);
        assertEquals("$.blocks[0].ops[0].bytes", e.path());
    }

    @Test
    void unknownOpKindNamesItsPathAndTheValidKinds() {
        InputException e = bad("""
                name: t
                precision: bf16
                blocks:
                  - name: b
                    ops:
                      - {kind: matmul, m: 2, n: 3, k: 4}
                      - {kind: conv3d, m: 2}
                """);
        assertEquals("g.yaml", e.file());
        assertEquals("$.blocks[0].ops[1].kind", e.path());
        assertTrue(e.problem().contains("unknown op kind 'conv3d'"), e.problem());
        assertTrue(e.problem().contains("silu_and_mul"), e.problem());
    }

    @Test
    void negativeShapeIsRejectedAtItsField() {
        InputException e = bad("""
                name: t
                precision: bf16
                blocks:
                  - name: b
                    ops: [{kind: matmul, m: -2, n: 3, k: 4}]
                """);
        assertEquals("$.blocks[0].ops[0].m", e.path());
        assertEquals("must be > 0, got -2", e.problem());
    }

    @Test
    void shapesThatDoNotFitAreRejectedAtTheOp() {
        InputException e = bad("""
                name: t
                precision: bf16
                blocks:
                  - name: b
                    ops: [{kind: attention, name: attn, batch: 1, queryHeads: 32, kvHeads: 5, queryLength: 1, kvLength: 8, headDim: 128}]
                """);
        assertEquals("$.blocks[0].ops[0].kvHeads", e.path());
        assertEquals("queryHeads 32 is not a multiple of kvHeads 5", e.problem());
    }

    @Test
    void missingPrecisionWithoutAGraphDefaultIsNamed() {
        InputException e = bad("""
                name: t
                blocks:
                  - name: b
                    ops: [{kind: softmax, rows: 2, cols: 8}]
                """);
        assertEquals("$.blocks[0].ops[0]", e.path());
        assertTrue(e.problem().contains("precision"), e.problem());
    }

    @Test
    void unknownFieldAndFractionalRepeatAreRejected() {
        assertEquals("$.blocks[0].ops[0]", bad("""
                name: t
                precision: bf16
                blocks:
                  - name: b
                    ops: [{kind: softmax, rows: 2, cols: 8, colz: 9}]
                """).path());
        InputException e = bad("""
                name: t
                precision: bf16
                blocks:
                  - name: b
                    repeat: 2.5
                    ops: [{kind: softmax, rows: 2, cols: 8}]
                """);
        assertEquals("$.blocks[0].repeat", e.path());
        assertTrue(e.problem().contains("whole number"), e.problem());
    }

    @Test
    void malformedAndEmptyDocumentsAreNamedErrors() {
        InputException malformed = bad("name: t\nblocks: [ {name: b, ops: [");
        assertEquals("$", malformed.path());
        assertTrue(malformed.problem().startsWith("malformed YAML"), malformed.problem());
        assertEquals("needs at least one block", bad("name: t\nblocks: []\n").problem());
        InputException missing = assertThrows(InputException.class,
                () -> NativeGraphLoader.load(Path.of("models/no-such-model.yaml")));
        assertEquals("file not found", missing.problem());
    }
}
