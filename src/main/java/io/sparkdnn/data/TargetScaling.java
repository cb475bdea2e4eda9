package io.sparkdnn.data;

import java.io.Serializable;
import java.util.Arrays;

/**
 * Standardisation of regression targets: the network learns y' = (y − mean) / std per output, and
 * every prediction and metric is turned back with y = y'·std + mean, so that users see their own
 * units. Without it a target with mean ~150 starts ~150 standard deviations from where freshly
 * initialised outputs are, and Adam at its default rate needs thousands of steps to even reach
 * the mean. Fitted on the training rows, stored in the model (format version 2).
 */
public final class TargetScaling implements Serializable {
  private static final long serialVersionUID = 1L;

  private final float[] mean;
  private final float[] std;
  private final boolean identity;

  /**
   * @param mean per output, subtracted before training
   * @param std per output (&gt; 0), divided by before training
   * @throws IllegalArgumentException when the lengths differ or a std is not positive and finite
   */
  public TargetScaling(float[] mean, float[] std) {
    if (mean.length != std.length) {
      throw new IllegalArgumentException("target scaling: " + mean.length + " means but " + std.length + " stds");
    }
    boolean same = true;
    for (int j = 0; j < std.length; j++) {
      if (!(std[j] > 0) || !Float.isFinite(std[j]) || !Float.isFinite(mean[j])) {
        throw new IllegalArgumentException("target scaling of output " + j + ": mean " + mean[j] + ", std " + std[j]
            + "; the std must be a positive number");
      }
      same &= mean[j] == 0f && std[j] == 1f;
    }
    this.mean = mean.clone();
    this.std = std.clone();
    this.identity = same;
  }

  /** No scaling, for {@code width} outputs (classification, or data.target-scaling = none). */
  public static TargetScaling none(int width) {
    float[] ones = new float[width];
    Arrays.fill(ones, 1f);
    return new TargetScaling(new float[width], ones);
  }

  /** Mean 0 and std 1 per output on the training rows; a constant target keeps std 1. */
  public static TargetScaling standard(FeatureStatistics targets, int width) {
    float[] mean = new float[width];
    float[] std = new float[width];
    for (int j = 0; j < width; j++) {
      double s = targets.std(j);
      mean[j] = (float) targets.mean(j);
      std[j] = s > 1e-12 && Double.isFinite(s) ? (float) s : 1f;
    }
    return new TargetScaling(mean, std);
  }

  public int width() {
    return mean.length;
  }

  public boolean isIdentity() {
    return identity;
  }

  public float[] mean() {
    return mean.clone();
  }

  public float[] std() {
    return std.clone();
  }

  /** Copies {@code width} targets from {@code src} to {@code dst}, standardised. */
  public void apply(float[] src, int srcOffset, float[] dst, int dstOffset) {
    int k = mean.length;
    if (identity) {
      System.arraycopy(src, srcOffset, dst, dstOffset, k);
      return;
    }
    for (int j = 0; j < k; j++) {
      dst[dstOffset + j] = (src[srcOffset + j] - mean[j]) / std[j];
    }
  }

  /** Turns {@code rows} rows of network outputs (rows × width, from {@code offset}) into target units, in place. */
  public void invert(float[] values, int offset, int rows) {
    if (identity) {
      return;
    }
    int k = mean.length;
    for (int r = 0; r < rows; r++) {
      int base = offset + r * k;
      for (int j = 0; j < k; j++) {
        values[base + j] = values[base + j] * std[j] + mean[j];
      }
    }
  }
}
