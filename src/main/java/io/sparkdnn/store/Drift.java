package io.sparkdnn.store;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What moved between the training data of the production model and of a new one: features whose
 * mean shifted by more than a number of the old standard deviations, or whose spread changed by
 * more than a ratio, and the label distribution's total variation distance.
 */
public final class Drift {
  private static final int MAX_LISTED = 50;

  private final double meanShift;
  private final double stdRatio;
  private final double labelShift;

  /**
   * @param meanShift flag features whose mean moved more than this many old standard deviations
   * @param stdRatio flag features whose standard deviation grew or shrank by more than this factor
   * @param labelShift flag a label distribution whose total variation distance exceeds this
   */
  public Drift(double meanShift, double stdRatio, double labelShift) {
    this.meanShift = meanShift;
    this.stdRatio = stdRatio;
    this.labelShift = labelShift;
  }

  /** The drift report (JSON-ready): flagged features (largest first), label change, thresholds. */
  @SuppressWarnings("unchecked")
  public Map<String, Object> compare(Map<String, Object> before, Map<String, Object> now) {
    Map<String, Map<String, Object>> old = new HashMap<>();
    for (Map<String, Object> f : (List<Map<String, Object>>) before.getOrDefault("features", List.of())) {
      old.put(String.valueOf(f.get("name")), f);
    }
    List<Map<String, Object>> flagged = new ArrayList<>();
    for (Map<String, Object> f : (List<Map<String, Object>>) now.getOrDefault("features", List.of())) {
      Map<String, Object> o = old.get(String.valueOf(f.get("name")));
      if (o == null) {
        continue;
      }
      double oldMean = number(o.get("mean"));
      double newMean = number(f.get("mean"));
      double oldStd = number(o.get("std"));
      double newStd = number(f.get("std"));
      double scale = Math.max(oldStd, 1e-6 * Math.max(1, Math.abs(oldMean)));
      double shift = Math.abs(newMean - oldMean) / scale;
      double ratio = oldStd > 0 && newStd > 0 ? Math.max(newStd / oldStd, oldStd / newStd)
          : (oldStd == newStd ? 1 : Double.POSITIVE_INFINITY);
      if (shift > meanShift || ratio > stdRatio) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("name", f.get("name"));
        e.put("old_mean", oldMean);
        e.put("new_mean", newMean);
        e.put("mean_shift_in_std", shift);
        e.put("old_std", oldStd);
        e.put("new_std", newStd);
        flagged.add(e);
      }
    }
    flagged.sort(Comparator.comparingDouble((Map<String, Object> e) -> -number(e.get("mean_shift_in_std"))));
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("thresholds", "mean shift > " + meanShift + "σ or std ratio > " + stdRatio
        + "; label distribution TV > " + labelShift);
    out.put("drifted_features", flagged.size());
    out.put("features", flagged.subList(0, Math.min(MAX_LISTED, flagged.size())));
    Object oldLabels = before.get("label_distribution");
    Object newLabels = now.get("label_distribution");
    if (oldLabels instanceof Map && newLabels instanceof Map) {
      Map<String, Object> a = (Map<String, Object>) oldLabels;
      Map<String, Object> b = (Map<String, Object>) newLabels;
      double tv = 0;
      java.util.Set<String> keys = new java.util.HashSet<>(a.keySet());
      keys.addAll(b.keySet());
      for (String k : keys) {
        tv += Math.abs(number(a.getOrDefault(k, 0.0)) - number(b.getOrDefault(k, 0.0)));
      }
      Map<String, Object> labels = new LinkedHashMap<>();
      labels.put("total_variation", tv / 2);
      labels.put("drifted", tv / 2 > labelShift);
      labels.put("before", a);
      labels.put("now", b);
      out.put("label_distribution", labels);
    }
    return out;
  }

  private static double number(Object v) {
    return v instanceof Number ? ((Number) v).doubleValue() : Double.NaN;
  }
}
