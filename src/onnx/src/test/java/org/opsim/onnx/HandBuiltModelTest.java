package org.opsim.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.opsim.onnx.TestModels.FLOAT16;
import static org.opsim.onnx.TestModels.FLOAT;
import static org.opsim.onnx.TestModels.INT64;
import static org.opsim.onnx.TestModels.attr;
import static org.opsim.onnx.TestModels.in;
import static org.opsim.onnx.TestModels.list;
import static org.opsim.onnx.TestModels.node;
import static org.opsim.onnx.TestModels.out;
import static org.opsim.onnx.TestModels.tensor;
import static org.opsim.onnx.TestModels.value;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opsim.graph.BatchedMatMul;
import org.opsim.graph.ComputeOp;
import org.opsim.graph.Embedding;
import org.opsim.graph.Gelu;
import org.opsim.graph.LayerNorm;
import org.opsim.graph.MatMul;
import org.opsim.graph.Op;
import org.opsim.graph.Precision;
import org.opsim.graph.RmsNorm;
import org.opsim.graph.Silu;
import org.opsim.graph.Softmax;
import org.opsim.onnx.proto.Onnx.GraphProto;
import org.opsim.onnx.proto.Onnx.TensorProto;

/** Small models built here with the protobuf builders, one per group of ops and patterns. */
class HandBuiltModelTest {

    @TempDir
    Path dir;

    /**
     * fp16 CNN head: Conv 3→16 (3×3, stride 2, pad 1) → depthwise Conv 16→16 (3×3, group 16, pad 1) →
     * Flatten → Gemm to 64 (transB) → tanh-GELU written out as 0.5·x · (1 + tanh(√(2/π)·(x + 0.044715·x³)))
     * → MatMul to 10 → TopK(3), which opsim has no operator for.
     */
    private Path cnn() {
        double[] none = {};
        TensorProto three = TensorProto.newBuilder().setDataType(FLOAT16).addInt32Data(TestModels.half(3.0)).build();
        GraphProto.Builder g = GraphProto.newBuilder().setName("cnn")
                .addInput(value("x", FLOAT16, "batch", 3L, 32L, 32L))
                .addOutput(value("top", FLOAT16, "batch", 3L))
                .addOutput(value("top_idx", INT64, "batch", 3L))
                .addInitializer(tensor("conv1.w", FLOAT16, new long[] {16, 3, 3, 3}, none))
                .addInitializer(tensor("conv1.b", FLOAT16, new long[] {16}, none))
                .addInitializer(tensor("dw.w", FLOAT16, new long[] {16, 1, 3, 3}, none))
                .addInitializer(tensor("fc.w", FLOAT16, new long[] {64, 4096}, none))
                .addInitializer(tensor("fc.b", FLOAT16, new long[] {64}, none))
                .addInitializer(tensor("head.w", FLOAT16, new long[] {64, 10}, none))
                .addInitializer(tensor("half", FLOAT16, new long[0], 0.5))
                .addInitializer(tensor("cubic", FLOAT16, new long[0], 0.044715))
                .addInitializer(tensor("sqrt_2_over_pi", FLOAT16, new long[0], Math.sqrt(2 / Math.PI)))
                .addInitializer(tensor("one", FLOAT16, new long[0], 1.0))
                .addInitializer(TestModels.ints("k", new long[] {1}, 3))
                .addNode(node("Conv", "/features/conv1", in("x", "conv1.w", "conv1.b"), out("c1"),
                        list("pads", 1, 1, 1, 1), list("strides", 2, 2), list("kernel_shape", 3, 3)))
                .addNode(node("Conv", "/features/dw", in("c1", "dw.w"), out("c2"),
                        attr("group", 16), list("pads", 1, 1, 1, 1)))
                .addNode(node("Flatten", "/flatten", in("c2"), out("flat"), attr("axis", 1)))
                .addNode(node("Gemm", "/mlp/fc", in("flat", "fc.w", "fc.b"), out("h"), attr("transB", 1)))
                .addNode(node("Constant", "/mlp/act/three", in(), out("three"), attr("value", three)))
                .addNode(node("Pow", "/mlp/act/Pow", in("h", "three"), out("h3")))
                .addNode(node("Mul", "/mlp/act/Mul", in("cubic", "h3"), out("t1")))
                .addNode(node("Add", "/mlp/act/Add", in("h", "t1"), out("t2")))
                .addNode(node("Mul", "/mlp/act/Mul_1", in("t2", "sqrt_2_over_pi"), out("t3")))
                .addNode(node("Tanh", "/mlp/act/Tanh", in("t3"), out("t4")))
                .addNode(node("Add", "/mlp/act/Add_1", in("one", "t4"), out("t5")))
                .addNode(node("Mul", "/mlp/act/Mul_2", in("h", "half"), out("hh")))
                .addNode(node("Mul", "/mlp/act/Mul_3", in("hh", "t5"), out("act")))
                .addNode(node("MatMul", "/head", in("act", "head.w"), out("logits")))
                .addNode(node("TopK", "topk", in("logits", "k"), out("top", "top_idx"), attr("axis", -1)));
        return TestModels.write(dir, "cnn.onnx", TestModels.model(13, g));
    }

    @Test
    void anUnnamedDimensionIsBoundAsInputColonIndex(@org.junit.jupiter.api.io.TempDir Path tmp) {
        GraphProto.Builder g = GraphProto.newBuilder().setName("unnamed")
                .addInput(value("x", FLOAT16, null, 8L))
                .addOutput(value("y", FLOAT16, null, 4L))
                .addInitializer(tensor("w", FLOAT16, new long[] {8, 4}, new double[0]))
                .addNode(node("MatMul", "mm", in("x", "w"), out("y")));
        Path file = TestModels.write(tmp, "unnamed.onnx", TestModels.model(13, g));
        OnnxModel m = OnnxImporter.read(file);
        assertEquals(java.util.Set.of("x:0"), m.symbolicDimensions());
        OnnxImport r = m.bind(Map.of("x:0", 5L));
        assertEquals(List.of(new MatMul("mm", 5, 4, 8, Precision.FP16)), r.graph().blocks().get(0).ops());
        org.opsim.io.InputException e = org.junit.jupiter.api.Assertions.assertThrows(org.opsim.io.InputException.class,
                () -> m.bind(Map.of()));
        assertTrue(e.problem().contains("bind it as x:0=SIZE"), e.problem());
    }

    @Test
    void allowingUnmappedCostsTheTopKAsAnElementwiseOpOverItsKnownTensorsAndSaysSo() {
        OnnxWorkloadModel m = new OnnxWorkloadModel("cnn", OnnxImporter.read(cnn()), Map.of());
        IllegalArgumentException refused = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> m.graph(org.opsim.model.Workload.prefill(2, 1)));
        assertTrue(refused.getMessage().contains("by type: {TopK=1}"), refused.getMessage());
        OnnxImport r = m.allowingUnmapped().bind(org.opsim.model.Workload.prefill(2, 1));
        assertEquals(Map.of(), r.unmappedOpTypes());
        Op topk = r.graph().blocks().get(0).ops().stream().filter(o -> o.name().equals("unmapped.TopK:topk"))
                .findFirst().orElseThrow();
        assertEquals(org.opsim.graph.OpKind.ADD, topk.kind());
        assertTrue(r.notes().stream().anyMatch(n -> n.contains("{TopK=1} are costed as memory-bound elementwise ops")),
                r.notes().toString());
        assertTrue(m.allowingUnmapped().describe().contains("--allow-unmapped"));
    }

    @Test
    void convGemmTanhGeluAndAnUnmappedTopK() {
        OnnxImport r = OnnxImporter.load(cnn(), Map.of("batch", 2L));
        List<Op> ops = r.graph().blocks().get(0).ops();
        // conv1: 32×32 → floor((32 + 1 + 1 − 1·(3 − 1) − 1) / 2) + 1 = 16 per side; implicit GEMM
        //   m = N·H·W = 2·16·16 = 512, n = C_out = 16, k = C_in·3·3 = 27.
        // dw: stride 1, pad 1 keeps 16×16; group 16 → k = (16/16)·3·3 = 9, n = 16.
        // fc: Gemm [2, 4096]·[64, 4096]ᵀ → m = 2, n = 64, k = 16·16·16 = 4096.
        // GELU over 2·64 = 128 values; head: m = 2, n = 10, k = 64.
        assertEquals(List.of(
                new MatMul("/features/conv1", 512, 16, 27, Precision.FP16),
                new MatMul("/features/dw", 512, 16, 9, Precision.FP16),
                new MatMul("/mlp/fc", 2, 64, 4096, Precision.FP16),
                new Gelu("/mlp/act", 128, Precision.FP16),
                new MatMul("/head", 2, 10, 64, Precision.FP16)), ops);
        // 2·(512·16·27 + 512·16·9 + 2·64·4096 + 2·10·64) = 442,368 + 147,456 + 1,048,576 + 2,560.
        double flops = ops.stream().mapToDouble(o -> ((ComputeOp) o).matrixFlops()).sum();
        assertEquals(1_640_960.0, flops);

        assertEquals(Map.of("TopK", 1), r.unmappedOpTypes());
        assertEquals(List.of("topk"), r.unmappedNodes());
        assertEquals(Map.of("Flatten", 1, "Constant", 1), r.foldedOpTypes());
        assertEquals(Map.of("Conv", 2, "Gemm", 1, "Pow", 1, "Mul", 4, "Add", 2, "Tanh", 1, "MatMul", 1),
                r.mappedOpTypes());
        // conv1 16·27 + 16, dw 16·9, fc 64·4096 + 64, head 64·10, and the four fp16 scalar initializers
        // (0.5, 0.044715, √(2/π), 1) = 448 + 144 + 262,208 + 640 + 4; the int64 k of TopK is not a parameter.
        assertEquals(263_444L, r.parameterCount());
    }

    @Test
    void precisionOverrideAppliesToEveryOperand() {
        OnnxImport r = OnnxImporter.load(cnn(), Map.of("batch", 2L), Precision.FP8);
        assertEquals(new MatMul("/features/conv1", 512, 16, 27, Precision.FP8),
                r.graph().blocks().get(0).ops().get(0));
    }

    /**
     * Llama-style MLP in fp32 at opset 18 (ReduceMean and Unsqueeze take their axes as inputs):
     * RMSNorm as x · 1/√(mean(x²) + ε) · γ, then W_gate, SiLU as g · sigmoid(g), a Reshape to
     * [-1, 16] whose 16 is read back at run time through Shape → Gather → Unsqueeze → Concat, W_down,
     * and a Reshape back to the input's shape.
     */
    @Test
    void rmsNormAndSiluSubgraphsAreFusedAndComputedShapesResolve() {
        GraphProto.Builder g = GraphProto.newBuilder().setName("mlp")
                .addInput(value("x", FLOAT, "batch", "seq", 8L))
                .addOutput(value("y", FLOAT, "batch", "seq", 8L))
                .addInitializer(tensor("two", FLOAT, new long[0], 2))
                .addInitializer(tensor("eps", FLOAT, new long[0], 1e-6))
                .addInitializer(tensor("gamma", FLOAT, new long[] {8}))
                .addInitializer(tensor("w_gate", FLOAT, new long[] {8, 16}))
                .addInitializer(tensor("w_down", FLOAT, new long[] {16, 8}))
                .addInitializer(TestModels.ints("last", new long[] {1}, -1))
                .addInitializer(TestModels.ints("minus_one", new long[] {1}, -1))
                .addInitializer(TestModels.ints("axis0", new long[] {1}, 0))
                .addInitializer(TestModels.ints("dim2", new long[0], 2))
                .addNode(node("Pow", "/norm/Pow", in("x", "two"), out("x2")))
                .addNode(node("ReduceMean", "/norm/ReduceMean", in("x2", "last"), out("ms")))
                .addNode(node("Add", "/norm/Add", in("ms", "eps"), out("mse")))
                .addNode(node("Sqrt", "/norm/Sqrt", in("mse"), out("rms")))
                .addNode(node("Reciprocal", "/norm/Reciprocal", in("rms"), out("inv")))
                .addNode(node("Mul", "/norm/Mul", in("x", "inv"), out("xn")))
                .addNode(node("Mul", "/norm/Mul_1", in("gamma", "xn"), out("n")))
                .addNode(node("MatMul", "/mlp/gate", in("n", "w_gate"), out("gate")))
                .addNode(node("Sigmoid", "/mlp/act/Sigmoid", in("gate"), out("sig")))
                .addNode(node("Mul", "/mlp/act/Mul", in("gate", "sig"), out("act")))
                .addNode(node("Shape", "/mlp/Shape", in("act"), out("shape")))
                .addNode(node("Gather", "/mlp/Gather", in("shape", "dim2"), out("width")))
                .addNode(node("Unsqueeze", "/mlp/Unsqueeze", in("width", "axis0"), out("width1")))
                .addNode(node("Concat", "/mlp/Concat", in("minus_one", "width1"), out("rows_shape"), attr("axis", 0)))
                .addNode(node("Reshape", "/mlp/Reshape", in("act", "rows_shape"), out("rows")))
                .addNode(node("MatMul", "/mlp/down", in("rows", "w_down"), out("y2")))
                .addNode(node("Shape", "/mlp/Shape_1", in("x"), out("x_shape")))
                .addNode(node("Reshape", "/mlp/Reshape_1", in("y2", "x_shape"), out("y")));
        Path file = TestModels.write(dir, "mlp.onnx", TestModels.model(18, g));
        OnnxImport r = OnnxImporter.load(file, Map.of("batch", 3L, "seq", 5L));
        // 3·5 = 15 rows of width 8; gate 8 → 16; SiLU over 15·16 = 240; Reshape [3, 5, 16] → [-1, 16] =
        // [15, 16]; down 16 → 8.
        assertEquals(List.of(
                new RmsNorm("/norm", 15, 8, Precision.FP32),
                new MatMul("/mlp/gate", 15, 16, 8, Precision.FP32),
                new Silu("/mlp/act", 240, Precision.FP32),
                new MatMul("/mlp/down", 15, 8, 16, Precision.FP32)), r.graph().blocks().get(0).ops());
        assertEquals(Map.of("Pow", 1, "ReduceMean", 1, "Add", 1, "Sqrt", 1, "Reciprocal", 1, "Mul", 3, "Sigmoid", 1,
                "MatMul", 2), r.mappedOpTypes());
        assertEquals(Map.of("Shape", 2, "Gather", 1, "Unsqueeze", 1, "Concat", 1, "Reshape", 2), r.foldedOpTypes());
        assertTrue(r.unmappedNodes().isEmpty(), r.unmappedNodes().toString());
    }

    /** Ops ONNX has natively (opset 20), each mapped to one opsim op, and a bias Add folded into its MatMul. */
    @Test
    void standardOpsMapOneToOne() {
        GraphProto.Builder g = GraphProto.newBuilder().setName("ops")
                .addInput(value("x", FLOAT, 2L, 4L, 8L))
                .addInput(value("ids", INT64, 2L, 4L))
                .addInput(value("img", FLOAT, 1L, 4L, 5L, 5L))
                .addOutput(value("probs", FLOAT, 2L, 4L, 4L))
                .addOutput(value("emb", FLOAT, 2L, 4L, 8L))
                .addOutput(value("up", FLOAT, 1L, 2L, 11L, 11L))
                .addInitializer(tensor("gamma", FLOAT, new long[] {8}))
                .addInitializer(tensor("beta", FLOAT, new long[] {8}))
                .addInitializer(tensor("w", FLOAT, new long[] {8, 8}))
                .addInitializer(tensor("b", FLOAT, new long[] {8}))
                .addInitializer(tensor("table", FLOAT, new long[] {10, 8}))
                .addInitializer(tensor("up.w", FLOAT, new long[] {4, 2, 3, 3}))
                .addNode(node("LayerNormalization", "ln", in("x", "gamma", "beta"), out("n"), attr("axis", -1)))
                .addNode(node("Gelu", "gelu", in("n"), out("a")))
                .addNode(node("MatMul", "proj", in("a", "w"), out("p")))
                .addNode(node("Add", "proj_bias", in("p", "b"), out("h")))
                .addNode(node("Transpose", "kt", in("h"), out("ht"), list("perm", 0, 2, 1)))
                .addNode(node("MatMul", "scores", in("h", "ht"), out("s")))
                .addNode(node("Softmax", "softmax", in("s"), out("probs"), attr("axis", -1)))
                .addNode(node("Gather", "lookup", in("table", "ids"), out("emb")))
                .addNode(node("ConvTranspose", "upsample", in("img", "up.w"), out("up"), list("strides", 2, 2)));
        OnnxImport r = OnnxImporter.load(TestModels.write(dir, "ops.onnx", TestModels.model(20, g)), Map.of());
        // ln: 2·4 = 8 rows of 8; gelu 64 values; proj m = 8, n = k = 8; scores [2,4,8]·[2,8,4]: 2 products
        // of 4×4 over k = 8; softmax 2·4 = 8 rows of 4; lookup 2·4 = 8 ids into a 10 × 8 table;
        // upsample: 5 → 2·(5 − 1) + 3 = 11 per side, one GEMM row per input pixel (m = 5·5 = 25),
        // k = C_in = 4, n = C_out·3·3 = 2·9 = 18.
        assertEquals(List.of(
                new LayerNorm("ln", 8, 8, Precision.FP32),
                new Gelu("gelu", 64, Precision.FP32),
                new MatMul("proj", 8, 8, 8, Precision.FP32),
                new BatchedMatMul("scores", 2, 4, 4, 8, Precision.FP32),
                new Softmax("softmax", 8, 4, Precision.FP32),
                new Embedding("lookup", 8, 8, 10, Precision.FP32),
                new MatMul("upsample", 25, 18, 4, Precision.FP32)), r.graph().blocks().get(0).ops());
        assertEquals(Map.of("Add", 1, "Transpose", 1), r.foldedOpTypes());
        assertTrue(r.unmappedOpTypes().isEmpty());
    }
}
