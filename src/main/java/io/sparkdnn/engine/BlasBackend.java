package io.sparkdnn.engine;

import java.util.Locale;

/** Where the engine's matrix products run. */
public enum BlasBackend {
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

  public String token() {
    return token;
  }

  public static BlasBackend fromToken(String token) {
    String t = token.toLowerCase(Locale.ROOT);
    for (BlasBackend b : values()) {
      if (b.token.equals(t)) {
        return b;
      }
    }
    throw new IllegalArgumentException(
        "unknown BLAS backend '" + token + "'; expected auto, bundled, system or java");
  }
}
