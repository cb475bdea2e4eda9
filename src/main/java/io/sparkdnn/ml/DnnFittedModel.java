package io.sparkdnn.ml;

import io.sparkdnn.model.DnnModel;
import io.sparkdnn.results.FeatureImportance;
import io.sparkdnn.scoring.ImportanceSettings;
import org.apache.spark.sql.Dataset;

/**
 * What every fitted spark-dnn ML model ({@link DnnClassificationModel}, {@link DnnRegressionModel},
 * {@link DnnMultilabelModel}) offers besides Spark's own methods: the trained network in the
 * project's format, the training summary, and permutation feature importance — and the training
 * params it was fitted with ({@link HasTrainingParams}).
 */
public interface DnnFittedModel extends HasTrainingParams {

  /** The holder of the network and summary (set by fit and load); not for users. */
  FittedNetwork fittedNetwork();

  /** The features column the model reads now. */
  String getFeaturesCol();

  /** The label column evaluation and importance read. */
  String getLabelCol();

  /** What transform, evaluate and importance do with an invalid row: error, skip or keep ({@link HandleInvalid}). */
  String getHandleInvalid();

  /**
   * The trained network with its scaling, classes and training record, in the project's own model
   * format (what {@code dnn predict} and the Spark-free {@code Scorer} load).
   *
   * @throws IllegalStateException for an empty model (created by a no-argument constructor, not loaded)
   */
  default DnnModel dnnModel() {
    return fittedNetwork().model(this);
  }

  /** True when the model has a training summary (fitted here, or saved with one and loaded). */
  default boolean hasSummary() {
    return fittedNetwork().summary() != null;
  }

  /**
   * How training went: per-epoch history, the kept epoch, why training stopped, validation metrics.
   *
   * @throws IllegalStateException when there is none ({@link #hasSummary()} is false)
   */
  default DnnTrainingSummary summary() {
    if (fittedNetwork().summary() == null) {
      throw new IllegalStateException("no training summary for " + uid());
    }
    return fittedNetwork().summary();
  }

  /**
   * Permutation feature importance on labelled {@code dataset}, with the importance.* defaults of
   * conf/defaults.conf: see {@link #featureImportance(Dataset, ImportanceSettings)}.
   */
  default FeatureImportance featureImportance(Dataset<?> dataset) {
    return featureImportance(dataset, ImportanceSettings.builder().build());
  }

  /**
   * Permutation feature importance on labelled {@code dataset} (features in featuresCol, labels in
   * labelCol): per feature — or per source column whose slots a VectorAssembler / one-hot step
   * produced, when the features column's ML attribute metadata names them and the source columns
   * are in {@code dataset}, as in a pipeline's output — how much worse the metric gets when its
   * values are shuffled across rows. Two Spark jobs after packing the rows.
   *
   * @throws io.sparkdnn.data.DataException for missing columns or bad rows
   * @throws IllegalArgumentException when {@code settings}' metric does not apply to this model
   */
  default FeatureImportance featureImportance(Dataset<?> dataset, ImportanceSettings settings) {
    return fittedNetwork().importance(this, dataset, getFeaturesCol(), getLabelCol(), settings,
        HandleInvalid.fromToken(getHandleInvalid()));
  }
}
