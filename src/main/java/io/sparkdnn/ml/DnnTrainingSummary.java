package io.sparkdnn.ml;

import io.sparkdnn.results.EpochMetrics;
import io.sparkdnn.results.EvaluationResult;
import java.io.Serializable;
import java.util.List;

/** How fitting went: per-epoch metrics (as in metrics.jsonl) and the final validation metrics. */
public final class DnnTrainingSummary implements Serializable {
  private static final long serialVersionUID = 2L;

  private final List<EpochMetrics> epochs;
  private final EvaluationResult validationMetrics;
  private final int bestEpoch;

  DnnTrainingSummary(List<EpochMetrics> history, EvaluationResult validationMetrics, int bestEpoch) {
    this.epochs = List.copyOf(history);
    this.validationMetrics = validationMetrics;
    this.bestEpoch = bestEpoch;
  }

  /** One record per epoch: train loss, validation metrics, seconds, … */
  public List<EpochMetrics> epochs() {
    return epochs;
  }

  /** Training loss per epoch. */
  public double[] trainLoss() {
    return epochs.stream().mapToDouble(EpochMetrics::trainLoss).toArray();
  }

  /** Metrics of the final weights on the validation rows; null without validation data. */
  public EvaluationResult validationMetrics() {
    return validationMetrics;
  }

  /** The epoch whose weights the model has. */
  public int bestEpoch() {
    return bestEpoch;
  }

  public int totalEpochs() {
    return epochs.size();
  }
}
