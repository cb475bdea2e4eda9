package io.sparkdnn.data;

import io.sparkdnn.engine.Task;
import io.sparkdnn.results.DataSummary;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Summary statistics of training data, gathered in one distributed pass over the cached blocks:
 * per feature count, mean, standard deviation, minimum and maximum (which also fit the scaling),
 * and the targets — class counts for multi-class and binary, per-output statistics otherwise.
 * Stored with every model, so that retraining can report what moved.
 */
public final class DataProfile implements Serializable {
  private static final long serialVersionUID = 1L;

  private final FeatureStatistics features = new FeatureStatistics();
  private final FeatureStatistics targets = new FeatureStatistics();
  private long[] classCounts;
  private final boolean countClasses;
  private final int classes;

  /** @param classes number of classes for multi-class and binary tasks, else ignored */
  public DataProfile(Task task, int classes) {
    this.countClasses = task == Task.MULTICLASS || task == Task.BINARY;
    this.classes = classes;
  }

  public DataProfile add(PackedBlock block) {
    features.add(block);
    if (countClasses) {
      if (classCounts == null) {
        classCounts = new long[classes];
      }
      float[] t = block.targets();
      for (int r = 0; r < block.rows(); r++) {
        classCounts[(int) t[r]]++;
      }
    } else {
      targets.add(block.targets(), block.rows(), block.targetWidth(), block.weights());
    }
    return this;
  }

  public DataProfile merge(DataProfile other) {
    features.merge(other.features);
    targets.merge(other.targets);
    if (other.classCounts != null) {
      if (classCounts == null) {
        classCounts = other.classCounts.clone();
      } else {
        for (int i = 0; i < classCounts.length; i++) {
          classCounts[i] += other.classCounts[i];
        }
      }
    }
    return this;
  }

  public FeatureStatistics features() {
    return features;
  }

  /** Training rows per class index (multi-class and binary); null for other tasks. */
  public long[] classCounts() {
    return classCounts == null ? null : classCounts.clone();
  }

  /** Per-output statistics of the targets (regression and multi-label; empty for classes). */
  public FeatureStatistics targets() {
    return targets;
  }

  /**
   * The summary kept in a model's metadata.
   *
   * @param featureNames one name per feature
   * @param labelNames classes or outputs, in order (may be null)
   */
  public DataSummary summary(String[] featureNames, String[] labelNames) {
    List<DataSummary.Feature> f = new ArrayList<>();
    for (int j : summarisedFeatures()) {
      f.add(new DataSummary.Feature(featureNames[j], features.mean(j), features.std(j), features.min(j),
          features.max(j)));
    }
    if (classCounts != null) {
      long total = 0;
      for (long c : classCounts) {
        total += c;
      }
      Map<String, Double> labels = new LinkedHashMap<>();
      for (int k = 0; k < classCounts.length; k++) {
        labels.put(labelNames == null ? Integer.toString(k) : labelNames[k], (double) classCounts[k] / total);
      }
      return new DataSummary(features.count(), f, labels, List.of());
    }
    List<DataSummary.Target> t = new ArrayList<>();
    for (int j = 0; j < targets.width(); j++) {
      t.add(new DataSummary.Target(labelNames == null || j >= labelNames.length ? "output " + j : labelNames[j],
          targets.mean(j), targets.std(j)));
    }
    return new DataSummary(features.count(), f, null, t);
  }

  /**
   * The features the summary lists, ascending: all of them, except for sparse rows wider than
   * {@value #SPARSE_SUMMARY_FEATURES}, where it lists the {@value #SPARSE_SUMMARY_FEATURES} that
   * are non-zero in most rows (2^18 hashed words would put tens of MB into every model's metadata).
   */
  private int[] summarisedFeatures() {
    int width = features.width();
    if (!features.countsNonZeros() || width <= SPARSE_SUMMARY_FEATURES) {
      int[] all = new int[width];
      for (int j = 0; j < width; j++) {
        all[j] = j;
      }
      return all;
    }
    Integer[] order = new Integer[width];
    for (int j = 0; j < width; j++) {
      order[j] = j;
    }
    java.util.Arrays.sort(order, (a, b) -> {
      int byCount = Long.compare(features.nonZeroRows(b), features.nonZeroRows(a));
      return byCount != 0 ? byCount : Integer.compare(a, b);
    });
    int[] top = new int[SPARSE_SUMMARY_FEATURES];
    for (int k = 0; k < top.length; k++) {
      top[k] = order[k];
    }
    java.util.Arrays.sort(top);
    return top;
  }

  /** Features a model's summary lists for sparse rows: the most often non-zero ones. */
  static final int SPARSE_SUMMARY_FEATURES = 1000;

  /** Names for the features of {@code columns}: column names, or COLUMN[i] for vectors and arrays. */
  public static String[] featureNames(InputColumns columns) {
    String[] cols = columns.featureColumns();
    if (columns.featureShape() == InputColumns.Shape.SCALARS) {
      return cols;
    }
    String[] names = new String[columns.width()];
    for (int j = 0; j < names.length; j++) {
      names[j] = cols[0] + "[" + j + "]";
    }
    return names;
  }
}
