package io.sparkdnn.optim;

import java.io.Serializable;
import java.util.Objects;

/**
 * One training step on flat vectors: L2 penalty, gradient-norm clipping, the scheduled learning
 * rate, then the {@link UpdateRule}. Immutable; the state it advances is passed in.
 */
public final class Optimizer implements Serializable {
  private static final long serialVersionUID = 1L;

  private final UpdateRule rule;
  private final LearningRateSchedule schedule;
  private final L2Penalty l2;
  private final double clipNorm;
  private final int[] weightRanges;

  /**
   * @param l2 coefficient λ of the penalty ½λ‖W‖² on weights (not biases); 0 for none
   * @param clipNorm rescale the gradient to this L2 norm when it is longer; 0 for no clipping
   * @param weightRanges [start, end) pairs of the weights in the flat vector
   */
  public Optimizer(
      UpdateRule rule, LearningRateSchedule schedule, double l2, double clipNorm, int[] weightRanges) {
    if (!(clipNorm >= 0)) {
      throw new IllegalArgumentException("gradient clipping norm must be ≥ 0, found " + clipNorm);
    }
    this.rule = Objects.requireNonNull(rule, "rule");
    this.schedule = Objects.requireNonNull(schedule, "schedule");
    this.l2 = new L2Penalty(l2, weightRanges);
    this.clipNorm = clipNorm;
    this.weightRanges = weightRanges.clone();
  }

  public UpdateRule rule() {
    return rule;
  }

  public LearningRateSchedule schedule() {
    return schedule;
  }

  public OptimizerState newState(int parameterCount) {
    return rule.newState(parameterCount);
  }

  /**
   * Updates {@code params} in place from the mean loss gradient {@code gradient} (which this call
   * overwrites with the penalised, clipped gradient). {@code learningRateScale} multiplies the
   * scheduled rate, e.g. after a divergence was caught. Returns the learning rate used.
   */
  public float step(
      float[] params, float[] gradient, OptimizerState state, double epoch, double learningRateScale) {
    return step(params, gradient, state, epoch, learningRateScale, ParameterRanges.all(params.length, weightRanges));
  }

  /**
   * {@link #step(float[], float[], OptimizerState, double, double)} over the parameters of
   * {@code active} only: the lazy step for sparse input (see {@link ParameterRanges}). The L2
   * penalty and clipping see only those parameters — the gradient is zero elsewhere, except for
   * L2's λ·W, which a lazy step leaves out for rows it does not update. Cost ∝ {@code active.size()}.
   */
  public float step(float[] params, float[] gradient, OptimizerState state, double epoch, double learningRateScale,
      ParameterRanges active) {
    if (!state.rule().equals(rule.name())) {
      throw new IllegalArgumentException(
          "optimizer state belongs to " + state.rule() + ", not " + rule.name());
    }
    l2.addGradient(params, gradient, active);
    clip(gradient, active);
    float rate = (float) (schedule.rate(epoch) * learningRateScale);
    rule.apply(params, gradient, state, rate, active);
    return rate;
  }

  /** gradient += λ·W on the weights; returns the penalty ½λ‖W‖² for reporting. */
  public double addL2Gradient(float[] params, float[] gradient) {
    return l2.addGradient(params, gradient);
  }

  private void clip(float[] gradient, ParameterRanges active) {
    if (clipNorm == 0) {
      return;
    }
    double norm = Math.sqrt(active.squaredNorm(gradient));
    if (norm > clipNorm) {
      active.scale(gradient, (float) (clipNorm / norm));
    }
  }
}
