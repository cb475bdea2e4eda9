package io.sparkdnn.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sparkdnn.engine.Task;
import io.sparkdnn.results.DataSummary;
import io.sparkdnn.results.DriftReport;
import io.sparkdnn.results.EpochMetrics;
import io.sparkdnn.results.EvaluationResult;
import io.sparkdnn.results.Json;
import io.sparkdnn.results.PromotionDecision;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a model records about how it was made: when, with which configuration, on how many rows,
 * how training went, its validation and test metrics, its training data's profile, and — for a
 * model store version — the promotion decision and drift. Every part but {@code created} may be
 * absent (null) on a model that was not trained by this project's trainer.
 *
 * @param created when training finished (ISO-8601 instant)
 * @param configuration the configuration keys and values it was trained with, each value as
 *     {@code --set key=value} takes it, so that a recorded run can be replayed
 * @param rows training, validation and skipped row counts
 * @param bestEpoch the epoch whose weights were kept (early stopping), else the last epoch
 * @param resumedAfterEpoch the epoch a crashed run's checkpoint was resumed after; 0 if it ran in one go
 * @param stopReason why training ended (the epoch limit, early stopping, convergence)
 * @param trainingSeconds seconds of training (data loading excluded)
 * @param startupSeconds seconds from launch (the JVM's start) to the first epoch's start, for a
 *     command-line run: where a short run's time goes; NaN when not measured (Spark ML, resumed runs)
 * @param versions versions of spark-dnn, Spark, Scala and Java
 */
public record TrainingRecord(
    String created, Map<String, String> configuration, RowCounts rows, int epochsRun, int bestEpoch,
    int resumedAfterEpoch, String stopReason, double trainingSeconds, double startupSeconds, EpochMetrics finalEpoch, EvaluationResult validationMetrics,
    EvaluationResult testMetrics, DataSummary dataProfile, String warmStart, Map<String, String> versions,
    StoreRecord store, DriftReport drift) implements java.io.Serializable {

  /** Rows of the training data: used for training, held out for validation, left out as bad. */
  public record RowCounts(long train, long validation, long skipped) implements java.io.Serializable {}

  /** Where a model store put this version, and whether it became production. */
  public record StoreRecord(String name, String version, String runId, PromotionDecision promotion) implements java.io.Serializable {}

  /** A record with nothing but its creation time (models assembled by hand, tests). */
  public static TrainingRecord created(String created) {
    return new TrainingRecord(created, Map.of(), null, 0, 0, 0, null, Double.NaN, Double.NaN, null, null, null, null, null,
        Map.of(), null, null);
  }

  public TrainingRecord withTestMetrics(EvaluationResult test) {
    return new TrainingRecord(created, configuration, rows, epochsRun, bestEpoch, resumedAfterEpoch, stopReason,
        trainingSeconds, startupSeconds, finalEpoch,
        validationMetrics, test, dataProfile, warmStart, versions, store, drift);
  }

  public TrainingRecord withStore(StoreRecord s) {
    return new TrainingRecord(created, configuration, rows, epochsRun, bestEpoch, resumedAfterEpoch, stopReason,
        trainingSeconds, startupSeconds, finalEpoch,
        validationMetrics, testMetrics, dataProfile, warmStart, versions, s, drift);
  }

  public TrainingRecord withStartupSeconds(double seconds) {
    return new TrainingRecord(created, configuration, rows, epochsRun, bestEpoch, resumedAfterEpoch, stopReason,
        trainingSeconds, seconds, finalEpoch,
        validationMetrics, testMetrics, dataProfile, warmStart, versions, store, drift);
  }

  public TrainingRecord withDrift(DriftReport d) {
    return new TrainingRecord(created, configuration, rows, epochsRun, bestEpoch, resumedAfterEpoch, stopReason,
        trainingSeconds, startupSeconds, finalEpoch,
        validationMetrics, testMetrics, dataProfile, warmStart, versions, store, d);
  }

  /** The fields this record adds at the top level of metadata.json (absent parts are left out). */
  void writeTo(ObjectNode root) {
    root.put("created", created);
    if (!configuration.isEmpty()) {
      ObjectNode c = root.putObject("training");
      configuration.forEach(c::put);
    }
    if (rows != null) {
      root.putObject("rows").put("train", rows.train()).put("validation", rows.validation())
          .put("skipped", rows.skipped());
      root.put("epochs_run", epochsRun);
      root.put("best_epoch", bestEpoch);
      root.put("resumed_after_epoch", resumedAfterEpoch);
      root.put("stop_reason", stopReason);
      root.put("training_seconds", trainingSeconds);
      if (Double.isFinite(startupSeconds)) {
        root.put("startup_seconds", startupSeconds);
      }
    }
    if (finalEpoch != null) {
      root.set("final_epoch", finalEpoch.toJson());
    }
    if (validationMetrics != null) {
      root.set("validation_metrics", validationMetrics.toJson());
    }
    if (testMetrics != null) {
      root.set("test_metrics", testMetrics.toJson());
    }
    if (dataProfile != null) {
      root.set("data_profile", dataProfile.toJson());
    }
    if (warmStart != null) {
      root.put("warm_start", warmStart);
    }
    if (!versions.isEmpty()) {
      ObjectNode v = root.putObject("versions");
      versions.forEach(v::put);
    }
    if (store != null) {
      ObjectNode s = root.putObject("store");
      s.put("name", store.name()).put("version", store.version()).put("run_id", store.runId());
      if (store.promotion() != null) {
        s.set("promotion", store.promotion().toJson());
      }
    }
    if (drift != null) {
      root.set("drift", drift.toJson());
    }
  }

  /** Reads the fields {@link #writeTo} wrote; {@code task} tells how to read the metrics. */
  static TrainingRecord readFrom(JsonNode root, Task task) {
    Map<String, String> configuration = new LinkedHashMap<>();
    root.path("training").fields().forEachRemaining(e -> configuration.put(e.getKey(),
        e.getValue().isValueNode() ? e.getValue().asText() : Json.line(e.getValue())));
    Map<String, String> versions = new LinkedHashMap<>();
    root.path("versions").fields().forEachRemaining(e -> versions.put(e.getKey(), e.getValue().asText()));
    JsonNode r = root.get("rows");
    RowCounts rows = r == null ? null
        : new RowCounts(r.path("train").asLong(), r.path("validation").asLong(), r.path("skipped").asLong());
    JsonNode s = root.get("store");
    StoreRecord store = s == null ? null : new StoreRecord(s.path("name").asText(), s.path("version").asText(),
        s.path("run_id").asText(), s.has("promotion") ? PromotionDecision.fromJson(s.get("promotion")) : null);
    return new TrainingRecord(
        root.path("created").asText(null),
        configuration,
        rows,
        root.path("epochs_run").asInt(),
        root.path("best_epoch").asInt(),
        root.path("resumed_after_epoch").asInt(0),
        root.path("stop_reason").asText(null),
        root.path("training_seconds").asDouble(Double.NaN),
        root.path("startup_seconds").asDouble(Double.NaN),
        root.has("final_epoch") ? EpochMetrics.fromJson(root.get("final_epoch")) : null,
        root.has("validation_metrics") ? EvaluationResult.fromJson(root.get("validation_metrics"), task) : null,
        root.has("test_metrics") ? EvaluationResult.fromJson(root.get("test_metrics"), task) : null,
        root.has("data_profile") ? DataSummary.fromJson(root.get("data_profile")) : null,
        root.path("warm_start").asText(null),
        versions,
        store,
        root.has("drift") ? DriftReport.fromJson(root.get("drift")) : null);
  }
}
