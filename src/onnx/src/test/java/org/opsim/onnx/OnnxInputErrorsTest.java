package org.opsim.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.opsim.onnx.TestModels.FLOAT;
import static org.opsim.onnx.TestModels.in;
import static org.opsim.onnx.TestModels.node;
import static org.opsim.onnx.TestModels.out;
import static org.opsim.onnx.TestModels.tensor;
import static org.opsim.onnx.TestModels.value;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opsim.io.InputException;
import org.opsim.onnx.proto.Onnx.GraphProto;
import org.opsim.onnx.proto.Onnx.ModelProto;
import org.opsim.onnx.proto.Onnx.OperatorSetIdProto;

/** Bad input is an {@link InputException} naming the file, where in it, and what is wrong. */
class OnnxInputErrorsTest {
    private static final Map<String, Long> BERT_DIMS = Map.of("batch_size", 1L, "sequence_length", 16L);

    @TempDir
    static Path dir;
    private static byte[] miniLm;

    @BeforeAll
    static void readBytesOnce() {
        miniLm = TestModels.miniLmBytes();
    }

    private static InputException bad(Path file, Map<String, Long> dims) {
        return assertThrows(InputException.class, () -> OnnxImporter.load(file, dims));
    }

    @Test
    void truncatedFileIsCorrupt() {
        Path half = TestModels.write(dir, "half.onnx", Arrays.copyOf(miniLm, miniLm.length / 2));
        InputException e = bad(half, BERT_DIMS);
        assertEquals(half.toString(), e.file());
        assertEquals("$", e.path());
        assertTrue(e.problem().contains("truncated or corrupt"), e.problem());
    }

    @Test
    void randomBytesAreNotAModel() {
        byte[] noise = new byte[4096];
        new Random(42).nextBytes(noise);
        InputException e = bad(TestModels.write(dir, "noise.onnx", noise), BERT_DIMS);
        assertEquals("$", e.path());
    }

    @Test
    void textFileIsNotAModel() {
        byte[] text = "name: not a model\nblocks: []\n".getBytes(StandardCharsets.UTF_8);
        InputException e = bad(TestModels.write(dir, "model.yaml.onnx", text), BERT_DIMS);
        assertEquals("$", e.path());
    }

    @Test
    void emptyFileIsNotAModel() {
        InputException e = bad(TestModels.write(dir, "empty.onnx", new byte[0]), BERT_DIMS);
        assertEquals("$", e.path());
        assertEquals("empty file: not an ONNX model", e.problem());
    }

    @Test
    void missingFileIsNamed() {
        Path missing = dir.resolve("no-such-model.onnx");
        InputException e = bad(missing, BERT_DIMS);
        assertEquals(missing.toString(), e.file());
        assertEquals("file not found", e.problem());
    }

    @Test
    void modelWithoutGraph() {
        ModelProto m = ModelProto.newBuilder().setIrVersion(8)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setVersion(17)).build();
        InputException e = bad(TestModels.write(dir, "nograph.onnx", m), Map.of());
        assertEquals("$.graph", e.path());
        assertEquals("the model has no graph", e.problem());
    }

    @Test
    void unboundDimensionInAHandBuiltModel() {
        InputException e = bad(mismatch(), Map.of());
        assertEquals("$.graph.input[0](x)", e.path());
        assertTrue(e.problem().contains("not bound: rows"), e.problem());
    }

    @Test
    void matMulWhoseInnerDimsDisagreeNamesTheNode() {
        InputException e = bad(mismatch(), Map.of("rows", 4L));
        assertEquals("$.graph.node[1](/proj/MatMul)", e.path());
        assertTrue(e.problem().startsWith("MatMul: inner dimensions disagree: A [4, 8] · B [16, 4] (8 ≠ 16)"),
                e.problem());
    }

    @Test
    void bindingsMustBeSizes() {
        assertThrows(IllegalArgumentException.class, () -> OnnxImporter.load(mismatch(), Map.of("rows", -1L)));
    }

    /** x [rows, 8] → Relu → MatMul with a [16, 4] weight: 8 ≠ 16. */
    private static Path mismatch() {
        GraphProto.Builder g = GraphProto.newBuilder().setName("bad")
                .addInput(value("x", FLOAT, "rows", 8L))
                .addOutput(value("y", FLOAT, "rows", 4L))
                .addInitializer(tensor("w", FLOAT, new long[] {16, 4}))
                .addNode(node("Relu", "/act/Relu", in("x"), out("r")))
                .addNode(node("MatMul", "/proj/MatMul", in("r", "w"), out("y")));
        return TestModels.write(dir, "mismatch.onnx", TestModels.model(17, g));
    }
}
