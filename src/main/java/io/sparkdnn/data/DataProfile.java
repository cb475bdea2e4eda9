package io.sparkdnn.data;

import io.sparkdnn.engine.Task;
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
      targets.add(block.targets(), block.rows(), block.targetWidth());
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

  /**
   * The JSON form kept in a model's metadata.
   *
   * @param featureNames one name per feature
   * @param labelNames classes or outputs, in order (may be null)
   */
  public Map<String, Object> toJson(String[] featureNames, String[] labelNames) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("rows", features.count());
    List<Map<String, Object>> f = new ArrayList<>();
    for (int j = 0; j < features.width(); j++) {
      Map<String, Object> e = new LinkedHashMap<>();
      e.put("name", featureNames[j]);
      e.put("mean", features.mean(j));
      e.put("std", features.std(j));
      e.put("min", features.min(j));
      e.put("max", features.max(j));
      f.add(e);
    }
    out.put("features", f);
    Map<String, Object> labels = new LinkedHashMap<>();
    if (classCounts != null) {
      long total = 0;
      for (long c : classCounts) {
        total += c;
      }
      for (int k = 0; k < classCounts.length; k++) {
        labels.put(labelNames == null ? Integer.toString(k) : labelNames[k], (double) classCounts[k] / total);
      }
      out.put("label_distribution", labels);
    } else {
      List<Map<String, Object>> t = new ArrayList<>();
      for (int j = 0; j < targets.width(); j++) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("name", labelNames == null || j >= labelNames.length ? "output " + j : labelNames[j]);
        e.put("mean", targets.mean(j));
        e.put("std", targets.std(j));
        t.add(e);
      }
      out.put("targets", t);
    }
    return out;
  }

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
