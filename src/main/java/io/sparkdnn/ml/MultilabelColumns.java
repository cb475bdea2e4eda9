package io.sparkdnn.ml;

import java.io.Serializable;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;

/**
 * The column params of {@link DnnMultilabelClassifier} and {@link DnnMultilabelModel}, created for
 * one owner with their defaults; users reach them through {@link DnnMultilabelParams}.
 */
public final class MultilabelColumns implements Serializable {
  private static final long serialVersionUID = 1L;

  final Param<String> featuresCol;
  final Param<String> labelCol;
  final Param<String> predictionCol;
  final Param<String> probabilityCol;
  final DoubleParam threshold;

  MultilabelColumns(Params owner) {
    featuresCol = new Param<>(owner, "featuresCol", "features column: an ML vector or an array of numbers");
    labelCol = new Param<>(owner, "labelCol", "label column: K flags (0 or 1) per row, as an ML vector or array");
    predictionCol = new Param<>(owner, "predictionCol",
        "prediction column: array<double> of the indices of the labels predicted present, as Spark's "
            + "MultilabelClassificationEvaluator reads it; \"\" to leave it out");
    probabilityCol = new Param<>(owner, "probabilityCol",
        "probability column: ML vector of the K per-label probabilities; \"\" to leave it out");
    threshold = new DoubleParam(owner, "threshold",
        "a label is predicted present from this probability on, in (0, 1)", v -> {
          double t = (Double) v;
          return t > 0 && t < 1;
        });
    owner.setDefault(featuresCol, "features");
    owner.setDefault(labelCol, "label");
    owner.setDefault(predictionCol, "prediction");
    owner.setDefault(probabilityCol, "probability");
    owner.setDefault(threshold, 0.5);
  }
}
