package io.sparkdnn.ml;

import io.sparkdnn.model.DnnModel;
import org.apache.spark.ml.util.Identifiable;

/**
 * What every fitted spark-dnn ML model ({@link DnnClassificationModel}, {@link DnnRegressionModel},
 * {@link DnnMultilabelModel}) offers besides Spark's own methods: the trained network in the
 * project's format and the training summary.
 */
public interface DnnFittedModel extends Identifiable {

  /** The holder of the network and summary (set by fit and load); not for users. */
  FittedNetwork fittedNetwork();

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
}
