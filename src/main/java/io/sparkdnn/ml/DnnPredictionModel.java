package io.sparkdnn.ml;

import io.sparkdnn.data.BadRowPolicy;
import io.sparkdnn.engine.BlasBackend;
import io.sparkdnn.model.DnnModel;
import io.sparkdnn.results.FeatureImportance;
import io.sparkdnn.scoring.ImportanceSettings;
import io.sparkdnn.scoring.ModelScoring;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.ml.Model;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.util.GeneralMLWriter;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.sql.types.StructType;

/** What the fitted ML models share: the trained {@link DnnModel}, column params, summary, saving. */
abstract class DnnPredictionModel<M extends DnnPredictionModel<M>> extends Model<M> implements MLWritable {
  private static final long serialVersionUID = 1L;

  private final String uid;
  final DnnModel model;
  private DnnTrainingSummary summary;
  final Param<String> featuresCol;
  final Param<String> predictionCol;

  DnnPredictionModel(String uid, DnnModel model) {
    this.uid = uid;
    this.model = model;
    featuresCol = new Param<>(this, "featuresCol", "features column: an ML vector or numeric array");
    predictionCol = new Param<>(this, "predictionCol", "prediction column name");
    setDefault(featuresCol, "features");
    setDefault(predictionCol, "prediction");
  }

  @Override
  public String uid() {
    return uid;
  }

  /** The trained network with its scaling and classes, in the project's own model format. */
  public DnnModel dnnModel() {
    return model;
  }

  /**
   * Permutation feature importance on labelled {@code dataset} (it needs the features and label
   * columns this model was fitted on), with the importance.* defaults of conf/defaults.conf: see
   * {@link #featureImportance(Dataset, ImportanceSettings)}.
   */
  public FeatureImportance featureImportance(Dataset<?> dataset) {
    return featureImportance(dataset, ImportanceSettings.builder().build());
  }

  /**
   * Permutation feature importance on labelled {@code dataset}: per feature (or per source column
   * whose slots a VectorAssembler / one-hot step produced, when the features column's ML attribute
   * metadata names them and the source columns are in {@code dataset}, as in a pipeline's output),
   * how much worse the metric gets when its values are shuffled across rows. Two Spark jobs after
   * packing the rows.
   *
   * @throws io.sparkdnn.data.DataException for missing columns or bad rows
   * @throws IllegalArgumentException when {@code settings}' metric does not apply to this model
   */
  public FeatureImportance featureImportance(Dataset<?> dataset, ImportanceSettings settings) {
    Dataset<Row> data = dataset.toDF();
    return ModelScoring.importance(model, data, data.sparkSession().sparkContext().defaultParallelism(),
        BadRowPolicy.FAIL, BlasBackend.AUTO, "input data (" + uid + ")", settings);
  }

  public boolean hasSummary() {
    return summary != null;
  }

  /** The training summary; only on a freshly fitted model (it is not saved). */
  public DnnTrainingSummary summary() {
    if (summary == null) {
      throw new IllegalStateException("no training summary: " + uid + " was loaded, not fitted");
    }
    return summary;
  }

  void setSummary(DnnTrainingSummary summary) {
    this.summary = summary;
  }

  public Param<String> featuresCol() { return featuresCol; }
  public Param<String> predictionCol() { return predictionCol; }

  @SuppressWarnings("unchecked")
  public M setFeaturesCol(String v) { set(featuresCol, v); return (M) this; }
  @SuppressWarnings("unchecked")
  public M setPredictionCol(String v) { set(predictionCol, v); return (M) this; }

  /**
   * Saves in Spark ML's layout with the model directory inside, or — with {@code .format("onnx")} —
   * as one ONNX file at the path (see {@link OnnxModelWriter}).
   */
  @Override
  public GeneralMLWriter write() {
    return MlPersistence.writer(this, model);
  }

  /** Refuses to overwrite a column, as Spark ML's own transformers do. */
  static void requireAbsent(StructType schema, String column) {
    for (String name : schema.fieldNames()) {
      if (name.equals(column)) {
        throw new IllegalArgumentException("output column " + column + " already exists");
      }
    }
  }
}
