package io.sparkdnn.model;

import io.sparkdnn.files.Causes;
import io.sparkdnn.data.ScalingMode;
import io.sparkdnn.onnx.ExportInput;
import io.sparkdnn.onnx.OnnxExporter;

/**
 * A trained {@link DnnModel} as an ONNX model: the model's stored feature scaling, its network and
 * weights, and (regression) its target un-scaling, so that the ONNX graph takes raw feature values
 * and gives what {@code io.sparkdnn.scoring.ModelScoring.predict} gives. The graph's inputs,
 * outputs and metadata are described in {@link OnnxExporter}.
 */
public final class OnnxExport {
  private OnnxExport() {}

  /**
   * The exporter's input for {@code model}: feature scaling (left out when the model's mode is
   * none), target un-scaling y = y'·std + mean (regression with target scaling), the feature
   * column names (one per feature, or the one vector/array column), the class or label names, and
   * the model's name: for a model from a model store its name and version there, else {@code name}
   * and no version.
   *
   * @throws IllegalArgumentException when ONNX cannot hold the model (see {@link
   *     ExportInput.Builder#build()}: e.g. non-finite weights, or a network over 2 GiB); the message
   *     starts with "cannot export" and says what would be needed
   */
  public static ExportInput input(DnnModel model, String name) {
    TrainingRecord.StoreRecord store = model.record().store();
    ExportInput.Builder b = ExportInput.builder(model.spec(), model.task(), model.weights())
        .featureNames(model.columns().featureColumns())
        .modelName(store != null && store.name() != null ? store.name() : name)
        .producerVersion(Versions.project());
    if (model.scaling().mode() != ScalingMode.NONE) {
      b.featureScaling(model.scaling().scale(), model.scaling().shift());
    }
    if (!model.targetScaling().isIdentity()) {
      b.targetScaling(model.targetScaling().std(), model.targetScaling().mean());
    }
    if (model.task().isClassification() && model.classNames() != null) {
      b.classNames(model.classNames());
    }
    if (store != null && store.version() != null) {
      b.modelVersion(store.version());
    }
    try {
      return b.build();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("cannot export model " + name + " (" + model.spec() + ", "
          + model.task().token() + ") to ONNX: " + Causes.firstLine(e), e);
    }
  }

  /**
   * The serialized ONNX model of {@code model}, ready to be written to a {@code .onnx} file.
   *
   * @throws IllegalArgumentException as {@link #input}, or when the network uses an activation the
   *     exporter has no ONNX operator for
   */
  public static byte[] bytes(DnnModel model, String name) {
    ExportInput in = input(model, name);
    try {
      return OnnxExporter.export(in);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("cannot export model " + name + " (" + model.spec() + ") to ONNX: "
          + Causes.firstLine(e), e);
    }
  }
}
