package io.sparkdnn.engine;

import java.util.Locale;

/**
 * Loss functions J(a, y) for one row, summed over rows by the engine.
 *
 * <ul>
 *   <li>{@link #MSE}: ½‖a − y‖². Works with any output activation except softmax; with sigmoid
 *       outputs it learns slowly once σ' → 0, which is why the cross-entropies exist.
 *   <li>{@link #BINARY_CROSS_ENTROPY}: −Σ [y log a + (1−y) log(1−a)] over independent sigmoid
 *       outputs (binary and multi-label). Fused with the sigmoid, its delta is a − y.
 *   <li>{@link #LOG_LIKELIHOOD}: −log a_y over softmax outputs (one class of many). Fused with the
 *       softmax, its delta is a − onehot(y).
 * </ul>
 */
public enum Loss implements Token {
  MSE("mse"),
  BINARY_CROSS_ENTROPY("bce"),
  LOG_LIKELIHOOD("loglik");

  private final String token;

  Loss(String token) {
    this.token = token;
  }

  @Override
  public String token() {
    return token;
  }

  /** The loss that pairs naturally with an output activation. */
  public static Loss defaultFor(Activation output) {
    switch (output) {
      case SOFTMAX:
        return LOG_LIKELIHOOD;
      case SIGMOID:
        return BINARY_CROSS_ENTROPY;
      default:
        return MSE;
    }
  }

  /**
   * Parses a token; {@code crossentropy}/{@code nll} name the log-likelihood and {@code logloss}
   * the binary cross-entropy, as other libraries call them.
   */
  public static Loss fromToken(String token) {
    switch (token.toLowerCase(Locale.ROOT)) {
      case "crossentropy":
      case "categorical_crossentropy":
      case "nll":
        return LOG_LIKELIHOOD;
      case "logloss":
      case "binary_crossentropy":
        return BINARY_CROSS_ENTROPY;
      default:
        return Token.parse(Loss.class, token, "loss");
    }
  }
}
