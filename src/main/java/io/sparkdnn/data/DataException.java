package io.sparkdnn.data;

/**
 * Input data that cannot be used as it is: names where (column, row, path) and what is wrong. Its
 * message is meant for the user as it stands.
 */
public class DataException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public DataException(String message) {
    super(message);
  }

  /**
   * This failure with {@code context} (which data, e.g. "training data (data.train.path=…)") put in
   * front of its message; the kind of failure is kept, so that a caller can still tell a bad row.
   */
  public DataException in(String context) {
    return new DataException(context + ": " + getMessage());
  }
}
