package io.sparkdnn.store;

import io.sparkdnn.engine.Ranges;
import io.sparkdnn.engine.Task;
import io.sparkdnn.results.EvaluationResult;
import io.sparkdnn.results.MetricName;
import io.sparkdnn.results.PromotionDecision;
import java.util.Locale;

/**
 * Decides whether a new version replaces production: both are evaluated on the same validation
 * data, and the new one must be no worse than production by more than {@code margin} on the
 * chosen metric — or the promotion is forced, or there is no production version yet.
 */
public final class PromotionGate {
  private final MetricName metric;
  private final double margin;
  private final boolean force;

  /**
   * @param metric the metric to compare; null for auto (accuracy for classification, RMSE for regression)
   * @param margin how much worse than production the new version may be (≥ 0, in the metric's units)
   * @throws IllegalArgumentException for a negative margin
   */
  public PromotionGate(MetricName metric, double margin, boolean force) {
    this.metric = metric;
    this.margin = Ranges.atLeast("store.promote.margin", margin, 0);
    this.force = force;
  }

  /** The configured metric; null for auto. */
  public MetricName metric() {
    return metric;
  }

  public double margin() {
    return margin;
  }

  public boolean force() {
    return force;
  }

  /** The metric compared for a task: the configured one, or accuracy / RMSE. */
  public MetricName metricFor(Task task) {
    if (metric != null) {
      return metric;
    }
    return task.isClassification() ? MetricName.ACCURACY : MetricName.RMSE;
  }

  /**
   * @param mine the new version's validation metrics, or null without validation data
   * @param current production's version, or null when there is none
   * @param theirs production's metrics on the same rows, or null when it could not be evaluated
   * @param whyNotComparable why production could not be evaluated (when {@code theirs} is null)
   * @throws IllegalStateException when the metric is not one this task reports
   */
  public PromotionDecision decide(Task task, EvaluationResult mine, String current, EvaluationResult theirs,
      String whyNotComparable) {
    MetricName name = metricFor(task);
    double a = mine == null ? Double.NaN : mine.metric(name);
    double b = theirs == null ? Double.NaN : theirs.metric(name);
    if (current == null) {
      return decision(true, "no production version yet", name, current, a, b);
    }
    if (force) {
      return decision(true, "forced (--force-promote)", name, current, a, b);
    }
    if (mine == null) {
      return decision(false, "no validation data to compare on; promote by hand (`dnn promote`) or force",
          name, current, a, b);
    }
    if (theirs == null) {
      return decision(false, "production " + current + " could not be evaluated on this data ("
          + whyNotComparable + "); promote by hand (`dnn promote`) or force", name, current, a, b);
    }
    if (Double.isNaN(a) || Double.isNaN(b)) {
      throw new IllegalStateException("metric " + name.token() + " is not reported for this task; choose another "
          + "store.promote.metric");
    }
    boolean lower = !name.higherIsBetter();
    boolean ok = lower ? a <= b + margin : a >= b - margin;
    String text = String.format(Locale.ROOT, "%s %.4f vs production %s %.4f (%s is better, margin %s)",
        name.token(), a, current, b, lower ? "lower" : "higher", margin);
    return decision(ok, ok ? text : text + ": worse by more than the margin", name, current, a, b);
  }

  private PromotionDecision decision(boolean promoted, String reason, MetricName name, String current, double mine,
      double theirs) {
    return new PromotionDecision(promoted, reason, name, margin, current, mine, theirs);
  }
}
