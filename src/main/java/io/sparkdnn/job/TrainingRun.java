package io.sparkdnn.job;

import io.sparkdnn.data.DataSettings;
import io.sparkdnn.data.DataSource;
import io.sparkdnn.engine.Task;
import io.sparkdnn.model.DnnModel;
import io.sparkdnn.model.ModelReader;
import io.sparkdnn.model.ModelWriter;
import io.sparkdnn.report.TrainingReport;
import io.sparkdnn.results.EvaluationResult;
import io.sparkdnn.results.FeatureImportance;
import io.sparkdnn.scoring.Evaluator;
import io.sparkdnn.scoring.FeatureUnits;
import io.sparkdnn.scoring.ImportanceSettings;
import io.sparkdnn.scoring.PermutationImportance;
import io.sparkdnn.scoring.ModelScoring;
import io.sparkdnn.train.DnnTrainer;
import io.sparkdnn.train.TrainingConfig;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One training run from configuration to a written model directory: read the data, train with
 * progress and metrics.jsonl, evaluate the test data, let the caller add to the model before it is
 * written (the store's promotion and drift), render report.html, and commit the directory.
 */
public final class TrainingRun {
  private static final Logger LOG = LoggerFactory.getLogger(TrainingRun.class);
  /** Lets the store add its decision and drift to the model and report before they are written. */
  interface BeforeCommit {
    DnnModel apply(DnnTrainer.Fit fit, DnnModel model, TrainingReport report);
  }

  private final JobConfig job;
  private final TrainingConfig config;
  private final DataSettings data;
  private final DataSource trainSource;
  private final DataSource validationSource;
  private final DataSource testSource;

  /** @throws ConfigException when the network or the training data is not configured */
  public TrainingRun(JobConfig job) {
    this.job = job;
    this.config = job.requireTraining();
    this.data = job.data();
    // libsvm files without numFeatures are read at the network's width (DataSource#forInputWidth)
    long width = config.network().inputWidth();
    this.trainSource = job.requireTrainSource().forInputWidth(width, "network.layers");
    this.validationSource = job.validationSource() == null ? null
        : job.validationSource().forInputWidth(width, "network.layers");
    this.testSource = job.testSource() == null ? null : job.testSource().forInputWidth(width, "network.layers");
  }

  /**
   * What a finished run leaves: the written model, how training went, the test metrics (null
   * without test data) and where the model is.
   */
  public record Result(DnnModel model, DnnTrainer.Fit fit, EvaluationResult testMetrics, String path) {}

  /** Trains into model.path (replacing a model there only with model.overwrite), from model.warm-start if set. */
  public Result run(SparkSession spark) {
    String modelPath = JobConfig.require(job.model().path(), "model.path");
    Map<String, String> facts = new LinkedHashMap<>();
    facts.put("model", modelPath);
    return run(spark, config, modelPath, job.model().overwrite(), job.model().warmStart(), facts, null);
  }

  Result run(SparkSession spark, TrainingConfig training, String modelPath, boolean overwrite, String warmStartPath,
      Map<String, String> facts, BeforeCommit beforeCommit) {
    Configuration hadoop = spark.sparkContext().hadoopConfiguration();
    try (ModelWriter writer = ModelWriter.open(modelPath, overwrite, hadoop, "model.path")) {
      DnnModel warmStart = warmStartPath == null ? null : readWarmStart(warmStartPath, hadoop);
      // No row check of its own: the trainer's first scan of it reports an empty input (a job fewer).
      Dataset<Row> trainingRows = trainSource.open(spark, "training data");
      Dataset<Row> validation = validationSource == null ? null : validationSource.read(spark, "validation data");
      Dataset<Row> test = testSource == null ? null : testSource.open(spark, "test data"); // packing checks rows
      ProgressReporter progress = new ProgressReporter(writer);
      DnnTrainer trainer = new DnnTrainer(data, training)
          .withRangeTest(job.lrFind().inTraining() ? job.lrFind().settings() : null)
          .withTestData(test, testSource == null ? null : testSource.describe("test data"));
      DnnTrainer.Fit fit = trainer.fit(trainingRows, validation,
          trainSource.describe("training data"),
          validationSource == null ? null : validationSource.describe("validation data"),
          warmStart, progress);
      try {
        DnnModel model = fit.model;
        if (fit.result.firstEpochStartMillis() > 0 && fit.resumedEpochs == 0) {
          double startup = (fit.result.firstEpochStartMillis()
              - java.lang.management.ManagementFactory.getRuntimeMXBean().getStartTime()) / 1000.0;
          LOG.info("the first epoch started {} s after launch (JVM start; data loading and packing {} s of it)",
              String.format(java.util.Locale.ROOT, "%.1f", startup),
              String.format(java.util.Locale.ROOT, "%.1f", fit.packSeconds));
          model = model.withRecord(model.record().withStartupSeconds(startup));
        }
        EvaluationResult testMetrics = null;
        if (fit.test != null) {
          spark.sparkContext().setJobDescription("test evaluation");
          testMetrics = ModelScoring.evaluateChecked(model, fit.test, training.blas(), ModelScoring.DEFAULT_THRESHOLD);
          if (ModelScoring.finite(testMetrics)) {
            model = model.withRecord(model.record().withTestMetrics(testMetrics));
          } else { // warned, not refused: the trained model is still written, without wrong test metrics
            LOG.warn("{}; the model is written without test metrics", ModelScoring.nonFiniteRows(fit.test,
                testMetrics, "so the test metrics would be wrong", "").getMessage());
            testMetrics = null;
          }
        }
        TrainingReport report = report(spark, fit, model, training, progress, facts);
        if (fit.rangeTest != null) {
          report.rangeTest(fit.rangeTest);
          writer.writeFile("lr-find.csv", fit.rangeTest.toCsv().getBytes(StandardCharsets.UTF_8));
          writer.writeFile("lr-find.json", (LrFindJob.pretty(fit.rangeTest) + "\n").getBytes(StandardCharsets.UTF_8));
        }
        if (job.importance().inTraining()) {
          FeatureImportance importance = importance(fit, model, (validation != null ? validation : trainingRows).schema(),
              training);
          if (importance != null) {
            report.importance(importance);
            writer.writeFile("importance.json", (ImportanceJob.pretty(importance) + "\n")
                .getBytes(StandardCharsets.UTF_8));
            writer.writeFile("importance.csv", importance.toCsv().getBytes(StandardCharsets.UTF_8));
          }
        }
        if (beforeCommit != null) {
          model = beforeCommit.apply(fit, model, report);
        }
        writer.writeFile("report.html", report.html().getBytes(StandardCharsets.UTF_8));
        writer.commit(model);
        fit.clearCheckpoints();
        return new Result(model, fit, testMetrics, writer.target());
      } finally {
        fit.release();
      }
    }
  }

  /**
   * Permutation importance on the validation rows still cached from training (importance.in-training);
   * null, with a warning, when there are none.
   */
  private FeatureImportance importance(DnnTrainer.Fit fit, DnnModel model, StructType schema, TrainingConfig training) {
    if (fit.packed.validation() == null) {
      LOG.warn("importance.in-training = true but there are no validation rows (no data.validation.path, and "
          + "data.validation-fraction held out none of the training rows): no importance computed");
      return null;
    }
    ImportanceSettings settings = job.importance().settings();
    try {
      settings.metricFor(model.task());
    } catch (IllegalArgumentException e) {
      throw new ConfigException(e.getMessage());
    }
    FeatureUnits units = FeatureUnits.of(model.columns(), schema, settings.groups());
    return new PermutationImportance(model, settings, training.blas())
        .compute(fit.packed.validation(), fit.packed.validationRows(), units);
  }

  private TrainingReport report(SparkSession spark, DnnTrainer.Fit fit, DnnModel model, TrainingConfig training,
      ProgressReporter progress, Map<String, String> facts) {
    TrainingReport report = new TrainingReport();
    facts.forEach(report::fact);
    report.fact("network", model.spec()).fact("task", model.task().token())
        .fact("created", model.record().created())
        .fact("rows", "training " + fit.packed.trainingRows() + ", validation " + fit.packed.validationRows()
            + (fit.packed.skippedRows() > 0 ? ", skipped " + fit.packed.skippedRows() : ""))
        .fact("timings", String.format(Locale.ROOT, "data loading %.1f s, training %.1f s",
            fit.packSeconds, fit.result.seconds()));
    report.epochs(progress.epochs());
    EvaluationResult validation = fit.result.validationMetrics();
    report.comparison(validation, null, null);
    report.testMetrics(model.record().testMetrics());
    if (validation != null && validation.confusion().length > 0) {
      report.confusion(validation.confusion(), validation.labels().toArray(new String[0]));
    }
    if (model.task() == Task.REGRESSION && fit.packed.validation() != null) {
      Evaluator evaluator = Evaluator.of(model, training.engineBatchRows(), training.blas());
      Broadcast<float[]> weights = JavaSparkContext.fromSparkContext(spark.sparkContext()).broadcast(model.weights());
      report.residuals(evaluator.sample(fit.packed.validation(), weights, 1000));
      weights.destroy();
    }
    report.config(model.record().configuration());
    return report;
  }

  /**
   * The model to start from. A path that holds nothing is often a word taken for the keyword (the
   * trial's "latest"): the message names what the key takes.
   *
   * @throws io.sparkdnn.model.ModelFormatException when there is no model there, or it is damaged
   */
  private static DnnModel readWarmStart(String path, Configuration hadoop) {
    try {
      return ModelReader.read(path, hadoop, "model.warm-start");
    } catch (io.sparkdnn.model.ModelFormatException e) {
      if (!e.isAbsent()) {
        throw e;
      }
      throw new io.sparkdnn.model.ModelFormatException(e.getMessage() + "; model.warm-start takes a model's "
          + "directory, or current (with --store: the production version)");
    }
  }
}
