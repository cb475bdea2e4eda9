package io.sparkdnn.optim;

import java.io.Serializable;

/**
 * A first-order update θ ← θ − lr · d(g, state) on the flat parameter vector, given the mean
 * gradient {@code g}. The rule itself is stateless configuration; its state lives in an
 * {@link OptimizerState} so that it can be saved and moved.
 */
public interface UpdateRule extends Serializable {

  /** Identifies the rule and its state layout, e.g. {@code adam}. */
  String name();

  OptimizerState newState(int parameterCount);

  /**
   * Applies one update in place and advances {@code state}. {@code weightRanges} ([start, end)
   * pairs) mark the weights, as opposed to biases, for rules that decay weights.
   */
  void apply(float[] params, float[] gradient, OptimizerState state, float learningRate, int[] weightRanges);
}
