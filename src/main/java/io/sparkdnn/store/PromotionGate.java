package io.sparkdnn.store;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Decides whether a new version replaces production: both are evaluated on the same validation
 * data, and the new one must be no worse than production by more than {@code margin} on the
 * chosen metric — or the promotion is forced, or there is no production version yet.
 */
public final class PromotionGate {
  public static final List<String> METRICS = List.of("auto", "accuracy", "macro_f1", "loss", "rmse", "mae", "r2");
  private static final List<String> LOWER_IS_BETTER = List.of("loss", "rmse", "mae");

  private final String metric;
  private final double margin;
  private final boolean force;

  public PromotionGate(String metric, double margin, boolean force) {
    if (!METRICS.contains(metric)) {
      throw new IllegalArgumentException("store.promote.metric must be one of " + METRICS + ", found '" + metric + "'");
    }
    if (!(margin >= 0)) {
      throw new IllegalArgumentException("store.promote.margin must be ≥ 0, found " + margin);
    }
    this.metric = metric;
    this.margin = margin;
    this.force = force;
  }

  /** accuracy for classification, rmse for regression, unless a metric was chosen. */
  public String metricFor(boolean classification) {
    return metric.equals("auto") ? (classification ? "accuracy" : "rmse") : metric;
  }

  /**
   * @param current production's version, or null when there is none
   * @param currentMetrics production's metrics on the same data, or null when it could not be evaluated
   * @param whyNotComparable why production could not be evaluated (when currentMetrics is null)
   * @return the decision as JSON-ready fields: promoted, reason, metric, values, margin
   */
  public Map<String, Object> decide(boolean classification, Map<String, Object> newMetrics, String current,
      Map<String, Object> currentMetrics, String whyNotComparable) {
    String name = metricFor(classification);
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("metric", name);
    d.put("margin", margin);
    d.put("production_version", current);
    Object mine = newMetrics == null ? null : newMetrics.get(name);
    d.put("new_value", mine);
    if (current == null) {
      return promoted(d, true, "no production version yet");
    }
    Object theirs = currentMetrics == null ? null : currentMetrics.get(name);
    d.put("production_value", theirs);
    if (force) {
      return promoted(d, true, "forced (--force-promote)");
    }
    if (newMetrics == null) {
      return promoted(d, false, "no validation data to compare on; promote by hand (`dnn promote`) or force");
    }
    if (currentMetrics == null) {
      return promoted(d, false, "production " + current + " could not be evaluated on this data ("
          + whyNotComparable + "); promote by hand (`dnn promote`) or force");
    }
    if (!(mine instanceof Number) || !(theirs instanceof Number)) {
      throw new IllegalStateException("metric " + name + " is not reported for this task; choose another "
          + "store.promote.metric");
    }
    double a = ((Number) mine).doubleValue();
    double b = ((Number) theirs).doubleValue();
    boolean lower = LOWER_IS_BETTER.contains(name);
    boolean ok = lower ? a <= b + margin : a >= b - margin;
    String text = String.format(Locale.ROOT, "%s %.4f vs production %s %.4f (%s is better, margin %s)",
        name, a, current, b, lower ? "lower" : "higher", margin);
    return promoted(d, ok, ok ? text : text + ": worse by more than the margin");
  }

  private static Map<String, Object> promoted(Map<String, Object> d, boolean promoted, String reason) {
    d.put("promoted", promoted);
    d.put("reason", reason);
    return d;
  }
}
