package io.sparkdnn.job;

import io.sparkdnn.engine.Token;

/** The datasets {@code dnn prepare} writes ({@code prepare.dataset}). */
public enum PrepareDataset implements Token {
  /** Debian's dataset-fashion-mnist IDX files → train.parquet and test.parquet. */
  FASHION_MNIST("fashion-mnist"),
  /** Generated examples for the example configurations. */
  SYNTHETIC("synthetic");

  private final String token;

  PrepareDataset(String token) {
    this.token = token;
  }

  @Override
  public String token() {
    return token;
  }

  public static PrepareDataset fromToken(String token) {
    return Token.parse(PrepareDataset.class, token, "dataset");
  }
}
