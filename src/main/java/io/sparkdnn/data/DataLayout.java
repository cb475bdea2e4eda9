package io.sparkdnn.data;

import io.sparkdnn.engine.Token;

/**
 * How feature rows are packed and fed to the network ({@code data.layout}).
 *
 * <ul>
 *   <li>{@link #DENSE}: every row as {@code width} contiguous floats; the first layer is one gemm.
 *   <li>{@link #SPARSE}: rows in CSR form (non-zero values and their column indices); the first
 *       layer multiplies sparse × dense and its gradient touches only the inputs a batch used.
 *       33k rows of 2^18 hashed words cost ~70 bytes each instead of 1 MiB.
 *   <li>{@link #AUTO}: sparse when the features are one vector column whose rows are stored as
 *       sparse vectors (libsvm, HashingTF, one-hot encoders), at most 10% non-zero and at least
 *       {@value #AUTO_MIN_WIDTH} wide; dense otherwise, which keeps small tables on the dense path.
 * </ul>
 */
public enum DataLayout implements Token {
  AUTO("auto"),
  DENSE("dense"),
  SPARSE("sparse");

  /** {@link #AUTO} packs rows sparse only from this width: narrower rows are cheap dense. */
  public static final int AUTO_MIN_WIDTH = 1024;
  /** {@link #AUTO} packs rows sparse only when at most this share of their values is non-zero. */
  public static final double AUTO_MAX_DENSITY = 0.1;

  private final String token;

  DataLayout(String token) {
    this.token = token;
  }

  @Override
  public String token() {
    return token;
  }

  public static DataLayout fromToken(String token) {
    return Token.parse(DataLayout.class, token, "data layout");
  }
}
