package io.sparkdnn.job;

import io.sparkdnn.engine.Token;

/** The formats {@code dnn predict} writes ({@code predict.output.format}). */
public enum OutputFormat implements Token {
  PARQUET("parquet"),
  /** One column per class probability (CSV has no arrays). */
  CSV("csv"),
  JSON("json"),
  ORC("orc");

  private final String token;

  OutputFormat(String token) {
    this.token = token;
  }

  @Override
  public String token() {
    return token;
  }

  public static OutputFormat fromToken(String token) {
    return Token.parse(OutputFormat.class, token, "output format");
  }
}
