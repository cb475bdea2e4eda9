package io.sparkdnn.engine;


/** Where the engine's matrix products run. */
public enum BlasBackend implements Token {
  /** Bundled OpenBLAS if it loads on this platform, else pure Java (with a warning). */
  AUTO("auto"),
  /** The OpenBLAS shipped inside the jar (org.bytedeco:openblas); no system install needed. */
  BUNDLED("bundled"),
  /**
   * The system's {@code libblas.so.3} (e.g. Debian's libopenblas0-pthread), or the library named by
   * {@code -Ddev.ludovic.netlib.blas.nativeLibPath}. Set OPENBLAS_NUM_THREADS=1 yourself.
   */
  SYSTEM("system"),
  /** netlib's pure-Java BLAS (vectorised when jdk.incubator.vector is enabled). */
  JAVA("java");

  private final String token;

  BlasBackend(String token) {
    this.token = token;
  }

  @Override
  public String token() {
    return token;
  }

  public static BlasBackend fromToken(String token) {
    return Token.parse(BlasBackend.class, token, "BLAS backend");
  }
}
