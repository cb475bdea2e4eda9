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
  default void apply(float[] params, float[] gradient, OptimizerState state, float learningRate, int[] weightRanges) {
    apply(params, gradient, state, learningRate, ParameterRanges.all(params.length, weightRanges));
  }

  /**
   * Applies one update to the parameters of {@code active} only (their state too), and advances
   * {@code state}'s step count; every other parameter and its state is left as it is — the lazy
   * step of {@link ParameterRanges}. With {@link ParameterRanges#all} this is the dense update.
   */
  void apply(float[] params, float[] gradient, OptimizerState state, float learningRate, ParameterRanges active);
}
