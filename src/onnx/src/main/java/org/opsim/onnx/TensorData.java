package org.opsim.onnx;

import com.google.protobuf.ByteString;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.opsim.onnx.proto.Onnx.StringStringEntryProto;
import org.opsim.onnx.proto.Onnx.TensorProto;

/**
 * Reads the elements of a {@code TensorProto} (initializer or Constant attribute) when they are
 * needed at import time: from {@code raw_data} (little-endian), the typed repeated fields, or an
 * external data file beside the model. Throws {@link IllegalArgumentException} with the problem;
 * callers add the location.
 */
final class TensorData {

    /** Folder the model file lies in, for external data; null when the model came from a stream. */
    private final Path modelDirectory;

    TensorData(Path modelDirectory) {
        this.modelDirectory = modelDirectory;
    }

    static long[] dims(TensorProto t) {
        long[] dims = new long[t.getDimsCount()];
        for (int i = 0; i < dims.length; i++) {
            dims[i] = t.getDims(i);
            if (dims[i] < 0) {
                throw new IllegalArgumentException("negative dimension " + dims[i] + " in dims " + t.getDimsList());
            }
        }
        return dims;
    }

    static long elements(long[] shape) {
        long n = 1;
        for (long d : shape) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    /** The tensor's elements as a {@link Value}. */
    Value decode(TensorProto t) {
        long[] shape = dims(t);
        long count = elements(shape);
        if (count > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("tensor of " + count + " elements is too large to read");
        }
        int n = (int) count;
        int type = t.getDataType();
        ByteString raw = t.getDataLocation() == TensorProto.DataLocation.EXTERNAL ? external(t) : t.getRawData();
        double[] values;
        if (!raw.isEmpty() || t.getDataLocation() == TensorProto.DataLocation.EXTERNAL) {
            values = fromRaw(raw, type, n);
        } else {
            values = fromFields(t, type, n);
        }
        return Value.of(shape, type, values);
    }

    private static double[] fromRaw(ByteString raw, int type, int n) {
        int width = byteWidth(type);
        if (width == 0) {
            throw new IllegalArgumentException("cannot read raw data of element type " + ElementTypes.name(type));
        }
        if ((long) raw.size() != (long) n * width) {
            throw new IllegalArgumentException("raw_data has " + raw.size() + " bytes but " + n + " elements of "
                    + ElementTypes.name(type) + " need " + (long) n * width);
        }
        ByteBuffer b = raw.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            out[i] = switch (type) {
                case ElementTypes.FLOAT -> b.getFloat();
                case ElementTypes.DOUBLE -> b.getDouble();
                case ElementTypes.INT64 -> b.getLong();
                case ElementTypes.UINT64 -> unsigned(b.getLong());
                case ElementTypes.INT32 -> b.getInt();
                case ElementTypes.UINT32 -> Integer.toUnsignedLong(b.getInt());
                case ElementTypes.INT16 -> b.getShort();
                case ElementTypes.UINT16 -> Short.toUnsignedInt(b.getShort());
                case ElementTypes.FLOAT16 -> half(b.getShort() & 0xffff);
                case ElementTypes.BFLOAT16 -> Float.intBitsToFloat((b.getShort() & 0xffff) << 16);
                case ElementTypes.INT8 -> b.get();
                case ElementTypes.UINT8, ElementTypes.BOOL -> Byte.toUnsignedInt(b.get());
                default -> throw new IllegalArgumentException("cannot read element type " + ElementTypes.name(type));
            };
        }
        return out;
    }

    private static double[] fromFields(TensorProto t, int type, int n) {
        double[] out = new double[n];
        int have;
        switch (type) {
            case ElementTypes.FLOAT -> {
                have = t.getFloatDataCount();
                for (int i = 0; i < Math.min(n, have); i++) {
                    out[i] = t.getFloatData(i);
                }
            }
            case ElementTypes.DOUBLE -> {
                have = t.getDoubleDataCount();
                for (int i = 0; i < Math.min(n, have); i++) {
                    out[i] = t.getDoubleData(i);
                }
            }
            case ElementTypes.INT64 -> {
                have = t.getInt64DataCount();
                for (int i = 0; i < Math.min(n, have); i++) {
                    out[i] = t.getInt64Data(i);
                }
            }
            case ElementTypes.UINT32, ElementTypes.UINT64 -> {
                have = t.getUint64DataCount();
                for (int i = 0; i < Math.min(n, have); i++) {
                    out[i] = unsigned(t.getUint64Data(i));
                }
            }
            case ElementTypes.INT32, ElementTypes.INT16, ElementTypes.UINT16, ElementTypes.INT8, ElementTypes.UINT8,
                    ElementTypes.BOOL, ElementTypes.FLOAT16, ElementTypes.BFLOAT16 -> {
                // 16-bit floats travel in int32_data as their bit patterns.
                have = t.getInt32DataCount();
                for (int i = 0; i < Math.min(n, have); i++) {
                    int v = t.getInt32Data(i);
                    out[i] = switch (type) {
                        case ElementTypes.FLOAT16 -> half(v & 0xffff);
                        case ElementTypes.BFLOAT16 -> Float.intBitsToFloat((v & 0xffff) << 16);
                        default -> v;
                    };
                }
            }
            default -> throw new IllegalArgumentException("cannot read element type " + ElementTypes.name(type));
        }
        if (have != n) {
            throw new IllegalArgumentException("holds " + have + " values but its dims need " + n);
        }
        return out;
    }

    private ByteString external(TensorProto t) {
        String location = null;
        long offset = 0;
        long length = -1;
        for (StringStringEntryProto e : t.getExternalDataList()) {
            switch (e.getKey()) {
                case "location" -> location = e.getValue();
                case "offset" -> offset = parseLong(e);
                case "length" -> length = parseLong(e);
                default -> {
                }
            }
        }
        if (location == null) {
            throw new IllegalArgumentException("external data without a 'location'");
        }
        if (modelDirectory == null) {
            throw new IllegalArgumentException("data is in external file '" + location
                    + "', which cannot be found for a model read from a stream (load it from a file)");
        }
        Path file = modelDirectory.resolve(location);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            long n = length >= 0 ? length : size - offset;
            if (offset < 0 || n < 0 || offset + n > size || n > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("external data range offset " + offset + ", length " + n
                        + " is outside '" + location + "' (" + size + " bytes)");
            }
            ByteBuffer buf = ByteBuffer.allocate((int) n);
            while (buf.hasRemaining() && ch.read(buf, offset + buf.position()) >= 0) {
                // keep reading until the range is complete
            }
            buf.flip();
            return ByteString.copyFrom(buf);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read external data file '" + location + "': " + e.getMessage(), e);
        }
    }

    private static long parseLong(StringStringEntryProto e) {
        try {
            return Long.parseLong(e.getValue().trim());
        } catch (NumberFormatException x) {
            throw new IllegalArgumentException("external data '" + e.getKey() + "' is not a number: " + e.getValue());
        }
    }

    /** Whether {@link #decode} reads this element type (8-bit floats and 4-bit types are left alone). */
    static boolean canDecode(int type) {
        return byteWidth(type) > 0;
    }

    private static int byteWidth(int type) {
        return switch (type) {
            case ElementTypes.DOUBLE, ElementTypes.INT64, ElementTypes.UINT64 -> 8;
            case ElementTypes.FLOAT, ElementTypes.INT32, ElementTypes.UINT32 -> 4;
            case ElementTypes.INT16, ElementTypes.UINT16, ElementTypes.FLOAT16, ElementTypes.BFLOAT16 -> 2;
            case ElementTypes.INT8, ElementTypes.UINT8, ElementTypes.BOOL -> 1;
            default -> 0;
        };
    }

    private static double unsigned(long v) {
        return v >= 0 ? v : (double) (v >>> 1) * 2.0 + (v & 1);
    }

    /** IEEE 754 binary16 bits to a double (Java 17 has no Float.float16ToFloat). */
    static double half(int bits) {
        int sign = (bits >>> 15) != 0 ? -1 : 1;
        int exp = (bits >>> 10) & 0x1f;
        int mant = bits & 0x3ff;
        if (exp == 0) {
            return sign * mant * Math.pow(2, -24);
        }
        if (exp == 31) {
            return mant == 0 ? sign * Double.POSITIVE_INFINITY : Double.NaN;
        }
        return sign * (1 + mant / 1024.0) * Math.pow(2, exp - 15);
    }
}
