package io.sparkdnn.engine;


/**
 * What the outputs mean, which fixes how targets are stored and how a prediction is read.
 *
 * <ul>
 *   <li>{@link #MULTICLASS}: one class of K ≥ 2; the target is the class index (one float per row);
 *       the prediction is the arg-max output.
 *   <li>{@link #BINARY}: one sigmoid output; target 0 or 1; predicted 1 when the output ≥ 0.5.
 *   <li>{@link #MULTILABEL}: K independent sigmoid outputs; K targets of 0 or 1; a row counts as
 *       correct when every label is predicted right.
 *   <li>{@link #REGRESSION}: K real targets, mean squared error.
 * </ul>
 */
public enum Task implements Token {
  MULTICLASS("multiclass"),
  BINARY("binary"),
  MULTILABEL("multilabel"),
  REGRESSION("regression");

  private final String token;

  Task(String token) {
    this.token = token;
  }

  @Override
  public String token() {
    return token;
  }

  public boolean isClassification() {
    return this != REGRESSION;
  }

  /** Floats per row in a target block: a class index for multi-class, else one per output. */
  public int targetWidth(NetworkSpec spec) {
    return this == MULTICLASS ? 1 : spec.outputWidth();
  }

  /** The task a spec implies when the user does not name one. */
  public static Task inferFrom(NetworkSpec spec) {
    switch (spec.loss()) {
      case LOG_LIKELIHOOD:
        return MULTICLASS;
      case BINARY_CROSS_ENTROPY:
        return spec.outputWidth() == 1 ? BINARY : MULTILABEL;
      default:
        return REGRESSION;
    }
  }

  /** Rejects a task that the network's outputs cannot express, saying what would fit. */
  public void checkCompatible(NetworkSpec spec) {
    Activation out = spec.outputLayer().activation();
    int k = spec.outputWidth();
    switch (this) {
      case MULTICLASS:
        if (k < 2) {
          throw new IllegalArgumentException(
              "multiclass needs at least 2 outputs (one per class), network " + spec + " has " + k
                  + "; for two classes use 2 softmax outputs or task binary with 1 sigmoid output");
        }
        break;
      case BINARY:
        if (k != 1 || out != Activation.SIGMOID) {
          throw new IllegalArgumentException(
              "binary classification needs exactly one sigmoid output, network " + spec + " has "
                  + k + " " + out.token() + " output(s)");
        }
        break;
      case MULTILABEL:
        if (out != Activation.SIGMOID) {
          throw new IllegalArgumentException(
              "multilabel needs sigmoid outputs (one per label), network " + spec + " has "
                  + out.token() + " outputs");
        }
        break;
      case REGRESSION:
        if (spec.loss() != Loss.MSE) {
          throw new IllegalArgumentException(
              "regression needs loss mse, network " + spec + " uses " + spec.loss().token()
                  + "; end the network with e.g. 1identity");
        }
        break;
      default:
        throw new AssertionError(this);
    }
  }

  public static Task fromToken(String token) {
    return Token.parse(Task.class, token, "task");
  }
}
