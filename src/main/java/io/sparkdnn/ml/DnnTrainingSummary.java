package io.sparkdnn.ml;

import io.sparkdnn.train.EpochMetrics;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** How fitting went: per-epoch metrics (as in metrics.jsonl) and the final validation metrics. */
public final class DnnTrainingSummary implements Serializable {
  private static final long serialVersionUID = 1L;

  private final List<Map<String, Object>> epochs = new ArrayList<>();
  private final Map<String, Object> validationMetrics;
  private final int bestEpoch;

  DnnTrainingSummary(List<EpochMetrics> history, Map<String, Object> validationMetrics, int bestEpoch) {
    for (EpochMetrics m : history) {
      epochs.add(m.toJson());
    }
    this.validationMetrics = validationMetrics;
    this.bestEpoch = bestEpoch;
  }

  /** One map per epoch: epoch, train_loss, val_loss, val_accuracy or val_rmse, epoch_seconds, … */
  public List<Map<String, Object>> epochs() {
    return epochs;
  }

  /** Training loss per epoch. */
  public double[] trainLoss() {
    return epochs.stream().mapToDouble(e -> ((Number) e.get("train_loss")).doubleValue()).toArray();
  }

  /** Metrics of the final weights on the validation rows; null without validation data. */
  public Map<String, Object> validationMetrics() {
    return validationMetrics;
  }

  public int bestEpoch() {
    return bestEpoch;
  }

  public int totalEpochs() {
    return epochs.size();
  }
}
