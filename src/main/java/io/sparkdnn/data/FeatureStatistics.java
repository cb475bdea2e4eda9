package io.sparkdnn.data;

import java.io.Serializable;

/**
 * Per-feature count, mean, sum of squared deviations, minimum and maximum, mergeable across
 * partitions (Chan et al.'s parallel variance), so that scaling needs one distributed pass.
 */
public final class FeatureStatistics implements Serializable {
  private static final long serialVersionUID = 1L;

  private long count;
  private double[] mean;
  private double[] m2;
  private float[] min;
  private float[] max;

  /** Adds every row of a block's features. */
  public FeatureStatistics add(PackedBlock block) {
    return add(block.features(), block.rows(), block.width());
  }

  /**
   * Adds {@code rows} rows of {@code width} values; creates the arrays on first use so that an
   * empty zero value ships light.
   */
  public FeatureStatistics add(float[] x, int rows, int width) {
    if (mean == null) {
      allocate(width);
    }
    for (int r = 0; r < rows; r++) {
      count++;
      int base = r * width;
      for (int j = 0; j < width; j++) {
        float v = x[base + j];
        double delta = v - mean[j];
        mean[j] += delta / count;
        m2[j] += delta * (v - mean[j]);
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
      mean = other.mean.clone();
      m2 = other.m2.clone();
      min = other.min.clone();
      max = other.max.clone();
      return this;
    }
    long n = count + other.count;
    for (int j = 0; j < mean.length; j++) {
      double delta = other.mean[j] - mean[j];
      mean[j] += delta * other.count / n;
      m2[j] += other.m2[j] + delta * delta * count * other.count / n;
      min[j] = Math.min(min[j], other.min[j]);
      max[j] = Math.max(max[j], other.max[j]);
    }
    count = n;
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

  /** Population standard deviation. */
  public double std(int j) {
    return count == 0 ? 0 : Math.sqrt(m2[j] / count);
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
