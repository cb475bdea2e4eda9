package io.sparkdnn.onnx;

import com.google.protobuf.ByteString;
import io.sparkdnn.onnx.proto.AttributeProto;
import io.sparkdnn.onnx.proto.GraphProto;
import io.sparkdnn.onnx.proto.NodeProto;
import io.sparkdnn.onnx.proto.TensorProto;
import io.sparkdnn.onnx.proto.TensorShapeProto;
import io.sparkdnn.onnx.proto.TypeProto;
import io.sparkdnn.onnx.proto.ValueInfoProto;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashSet;
import java.util.Set;

/**
 * Appends nodes, constant tensors (initializers) and typed inputs/outputs to an ONNX graph, one
 * call each, so that {@link OnnxExporter} reads as the graph's layout. Tensor data is written as
 * ONNX's raw_data: little-endian, row-major. Every name must be new; a repeated name is a bug here,
 * not a caller mistake, and throws IllegalStateException.
 */
final class GraphWriter {
  /** TensorProto.DataType values (onnx.proto). */
  static final int FLOAT = TensorProto.DataType.FLOAT_VALUE;
  static final int INT64 = TensorProto.DataType.INT64_VALUE;

  private final GraphProto.Builder graph = GraphProto.newBuilder();
  private final Set<String> names = new HashSet<>();

  GraphWriter(String name, String docString) {
    graph.setName(name).setDocString(docString);
  }

  GraphProto build() {
    return graph.build();
  }

  /** Adds node {@code op} (default domain) computing {@code output} from {@code inputs}. */
  void node(String op, String name, String output, String[] inputs, AttributeProto... attributes) {
    claim(name);
    claim(output);
    NodeProto.Builder node = NodeProto.newBuilder().setOpType(op).setName(name).addOutput(output);
    for (String input : inputs) {
      node.addInput(input);
    }
    for (AttributeProto attribute : attributes) {
      node.addAttribute(attribute);
    }
    graph.addNode(node);
  }

  /**
   * Gives the tensor {@code current}, the output of the node added last, the name {@code wanted}:
   * how a chain whose last step varies (an activation, an un-scaling, or none) ends in a graph
   * output of a fixed name without an Identity node.
   */
  void renameLastOutput(String current, String wanted) {
    int last = graph.getNodeCount() - 1;
    if (last < 0 || !graph.getNode(last).getOutput(0).equals(current)) {
      throw new IllegalStateException(current + " is not the output of the last node");
    }
    claim(wanted);
    names.remove(current);
    graph.getNodeBuilder(last).setOutput(0, wanted);
  }

  /** A constant float tensor of shape {@code dims} from {@code length} values at {@code offset}. */
  void floats(String name, float[] values, int offset, int length, long... dims) {
    checkSize(name, length, dims);
    ByteBuffer bytes = ByteBuffer.allocate(4 * length).order(ByteOrder.LITTLE_ENDIAN);
    bytes.asFloatBuffer().put(values, offset, length);
    initializer(name, FLOAT, bytes, dims);
  }

  /** A constant int64 tensor of shape {@code dims}. */
  void longs(String name, long[] values, long... dims) {
    checkSize(name, values.length, dims);
    ByteBuffer bytes = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
    bytes.asLongBuffer().put(values);
    initializer(name, INT64, bytes, dims);
  }

  /** Declares a graph input; a dimension is either a Long (fixed) or a String (symbolic). */
  void input(String name, int elementType, Object... dims) {
    claim(name);
    graph.addInput(valueInfo(name, elementType, dims));
  }

  /** Declares a graph output, an existing node's output. */
  void output(String name, int elementType, Object... dims) {
    if (!names.contains(name)) {
      throw new IllegalStateException("output " + name + " is not computed by any node");
    }
    graph.addOutput(valueInfo(name, elementType, dims));
  }

  static AttributeProto intAttribute(String name, long value) {
    return AttributeProto.newBuilder()
        .setName(name).setType(AttributeProto.AttributeType.INT).setI(value).build();
  }

  static AttributeProto floatAttribute(String name, float value) {
    return AttributeProto.newBuilder()
        .setName(name).setType(AttributeProto.AttributeType.FLOAT).setF(value).build();
  }

  private void initializer(String name, int dataType, ByteBuffer bytes, long[] dims) {
    claim(name);
    TensorProto.Builder tensor = TensorProto.newBuilder().setName(name).setDataType(dataType);
    for (long d : dims) {
      tensor.addDims(d);
    }
    bytes.rewind();
    graph.addInitializer(tensor.setRawData(ByteString.copyFrom(bytes)));
  }

  private static ValueInfoProto valueInfo(String name, int elementType, Object[] dims) {
    TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
    for (Object d : dims) {
      TensorShapeProto.Dimension.Builder dim = TensorShapeProto.Dimension.newBuilder();
      if (d instanceof String) {
        dim.setDimParam((String) d);
      } else {
        dim.setDimValue(((Number) d).longValue());
      }
      shape.addDim(dim);
    }
    TypeProto type = TypeProto.newBuilder()
        .setTensorType(TypeProto.Tensor.newBuilder().setElemType(elementType).setShape(shape))
        .build();
    return ValueInfoProto.newBuilder().setName(name).setType(type).build();
  }

  private void claim(String name) {
    if (!names.add(name)) {
      throw new IllegalStateException("ONNX graph name used twice: " + name);
    }
  }

  private static void checkSize(String name, int length, long[] dims) {
    long size = 1;
    for (long d : dims) {
      size *= d;
    }
    if (size != length) {
      throw new IllegalStateException("tensor " + name + " has " + length + " values for shape of size " + size);
    }
  }
}
