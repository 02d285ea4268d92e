package org.opsim.onnx;

import java.io.InputStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import org.opsim.graph.Precision;

/**
 * Imports real {@code .onnx} files as opsim graphs.
 *
 * <pre>{@code
 * OnnxImport bert = OnnxImporter.load(Path.of("model.onnx"),
 *         Map.of("batch_size", 1L, "sequence_length", 128L));
 * Evaluation e = Opsim.evaluate(bert.graph(), h100);
 * bert.unmappedNodes();   // what was not costed
 * }</pre>
 *
 * <p>Symbolic input dimensions ({@code dim_param}) must all be bound. Every tensor then gets concrete
 * dims, ops are mapped (MatMul, Gemm and Conv as matmuls, Softmax, LayerNorm and RMSNorm, GELU and
 * SiLU, elementwise Add/Mul, embedding Gathers; decomposed norms and activations are fused), layout
 * ops are folded as free, and everything else is reported as unmapped. Bad input (a missing,
 * truncated or non-ONNX file, an unbound dimension, operands whose shapes do not fit) is an
 * {@link org.opsim.io.InputException} naming the file, the node and the problem. See
 * {@code docs/importers.md}.
 */
public final class OnnxImporter {

    private OnnxImporter() {
    }

    /** Imports with each op costed in its tensors' own ONNX element types. */
    public static OnnxImport load(Path file, Map<String, Long> dimensionBindings) {
        return read(file).bind(dimensionBindings);
    }

    /** Imports with every op costed in {@code precision} (e.g. an fp32 export costed as if served in bf16). */
    public static OnnxImport load(Path file, Map<String, Long> dimensionBindings, Precision precision) {
        return read(file).bind(dimensionBindings, precision);
    }

    /** Parses a model file once, to bind it at several dimensions. */
    public static OnnxModel read(Path file) {
        Objects.requireNonNull(file, "file");
        Path dir = file.toAbsolutePath().getParent();
        return new OnnxModel(file.toString(), dir, ModelReader.read(file));
    }

    /**
     * Parses a model from a stream (read to its end, not closed); {@code label} names it in errors.
     * External tensor data cannot be located for a stream; only small constants ever need it.
     */
    public static OnnxModel read(InputStream in, String label) {
        Objects.requireNonNull(in, "in");
        Objects.requireNonNull(label, "label");
        return new OnnxModel(label, null, ModelReader.read(in, label));
    }
}
