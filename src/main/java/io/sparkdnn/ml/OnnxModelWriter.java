package io.sparkdnn.ml;

import io.sparkdnn.model.OnnxExport;
import io.sparkdnn.model.StagedFile;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.util.MLFormatRegister;
import org.apache.spark.sql.SparkSession;

/**
 * {@code model.write().format("onnx").save(path)} for {@link DnnClassificationModel},
 * {@link DnnRegressionModel} and {@link DnnMultilabelModel}: writes one ONNX file at {@code path} (on any Hadoop filesystem, via
 * a hidden staging file renamed into place), the same file as {@code dnn export --format onnx}:
 * raw features in, the model's predictions out (inputs, outputs and metadata in
 * {@link io.sparkdnn.onnx.OnnxExporter}). {@code overwrite()} replaces an existing file; Spark's
 * writer removes it first, as for every ML format. The ONNX model is named after the stage's uid.
 *
 * <p>Spark finds these through {@code META-INF/services/org.apache.spark.ml.util.MLFormatRegister}
 * (one registration per stage class, as Spark's own PMML writers do).
 *
 * @throws IllegalArgumentException (from save) when ONNX cannot represent the model; the message
 *     says what would be needed
 */
public abstract class OnnxModelWriter implements MLFormatRegister {
  public static final String FORMAT = "onnx";

  @Override
  public String format() {
    return FORMAT;
  }

  @Override
  public void write(String path, SparkSession session, scala.collection.mutable.Map<String, String> options,
      PipelineStage stage) {
    if (!(stage instanceof DnnFittedModel)) {
      throw new IllegalArgumentException("the ONNX writer of spark-dnn writes DnnClassificationModel, "
          + "DnnRegressionModel and DnnMultilabelModel, not " + stage.getClass().getName());
    }
    byte[] bytes = OnnxExport.bytes(((DnnFittedModel) stage).dnnModel(), stage.uid());
    StagedFile.write(path, bytes, false, MlPersistence.ourFiles(session), "save path",
        "use write().overwrite()");
  }

  /** The registration for {@link DnnClassificationModel}. */
  public static final class Classification extends OnnxModelWriter {
    @Override
    public String stageName() {
      return DnnClassificationModel.class.getName();
    }
  }

  /** The registration for {@link DnnRegressionModel}. */
  public static final class Regression extends OnnxModelWriter {
    @Override
    public String stageName() {
      return DnnRegressionModel.class.getName();
    }
  }

  /** The registration for {@link DnnMultilabelModel}. */
  public static final class Multilabel extends OnnxModelWriter {
    @Override
    public String stageName() {
      return DnnMultilabelModel.class.getName();
    }
  }
}
