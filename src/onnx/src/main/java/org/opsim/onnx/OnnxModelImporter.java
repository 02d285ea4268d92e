package org.opsim.onnx;

import java.nio.file.Path;
import org.opsim.model.ImportedModel;
import org.opsim.model.ModelImporter;

/**
 * The ONNX importer as a {@link ModelImporter}: a binary protobuf {@code ModelProto} (an
 * {@code .onnx} file, whatever it is called) becomes an {@link OnnxWorkloadModel}. Registered with
 * {@link java.util.ServiceLoader}, so any program with opsim-onnx on its class path (or module path)
 * reads ONNX files wherever it reads models: {@code opsim compare -m model.onnx}, {@code Opsim.model("model.onnx")}.
 */
public final class OnnxModelImporter implements ModelImporter {

    /** For {@link java.util.ServiceLoader}. */
    public OnnxModelImporter() {
    }

    @Override
    public String format() {
        return "ONNX model (binary protobuf)";
    }

    /**
     * A serialized {@code ModelProto} starts with the key of one of its fields 1–8 (ir_version,
     * producer, ..., graph, opset_import) in its wire type, and is not text.
     */
    @Override
    public boolean recognises(Path file, byte[] head) {
        if (head.length < 2) {
            return false;
        }
        int key = head[0] & 0xff;
        int field = key >>> 3;
        int wire = key & 7;
        boolean varintField = field == 1 || field == 5;
        boolean lengthField = field == 2 || field == 3 || field == 4 || field == 6 || field == 7 || field == 8;
        if (!(varintField && wire == 0 || lengthField && wire == 2)) {
            return false;
        }
        for (byte b : head) {
            if (b == 0) {
                return true; // text never holds NUL; a protobuf with an embedded graph almost always does
            }
        }
        return varintField && (head[1] & 0xff) < 0x20;
    }

    @Override
    public ImportedModel load(Path file, String name) {
        return new ImportedModel.Parametric(new OnnxWorkloadModel(name, OnnxImporter.read(file), java.util.Map.of()));
    }
}
