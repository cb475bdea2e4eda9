package io.sparkdnn.ml;

import io.sparkdnn.results.ClassMetrics;
import io.sparkdnn.results.EvaluationResult;
import java.io.Serializable;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * A model's metrics on labelled data, from {@code model.evaluate(df)}, named as MLlib's summaries
 * name them ({@code accuracy}, {@code weightedFMeasure}, {@code areaUnderROC},
 * {@code rootMeanSquaredError}, …), with {@link #predictions()} the model's output on the data.
 * Metrics a task does not have are NaN. With a weightCol every count is the rows' summed weight.
 * Computed in one Spark job over the data, with argmax class decisions (binary: the model's
 * threshold); the full record, per class and with the confusion matrix, is {@link #metrics()}.
 */
public final class DnnEvaluationSummary implements Serializable {
  private static final long serialVersionUID = 1L;

  private final transient Dataset<Row> predictions;
  private final EvaluationResult metrics;
  private final String labelCol;
  private final String predictionCol;
  private final String weightCol;

  DnnEvaluationSummary(Dataset<Row> predictions, EvaluationResult metrics, String labelCol, String predictionCol,
      String weightCol) {
    this.predictions = predictions;
    this.metrics = metrics;
    this.labelCol = labelCol;
    this.predictionCol = predictionCol;
    this.weightCol = weightCol;
  }

  /** The data with the model's output columns added (lazy, as {@code model.transform(df)}). */
  public Dataset<Row> predictions() {
    return predictions;
  }

  public String labelCol() {
    return labelCol;
  }

  public String predictionCol() {
    return predictionCol;
  }

  /** The weight column, or "" when every row counts 1. */
  public String weightCol() {
    return weightCol;
  }

  /** Every metric the evaluation computed (as {@code dnn evaluate} prints it). */
  public EvaluationResult metrics() {
    return metrics;
  }

  /** Rows evaluated. */
  public long numInstances() {
    return metrics.rows();
  }

  /** Mean loss per row: cross-entropy for classification, mean squared error of the scaled targets for regression. */
  public double loss() {
    return metrics.loss();
  }

  /** Share of rows classified right (multi-label: every label right). */
  public double accuracy() {
    return metrics.accuracy();
  }

  /**
   * Unweighted mean of the per-class F1 scores, over the classes that occur in the labels or the
   * predictions (scikit-learn's {@code average="macro"}); multi-label: over every label.
   */
  public double macroF1() {
    return metrics.macroF1();
  }

  /** Binary: area under the ROC curve; multi-class: the mean over classes, each against the rest. */
  public double areaUnderROC() {
    return metrics.rocAuc();
  }

  /** Binary: area under the precision-recall curve; multi-class: the mean over classes, each against the rest. */
  public double areaUnderPR() {
    return metrics.prAuc();
  }

  /** The class (or label) names, in index order. */
  public List<String> labels() {
    return metrics.labels();
  }

  public double[] precisionByLabel() {
    return metrics.perClass().stream().mapToDouble(ClassMetrics::precision).toArray();
  }

  public double[] recallByLabel() {
    return metrics.perClass().stream().mapToDouble(ClassMetrics::recall).toArray();
  }

  public double[] fMeasureByLabel() {
    return metrics.perClass().stream().mapToDouble(ClassMetrics::f1).toArray();
  }

  /** Precision averaged over classes, each weighted by its share of the rows (MLlib's weightedPrecision). */
  public double weightedPrecision() {
    return supportWeighted(ClassMetrics::precision);
  }

  /** Recall averaged over classes, each weighted by its share of the rows (MLlib's weightedRecall). */
  public double weightedRecall() {
    return supportWeighted(ClassMetrics::recall);
  }

  /** F1 averaged over classes, each weighted by its share of the rows (MLlib's weightedFMeasure). */
  public double weightedFMeasure() {
    return supportWeighted(ClassMetrics::f1);
  }

  /** Regression: root mean squared error over all outputs, in the targets' units. */
  public double rootMeanSquaredError() {
    return metrics.rmse();
  }

  /** Regression: mean absolute error over all outputs, in the targets' units. */
  public double meanAbsoluteError() {
    return metrics.mae();
  }

  /** Regression: R², averaged over outputs. */
  public double r2() {
    return metrics.r2();
  }

  private double supportWeighted(java.util.function.ToDoubleFunction<ClassMetrics> metric) {
    double total = 0;
    double sum = 0;
    for (ClassMetrics c : metrics.perClass()) {
      total += c.support();
      sum += c.support() * metric.applyAsDouble(c);
    }
    return total == 0 ? Double.NaN : sum / total;
  }
}
