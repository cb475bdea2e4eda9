package io.sparkdnn.scoring;

import io.sparkdnn.engine.Ranges;
import io.sparkdnn.engine.Task;
import io.sparkdnn.results.MetricName;
import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What permutation importance computes ({@code importance} section): the metric (null: auto —
 * accuracy for multi-class and binary, loss for multi-label, RMSE for regression), the repetitions
 * per unit, at most how many rows (a seeded sample; 0: all), the seed of the sample and shuffles,
 * and whether slots are grouped by their source column. Immutable; ranges are checked by the
 * builder, which names the key.
 */
public final class ImportanceSettings implements Serializable {
  private static final long serialVersionUID = 1L;

  private final MetricName metric;
  private final int repeats;
  private final long maxRows;
  private final long seed;
  private final boolean groups;

  private ImportanceSettings(Builder b) {
    this.metric = b.metric;
    this.repeats = b.repeats;
    this.maxRows = b.maxRows;
    this.seed = b.seed;
    this.groups = b.groups;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The configured metric, or null for auto. */
  public MetricName metric() { return metric; }
  public int repeats() { return repeats; }
  public long maxRows() { return maxRows; }
  public long seed() { return seed; }
  /** True: group slots by source column where the metadata says so (auto); false: every slot alone (none). */
  public boolean groups() { return groups; }

  /**
   * The metric for {@code task}: the configured one, or auto's choice.
   *
   * @throws IllegalArgumentException when the configured metric does not apply to the task
   */
  public MetricName metricFor(Task task) {
    if (metric == null) {
      switch (task) {
        case REGRESSION:
          return MetricName.RMSE;
        case MULTILABEL:
          return MetricName.LOSS;
        default:
          return MetricName.ACCURACY;
      }
    }
    if (task == Task.REGRESSION ? metric == MetricName.ACCURACY : metric == MetricName.RMSE || metric == MetricName.MAE) {
      throw new IllegalArgumentException("importance.metric = " + metric.token() + " does not apply to a "
          + task.token() + " model; use " + (task == Task.REGRESSION ? "rmse, mae or loss" : "accuracy or loss")
          + " (or auto)");
    }
    return metric;
  }

  /** The keys of this section and their values, as --set takes them. */
  public Map<String, String> toConfiguration() {
    Map<String, String> c = new LinkedHashMap<>();
    c.put("importance.metric", metric == null ? "auto" : metric.token());
    c.put("importance.repeats", Integer.toString(repeats));
    c.put("importance.max-rows", Long.toString(maxRows));
    c.put("importance.seed", Long.toString(seed));
    c.put("importance.groups", groups ? "auto" : "none");
    return c;
  }

  /** Defaults as conf/defaults.conf states them. */
  public static final class Builder {
    private MetricName metric;
    private int repeats = 3;
    private long maxRows = 10_000;
    private long seed = 42;
    private boolean groups = true;

    /** Accuracy, loss, RMSE or MAE; null for auto. */
    public Builder metric(MetricName v) {
      if (v != null && v != MetricName.ACCURACY && v != MetricName.LOSS && v != MetricName.RMSE
          && v != MetricName.MAE) {
        throw new IllegalArgumentException("importance.metric must be auto, accuracy, loss, rmse or mae, found "
            + v.token());
      }
      metric = v;
      return this;
    }
    public Builder repeats(int v) { repeats = Ranges.between("importance.repeats", v, 1, 1000); return this; }
    public Builder maxRows(long v) {
      if (v < 0) {
        throw new IllegalArgumentException("importance.max-rows must be ≥ 0, found " + v);
      }
      maxRows = v;
      return this;
    }
    public Builder seed(long v) { seed = v; return this; }
    public Builder groups(boolean v) { groups = v; return this; }

    public ImportanceSettings build() {
      return new ImportanceSettings(this);
    }
  }
}
