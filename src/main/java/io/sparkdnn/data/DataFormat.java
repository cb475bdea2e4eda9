package io.sparkdnn.data;

import io.sparkdnn.engine.Token;

/** The file formats data is read from, as Spark's readers name them. */
public enum DataFormat implements Token {
  PARQUET("parquet"),
  /** With a header line; column types inferred. */
  CSV("csv"),
  JSON("json"),
  ORC("orc"),
  /** label index:value ... lines; read as columns label (double) and features (a vector). */
  LIBSVM("libsvm");

  private final String token;

  DataFormat(String token) {
    this.token = token;
  }

  @Override
  public String token() {
    return token;
  }

  public static DataFormat fromToken(String token) {
    return Token.parse(DataFormat.class, token, "data format");
  }
}
