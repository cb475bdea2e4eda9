package io.sparkdnn.train;

import io.sparkdnn.results.EpochMetrics;
import io.sparkdnn.results.EvaluationResult;
import java.util.List;

/** The outcome of training: the weights to keep, per-epoch history and final validation metrics. */
public final class TrainingResult {
  private final float[] weights;
  private final List<EpochMetrics> history;
  private final EvaluationResult validationMetrics;
  private final TrainingState state;
  private final double seconds;
  private final int keptEpoch;
  private final String stopReason;
  private final long firstEpochStartMillis;

  TrainingResult(float[] weights, int keptEpoch, String stopReason, List<EpochMetrics> history,
      EvaluationResult validationMetrics, TrainingState state, double seconds, long firstEpochStartMillis) {
    this.firstEpochStartMillis = firstEpochStartMillis;
    this.keptEpoch = keptEpoch;
    this.stopReason = stopReason;
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
  public EvaluationResult validationMetrics() {
    return validationMetrics;
  }

  public TrainingState state() {
    return state;
  }

  /** The epoch whose weights {@link #weights()} are: the best one under early stopping, else the last. */
  public int bestEpoch() {
    return keptEpoch;
  }

  /** Why training ended: the epoch limit, early stopping (with the epoch kept) or convergence. */
  public String stopReason() {
    return stopReason;
  }

  /** When this run's first epoch started (epoch milliseconds, System.currentTimeMillis); 0 if none ran. */
  public long firstEpochStartMillis() {
    return firstEpochStartMillis;
  }

  public double seconds() {
    return seconds;
  }
}
