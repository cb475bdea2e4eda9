package io.sparkdnn.data;

import java.io.Serializable;

/**
 * An affine rescaling x' = x · scale + shift per feature, fitted on the training data and stored
 * in the model so that prediction applies exactly the same transform. Applied while rows are
 * copied into a mini-batch, so the cached data stays as read and costs no second copy.
 */
public final class FeatureScaling implements Serializable {
  private static final long serialVersionUID = 1L;

  private final ScalingMode mode;
  private final float[] scale;
  private final float[] shift;

  public FeatureScaling(ScalingMode mode, float[] scale, float[] shift) {
    if (scale.length != shift.length) {
      throw new IllegalArgumentException("scale and shift differ in length");
    }
    this.mode = mode;
    this.scale = scale;
    this.shift = shift;
  }

  public static FeatureScaling none(int width) {
    float[] ones = new float[width];
    java.util.Arrays.fill(ones, 1f);
    return new FeatureScaling(ScalingMode.NONE, ones, new float[width]);
  }

  public static FeatureScaling fit(ScalingMode mode, FeatureStatistics stats, int width) {
    if (mode == ScalingMode.NONE) {
      return none(width);
    }
    float[] scale = new float[width];
    float[] shift = new float[width];
    for (int j = 0; j < width; j++) {
      double s;
      double offset;
      if (mode == ScalingMode.STANDARD) {
        double std = stats.std(j);
        s = std > 1e-12 ? 1.0 / std : 1.0;
        offset = stats.mean(j);
      } else {
        double range = (double) stats.max(j) - stats.min(j);
        s = range > 1e-12 ? 1.0 / range : 1.0;
        offset = stats.min(j);
      }
      scale[j] = (float) s;
      shift[j] = (float) (-offset * s);
    }
    return new FeatureScaling(mode, scale, shift);
  }

  public ScalingMode mode() {
    return mode;
  }

  public int width() {
    return scale.length;
  }

  public float[] scale() {
    return scale.clone();
  }

  public float[] shift() {
    return shift.clone();
  }

  /** Copies {@code width} features from {@code src} to {@code dst}, rescaled. */
  public void apply(float[] src, int srcOffset, float[] dst, int dstOffset) {
    if (mode == ScalingMode.NONE) {
      System.arraycopy(src, srcOffset, dst, dstOffset, scale.length);
      return;
    }
    for (int j = 0; j < scale.length; j++) {
      dst[dstOffset + j] = src[srcOffset + j] * scale[j] + shift[j];
    }
  }
}
