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
  /** Per feature, the rows where it is non-zero; only kept for sparse rows (else null). */
  private long[] nonZeroRows;

  /** Adds every row of a block's features, weighted by the block's row weights if it has them. */
  public FeatureStatistics add(PackedBlock block) {
    if (block.isSparse()) {
      return add(block.sparseFeatures(), block.width(), block.weights());
    }
    return add(block.features(), block.rows(), block.width(), block.weights());
  }

  /** Adds unweighted sparse rows; see {@link #add(CsrRows, int, float[])}. */
  public FeatureStatistics add(CsrRows x, int width) {
    return add(x, width, null);
  }

  /**
   * Adds sparse rows, weighted by {@code weights} (null: 1 each), at a cost ∝ their non-zeros plus
   * one O(width) merge: the block's weighted sums and sums of squares per feature (zeros add nothing
   * to them) become its mean and squared deviations, merged in as another partition's would be. A
   * feature that is zero in some rows has 0 among its minimum and maximum. Also counts the rows in
   * which each feature is non-zero ({@link #nonZeroRows}).
   */
  public FeatureStatistics add(CsrRows x, int width, float[] weights) {
    int rows = x.rows();
    if (rows == 0) {
      return this;
    }
    double[] sum = new double[width];
    double[] squares = new double[width];
    long[] nonZero = new long[width];
    float[] lo = new float[width];
    float[] hi = new float[width];
    java.util.Arrays.fill(lo, Float.POSITIVE_INFINITY);
    java.util.Arrays.fill(hi, Float.NEGATIVE_INFINITY);
    int[] offsets = x.rowOffsets();
    int[] columns = x.columns();
    float[] values = x.values();
    double total = 0;
    for (int r = 0; r < rows; r++) {
      double w = weights == null ? 1 : weights[r];
      total += w;
      for (int p = offsets[r]; p < offsets[r + 1]; p++) {
        int j = columns[p];
        float v = values[p];
        sum[j] += w * v;
        squares[j] += w * v * v;
        lo[j] = Math.min(lo[j], v);
        hi[j] = Math.max(hi[j], v);
        nonZero[j]++;
      }
    }
    FeatureStatistics block = new FeatureStatistics();
    block.count = rows;
    block.weight = total;
    block.mean = new double[width];
    block.m2 = new double[width];
    block.min = lo;
    block.max = hi;
    block.nonZeroRows = nonZero;
    for (int j = 0; j < width; j++) {
      if (nonZero[j] < rows) { // zero in some row: 0 is among its values
        lo[j] = Math.min(lo[j], 0f);
        hi[j] = Math.max(hi[j], 0f);
      }
      if (nonZero[j] > 0 && total > 0) {
        double m = sum[j] / total;
        block.mean[j] = m;
        block.m2[j] = Math.max(0, squares[j] - total * m * m);
      }
    }
    return merge(block);
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
      nonZeroRows = other.nonZeroRows == null ? null : other.nonZeroRows.clone();
      return this;
    }
    if (other.nonZeroRows != null) {
      if (nonZeroRows == null) {
        nonZeroRows = other.nonZeroRows.clone();
      } else {
        for (int j = 0; j < nonZeroRows.length; j++) {
          nonZeroRows[j] += other.nonZeroRows[j];
        }
      }
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

  /** True when the statistics came from sparse rows, which count non-zeros per feature. */
  public boolean countsNonZeros() {
    return nonZeroRows != null;
  }

  /**
   * Rows where feature {@code j} is non-zero (sparse rows only).
   *
   * @throws IllegalStateException when the rows were dense ({@link #countsNonZeros()} is false)
   */
  public long nonZeroRows(int j) {
    if (nonZeroRows == null) {
      throw new IllegalStateException("non-zeros are counted for sparse rows only");
    }
    return nonZeroRows[j];
  }

  /** Mean non-zeros per row (sparse rows only; 0 when there are no rows). */
  public double nonZerosPerRow() {
    if (nonZeroRows == null) {
      throw new IllegalStateException("non-zeros are counted for sparse rows only");
    }
    long total = 0;
    for (long n : nonZeroRows) {
      total += n;
    }
    return count == 0 ? 0 : (double) total / count;
  }
}
