package io.sparkdnn.results;

import io.sparkdnn.engine.Token;

/** A metric of an {@link EvaluationResult} that models can be compared on. */
public enum MetricName implements Token {
  ACCURACY("accuracy", true),
  MACRO_F1("macro_f1", true),
  LOSS("loss", false),
  RMSE("rmse", false),
  MAE("mae", false),
  R2("r2", true),
  /** Area under the ROC curve (binary; multi-class: mean of one class against the rest). */
  ROC_AUC("roc_auc", true),
  /** Area under the precision-recall curve (likewise). */
  PR_AUC("pr_auc", true);

  private final String token;
  private final boolean higherIsBetter;

  MetricName(String token, boolean higherIsBetter) {
    this.token = token;
    this.higherIsBetter = higherIsBetter;
  }

  @Override
  public String token() {
    return token;
  }

  public boolean higherIsBetter() {
    return higherIsBetter;
  }

  /** True for metrics that only classification reports (accuracy, macro F1). */
  public boolean classificationOnly() {
    return this == ACCURACY || this == MACRO_F1 || this == ROC_AUC || this == PR_AUC;
  }

  /** True for metrics that only regression reports (RMSE, MAE, R²). */
  public boolean regressionOnly() {
    return this == RMSE || this == MAE || this == R2;
  }

  public static MetricName fromToken(String token) {
    return Token.parse(MetricName.class, token, "metric");
  }
}
