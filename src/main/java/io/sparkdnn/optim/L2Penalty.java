package io.sparkdnn.optim;

import java.io.Serializable;

/** The penalty ½λ‖W‖² on weights (not biases), added to a loss and its gradient. */
public final class L2Penalty implements Serializable {
  private static final long serialVersionUID = 1L;

  private final float lambda;
  private final int[] weightRanges;

  /** @param weightRanges [start, end) pairs of the weights in the flat vector */
  public L2Penalty(double lambda, int[] weightRanges) {
    if (!(lambda >= 0) || Double.isInfinite(lambda)) {
      throw new IllegalArgumentException("L2 coefficient must be ≥ 0, found " + lambda);
    }
    this.lambda = (float) lambda;
    this.weightRanges = weightRanges.clone();
  }

  public boolean isZero() {
    return lambda == 0;
  }

  /** {@code gradient += λ·W} on the weights; returns the penalty ½λ‖W‖². */
  public double addGradient(float[] params, float[] gradient) {
    return addGradient(params, gradient, weightRanges);
  }

  /**
   * {@code gradient += λ·W} on the weights of {@code active} only (a lazy step leaves the others);
   * returns the penalty ½λ‖W‖² over them.
   */
  public double addGradient(float[] params, float[] gradient, ParameterRanges active) {
    return addGradient(params, gradient, active.weightRanges());
  }

  private double addGradient(float[] params, float[] gradient, int[] weightRanges) {
    if (lambda == 0) {
      return 0;
    }
    double squares = 0;
    for (int r = 0; r < weightRanges.length; r += 2) {
      for (int i = weightRanges[r]; i < weightRanges[r + 1]; i++) {
        gradient[i] += lambda * params[i];
        squares += (double) params[i] * params[i];
      }
    }
    return 0.5 * lambda * squares;
  }
}
