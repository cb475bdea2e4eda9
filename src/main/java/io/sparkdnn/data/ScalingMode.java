package io.sparkdnn.data;

import io.sparkdnn.engine.Token;

/** How features are rescaled before they reach the network ({@code data.scaling}). */
public enum ScalingMode implements Token {
  /** Use features as they are. */
  NONE("none"),
  /**
   * Per feature: leave it when it already lies in [0, 1] (pixels, 0/1 indicators, shares), else
   * standardise it. The default: raw magnitudes in the hundreds stall training, and [0, 1] inputs
   * need nothing.
   */
  AUTO("auto"),
  /** (x − mean) / std per feature; constant features are only centred. */
  STANDARD("standard"),
  /** (x − min) / (max − min) into [0, 1] per feature; constant features map to 0. */
  MINMAX("minmax"),
  /** x / max |x| per feature into [−1, 1]: zeros stay zero, so sparse data stays sparse. */
  MAXABS("maxabs"),
  /**
   * x / std per feature, not centred (Spark's StandardScaler with withMean = false): zeros stay
   * zero, so sparse rows may use it; constant features are left as they are.
   */
  STANDARD_SCALE_ONLY("standard-scale-only");

  private final String token;

  ScalingMode(String token) {
    this.token = token;
  }

  @Override
  public String token() {
    return token;
  }

  /**
   * Why this scaling cannot be applied to sparse rows, or null when it keeps zeros zero and can:
   * a shift moves every zero of a row off zero, and a row of 2^18 mostly-zero features would then
   * be 2^18 non-zeros.
   */
  public String whyNotForSparseRows() {
    switch (this) {
      case STANDARD:
        return "standard subtracts each feature's mean, which turns every zero of a sparse row into a non-zero "
            + "(the rows would become dense)";
      case MINMAX:
        return "minmax subtracts each feature's minimum, which turns every zero of a sparse row into a non-zero "
            + "wherever the minimum is not 0 (the rows would become dense)";
      default:
        return null;
    }
  }

  public static ScalingMode fromToken(String token) {
    return Token.parse(ScalingMode.class, token, "scaling");
  }
}
