/**
 * opsim's ONNX importer: reads {@code .onnx} files (protobuf) into opsim graphs, and registers
 * itself as a {@link org.opsim.model.ModelImporter}. The generated ONNX messages are not exported.
 */
module org.opsim.onnx {
    requires transitive org.opsim.core;
    requires com.google.protobuf;

    exports org.opsim.onnx;

    opens org.opsim.onnx.proto to com.google.protobuf;

    provides org.opsim.model.ModelImporter with org.opsim.onnx.OnnxModelImporter;
}
