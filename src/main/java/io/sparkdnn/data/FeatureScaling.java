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

  /**
   * The scaling {@code mode} asks for, fitted on the training statistics. {@link ScalingMode#AUTO}
   * leaves the features that lie in [0, 1] as they are and standardises the others; the result's
   * mode says what it became (none or standard when it treated every feature alike, else auto).
   */
  public static FeatureScaling fit(ScalingMode mode, FeatureStatistics stats, int width) {
    if (mode == ScalingMode.NONE || stats.count() == 0) {
      return none(width);
    }
    float[] scale = new float[width];
    float[] shift = new float[width];
    int standardised = 0;
    for (int j = 0; j < width; j++) {
      double s;
      double offset;
      ScalingMode m = mode == ScalingMode.AUTO ? (inUnitInterval(stats, j) ? ScalingMode.NONE : ScalingMode.STANDARD)
          : mode;
      switch (m) {
        case NONE:
          s = 1;
          offset = 0;
          break;
        case STANDARD: {
          double std = stats.std(j);
          s = std > 1e-12 ? 1.0 / std : 1.0;
          offset = stats.mean(j);
          standardised++;
          break;
        }
        case MINMAX: {
          double range = (double) stats.max(j) - stats.min(j);
          s = range > 1e-12 ? 1.0 / range : 1.0;
          offset = stats.min(j);
          break;
        }
        case MAXABS: {
          double max = Math.max(Math.abs((double) stats.min(j)), Math.abs((double) stats.max(j)));
          s = max > 1e-12 ? 1.0 / max : 1.0;
          offset = 0;
          break;
        }
        default:
          throw new AssertionError(m);
      }
      scale[j] = (float) s;
      shift[j] = (float) (-offset * s);
    }
    if (mode == ScalingMode.AUTO) {
      if (standardised == 0) {
        return none(width);
      }
      return new FeatureScaling(standardised == width ? ScalingMode.STANDARD : ScalingMode.AUTO, scale, shift);
    }
    return new FeatureScaling(mode, scale, shift);
  }

  private static boolean inUnitInterval(FeatureStatistics stats, int j) {
    return stats.min(j) >= 0f && stats.max(j) <= 1f;
  }

  /** For the log: "standard (all 4 features)", "auto: 3 of 10 features standardised, 7 in [0, 1] left", … */
  public String describe() {
    int changed = 0;
    for (int j = 0; j < scale.length; j++) {
      changed += scale[j] != 1f || shift[j] != 0f ? 1 : 0;
    }
    switch (mode) {
      case NONE:
        return "none (" + scale.length + " features used as they are)";
      case AUTO:
        return "auto: " + changed + " of " + scale.length + " features standardised, the other "
            + (scale.length - changed) + " already lie in [0, 1] and are left as they are";
      default:
        return mode.token() + " (" + scale.length + " features)";
    }
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
