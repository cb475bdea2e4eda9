package io.sparkdnn.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkdnn.engine.Activation;
import io.sparkdnn.engine.NetworkSpec;
import io.sparkdnn.engine.Task;
import io.sparkdnn.onnx.proto.AttributeProto;
import io.sparkdnn.onnx.proto.GraphProto;
import io.sparkdnn.onnx.proto.ModelProto;
import io.sparkdnn.onnx.proto.NodeProto;
import io.sparkdnn.onnx.proto.StringStringEntryProto;
import io.sparkdnn.onnx.proto.TensorProto;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Tier 1: the exported graph's layout, tensors and metadata read back from the bytes, and the
 * inputs the exporter refuses with the reason.
 */
class OnnxExporterTest {

  @Test
  void layoutOfAMultiClassNetworkWithScalingAndDropout() throws Exception {
    ModelProto model = ModelProto.parseFrom(OnnxExporter.export(ExportCase.of("dropout-layers").input()));
    assertEquals(OnnxExporter.IR_VERSION, model.getIrVersion());
    assertEquals(1, model.getOpsetImportCount());
    assertEquals("", model.getOpsetImport(0).getDomain());
    assertEquals(OnnxExporter.OPSET_VERSION, model.getOpsetImport(0).getVersion());
    assertEquals("spark-dnn", model.getProducerName());
    assertEquals("test", model.getProducerVersion());
    // 16-12relu+dropout0.5-8tanh+dropout0.2-3softmax: dropout adds no node
    assertEquals(
        List.of("Mul", "Add", "Gemm", "Relu", "Gemm", "Tanh", "Gemm", "Softmax", "ArgMax"),
        ops(model.getGraph()));
    NodeProto gemm = model.getGraph().getNode(2);
    assertEquals(List.of("feature_shifted", "layer1.weight", "layer1.bias"), gemm.getInputList());
    assertEquals(1, intAttribute(gemm, "transB"));
    assertEquals(-1, intAttribute(model.getGraph().getNode(7), "axis"));
    NodeProto argMax = model.getGraph().getNode(8);
    assertEquals(1, intAttribute(argMax, "axis"));
    assertEquals(0, intAttribute(argMax, "keepdims"));
    assertEquals(List.of("features"), model.getGraph().getInputList().stream().map(v -> v.getName()).collect(Collectors.toList()));
    assertEquals("N", model.getGraph().getInput(0).getType().getTensorType().getShape().getDim(0).getDimParam());
    assertEquals(List.of("probabilities", "label"),
        model.getGraph().getOutputList().stream().map(v -> v.getName()).collect(Collectors.toList()));
  }

  @Test
  void weightsAreStoredAsOTimesIRowMajorWithTheirBiases() throws Exception {
    ExportCase c = ExportCase.of("multiclass-softmax-standard");
    ModelProto model = ModelProto.parseFrom(OnnxExporter.export(c.input()));
    Map<String, TensorProto> tensors = model.getGraph().getInitializerList().stream()
        .collect(Collectors.toMap(TensorProto::getName, t -> t));
    NetworkSpec spec = c.spec;
    for (int l = 0; l < spec.layerCount(); l++) {
      int o = spec.layer(l).width();
      int i = spec.inputsOf(l);
      TensorProto w = tensors.get("layer" + (l + 1) + ".weight");
      assertEquals(List.of((long) o, (long) i), w.getDimsList());
      assertArrayEquals(slice(c.weights, spec.weightOffset(l), o * i), floats(w));
      TensorProto b = tensors.get("layer" + (l + 1) + ".bias");
      assertEquals(List.of((long) o), b.getDimsList());
      assertArrayEquals(slice(c.weights, spec.biasOffset(l), o), floats(b));
    }
    assertArrayEquals(c.scale, floats(tensors.get("feature_scale")));
    assertArrayEquals(c.shift, floats(tensors.get("feature_shift")));
  }

  @Test
  void identityScalingAndNoTargetScalingAddNoNodes() throws Exception {
    assertEquals(List.of("Gemm", "Tanh", "Gemm", "Softmax", "ArgMax"),
        ops(export("identity-scaling-arrays").getGraph()));
    assertEquals(List.of("Gemm", "LeakyRelu", "Gemm", "Sigmoid", "GreaterOrEqual", "Cast"),
        ops(export("multilabel-sigmoid-none").getGraph()));
    // scale all ones: the Mul is left out, the Add stays
    assertEquals("Add", export("shift-only-scaling").getGraph().getNode(0).getOpType());
  }

  @Test
  void everyHiddenActivationHasItsOperatorAndLeakyReluTheEnginesSlope() throws Exception {
    GraphProto graph = export("every-hidden-activation").getGraph();
    // 9-7relu-7tanh-7sigmoid-7leakyrelu-7identity-3softmax: identity adds no node
    assertEquals(List.of("Mul", "Add", "Gemm", "Relu", "Gemm", "Tanh", "Gemm", "Sigmoid", "Gemm",
        "LeakyRelu", "Gemm", "Gemm", "Softmax", "ArgMax"), ops(graph));
    NodeProto leaky = graph.getNode(9);
    AttributeProto alpha = leaky.getAttributeList().stream()
        .filter(a -> a.getName().equals("alpha")).findFirst().orElseThrow();
    assertEquals(Activation.LEAKY_SLOPE, alpha.getF());
  }

  @Test
  void binaryGivesTwoProbabilityColumnsAndAThresholdedLabel() throws Exception {
    GraphProto graph = export("binary-sigmoid-minmax").getGraph();
    assertEquals(List.of("Mul", "Add", "Gemm", "Sigmoid", "Gemm", "Sigmoid", "Sub", "Concat",
        "GreaterOrEqual", "Cast", "Squeeze"), ops(graph));
    assertEquals(2, graph.getOutput(0).getType().getTensorType().getShape().getDim(1).getDimValue());
    assertEquals(TensorProto.DataType.INT64_VALUE, graph.getOutput(1).getType().getTensorType().getElemType());
  }

  @Test
  void regressionUnscalesTargetsLastAndNamesThemPredictions() throws Exception {
    GraphProto graph = export("regression-3-targets-unscaled").getGraph();
    // 10-16tanh-8identity-3identity
    assertEquals(List.of("Mul", "Add", "Gemm", "Tanh", "Gemm", "Gemm", "Mul", "Add"), ops(graph));
    assertEquals(List.of("predictions"), graph.getNode(graph.getNodeCount() - 1).getOutputList());
    assertEquals(1, graph.getOutputCount());
    // without un-scaling the last Gemm (identity output) gives the predictions itself
    NetworkSpec spec = NetworkSpec.parse("3-2identity");
    ModelProto plain = ModelProto.parseFrom(OnnxExporter.export(
        ExportInput.builder(spec, Task.REGRESSION, new float[spec.parameterCount()]).featureNames("v").build()));
    assertEquals(List.of("Gemm"), ops(plain.getGraph()));
    assertEquals(List.of("predictions"), plain.getGraph().getNode(0).getOutputList());
  }

  @Test
  void metadataNamesTheNetworkTaskFeaturesAndClasses() throws Exception {
    ModelProto model = export("multiclass-softmax-standard");
    Map<String, String> meta = model.getMetadataPropsList().stream()
        .collect(Collectors.toMap(StringStringEntryProto::getKey, StringStringEntryProto::getValue));
    assertEquals("20-16relu-8tanh-5softmax", meta.get(OnnxExporter.META_NETWORK));
    assertEquals("multiclass", meta.get(OnnxExporter.META_TASK));
    assertTrue(meta.get(OnnxExporter.META_FEATURE_NAMES).startsWith("[\"x0\",\"x1\","), meta.toString());
    assertEquals("[\"class \\\"0\\\"\",\"class \\\"1\\\"\",\"class \\\"2\\\"\",\"class \\\"3\\\"\",\"class \\\"4\\\"\"]",
        meta.get(OnnxExporter.META_CLASS_NAMES));
    assertEquals("multiclass-softmax-standard", meta.get(OnnxExporter.META_MODEL_NAME));
    assertEquals("7", meta.get(OnnxExporter.META_MODEL_VERSION));
    assertEquals("multiclass-softmax-standard", model.getGraph().getName());
  }

  @Test
  void jsonArrayEscapesQuotesBackslashesAndControlCharacters() {
    assertEquals("[\"a\\\"b\",\"c\\\\d\",\"e\\nf\",\"\\u0001\",\"é\"]",
        OnnxExporter.jsonArray(new String[] {"a\"b", "c\\d", "e\nf", "\u0001", "é"}));
    assertEquals("[]", OnnxExporter.jsonArray(new String[0]));
  }

  /** The package serves outside Spark: it may use the JDK, the engine, protobuf and its own classes. */
  @Test
  void packageImportsNeitherSparkNorHadoop() throws Exception {
    Path dir = Path.of("src/main/java/io/sparkdnn/onnx");
    List<Path> sources;
    try (Stream<Path> files = Files.list(dir)) {
      sources = files.filter(f -> f.toString().endsWith(".java")).collect(Collectors.toList());
    }
    assertTrue(sources.size() >= 3, "sources of io.sparkdnn.onnx not found under " + dir.toAbsolutePath());
    for (Path source : sources) {
      for (String line : Files.readAllLines(source)) {
        if (line.startsWith("import ")) {
          String name = line.replaceFirst("^import (static )?", "");
          assertTrue(name.startsWith("java.") || name.startsWith("io.sparkdnn.engine.")
                  || name.startsWith("io.sparkdnn.onnx.") || name.startsWith("com.google.protobuf."),
              source.getFileName() + ": " + line);
        }
      }
    }
  }

  // ---- refusals ----

  @Test
  void refusesANetworkTooLargeForOneOnnxFile() {
    // 23000·23000 weights = 2.1 GB of float32; the check comes before the weights are looked at
    NetworkSpec spec = NetworkSpec.parse("23000-23000relu-2softmax");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ExportInput.builder(spec, Task.MULTICLASS, new float[1]).featureNames("f").build());
    assertTrue(e.getMessage().contains("at most 2 GiB") && e.getMessage().contains("external data"),
        e.getMessage());
  }

  @Test
  void refusesWeightsOfTheWrongLengthOrNotFinite() {
    NetworkSpec spec = NetworkSpec.parse("3-2relu-2softmax");
    IllegalArgumentException wrongLength = assertThrows(IllegalArgumentException.class,
        () -> ExportInput.builder(spec, Task.MULTICLASS, new float[5]).featureNames("f").build());
    assertTrue(wrongLength.getMessage().contains("has 5 values") && wrongLength.getMessage().contains("needs 14"),
        wrongLength.getMessage());
    float[] w = new float[spec.parameterCount()];
    w[spec.biasOffset(1) + 1] = Float.NaN;
    IllegalArgumentException nan = assertThrows(IllegalArgumentException.class,
        () -> ExportInput.builder(spec, Task.MULTICLASS, w).featureNames("f").build());
    assertTrue(nan.getMessage().contains("layer 2 b[1]") && nan.getMessage().contains("NaN"), nan.getMessage());
  }

  @Test
  void refusesScalingOfTheWrongLengthOrNotFinite() {
    NetworkSpec spec = NetworkSpec.parse("3-2relu-1identity");
    float[] w = new float[spec.parameterCount()];
    IllegalArgumentException length = assertThrows(IllegalArgumentException.class,
        () -> ExportInput.builder(spec, Task.REGRESSION, w).featureNames("f")
            .featureScaling(new float[] {1, 1}, new float[] {0, 0}).build());
    assertTrue(length.getMessage().contains("feature scale has 2 values, expected 3"), length.getMessage());
    IllegalArgumentException infinite = assertThrows(IllegalArgumentException.class,
        () -> ExportInput.builder(spec, Task.REGRESSION, w).featureNames("f")
            .featureScaling(new float[] {1, Float.POSITIVE_INFINITY, 1}, new float[3]).build());
    assertTrue(infinite.getMessage().contains("feature scale[1] is Infinity"), infinite.getMessage());
    IllegalArgumentException half = assertThrows(IllegalArgumentException.class,
        () -> ExportInput.builder(spec, Task.REGRESSION, w).targetScaling(new float[] {2}, null));
    assertTrue(half.getMessage().contains("a scale without a shift"), half.getMessage());
  }

  @Test
  void refusesTargetScalingForAClassifierAndClassNamesForARegression() {
    NetworkSpec classifier = NetworkSpec.parse("3-2softmax");
    IllegalArgumentException target = assertThrows(IllegalArgumentException.class,
        () -> ExportInput.builder(classifier, Task.MULTICLASS, new float[classifier.parameterCount()])
            .featureNames("f").targetScaling(new float[] {2, 2}, new float[] {0, 0}).build());
    assertTrue(target.getMessage().contains("applies to regression"), target.getMessage());
    NetworkSpec regression = NetworkSpec.parse("3-2identity");
    IllegalArgumentException classes = assertThrows(IllegalArgumentException.class,
        () -> ExportInput.builder(regression, Task.REGRESSION, new float[regression.parameterCount()])
            .featureNames("f").classNames("a", "b").build());
    assertTrue(classes.getMessage().contains("apply to classifiers"), classes.getMessage());
  }

  @Test
  void refusesNameCountsThatDoNotFitTheNetwork() {
    NetworkSpec binary = NetworkSpec.parse("3-1sigmoid");
    float[] w = new float[binary.parameterCount()];
    IllegalArgumentException classes = assertThrows(IllegalArgumentException.class,
        () -> ExportInput.builder(binary, Task.BINARY, w).featureNames("f").classNames("yes").build());
    assertTrue(classes.getMessage().contains("expected 2 class names for binary"), classes.getMessage());
    IllegalArgumentException features = assertThrows(IllegalArgumentException.class,
        () -> ExportInput.builder(binary, Task.BINARY, w).featureNames("a", "b").build());
    assertTrue(features.getMessage().contains("expected 3 feature names"), features.getMessage());
    IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
        () -> ExportInput.builder(binary, Task.BINARY, w).build());
    assertTrue(missing.getMessage().contains("feature names are required"), missing.getMessage());
  }

  @Test
  void refusesATaskTheNetworkCannotExpress() {
    NetworkSpec spec = NetworkSpec.parse("3-2softmax");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ExportInput.builder(spec, Task.BINARY, new float[spec.parameterCount()]).featureNames("f").build());
    assertTrue(e.getMessage().contains("binary classification needs exactly one sigmoid output"), e.getMessage());
  }

  @Test
  void inputIsACopyOfTheCallersArrays() {
    NetworkSpec spec = NetworkSpec.parse("2-1identity");
    float[] w = {1, 2, 3};
    float[] scale = {1, 1};
    ExportInput in = ExportInput.builder(spec, Task.REGRESSION, w)
        .featureScaling(scale, new float[2]).featureNames("a", "b").build();
    w[0] = 9;
    scale[0] = 9;
    in.weights()[1] = 9;
    assertArrayEquals(new float[] {1, 2, 3}, in.weights());
    assertArrayEquals(new float[] {1, 1}, in.featureScale());
  }

  private static ModelProto export(String caseName) throws Exception {
    return ModelProto.parseFrom(OnnxExporter.export(ExportCase.of(caseName).input()));
  }

  private static List<String> ops(GraphProto graph) {
    return graph.getNodeList().stream().map(NodeProto::getOpType).collect(Collectors.toList());
  }

  private static long intAttribute(NodeProto node, String name) {
    return node.getAttributeList().stream()
        .filter(a -> a.getName().equals(name)).findFirst().orElseThrow().getI();
  }

  private static float[] floats(TensorProto tensor) {
    assertEquals(TensorProto.DataType.FLOAT_VALUE, tensor.getDataType());
    ByteBuffer bytes = tensor.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
    float[] values = new float[bytes.remaining() / 4];
    bytes.asFloatBuffer().get(values);
    return values;
  }

  private static float[] slice(float[] values, int offset, int length) {
    float[] out = new float[length];
    System.arraycopy(values, offset, out, 0, length);
    return out;
  }
}
