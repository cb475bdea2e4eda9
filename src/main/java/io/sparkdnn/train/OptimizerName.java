package io.sparkdnn.train;

import io.sparkdnn.engine.Token;

/** The update rules {@code training.optimizer.name} chooses from. */
public enum OptimizerName implements Token {
  SGD("sgd"),
  MOMENTUM("momentum"),
  NESTEROV("nesterov"),
  ADAM("adam"),
  /** Adam with decoupled weight decay (Loshchilov &amp; Hutter, 2019). */
  ADAMW("adamw"),
  /** Full-batch quasi-Newton (needs sync mode with one round per epoch). */
  LBFGS("lbfgs");

  private final String token;

  OptimizerName(String token) {
    this.token = token;
  }

  @Override
  public String token() {
    return token;
  }

  public static OptimizerName fromToken(String token) {
    return Token.parse(OptimizerName.class, token, "optimizer");
  }
}
