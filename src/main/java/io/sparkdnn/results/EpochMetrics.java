package io.sparkdnn.results;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * What one epoch did: the line printed and the record written to metrics.jsonl. Metrics that do
 * not apply (validation without validation data, accuracy for regression) are NaN.
 *
 * @param epoch 1-based epoch number
 * @param epochs the configured number of epochs (the maximum when training may stop early)
 * @param trainRows training rows covered by the epoch
 * @param trainLoss mean training loss over the epoch's rows (for L-BFGS: the objective)
 * @param trainAccuracy fraction of training rows predicted right during the epoch; NaN for regression
 * @param valLoss mean loss on the validation rows
 * @param valAccuracy validation accuracy (classification)
 * @param valRmse validation root mean squared error (regression)
 * @param valMae validation mean absolute error (regression)
 * @param valR2 validation coefficient of determination (regression)
 * @param learningRate the learning rate at the epoch's start; NaN for L-BFGS
 * @param trainSeconds seconds spent in training rounds (validation excluded)
 * @param epochSeconds seconds of the whole epoch, validation included
 * @param elapsedSeconds seconds since training started
 * @param etaSeconds estimated seconds left until the configured last epoch
 * @param retries divergence retries so far
 */
public record EpochMetrics(
    int epoch, int epochs, long trainRows, double trainLoss, double trainAccuracy,
    double valLoss, double valAccuracy, double valRmse, double valMae, double valR2,
    double learningRate, double trainSeconds, double epochSeconds, double elapsedSeconds,
    double etaSeconds, int retries) implements java.io.Serializable {

  /** Training rows per second of training time (validation excluded). */
  public double rowsPerSecond() {
    return trainSeconds > 0 ? trainRows / trainSeconds : 0;
  }

  /** True when the epoch was validated. */
  public boolean hasValidation() {
    return !Double.isNaN(valLoss);
  }

  /** The metrics.jsonl record; absent metrics are left out rather than written as NaN. */
  public ObjectNode toJson() {
    ObjectNode m = Json.object();
    m.put("epoch", epoch);
    m.put("epochs", epochs);
    Json.putFinite(m, "train_loss", trainLoss);
    Json.putFinite(m, "train_accuracy", trainAccuracy);
    Json.putFinite(m, "val_loss", valLoss);
    Json.putFinite(m, "val_accuracy", valAccuracy);
    Json.putFinite(m, "val_rmse", valRmse);
    Json.putFinite(m, "val_mae", valMae);
    Json.putFinite(m, "val_r2", valR2);
    Json.putFinite(m, "learning_rate", learningRate);
    m.put("train_rows", trainRows);
    m.put("epoch_seconds", epochSeconds);
    m.put("train_seconds", trainSeconds);
    m.put("rows_per_second", rowsPerSecond());
    m.put("elapsed_seconds", elapsedSeconds);
    m.put("retries", retries);
    return m;
  }

  /** {@link #toJson()} as one line of JSON. */
  public String toJsonLine() {
    return Json.line(toJson());
  }

  /** Reads a record written by {@link #toJson()} (the ETA is not stored and comes back as NaN). */
  public static EpochMetrics fromJson(JsonNode m) {
    return new EpochMetrics(m.path("epoch").asInt(), m.path("epochs").asInt(), m.path("train_rows").asLong(),
        Json.number(m, "train_loss"), Json.number(m, "train_accuracy"), Json.number(m, "val_loss"),
        Json.number(m, "val_accuracy"), Json.number(m, "val_rmse"), Json.number(m, "val_mae"),
        Json.number(m, "val_r2"), Json.number(m, "learning_rate"), Json.number(m, "train_seconds"),
        Json.number(m, "epoch_seconds"), Json.number(m, "elapsed_seconds"), Double.NaN,
        m.path("retries").asInt());
  }
}
