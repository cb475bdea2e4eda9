package io.sparkdnn.train;

import java.util.List;
import java.util.Map;

/** The outcome of training: the weights to keep, per-epoch history and final validation metrics. */
public final class TrainingResult {
  private final float[] weights;
  private final List<EpochMetrics> history;
  private final Map<String, Object> validationMetrics;
  private final TrainingState state;
  private final double seconds;

  TrainingResult(float[] weights, List<EpochMetrics> history, Map<String, Object> validationMetrics,
      TrainingState state, double seconds) {
    this.weights = weights;
    this.history = List.copyOf(history);
    this.validationMetrics = validationMetrics;
    this.state = state;
    this.seconds = seconds;
  }

  /** The last epoch's weights, or the best epoch's when early stopping is on. */
  public float[] weights() {
    return weights;
  }

  public List<EpochMetrics> history() {
    return history;
  }

  /** Metrics of {@link #weights()} on the validation rows; null without validation data. */
  public Map<String, Object> validationMetrics() {
    return validationMetrics;
  }

  public TrainingState state() {
    return state;
  }

  public int bestEpoch() {
    return state.bestEpoch;
  }

  public double seconds() {
    return seconds;
  }
}
