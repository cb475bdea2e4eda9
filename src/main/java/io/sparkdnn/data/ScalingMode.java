package io.sparkdnn.data;

import io.sparkdnn.engine.Token;

/** How features are rescaled before they reach the network. */
public enum ScalingMode implements Token {
  /** Use features as they are. */
  NONE("none"),
  /** (x − mean) / std per feature; constant features are only centred. */
  STANDARD("standard"),
  /** (x − min) / (max − min) into [0, 1] per feature; constant features map to 0. */
  MINMAX("minmax");

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
