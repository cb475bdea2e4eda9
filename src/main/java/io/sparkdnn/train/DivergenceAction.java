package io.sparkdnn.train;

import io.sparkdnn.engine.Token;

/** What a round with NaN or infinite values leads to ({@code training.divergence.action}). */
public enum DivergenceAction implements Token {
  /** Back to the last good weights, learning rate × learning-rate-factor, try again. */
  RETRY("retry"),
  /** Stop with an error. */
  FAIL("fail");

  private final String token;

  DivergenceAction(String token) {
    this.token = token;
  }

  @Override
  public String token() {
    return token;
  }

  public static DivergenceAction fromToken(String token) {
    return Token.parse(DivergenceAction.class, token, "divergence action");
  }
}
