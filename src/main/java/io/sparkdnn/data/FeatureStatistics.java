package io.sparkdnn.data;

import java.io.Serializable;

/**
 * Per-feature count, mean, sum of squared deviations, minimum and maximum, mergeable across
 * partitions (Chan et al.'s parallel variance), so that scaling needs one distributed pass. Rows
 * may carry weights (West's weighted update): the mean and variance are then weighted, so that a
 * row of weight 2 counts as the row twice, as it does in training.
 */
public final class FeatureStatistics implements Serializable {
  private static final long serialVersionUID = 1L;

  private long count;
  private double weight;
  private double[] mean;
  private double[] m2;
  private float[] min;
  private float[] max;

  /** Adds every row of a block's features, weighted by the block's row weights if it has them. */
  public FeatureStatistics add(PackedBlock block) {
    return add(block.features(), block.rows(), block.width(), block.weights());
  }

  /** Adds {@code rows} unweighted rows of {@code width} values. */
  public FeatureStatistics add(float[] x, int rows, int width) {
    return add(x, rows, width, null);
  }

  /**
   * Adds {@code rows} rows of {@code width} values with their weights (null: 1 each); creates the
   * arrays on first use so that an empty zero value ships light. Rows of weight 0 still count for
   * the minimum and maximum.
   */
  public FeatureStatistics add(float[] x, int rows, int width, float[] weights) {
    if (mean == null) {
      allocate(width);
    }
    for (int r = 0; r < rows; r++) {
      count++;
      double w = weights == null ? 1 : weights[r];
      int base = r * width;
      if (w > 0) {
        weight += w;
        double share = w / weight;
        for (int j = 0; j < width; j++) {
          float v = x[base + j];
          double delta = v - mean[j];
          mean[j] += delta * share;
          m2[j] += w * delta * (v - mean[j]);
        }
      }
      for (int j = 0; j < width; j++) {
        float v = x[base + j];
        min[j] = Math.min(min[j], v);
        max[j] = Math.max(max[j], v);
      }
    }
    return this;
  }

  public FeatureStatistics merge(FeatureStatistics other) {
    if (other.count == 0) {
      return this;
    }
    if (count == 0) {
      count = other.count;
      weight = other.weight;
      mean = other.mean.clone();
      m2 = other.m2.clone();
      min = other.min.clone();
      max = other.max.clone();
      return this;
    }
    double n = weight + other.weight;
    for (int j = 0; j < mean.length; j++) {
      if (n > 0) {
        double delta = other.mean[j] - mean[j];
        mean[j] += delta * other.weight / n;
        m2[j] += other.m2[j] + delta * delta * weight * other.weight / n;
      }
      min[j] = Math.min(min[j], other.min[j]);
      max[j] = Math.max(max[j], other.max[j]);
    }
    count += other.count;
    weight = n;
    return this;
  }

  private void allocate(int width) {
    mean = new double[width];
    m2 = new double[width];
    min = new float[width];
    max = new float[width];
    java.util.Arrays.fill(min, Float.POSITIVE_INFINITY);
    java.util.Arrays.fill(max, Float.NEGATIVE_INFINITY);
  }

  public long count() {
    return count;
  }

  public double mean(int j) {
    return mean[j];
  }

  /** Population standard deviation (weighted). */
  public double std(int j) {
    return weight == 0 ? 0 : Math.sqrt(m2[j] / weight);
  }

  public float min(int j) {
    return min[j];
  }

  public float max(int j) {
    return max[j];
  }

  public int width() {
    return mean == null ? 0 : mean.length;
  }
}
