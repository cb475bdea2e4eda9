package io.sparkdnn.job;

import io.sparkdnn.data.BadRowPolicy;
import io.sparkdnn.data.DataFormat;
import io.sparkdnn.data.DataSettings;
import io.sparkdnn.data.DataSource;
import io.sparkdnn.engine.BlasBackend;
import io.sparkdnn.results.Json;
import io.sparkdnn.scoring.ImportanceSettings;
import io.sparkdnn.store.Drift;
import io.sparkdnn.store.PromotionGate;
import io.sparkdnn.train.RangeTestSettings;
import io.sparkdnn.train.TrainingConfig;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The whole configuration of a job, typed and validated once by {@link ConfigLoader}: one field per
 * section of conf/defaults.conf. Values a command needs but the configuration leaves unset (a model
 * path, a network) are null here; the command asks for them with the {@code require…} methods, which
 * fail with the key and an example.
 *
 * @param training the network and training settings; null when network.layers is not set
 * @param trainSource data.train; null when its path is not set
 * @param validationSource data.validation; null when its path is not set
 * @param testSource data.test; null when its path is not set
 */
public record JobConfig(
    SparkSettings spark, DataSettings data, DataSource trainSource, DataSource validationSource,
    DataSource testSource, TrainingConfig training, BlasBackend blas, ModelSettings model, StoreSettings store,
    PredictSettings predict, EvaluateSettings evaluate, PrepareSettings prepare, ExportSettings export,
    Importance importance, LrFind lrFind) {

  /** {@code spark}: the master (unless spark-submit sets one), application name and Spark settings. */
  public record SparkSettings(String master, String appName, Map<String, String> conf) {}

  /** {@code model}: where train writes the model, whether it may replace one, what to start from. */
  public record ModelSettings(String path, boolean overwrite, String warmStart) {}

  /** {@code store}: a model store to train into instead of model.path (path null: none). */
  public record StoreSettings(String path, String name, String runId, PromotionGate gate, Drift drift, boolean force) {}

  /**
   * {@code predict}.
   *
   * @param keepColumns columns copied to the output; null for every column that is not a feature
   */
  public record PredictSettings(String model, DataSource input, String outputPath, OutputFormat outputFormat,
      List<String> keepColumns, boolean overwrite, float threshold) {}

  /**
   * {@code evaluate}: output is also written as a JSON file when not null; an existing file there
   * is replaced only with overwrite.
   */
  public record EvaluateSettings(String model, DataSource input, String output, boolean overwrite, float threshold) {}

  /** {@code prepare}: output null means data/DATASET. */
  public record PrepareSettings(PrepareDataset dataset, String source, String output, int rows, long seed,
      boolean overwrite) {}

  /** {@code export}: which model to export, in which format, to which file (null: not set). */
  public record ExportSettings(String model, ExportFormat format, String output, boolean overwrite) {}

  /**
   * {@code importance}: which model on which data ({@code dnn importance}), where to write the
   * result (null: print only), and whether {@code dnn train} computes it too.
   */
  public record Importance(String model, DataSource input, String output, boolean overwrite, boolean inTraining,
      ImportanceSettings settings) {}

  /**
   * {@code lr-find}: the range test's settings, where to write its result (null: print only), and
   * whether {@code dnn train} runs it first and trains with its suggestion.
   */
  public record LrFind(String output, boolean overwrite, boolean inTraining, RangeTestSettings settings) {}

  /**
   * Every key of the configuration with its value, in the form {@code --set key=value} takes
   * (lists and maps as JSON, null as null): what a run was given, replayable. The training keys are
   * absent when network.layers is not set.
   */
  public Map<String, String> toConfiguration() {
    Map<String, String> c = new LinkedHashMap<>();
    c.put("spark.master", spark.master());
    c.put("spark.app-name", spark.appName());
    c.put("spark.conf", json(spark.conf()));
    source(c, "data.train", trainSource);
    source(c, "data.validation", validationSource);
    source(c, "data.test", testSource);
    c.putAll(data.toConfiguration());
    if (training != null) {
      c.putAll(training.toConfiguration());
      c.put("checkpoint.dir", text(training.checkpointDir()));
      c.put("checkpoint.every-epochs", Integer.toString(training.checkpointEvery()));
      c.put("checkpoint.keep", Integer.toString(training.checkpointKeep()));
      c.put("checkpoint.resume", Boolean.toString(training.resume()));
    }
    c.put("model.path", text(model.path()));
    c.put("model.overwrite", Boolean.toString(model.overwrite()));
    c.put("model.warm-start", text(model.warmStart()));
    c.put("store.path", text(store.path()));
    c.put("store.name", text(store.name()));
    c.put("store.run-id", text(store.runId()));
    c.put("store.promote.metric", store.gate().metric() == null ? "auto" : store.gate().metric().token());
    c.put("store.promote.margin", Double.toString(store.gate().margin()));
    c.put("store.promote.force", Boolean.toString(store.force()));
    c.put("store.drift.mean-shift", Double.toString(store.drift().meanShift()));
    c.put("store.drift.std-ratio", Double.toString(store.drift().stdRatio()));
    c.put("store.drift.label-shift", Double.toString(store.drift().labelShift()));
    c.put("predict.model", text(predict.model()));
    source(c, "predict.input", predict.input());
    c.put("predict.output.path", text(predict.outputPath()));
    c.put("predict.output.format", predict.outputFormat().token());
    c.put("predict.keep-columns", predict.keepColumns() == null ? "null" : json(predict.keepColumns()));
    c.put("predict.overwrite", Boolean.toString(predict.overwrite()));
    c.put("predict.threshold", Float.toString(predict.threshold()));
    c.put("evaluate.model", text(evaluate.model()));
    source(c, "evaluate.input", evaluate.input());
    c.put("evaluate.output", text(evaluate.output()));
    c.put("evaluate.overwrite", Boolean.toString(evaluate.overwrite()));
    c.put("evaluate.threshold", Float.toString(evaluate.threshold()));
    c.put("prepare.dataset", prepare.dataset().token());
    c.put("prepare.source", prepare.source());
    c.put("prepare.output", text(prepare.output()));
    c.put("prepare.rows", Integer.toString(prepare.rows()));
    c.put("prepare.seed", Long.toString(prepare.seed()));
    c.put("prepare.overwrite", Boolean.toString(prepare.overwrite()));
    c.put("export.model", text(export.model()));
    c.put("export.format", export.format().token());
    c.put("export.output", text(export.output()));
    c.put("export.overwrite", Boolean.toString(export.overwrite()));
    c.put("importance.model", text(importance.model()));
    source(c, "importance.input", importance.input());
    c.putAll(importance.settings().toConfiguration());
    c.put("importance.output", text(importance.output()));
    c.put("importance.overwrite", Boolean.toString(importance.overwrite()));
    c.put("importance.in-training", Boolean.toString(importance.inTraining()));
    c.putAll(lrFind.settings().toConfiguration());
    c.put("lr-find.output", text(lrFind.output()));
    c.put("lr-find.overwrite", Boolean.toString(lrFind.overwrite()));
    c.put("lr-find.in-training", Boolean.toString(lrFind.inTraining()));
    return c;
  }

  private static void source(Map<String, String> c, String prefix, DataSource source) {
    c.put(prefix + ".path", source == null ? "null" : source.path());
    c.put(prefix + ".format", source == null ? DataFormat.PARQUET.token() : source.format().token());
    c.put(prefix + ".options", json(source == null ? Map.of() : source.options()));
  }

  private static String text(String value) {
    return value == null ? "null" : value;
  }

  private static String json(Object value) {
    try {
      return Json.MAPPER.writeValueAsString(value);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** How bad rows are handled by every command that reads data. */
  public BadRowPolicy badRows() {
    return data.badRows();
  }

  public TrainingConfig requireTraining() {
    return require(training, "network.layers");
  }

  public DataSource requireTrainSource() {
    return require(trainSource, "data.train.path");
  }

  /** The value, or a ConfigException "KEY is not set" with an example of what to set. */
  static <T> T require(T value, String key) {
    if (value == null) {
      throw new ConfigException(key + " is not set" + hint(key));
    }
    return value;
  }

  static String hint(String key) {
    switch (key) {
      case "network.layers":
        return "; give the network, e.g. --set network.layers=784-256relu-128relu-10softmax";
      case "data.train.path":
        return "; give the training data, e.g. --set data.train.path=data/train.parquet";
      case "model.path":
        return "; say where to write the model, e.g. --set model.path=models/my-model";
      case "predict.model":
      case "evaluate.model":
      case "importance.model":
        return "; give a model directory, e.g. --set " + key + "=models/my-model";
      case "export.model":
        return "; give a model directory, e.g. --model models/my-model";
      case "export.output":
        return "; say where to write the file, e.g. --output model.onnx";
      case "predict.input.path":
      case "evaluate.input.path":
      case "importance.input.path":
        return "; give the data, e.g. --set " + key + "=data/test.parquet";
      case "predict.output.path":
        return "; say where to write the predictions, e.g. --set predict.output.path=out/predictions";
      default:
        return "";
    }
  }
}
