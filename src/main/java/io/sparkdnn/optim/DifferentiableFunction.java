package io.sparkdnn.optim;

/** A scalar objective and its gradient, e.g. the mean loss over the full training set. */
@FunctionalInterface
public interface DifferentiableFunction {

  /** Returns f(x) and overwrites {@code gradient} with ∇f(x). */
  double valueAndGradient(float[] x, float[] gradient);
}
