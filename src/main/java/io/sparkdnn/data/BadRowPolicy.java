package io.sparkdnn.data;

import io.sparkdnn.engine.Token;

/** What to do with a row that fails validation. */
public enum BadRowPolicy implements Token {
  /** Stop with an error naming the column and the row. */
  FAIL("fail"),
  /** Leave the row out and count it, per reason, in the log. */
  SKIP("skip");

  private final String token;

  BadRowPolicy(String token) {
    this.token = token;
  }

  @Override
  public String token() {
    return token;
  }

  public static BadRowPolicy fromToken(String token) {
    return Token.parse(BadRowPolicy.class, token, "bad-row policy");
  }
}
