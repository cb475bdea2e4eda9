package io.sparkdnn.store;

import io.sparkdnn.engine.Ranges;
import io.sparkdnn.results.DataSummary;
import io.sparkdnn.results.DriftReport;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

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
   * @param meanShift flag features whose mean moved more than this many old standard deviations (> 0)
   * @param stdRatio flag features whose standard deviation grew or shrank by more than this factor (≥ 1)
   * @param labelShift flag a label distribution whose total variation distance exceeds this (in [0, 1])
   */
  public Drift(double meanShift, double stdRatio, double labelShift) {
    this.meanShift = Ranges.positive("store.drift.mean-shift", meanShift);
    this.stdRatio = Ranges.atLeast("store.drift.std-ratio", stdRatio, 1);
    this.labelShift = Ranges.unit("store.drift.label-shift", labelShift);
  }

  public double meanShift() {
    return meanShift;
  }

  public double stdRatio() {
    return stdRatio;
  }

  public double labelShift() {
    return labelShift;
  }

  /** Compares the production model's training data ({@code before}) with the new one's. */
  public DriftReport compare(DataSummary before, DataSummary now) {
    Map<String, DataSummary.Feature> old = new HashMap<>();
    for (DataSummary.Feature f : before.features()) {
      old.put(f.name(), f);
    }
    List<DriftReport.FeatureDrift> flagged = new ArrayList<>();
    for (DataSummary.Feature f : now.features()) {
      DataSummary.Feature o = old.get(f.name());
      if (o == null) {
        continue;
      }
      double scale = Math.max(o.std(), 1e-6 * Math.max(1, Math.abs(o.mean())));
      double shift = Math.abs(f.mean() - o.mean()) / scale;
      double ratio = o.std() > 0 && f.std() > 0 ? Math.max(f.std() / o.std(), o.std() / f.std())
          : (o.std() == f.std() ? 1 : Double.POSITIVE_INFINITY);
      if (shift > meanShift || ratio > stdRatio) {
        flagged.add(new DriftReport.FeatureDrift(f.name(), o.mean(), f.mean(), shift, o.std(), f.std()));
      }
    }
    flagged.sort(Comparator.comparingDouble(e -> -e.meanShiftInStd()));
    DriftReport.LabelDrift labels = null;
    Map<String, Double> a = before.labelDistribution();
    Map<String, Double> b = now.labelDistribution();
    if (a != null && b != null) {
      Set<String> keys = new HashSet<>(a.keySet());
      keys.addAll(b.keySet());
      double tv = 0;
      for (String k : keys) {
        tv += Math.abs(a.getOrDefault(k, 0.0) - b.getOrDefault(k, 0.0));
      }
      labels = new DriftReport.LabelDrift(tv / 2, tv / 2 > labelShift, a, b);
    }
    return new DriftReport("mean shift > " + meanShift + "σ or std ratio > " + stdRatio
        + "; label distribution TV > " + labelShift, flagged.size(),
        flagged.subList(0, Math.min(MAX_LISTED, flagged.size())), labels);
  }
}
