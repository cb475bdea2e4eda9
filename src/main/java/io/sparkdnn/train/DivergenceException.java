package io.sparkdnn.train;

/** Training produced NaN or infinite values and could not recover within the configured retries. */
public final class DivergenceException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public DivergenceException(String message) {
    super(message);
  }
}
