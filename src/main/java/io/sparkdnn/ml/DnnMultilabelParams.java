package io.sparkdnn.ml;

import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;

/**
 * The column params of multi-label classification, with Spark ML's accessors ({@code labelCol()},
 * {@code getLabelCol()}, {@code setLabelCol(v)}): shared by {@link DnnMultilabelClassifier} and its
 * model, so that fitting copies them onto the model.
 *
 * @param <T> the stage, which the setters return
 */
@SuppressWarnings("unchecked")
public interface DnnMultilabelParams<T extends DnnMultilabelParams<T>> extends Params {

  /** The holder of these params (created by the stage's constructor); not for users. */
  MultilabelColumns multilabelColumns();

  /** The param: the features column: an ML vector or an array of numbers. */
  default Param<String> featuresCol() {
    return multilabelColumns().featuresCol;
  }

  default String getFeaturesCol() {
    return (String) getOrDefault(featuresCol());
  }

  default T setFeaturesCol(String value) {
    return (T) set(featuresCol(), value);
  }

  /** The param: the label column: K flags (0 or 1) per row, as an ML vector or numeric array. */
  default Param<String> labelCol() {
    return multilabelColumns().labelCol;
  }

  default String getLabelCol() {
    return (String) getOrDefault(labelCol());
  }

  default T setLabelCol(String value) {
    return (T) set(labelCol(), value);
  }

  /** The param: the prediction column: array&lt;double&gt; of the indices of the labels predicted present. */
  default Param<String> predictionCol() {
    return multilabelColumns().predictionCol;
  }

  default String getPredictionCol() {
    return (String) getOrDefault(predictionCol());
  }

  default T setPredictionCol(String value) {
    return (T) set(predictionCol(), value);
  }

  /** The param: the probability column: ML vector of the K per-label probabilities. */
  default Param<String> probabilityCol() {
    return multilabelColumns().probabilityCol;
  }

  default String getProbabilityCol() {
    return (String) getOrDefault(probabilityCol());
  }

  default T setProbabilityCol(String value) {
    return (T) set(probabilityCol(), value);
  }

  /** The param: a label is predicted present from this probability on, in (0, 1); default 0.5. */
  default DoubleParam threshold() {
    return multilabelColumns().threshold;
  }

  default double getThreshold() {
    return (Double) getOrDefault(threshold());
  }

  default T setThreshold(double value) {
    return (T) set(threshold(), value);
  }
}
