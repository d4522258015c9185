package dev.condensenet.model.onnx;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The few ONNX IR messages the exporter writes, encoded with protobuf-java's {@link CodedOutputStream}.
 * Field numbers and enum values follow the ONNX IR definition ({@code onnx/onnx.proto}, "Open Neural
 * Network Exchange", IR version 8); only the fields used here are named.
 */
final class OnnxProto {

    // TensorProto.DataType
    static final int FLOAT = 1;
    static final int INT64 = 7;

    // AttributeProto.AttributeType
    private static final int ATTR_FLOAT = 1;
    private static final int ATTR_INT = 2;
    private static final int ATTR_INTS = 7;

    private OnnxProto() {
    }

    /** One field write on a {@link CodedOutputStream}. */
    @FunctionalInterface
    private interface FieldWrite {
        void run() throws IOException;
    }

    /** One message being written: fields in any order, nested messages as length-delimited bytes. */
    static final class Message {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final CodedOutputStream out = CodedOutputStream.newInstance(bytes);

        Message string(int field, String value) {
            return write(() -> out.writeString(field, value));
        }

        Message int64(int field, long value) {
            return write(() -> out.writeInt64(field, value));
        }

        Message float32(int field, float value) {
            return write(() -> out.writeFloat(field, value));
        }

        Message bytes(int field, byte[] value) {
            return write(() -> out.writeBytes(field, ByteString.copyFrom(value)));
        }

        /** Writes into a byte array: an IOException here is a bug, not an input error. */
        private Message write(FieldWrite w) {
            try {
                w.run();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return this;
        }

        Message message(int field, Message value) {
            return bytes(field, value.toByteArray());
        }

        byte[] toByteArray() {
            try {
                out.flush();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return bytes.toByteArray();
        }
    }

    /** TensorProto: dims = 1, data_type = 2, name = 8, raw_data = 9 (little-endian). */
    static Message floatTensor(String name, float[] data, long... dims) {
        ByteBuffer raw = ByteBuffer.allocate(4 * data.length).order(ByteOrder.LITTLE_ENDIAN);
        raw.asFloatBuffer().put(data);
        return tensor(name, FLOAT, raw.array(), dims);
    }

    static Message int64Tensor(String name, long[] data, long... dims) {
        ByteBuffer raw = ByteBuffer.allocate(8 * data.length).order(ByteOrder.LITTLE_ENDIAN);
        raw.asLongBuffer().put(data);
        return tensor(name, INT64, raw.array(), dims);
    }

    private static Message tensor(String name, int type, byte[] raw, long... dims) {
        Message t = new Message();
        for (long d : dims) {
            t.int64(1, d);
        }
        return t.int64(2, type).string(8, name).bytes(9, raw);
    }

    /** NodeProto: input = 1, output = 2, name = 3, op_type = 4, attribute = 5. */
    static Message node(String opType, String name, String[] inputs, String output, Message... attributes) {
        Message n = new Message();
        for (String in : inputs) {
            n.string(1, in);
        }
        n.string(2, output).string(3, name).string(4, opType);
        for (Message a : attributes) {
            n.message(5, a);
        }
        return n;
    }

    /** AttributeProto: name = 1, f = 2, i = 3, ints = 8, type = 20. */
    static Message intAttr(String name, long value) {
        return new Message().string(1, name).int64(3, value).int64(20, ATTR_INT);
    }

    static Message floatAttr(String name, float value) {
        return new Message().string(1, name).float32(2, value).int64(20, ATTR_FLOAT);
    }

    static Message intsAttr(String name, long... values) {
        Message a = new Message().string(1, name);
        for (long v : values) {
            a.int64(8, v);
        }
        return a.int64(20, ATTR_INTS);
    }

    /**
     * ValueInfoProto (name = 1, type = 2) of a float tensor: TypeProto.tensor_type = 1 → elem_type = 1,
     * shape = 2 → dim = 1 → dim_value = 1 or dim_param = 2; a {@code null} entry of {@code dims} is the
     * symbolic batch dimension {@code batchName}.
     */
    static Message floatValueInfo(String name, String batchName, Long... dims) {
        Message shape = new Message();
        for (Long d : dims) {
            shape.message(1, d == null ? new Message().string(2, batchName) : new Message().int64(1, d));
        }
        Message tensorType = new Message().int64(1, FLOAT).message(2, shape);
        return new Message().string(1, name).message(2, new Message().message(1, tensorType));
    }
}
