package io.sparkdnn.model;

/** A model directory that cannot be read: says which file and what to do. */
public final class ModelFormatException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** What to do about a model whose files are damaged, incomplete or inconsistent. */
  static final String DAMAGED_REMEDY = "; the model is damaged and cannot be used: restore its directory from a "
      + "copy or train it again (in a model store, dnn rollback returns production to the version before)";

  /** True when nothing is at the path (as opposed to something that is not a usable model). */
  private final boolean absent;

  public ModelFormatException(String message) {
    this(message, false);
  }

  private ModelFormatException(String message, boolean absent) {
    super(message);
    this.absent = absent;
  }

  /** Nothing at the path: {@code message} says where ("no model at …"). */
  static ModelFormatException absent(String message) {
    return new ModelFormatException(message, true);
  }

  /**
   * Whether nothing was at the path, so that a caller can say what the path should have named (a
   * keyword taken for a path, say) rather than what is wrong with a model there.
   */
  public boolean isAbsent() {
    return absent;
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
