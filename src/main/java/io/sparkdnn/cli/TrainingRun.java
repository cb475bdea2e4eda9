package io.sparkdnn.cli;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sparkdnn.data.DataSettings;
import io.sparkdnn.data.DataSource;
import io.sparkdnn.engine.Task;
import io.sparkdnn.model.DnnModel;
import io.sparkdnn.model.Evaluator;
import io.sparkdnn.model.ModelReader;
import io.sparkdnn.model.ModelWriter;
import io.sparkdnn.report.TrainingReport;
import io.sparkdnn.train.DnnTrainer;
import io.sparkdnn.train.TrainingConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * One training run from configuration to a written model directory: read the data, train with
 * progress and metrics.jsonl, evaluate the test data, let the caller add to the model before it
 * is written (the store's promotion and drift), render report.html, and commit the directory.
 */
final class TrainingRun {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Lets the store add its decision and drift to the model and report before they are written. */
  interface BeforeCommit {
    DnnModel apply(DnnTrainer.Fit fit, DnnModel model, TrainingReport report);
  }

  final TrainingConfig config;
  final DataSettings data;
  final DataSource trainSource;
  final DataSource validationSource;
  final DataSource testSource;

  TrainingRun(Settings s) {
    this.config = Jobs.training(s);
    this.data = Jobs.data(s);
    this.trainSource = Jobs.requiredSource(s, "data.train");
    this.validationSource = Jobs.source(s, "data.validation");
    this.testSource = Jobs.source(s, "data.test");
  }

  /** What a finished run leaves: the written model and how training went. */
  static final class Result {
    final DnnModel model;
    final DnnTrainer.Fit fit;
    final Map<String, Object> testMetrics;
    final String path;

    Result(DnnModel model, DnnTrainer.Fit fit, Map<String, Object> testMetrics, String path) {
      this.model = model;
      this.fit = fit;
      this.testMetrics = testMetrics;
      this.path = path;
    }
  }

  Result run(SparkSession spark, TrainingConfig config, String modelPath, boolean overwrite, String warmStartPath,
      Map<String, String> facts, BeforeCommit beforeCommit) {
    Configuration hadoop = spark.sparkContext().hadoopConfiguration();
    try (ModelWriter writer = ModelWriter.open(modelPath, overwrite, hadoop, "model.path")) {
      DnnModel warmStart = warmStartPath == null ? null : ModelReader.read(warmStartPath, hadoop, "model.warm-start");
      Dataset<Row> training = trainSource.read(spark, "training data");
      Dataset<Row> validation = validationSource == null ? null : validationSource.read(spark, "validation data");
      Dataset<Row> test = testSource == null ? null : testSource.read(spark, "test data");
      ProgressReporter progress = new ProgressReporter(writer);
      DnnTrainer.Fit fit = new DnnTrainer(data, config).fit(training, validation,
          trainSource.describe("training data"),
          validationSource == null ? null : validationSource.describe("validation data"),
          warmStart, progress);
      try {
        DnnModel model = fit.model;
        Map<String, Object> testMetrics = null;
        if (test != null) {
          spark.sparkContext().setJobDescription("test evaluation");
          testMetrics = model.evaluate(test, fit.packed.partitions(), data.badRows(), config.blas(),
              testSource.describe("test data"));
          model = model.withInfo("test_metrics", testMetrics);
        }
        TrainingReport report = report(spark, fit, model, progress, facts);
        if (beforeCommit != null) {
          model = beforeCommit.apply(fit, model, report);
        }
        writer.writeFile("report.html", report.html().getBytes(StandardCharsets.UTF_8));
        writer.commit(model);
        fit.clearCheckpoints();
        return new Result(model, fit, testMetrics, writer.target());
      } finally {
        fit.packed.release();
      }
    }
  }

  private TrainingReport report(SparkSession spark, DnnTrainer.Fit fit, DnnModel model, ProgressReporter progress,
      Map<String, String> facts) {
    TrainingReport report = new TrainingReport();
    facts.forEach(report::fact);
    report.fact("network", model.spec()).fact("task", model.task().token())
        .fact("created", model.info().get("created"))
        .fact("rows", "training " + fit.packed.trainingRows() + ", validation " + fit.packed.validationRows()
            + (fit.packed.skippedRows() > 0 ? ", skipped " + fit.packed.skippedRows() : ""))
        .fact("timings", String.format(Locale.ROOT, "data loading %.1f s, training %.1f s",
            fit.packSeconds, fit.result.seconds()));
    List<Map<String, Object>> epochs = new ArrayList<>();
    for (String line : progress.records()) {
      try {
        epochs.add(JSON.readValue(line, new TypeReference<LinkedHashMap<String, Object>>() {}));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    report.epochs(epochs);
    Map<String, Object> validation = fit.result.validationMetrics();
    report.comparison(validation, null, null);
    if (validation != null && validation.get("confusion_matrix") instanceof long[][]) {
      report.confusion((long[][]) validation.get("confusion_matrix"), (String[]) validation.get("labels"));
    }
    if (model.task() == Task.REGRESSION && fit.packed.validation() != null) {
      Evaluator evaluator = new Evaluator(model.spec(), model.task(), model.scaling(), model.classCount(),
          config.engineBatchRows(), config.blas());
      Broadcast<float[]> weights = JavaSparkContext.fromSparkContext(spark.sparkContext()).broadcast(model.weights());
      report.residuals(evaluator.sample(fit.packed.validation(), weights, 1000));
      weights.destroy();
    }
    Map<String, Object> settings = new LinkedHashMap<>(data.toProperties());
    settings.putAll(config.toProperties());
    report.config(settings);
    return report;
  }

  static String summary(Result r) {
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT, "trained %d epochs%s in %s (data loading %s); model written to %s",
        r.fit.result.state().epochsDone(),
        r.fit.resumedEpochs > 0 ? " (" + r.fit.resumedEpochs + " of them before resuming from a checkpoint)" : "",
        ProgressReporter.duration(r.fit.result.seconds()), ProgressReporter.duration(r.fit.packSeconds), r.path));
    appendMetrics(sb, "validation", r.fit.result.validationMetrics());
    appendMetrics(sb, "test", r.testMetrics);
    return sb.toString();
  }

  private static void appendMetrics(StringBuilder sb, String name, Map<String, Object> metrics) {
    if (metrics == null) {
      return;
    }
    sb.append('\n').append(name).append(':');
    for (String key : new String[] {"accuracy", "loss", "rmse", "mae", "r2", "macro_f1", "rows"}) {
      Object v = metrics.get(key);
      if (v != null) {
        sb.append(' ').append(key).append(' ')
            .append(v instanceof Double ? String.format(Locale.ROOT, "%.4f", (Double) v) : v);
      }
    }
  }
}
