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
  MAXABS("maxabs");

  private final String token;

  ScalingMode(String token) {
    this.token = token;
  }

  @Override
  public String token() {
    return token;
  }

  public static ScalingMode fromToken(String token) {
    return Token.parse(ScalingMode.class, token, "scaling");
  }
}
