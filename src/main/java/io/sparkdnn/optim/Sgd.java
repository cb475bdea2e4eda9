package io.sparkdnn.optim;

/**
 * Stochastic gradient descent, optionally with momentum (heavy ball) or Nesterov momentum, in the
 * form PyTorch uses so that the learning rate can change between steps:
 *
 * <pre>
 *   v ← μ·v + g
 *   θ ← θ − lr · (g + μ·v)    Nesterov
 *   θ ← θ − lr · v            heavy ball;   μ = 0 is plain SGD
 * </pre>
 */
public final class Sgd implements UpdateRule {
  private static final long serialVersionUID = 1L;

  private final float momentum;
  private final boolean nesterov;

  public Sgd(double momentum, boolean nesterov) {
    if (!(momentum >= 0 && momentum < 1)) {
      throw new IllegalArgumentException("momentum must be in [0, 1), found " + momentum);
    }
    if (nesterov && momentum == 0) {
      throw new IllegalArgumentException("Nesterov momentum needs a momentum > 0");
    }
    this.momentum = (float) momentum;
    this.nesterov = nesterov;
  }

  @Override
  public String name() {
    return momentum == 0 ? "sgd" : nesterov ? "nesterov" : "momentum";
  }

  @Override
  public OptimizerState newState(int parameterCount) {
    float[][] vectors = momentum == 0 ? new float[0][] : new float[][] {new float[parameterCount]};
    return new OptimizerState(name(), 0, vectors);
  }

  @Override
  public void apply(
      float[] params, float[] gradient, OptimizerState state, float learningRate, ParameterRanges active) {
    int[] ranges = active.ranges();
    if (momentum == 0) {
      for (int r = 0; r < ranges.length; r += 2) {
        for (int i = ranges[r], end = ranges[r + 1]; i < end; i++) {
          params[i] -= learningRate * gradient[i];
        }
      }
    } else {
      float[] velocity = state.vector(0);
      for (int r = 0; r < ranges.length; r += 2) {
        for (int i = ranges[r], end = ranges[r + 1]; i < end; i++) {
          float v = momentum * velocity[i] + gradient[i];
          velocity[i] = v;
          params[i] -= learningRate * (nesterov ? gradient[i] + momentum * v : v);
        }
      }
    }
    state.setStep(state.step() + 1);
  }
}
