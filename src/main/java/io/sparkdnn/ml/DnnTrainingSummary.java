package io.sparkdnn.ml;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sparkdnn.engine.Task;
import io.sparkdnn.results.EpochMetrics;
import io.sparkdnn.results.EvaluationResult;
import io.sparkdnn.results.Json;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * How fitting went: one record per epoch (the same as {@code dnn train}'s metrics.jsonl), the epoch
 * whose weights the model kept, why training stopped, and the kept weights' metrics on the
 * validation rows. Saved with the model ({@code PATH/summary.json}) and loaded with it.
 */
public final class DnnTrainingSummary implements Serializable {
  private static final long serialVersionUID = 3L;

  private final Task task;
  private final List<EpochMetrics> epochs;
  private final EvaluationResult validationMetrics;
  private final int bestEpoch;
  private final String stopReason;

  DnnTrainingSummary(Task task, List<EpochMetrics> history, EvaluationResult validationMetrics, int bestEpoch,
      String stopReason) {
    this.task = task;
    this.epochs = List.copyOf(history);
    this.validationMetrics = validationMetrics;
    this.bestEpoch = bestEpoch;
    this.stopReason = stopReason;
  }

  /** One record per epoch, in order: losses, validation metrics, learning rate, seconds, rows per second. */
  public List<EpochMetrics> epochs() {
    return epochs;
  }

  /**
   * The training objective per epoch: the mean training loss (cross-entropy, or mean squared error
   * of the scaled targets), as MLlib's {@code objectiveHistory}.
   */
  public double[] objectiveHistory() {
    return epochs.stream().mapToDouble(EpochMetrics::trainLoss).toArray();
  }

  /** The validation loss per epoch; NaN for epochs without validation rows. */
  public double[] validationLossHistory() {
    return epochs.stream().mapToDouble(EpochMetrics::valLoss).toArray();
  }

  /** Epochs run (MLlib's {@code totalIterations}; here one iteration is one pass over the data). */
  public int totalIterations() {
    return epochs.size();
  }

  /** The epoch whose weights the model has (the best one under early stopping, else the last). */
  public int bestEpoch() {
    return bestEpoch;
  }

  /** Why training ended: the epoch limit, early stopping, or convergence. */
  public String stopReason() {
    return stopReason;
  }

  /** Metrics of the kept weights on the validation rows; null when no rows were held out. */
  public EvaluationResult validationMetrics() {
    return validationMetrics;
  }

  /**
   * One line for a shell or a log: epochs run, the kept epoch's losses and validation metric, and
   * why training ended, e.g. {@code 12 epochs; kept epoch 12: train loss 0.3012, validation loss
   * 0.3345, validation accuracy 0.8812; reached epochs = 12}.
   */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    sb.append(epochs.size()).append(epochs.size() == 1 ? " epoch" : " epochs");
    EpochMetrics kept = epochs.stream().filter(e -> e.epoch() == bestEpoch).findFirst().orElse(null);
    if (kept != null) {
      sb.append("; kept epoch ").append(bestEpoch).append(": train loss ").append(fourDigits(kept.trainLoss()));
      if (kept.hasValidation()) {
        sb.append(", validation loss ").append(fourDigits(kept.valLoss()));
        if (task.isClassification()) {
          sb.append(", validation accuracy ").append(fourDigits(kept.valAccuracy()));
        } else if (!Double.isNaN(kept.valRmse())) {
          sb.append(", validation RMSE ").append(fourDigits(kept.valRmse()));
        }
      }
    }
    if (stopReason != null) {
      sb.append("; ").append(stopReason);
    }
    return sb.toString();
  }

  private static String fourDigits(double value) {
    return String.format(java.util.Locale.ROOT, "%.4f", value);
  }

  /** The JSON form saved as summary.json. */
  ObjectNode toJson() {
    ObjectNode root = Json.object();
    root.put("task", task.token());
    root.put("best_epoch", bestEpoch);
    root.put("stop_reason", stopReason);
    ArrayNode history = root.putArray("epochs");
    epochs.forEach(e -> history.add(e.toJson()));
    if (validationMetrics != null) {
      root.set("validation_metrics", validationMetrics.toJson());
    }
    return root;
  }

  /** Reads {@link #toJson()}'s form. */
  static DnnTrainingSummary fromJson(JsonNode root) {
    Task task = Task.fromToken(root.path("task").asText());
    List<EpochMetrics> history = new ArrayList<>();
    root.path("epochs").forEach(e -> history.add(EpochMetrics.fromJson(e)));
    JsonNode validation = root.get("validation_metrics");
    return new DnnTrainingSummary(task, history,
        validation == null ? null : EvaluationResult.fromJson(validation, task), root.path("best_epoch").asInt(),
        root.path("stop_reason").asText(null));
  }
}
