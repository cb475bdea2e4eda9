package io.sparkdnn.optim;

/**
 * Adam (Kingma & Ba), and AdamW when {@code decoupledWeightDecay > 0} (Loshchilov & Hutter):
 *
 * <pre>
 *   θ_w ← θ_w · (1 − lr·λ)                 AdamW only, weights only
 *   m ← β1·m + (1−β1)·g,  v ← β2·v + (1−β2)·g²
 *   θ ← θ − lr · m̂ / (√v̂ + ε),  m̂ = m/(1−β1^t), v̂ = v/(1−β2^t)
 * </pre>
 */
public final class Adam implements UpdateRule {
  private static final long serialVersionUID = 1L;

  private final float beta1;
  private final float beta2;
  private final float epsilon;
  private final float decoupledWeightDecay;

  public Adam(double beta1, double beta2, double epsilon, double decoupledWeightDecay) {
    check(beta1 >= 0 && beta1 < 1, "beta1 must be in [0, 1), found " + beta1);
    check(beta2 >= 0 && beta2 < 1, "beta2 must be in [0, 1), found " + beta2);
    check(epsilon > 0, "epsilon must be positive, found " + epsilon);
    check(decoupledWeightDecay >= 0, "weight decay must be ≥ 0, found " + decoupledWeightDecay);
    this.beta1 = (float) beta1;
    this.beta2 = (float) beta2;
    this.epsilon = (float) epsilon;
    this.decoupledWeightDecay = (float) decoupledWeightDecay;
  }

  private static void check(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }

  @Override
  public String name() {
    return decoupledWeightDecay > 0 ? "adamw" : "adam";
  }

  @Override
  public OptimizerState newState(int parameterCount) {
    return new OptimizerState(name(), 0, new float[][] {new float[parameterCount], new float[parameterCount]});
  }

  @Override
  public void apply(
      float[] params, float[] gradient, OptimizerState state, float learningRate, ParameterRanges active) {
    long t = state.step() + 1;
    if (decoupledWeightDecay > 0) {
      float keep = 1f - learningRate * decoupledWeightDecay;
      int[] weightRanges = active.weightRanges();
      for (int r = 0; r < weightRanges.length; r += 2) {
        for (int i = weightRanges[r]; i < weightRanges[r + 1]; i++) {
          params[i] *= keep;
        }
      }
    }
    float[] m = state.vector(0);
    float[] v = state.vector(1);
    float stepSize = (float) (learningRate / (1 - Math.pow(beta1, t)));
    float secondCorrection = (float) (1 / (1 - Math.pow(beta2, t)));
    float oneMinusBeta1 = 1f - beta1;
    float oneMinusBeta2 = 1f - beta2;
    int[] ranges = active.ranges();
    for (int r = 0; r < ranges.length; r += 2) {
      for (int i = ranges[r], end = ranges[r + 1]; i < end; i++) {
        float g = gradient[i];
        float mi = beta1 * m[i] + oneMinusBeta1 * g;
        float vi = beta2 * v[i] + oneMinusBeta2 * g * g;
        m[i] = mi;
        v[i] = vi;
        params[i] -= stepSize * mi / ((float) Math.sqrt(vi * secondCorrection) + epsilon);
      }
    }
    state.setStep(t);
  }
}
