package io.sparkdnn.train;

import io.sparkdnn.optim.OptimizerState;
import java.io.Serializable;

/** Weights and optimiser state: what local mode broadcasts at the start of a round. */
public final class ModelState implements Serializable {
  private static final long serialVersionUID = 1L;

  private final float[] weights;
  private final OptimizerState optimizerState;

  public ModelState(float[] weights, OptimizerState optimizerState) {
    this.weights = weights;
    this.optimizerState = optimizerState;
  }

  public float[] weights() {
    return weights;
  }

  public OptimizerState optimizerState() {
    return optimizerState;
  }
}
