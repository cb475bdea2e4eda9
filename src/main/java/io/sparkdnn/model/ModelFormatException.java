package io.sparkdnn.model;

/** A model directory that cannot be read: says which file and what to do. */
public final class ModelFormatException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ModelFormatException(String message) {
    super(message);
  }
}
