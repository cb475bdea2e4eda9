package io.sparkdnn.job;

import io.sparkdnn.data.DataSource;
import io.sparkdnn.report.TrainingReport;
import io.sparkdnn.results.Json;
import io.sparkdnn.results.LearningRateRange;
import io.sparkdnn.train.DnnTrainer;
import io.sparkdnn.train.TrainingConfig;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The learning-rate range test on a job's training data ({@code lr-find} section, with the data,
 * network and training settings {@code train} would use): see {@link io.sparkdnn.train.LearningRateFinder}.
 * When lr-find.output is set, writes lr-find.csv, lr-find.json and report.html there.
 */
public final class LrFindJob {
  private final JobConfig job;
  private final TrainingConfig config;
  private final DataSource trainSource;

  /** What a run found and where it wrote it (output null: printed only). */
  public record Result(LearningRateRange range, String output) {}

  /** @throws ConfigException when the network or the training data is not configured */
  public LrFindJob(JobConfig job) {
    this.job = job;
    this.config = job.requireTraining();
    // libsvm files without numFeatures are read at the network's width (DataSource#forInputWidth)
    this.trainSource = job.requireTrainSource().forInputWidth(config.network().inputWidth(), "network.layers");
    if (config.optimizer().isLbfgs()) {
      throw new ConfigException("lr-find needs a step-size optimizer: training.optimizer.name = lbfgs chooses its "
          + "own steps by line search; use sgd, momentum, nesterov, adam or adamw");
    }
  }

  /** Which directories at the output path this command may replace: those it wrote. */
  static final io.sparkdnn.files.Ownership OUTPUT = io.sparkdnn.files.Ownership.byMarker(
      "lr-find", "the output of spark-dnn lr-find");
  /** The files written into lr-find.output. */
  static final List<String> FILES = List.of("lr-find.csv", "lr-find.json", "report.html");

  /**
   * @throws io.sparkdnn.data.DataException for bad data
   * @throws io.sparkdnn.train.DivergenceException when the loss is not finite at the starting weights
   * @throws IllegalStateException when lr-find.output is a file, a directory this command did not write,
   *     or one it wrote while overwrite is off
   */
  public Result run(SparkSession spark) {
    JobConfig.LrFind settings = job.lrFind();
    org.apache.hadoop.conf.Configuration hadoop = spark.sparkContext().hadoopConfiguration();
    try (io.sparkdnn.files.StagedDirectory output = settings.output() == null ? null
        : OutputFiles.stage(settings.output(), OUTPUT, settings.overwrite(), hadoop, "lr-find.output")) {
      DataSource validationSource = job.validationSource() == null ? null
          : job.validationSource().forInputWidth(config.network().inputWidth(), "network.layers");
      Dataset<Row> training = trainSource.open(spark, "training data"); // the trainer's first scan checks for rows
      Dataset<Row> validation = validationSource == null ? null : validationSource.read(spark, "validation data");
      LearningRateRange range = new DnnTrainer(job.data(), config).findLearningRate(training, validation,
          trainSource.describe("training data"),
          validationSource == null ? null : validationSource.describe("validation data"), settings.settings());
      if (settings.output() != null) {
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put(FILES.get(0), range.toCsv().getBytes(StandardCharsets.UTF_8));
        files.put(FILES.get(1), (pretty(range) + "\n").getBytes(StandardCharsets.UTF_8));
        Map<String, String> configuration = new LinkedHashMap<>(job.data().toConfiguration());
        configuration.putAll(config.toConfiguration());
        configuration.putAll(settings.settings().toConfiguration());
        String html = new TrainingReport().title("Learning-rate range test")
            .fact("data", trainSource.describe("training data")).fact("network", config.network())
            .fact("optimizer", config.optimizer().name().token() + ", batch " + range.batchRows() + " rows per step")
            .rangeTest(range).config(configuration).html();
        files.put(FILES.get(2), html.getBytes(StandardCharsets.UTF_8));
        OutputFiles.write(output, files, hadoop);
      }
      return new Result(range, settings.output());
    }
  }

  /** lr-find.json's text. */
  public static String pretty(LearningRateRange range) {
    try {
      return Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(range.toJson());
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
