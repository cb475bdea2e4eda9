package io.sparkdnn.onnx;

import static io.sparkdnn.onnx.GraphWriter.FLOAT;
import static io.sparkdnn.onnx.GraphWriter.INT64;
import static io.sparkdnn.onnx.GraphWriter.floatAttribute;
import static io.sparkdnn.onnx.GraphWriter.intAttribute;

import io.sparkdnn.engine.Activation;
import io.sparkdnn.engine.LayerSpec;
import io.sparkdnn.engine.NetworkSpec;
import io.sparkdnn.engine.Task;
import io.sparkdnn.onnx.proto.ModelProto;
import io.sparkdnn.onnx.proto.OperatorSetIdProto;
import io.sparkdnn.onnx.proto.StringStringEntryProto;

/**
 * Writes a trained network as an ONNX model that runs without Spark or spark-dnn (ONNX Runtime,
 * any language), giving what {@link io.sparkdnn.engine.DenseNetwork#predict} gives for the same
 * rows, from raw features: the feature scaling and, for regression, the target un-scaling are part
 * of the graph.
 *
 * <h2>Inputs and outputs</h2>
 *
 * Legend: N = rows (the symbolic batch dimension {@value #BATCH}), I = input width, K = outputs.
 *
 * <table>
 *   <caption>Graph inputs and outputs by task</caption>
 *   <tr><th>task</th><th>name</th><th>type, shape</th><th>meaning</th></tr>
 *   <tr><td>all</td><td>{@value #FEATURES}</td><td>float32 [N, I]</td>
 *       <td>raw feature values, in the order of the metadata's feature_names</td></tr>
 *   <tr><td>multiclass</td><td>{@value #PROBABILITIES}</td><td>float32 [N, K]</td>
 *       <td>softmax probabilities, columns in class_names order</td></tr>
 *   <tr><td></td><td>{@value #LABEL}</td><td>int64 [N]</td>
 *       <td>index of the most probable class (the first on ties)</td></tr>
 *   <tr><td>binary</td><td>{@value #PROBABILITIES}</td><td>float32 [N, 2]</td>
 *       <td>[1 − p, p], p = the network's one sigmoid output</td></tr>
 *   <tr><td></td><td>{@value #LABEL}</td><td>int64 [N]</td><td>1 when p ≥ 0.5, else 0</td></tr>
 *   <tr><td>multilabel</td><td>{@value #PROBABILITIES}</td><td>float32 [N, K]</td>
 *       <td>independent sigmoid probability per label</td></tr>
 *   <tr><td></td><td>{@value #LABEL}</td><td>int64 [N, K]</td><td>1 where p ≥ 0.5, else 0</td></tr>
 *   <tr><td>regression</td><td>{@value #PREDICTIONS}</td><td>float32 [N, K]</td>
 *       <td>the predicted values, un-scaled to the targets' units when target scaling is given</td></tr>
 * </table>
 *
 * A multi-class network whose output is not softmax (e.g. identity outputs trained with mse) gives
 * {@value #SCORES} [N, K] instead of probabilities, plus the label. Binary gives two columns, not
 * the engine's one, so that column j is the probability of class_names[j] for every classifier,
 * as in spark-dnn's own prediction column; {@code probabilities[:, 1]} is the engine's output.
 *
 * <h2>Graph</h2>
 *
 * <pre>
 *   features ─ Mul(feature_scale) ─ Add(feature_shift)          each left out when identity
 *     ─ Gemm(layerL.weight, layerL.bias, transB=1) ─ activation   per layer L = 1.., W as O×I
 *     ─ output step                                               by task, see below
 *   hidden activation: Relu, Sigmoid, Tanh, LeakyRelu(alpha = Activation.LEAKY_SLOPE), or none
 *   for identity; dropout is off at inference and adds nothing
 *   multiclass  Softmax(axis=-1) → probabilities;  ArgMax(axis=1, keepdims=0) → label
 *   binary      Sigmoid → p;  Sub(1, p), p ─ Concat(axis=1) → probabilities;
 *               GreaterOrEqual(p, 0.5) ─ Cast(int64) ─ Squeeze(axes=[1]) → label
 *   multilabel  Sigmoid → probabilities;  GreaterOrEqual(·, 0.5) ─ Cast(int64) → label
 *   regression  activation ─ Mul(target_scale) ─ Add(target_shift) → predictions
 * </pre>
 *
 * <h2>Versions</h2>
 *
 * Opset {@value #OPSET_VERSION} and IR version {@value #IR_VERSION}: every op used exists in that
 * form since opset 13 (GreaterOrEqual since 12; Softmax's per-axis meaning and Squeeze's axes
 * input since 13), so ONNX Runtime from 1.6 on runs it, and so do the ONNX checkers of Debian 12
 * (onnx 1.12: IR ≤ 8, opset ≤ 17) and later. Nothing newer is needed.
 *
 * <h2>Metadata</h2>
 *
 * metadata_props: {@value #META_NETWORK} (the compact network string), {@value #META_TASK},
 * {@value #META_FEATURE_NAMES} and {@value #META_CLASS_NAMES} (JSON arrays of strings; class names
 * only when given), {@value #META_MODEL_NAME}, {@value #META_MODEL_VERSION} (when given). The
 * producer is "spark-dnn" with the given producer version; the graph is named after the model.
 */
public final class OnnxExporter {
  public static final int IR_VERSION = 7;
  public static final int OPSET_VERSION = 13;
  public static final String PRODUCER = "spark-dnn";

  public static final String BATCH = "N";
  public static final String FEATURES = "features";
  public static final String PROBABILITIES = "probabilities";
  public static final String SCORES = "scores";
  public static final String LABEL = "label";
  public static final String PREDICTIONS = "predictions";

  public static final String META_NETWORK = "spark_dnn.network";
  public static final String META_TASK = "spark_dnn.task";
  public static final String META_FEATURE_NAMES = "feature_names";
  public static final String META_CLASS_NAMES = "class_names";
  public static final String META_MODEL_NAME = "model_name";
  public static final String META_MODEL_VERSION = "model_version";

  private OnnxExporter() {}

  /**
   * The serialized ONNX ModelProto of {@code in}, ready to be written to a {@code .onnx} file.
   *
   * @throws IllegalArgumentException when the network uses something ONNX cannot express here
   *     (an activation this exporter has no operator for); the input itself was checked when built
   */
  public static byte[] export(ExportInput in) {
    return toModel(in).toByteArray();
  }

  static ModelProto toModel(ExportInput in) {
    NetworkSpec spec = in.spec();
    Task task = in.task();
    long inputs = spec.inputWidth();
    long outputs = spec.outputWidth();
    GraphWriter g = new GraphWriter(in.modelName(), describe(in));
    g.input(FEATURES, FLOAT, BATCH, inputs);

    String x = affine(g, "feature", FEATURES, in.featureScaleView(), in.featureShiftView());
    float[] w = in.weightsView();
    int last = spec.layerCount() - 1;
    for (int l = 0; l <= last; l++) {
      LayerSpec layer = spec.layer(l);
      String prefix = "layer" + (l + 1);
      int o = layer.width();
      int i = spec.inputsOf(l);
      g.floats(prefix + ".weight", w, spec.weightOffset(l), o * i, o, i);
      g.floats(prefix + ".bias", w, spec.biasOffset(l), o, o);
      g.node("Gemm", prefix + ".gemm", prefix + ".z",
          new String[] {x, prefix + ".weight", prefix + ".bias"}, intAttribute("transB", 1));
      x = prefix + ".z";
      if (l < last) {
        x = activation(g, layer.activation(), prefix, x);
      }
    }

    String outputPrefix = "layer" + (last + 1);
    Activation out = spec.outputLayer().activation();
    switch (task) {
      case MULTICLASS: {
        String scores;
        if (out == Activation.SOFTMAX) {
          g.node("Softmax", outputPrefix + ".softmax", PROBABILITIES, new String[] {x},
              intAttribute("axis", -1));
          scores = PROBABILITIES;
        } else {
          g.renameLastOutput(activation(g, out, outputPrefix, x), SCORES);
          scores = SCORES;
        }
        g.node("ArgMax", "label.argmax", LABEL, new String[] {scores},
            intAttribute("axis", 1), intAttribute("keepdims", 0));
        g.output(scores, FLOAT, BATCH, outputs);
        g.output(LABEL, INT64, BATCH);
        break;
      }
      case BINARY: {
        String p = "positive_probability";
        g.node("Sigmoid", outputPrefix + ".sigmoid", p, new String[] {x});
        g.floats("one", new float[] {1f}, 0, 1);
        g.floats("half", new float[] {0.5f}, 0, 1);
        g.longs("column_axis", new long[] {1}, 1);
        g.node("Sub", "negative.sub", "negative_probability", new String[] {"one", p});
        g.node("Concat", "probabilities.concat", PROBABILITIES,
            new String[] {"negative_probability", p}, intAttribute("axis", 1));
        g.node("GreaterOrEqual", "label.threshold", "label_bool", new String[] {p, "half"});
        g.node("Cast", "label.cast", "label_column", new String[] {"label_bool"},
            intAttribute("to", INT64));
        g.node("Squeeze", "label.squeeze", LABEL, new String[] {"label_column", "column_axis"});
        g.output(PROBABILITIES, FLOAT, BATCH, 2L);
        g.output(LABEL, INT64, BATCH);
        break;
      }
      case MULTILABEL: {
        g.node("Sigmoid", outputPrefix + ".sigmoid", PROBABILITIES, new String[] {x});
        g.floats("half", new float[] {0.5f}, 0, 1);
        g.node("GreaterOrEqual", "label.threshold", "label_bool", new String[] {PROBABILITIES, "half"});
        g.node("Cast", "label.cast", LABEL, new String[] {"label_bool"}, intAttribute("to", INT64));
        g.output(PROBABILITIES, FLOAT, BATCH, outputs);
        g.output(LABEL, INT64, BATCH, outputs);
        break;
      }
      case REGRESSION: {
        x = activation(g, out, outputPrefix, x);
        x = affine(g, "target", x, in.targetScaleView(), in.targetShiftView());
        g.renameLastOutput(x, PREDICTIONS);
        g.output(PREDICTIONS, FLOAT, BATCH, outputs);
        break;
      }
      default:
        throw new AssertionError(task);
    }

    ModelProto.Builder model = ModelProto.newBuilder()
        .setIrVersion(IR_VERSION)
        .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET_VERSION))
        .setProducerName(PRODUCER)
        .setDomain("io.sparkdnn")
        .setDocString(describe(in))
        .setGraph(g.build());
    if (in.producerVersion() != null) {
      model.setProducerVersion(in.producerVersion());
    }
    metadata(model, META_NETWORK, spec.toString());
    metadata(model, META_TASK, task.token());
    metadata(model, META_FEATURE_NAMES, jsonArray(in.featureNames()));
    if (in.classNames() != null) {
      metadata(model, META_CLASS_NAMES, jsonArray(in.classNames()));
    }
    metadata(model, META_MODEL_NAME, in.modelName());
    if (in.modelVersion() != null) {
      metadata(model, META_MODEL_VERSION, in.modelVersion());
    }
    return model.build();
  }

  /**
   * x · scale + shift per column as Mul then Add (the engine's order of float operations); a Mul
   * by all ones or an Add of all zeros is left out. Returns the resulting tensor's name.
   */
  private static String affine(GraphWriter g, String prefix, String x, float[] scale, float[] shift) {
    if (scale == null) {
      return x;
    }
    if (!allEqual(scale, 1f)) {
      g.floats(prefix + "_scale", scale, 0, scale.length, scale.length);
      g.node("Mul", prefix + "_scale.mul", prefix + "_scaled", new String[] {x, prefix + "_scale"});
      x = prefix + "_scaled";
    }
    if (!allEqual(shift, 0f)) {
      g.floats(prefix + "_shift", shift, 0, shift.length, shift.length);
      g.node("Add", prefix + "_shift.add", prefix + "_shifted", new String[] {x, prefix + "_shift"});
      x = prefix + "_shifted";
    }
    return x;
  }

  /** The element-wise activation node after a Gemm; returns the tensor it gives (x for identity). */
  private static String activation(GraphWriter g, Activation activation, String prefix, String x) {
    String y = prefix + ".a";
    switch (activation) {
      case IDENTITY:
        return x;
      case RELU:
        g.node("Relu", prefix + ".relu", y, new String[] {x});
        return y;
      case SIGMOID:
        g.node("Sigmoid", prefix + ".sigmoid", y, new String[] {x});
        return y;
      case TANH:
        g.node("Tanh", prefix + ".tanh", y, new String[] {x});
        return y;
      case LEAKY_RELU:
        g.node("LeakyRelu", prefix + ".leakyrelu", y, new String[] {x},
            floatAttribute("alpha", Activation.LEAKY_SLOPE));
        return y;
      default:
        // SOFTMAX couples a row: only valid on the output, handled there (NetworkSpec refuses it
        // on hidden layers). Anything else is an activation added to the engine without an ONNX
        // mapping here.
        throw new IllegalArgumentException(
            "activation " + activation.token() + " on " + prefix + " has no element-wise ONNX "
                + "operator in this exporter; exporting it needs a mapping in OnnxExporter.activation");
    }
  }

  private static boolean allEqual(float[] values, float value) {
    for (float v : values) {
      if (v != value) {
        return false;
      }
    }
    return true;
  }

  private static String describe(ExportInput in) {
    NetworkSpec spec = in.spec();
    StringBuilder sb = new StringBuilder()
        .append("spark-dnn network ").append(spec).append(", task ").append(in.task().token())
        .append(". Input ").append(FEATURES).append(": float32 [N, ").append(spec.inputWidth())
        .append("], raw feature values (any feature scaling is part of the graph). Outputs: ");
    int k = spec.outputWidth();
    switch (in.task()) {
      case MULTICLASS:
        sb.append(spec.outputLayer().activation() == Activation.SOFTMAX ? PROBABILITIES : SCORES)
            .append(" float32 [N, ").append(k).append("], ").append(LABEL)
            .append(" int64 [N] (index into class_names).");
        break;
      case BINARY:
        sb.append(PROBABILITIES).append(" float32 [N, 2] ([1 - p, p]), ").append(LABEL)
            .append(" int64 [N] (1 when p >= 0.5).");
        break;
      case MULTILABEL:
        sb.append(PROBABILITIES).append(" float32 [N, ").append(k).append("], ").append(LABEL)
            .append(" int64 [N, ").append(k).append("] (1 where p >= 0.5).");
        break;
      case REGRESSION:
        sb.append(PREDICTIONS).append(" float32 [N, ").append(k).append("]")
            .append(in.targetScaleView() != null ? " in the targets' units." : ".");
        break;
      default:
        throw new AssertionError(in.task());
    }
    return sb.toString();
  }

  private static void metadata(ModelProto.Builder model, String key, String value) {
    model.addMetadataProps(StringStringEntryProto.newBuilder().setKey(key).setValue(value));
  }

  /** A JSON array of strings, escaped per RFC 8259. */
  static String jsonArray(String[] values) {
    StringBuilder sb = new StringBuilder("[");
    for (int i = 0; i < values.length; i++) {
      if (i > 0) {
        sb.append(',');
      }
      sb.append('"');
      for (char c : values[i].toCharArray()) {
        switch (c) {
          case '"':
            sb.append("\\\"");
            break;
          case '\\':
            sb.append("\\\\");
            break;
          case '\n':
            sb.append("\\n");
            break;
          case '\r':
            sb.append("\\r");
            break;
          case '\t':
            sb.append("\\t");
            break;
          default:
            if (c < 0x20) {
              sb.append(String.format("\\u%04x", (int) c));
            } else {
              sb.append(c);
            }
        }
      }
      sb.append('"');
    }
    return sb.append(']').toString();
  }
}
