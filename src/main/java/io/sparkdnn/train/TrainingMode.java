package io.sparkdnn.train;

import io.sparkdnn.engine.Token;

/** How partitions cooperate in one round. */
public enum TrainingMode implements Token {
  /**
   * Every round sums the gradients of all partitions and takes one step on the driver: synchronous
   * (mini-)batch training with a global batch of (rows / rounds-per-epoch). Partition-independent.
   */
  SYNC("sync"),
  /**
   * Model averaging: every partition starts from the broadcast weights, takes its own mini-batch
   * steps over its share of the round, and returns its weight change; the driver averages the
   * changes weighted by rows. Far fewer Spark jobs per epoch.
   */
  LOCAL("local");

  private final String token;

  TrainingMode(String token) {
    this.token = token;
  }

  @Override
  public String token() {
    return token;
  }

  public static TrainingMode fromToken(String token) {
    return Token.parse(TrainingMode.class, token, "training mode");
  }
}
