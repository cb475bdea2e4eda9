package io.sparkdnn.train;

import io.sparkdnn.engine.Token;

/** The learning-rate schedules {@code training.schedule.name} chooses from. */
public enum ScheduleName implements Token {
  CONSTANT("constant"),
  /** × step-factor every step-epochs. */
  STEP("step"),
  /** × gamma per epoch. */
  EXPONENTIAL("exponential"),
  /** Half a cosine down to min-learning-rate over the epochs. */
  COSINE("cosine");

  private final String token;

  ScheduleName(String token) {
    this.token = token;
  }

  @Override
  public String token() {
    return token;
  }

  public static ScheduleName fromToken(String token) {
    return Token.parse(ScheduleName.class, token, "schedule");
  }
}
