package io.sparkdnn.model;

/** A model directory that cannot be read: says which file and what to do. */
public final class ModelFormatException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** What to do about a model whose files are damaged, incomplete or inconsistent. */
  static final String DAMAGED_REMEDY = "; the model is damaged and cannot be used: restore its directory from a "
      + "copy or train it again (in a model store, dnn rollback returns production to the version before)";

  public ModelFormatException(String message) {
    super(message);
  }

  /**
   * A model's file that is damaged, cut short or missing, or that contradicts another: {@code
   * problem} (which file, and what is wrong with it), then {@link #DAMAGED_REMEDY}.
   */
  static ModelFormatException damaged(String problem) {
    return new ModelFormatException(problem + DAMAGED_REMEDY);
  }

  /**
   * A model file that is missing: {@linkplain #damaged damaged} when the directory holds the model's
   * other file ({@code modelWasThere}); otherwise the directory need not be a model at all (a data
   * directory given as the model), so no remedy about restoring or retraining a model.
   */
  static ModelFormatException missing(String problem, boolean modelWasThere) {
    return modelWasThere ? damaged(problem) : new ModelFormatException(problem + "; give the directory of a model "
        + "(one that holds metadata.json and weights.bin)");
  }
}
