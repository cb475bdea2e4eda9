package io.sparkdnn.job;

/** A configuration problem: names the key (and file) and what is expected. */
public final class ConfigException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ConfigException(String message) {
    super(message);
  }
}
