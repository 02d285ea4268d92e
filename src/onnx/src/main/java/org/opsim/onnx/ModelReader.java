package org.opsim.onnx;

import com.google.protobuf.InvalidProtocolBufferException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.opsim.io.InputException;
import org.opsim.onnx.proto.Onnx.ModelProto;

/** Reads the bytes of an {@code .onnx} file into a {@code ModelProto} and checks it is a model with a graph. */
final class ModelReader {

    private ModelReader() {
    }

    static ModelProto read(Path file) {
        String label = file.toString();
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new InputException(label, "$", "file not found");
        } catch (IOException | OutOfMemoryError e) {
            throw new InputException(label, "$", "cannot read file: " + e.getMessage(), e);
        }
        return parse(bytes, label);
    }

    static ModelProto read(InputStream in, String label) {
        byte[] bytes;
        try {
            bytes = in.readAllBytes();
        } catch (IOException e) {
            throw new InputException(label, "$", "cannot read stream: " + e.getMessage(), e);
        }
        return parse(bytes, label);
    }

    static ModelProto parse(byte[] bytes, String label) {
        if (bytes.length == 0) {
            throw new InputException(label, "$", "empty file: not an ONNX model");
        }
        ModelProto model;
        try {
            model = ModelProto.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw new InputException(label, "$", "not a readable ONNX model: the protobuf data is truncated or corrupt ("
                    + e.getMessage() + ")", e);
        }
        if (model.getIrVersion() <= 0 && !model.hasGraph()) {
            throw new InputException(label, "$", "not an ONNX model: it has neither an ir_version nor a graph");
        }
        if (!model.hasGraph()) {
            throw new InputException(label, "$.graph", "the model has no graph");
        }
        if (model.getGraph().getNodeCount() == 0) {
            throw new InputException(label, "$.graph.node", "the graph has no nodes");
        }
        return model;
    }
}
