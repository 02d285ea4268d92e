package org.opsim.onnx;

import java.util.List;
import org.opsim.onnx.proto.Onnx.AttributeProto;
import org.opsim.onnx.proto.Onnx.NodeProto;
import org.opsim.onnx.proto.Onnx.TensorProto;

/**
 * One ONNX node with its position in the file, the name opsim gives it, and typed attribute access.
 */
final class OnnxNode {
    final int index;
    final NodeProto proto;
    final String opType;
    /** The node's name, or {@code <op_type>_<index>} where the file leaves it blank. */
    final String name;

    OnnxNode(int index, NodeProto proto) {
        this.index = index;
        this.proto = proto;
        this.opType = proto.getOpType();
        this.name = proto.getName().isBlank() ? opType + "_" + index : proto.getName();
    }

    /** Where the node is in the file, e.g. {@code $.graph.node[17](/encoder/layer.0/attention/MatMul)}. */
    String location() {
        return "$.graph.node[" + index + "](" + name + ")";
    }

    /** The domain, with the default ONNX domain as "". */
    String domain() {
        String d = proto.getDomain();
        return d.equals("ai.onnx") ? "" : d;
    }

    int inputCount() {
        return proto.getInputCount();
    }

    /** Input {@code i}'s tensor name, or "" when absent (ONNX marks a skipped optional input with ""). */
    String input(int i) {
        return i < proto.getInputCount() ? proto.getInput(i) : "";
    }

    List<String> inputs() {
        return proto.getInputList();
    }

    String output(int i) {
        return i < proto.getOutputCount() ? proto.getOutput(i) : "";
    }

    List<String> outputs() {
        return proto.getOutputList();
    }

    AttributeProto attribute(String attributeName) {
        for (AttributeProto a : proto.getAttributeList()) {
            if (a.getName().equals(attributeName)) {
                return a;
            }
        }
        return null;
    }

    boolean has(String attributeName) {
        return attribute(attributeName) != null;
    }

    long attrInt(String attributeName, long fallback) {
        AttributeProto a = attribute(attributeName);
        return a == null ? fallback : a.getI();
    }

    float attrFloat(String attributeName, float fallback) {
        AttributeProto a = attribute(attributeName);
        return a == null ? fallback : a.getF();
    }

    String attrString(String attributeName, String fallback) {
        AttributeProto a = attribute(attributeName);
        return a == null ? fallback : a.getS().toStringUtf8();
    }

    /** The ints of a list attribute, or null when the node does not set it. */
    long[] attrInts(String attributeName) {
        AttributeProto a = attribute(attributeName);
        if (a == null) {
            return null;
        }
        long[] out = new long[a.getIntsCount()];
        for (int i = 0; i < out.length; i++) {
            out[i] = a.getInts(i);
        }
        return out;
    }

    TensorProto attrTensor(String attributeName) {
        AttributeProto a = attribute(attributeName);
        return a == null || !a.hasT() ? null : a.getT();
    }

    @Override
    public String toString() {
        return opType + " " + name;
    }
}
