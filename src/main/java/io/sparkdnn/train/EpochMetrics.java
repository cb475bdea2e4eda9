package io.sparkdnn.train;

import java.util.LinkedHashMap;
import java.util.Map;

/** What one epoch did: the line printed and the record written to metrics.jsonl. */
public final class EpochMetrics {
  public final int epoch;
  public final int epochs;
  public final long trainRows;
  public final double trainLoss;
  /** NaN for regression. */
  public final double trainAccuracy;
  /** Validation metrics by name (val_loss, val_accuracy, val_rmse, …); empty without validation data. */
  public final Map<String, Double> validation;
  public final double learningRate;
  public final double trainSeconds;
  public final double epochSeconds;
  public final double elapsedSeconds;
  public final double etaSeconds;
  public final int retries;

  public EpochMetrics(int epoch, int epochs, long trainRows, double trainLoss, double trainAccuracy,
      Map<String, Double> validation, double learningRate, double trainSeconds, double epochSeconds,
      double elapsedSeconds, double etaSeconds, int retries) {
    this.epoch = epoch;
    this.epochs = epochs;
    this.trainRows = trainRows;
    this.trainLoss = trainLoss;
    this.trainAccuracy = trainAccuracy;
    this.validation = Map.copyOf(validation);
    this.learningRate = learningRate;
    this.trainSeconds = trainSeconds;
    this.epochSeconds = epochSeconds;
    this.elapsedSeconds = elapsedSeconds;
    this.etaSeconds = etaSeconds;
    this.retries = retries;
  }

  /** Training rows per second of training time (validation excluded). */
  public double rowsPerSecond() {
    return trainSeconds > 0 ? trainRows / trainSeconds : 0;
  }

  /** A metric by its metrics.jsonl name, NaN when absent. */
  public double metric(String name) {
    if (name.equals("train_loss")) {
      return trainLoss;
    }
    return validation.getOrDefault(name, Double.NaN);
  }

  /** {@link #toJson()} as one line of JSON, as written to metrics.jsonl and checkpoints. */
  public String toJsonLine() {
    try {
      return JSON.writeValueAsString(toJson());
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
      new com.fasterxml.jackson.databind.ObjectMapper();

  /** The JSON record; absent metrics are left out rather than written as NaN. */
  public Map<String, Object> toJson() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("epoch", epoch);
    m.put("epochs", epochs);
    m.put("train_loss", trainLoss);
    if (!Double.isNaN(trainAccuracy)) {
      m.put("train_accuracy", trainAccuracy);
    }
    for (String name : new String[] {"val_loss", "val_accuracy", "val_rmse", "val_mae", "val_r2"}) {
      Double v = validation.get(name);
      if (v != null && Double.isFinite(v)) {
        m.put(name, v);
      }
    }
    m.put("learning_rate", learningRate);
    m.put("train_rows", trainRows);
    m.put("epoch_seconds", epochSeconds);
    m.put("train_seconds", trainSeconds);
    m.put("rows_per_second", rowsPerSecond());
    m.put("elapsed_seconds", elapsedSeconds);
    m.put("retries", retries);
    return m;
  }
}
