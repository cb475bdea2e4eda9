package io.sparkdnn.job;

import io.sparkdnn.data.DataSource;
import io.sparkdnn.model.DnnModel;
import io.sparkdnn.model.ModelReader;
import io.sparkdnn.report.TrainingReport;
import io.sparkdnn.results.FeatureImportance;
import io.sparkdnn.results.Json;
import io.sparkdnn.scoring.ModelScoring;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;

/**
 * Permutation feature importance of a model on labelled data ({@code importance} section): reads
 * the model and the data, computes the importance (see {@link io.sparkdnn.scoring.PermutationImportance})
 * and, when importance.output is set, writes importance.json, importance.csv and report.html there.
 */
public final class ImportanceJob {
  private final JobConfig job;
  private final JobConfig.Importance settings;

  /** What a run computed and where it wrote it (output null: printed only). */
  public record Result(String model, FeatureImportance importance, String output) {}

  /** @throws ConfigException when the model or the input is not configured */
  public ImportanceJob(JobConfig job) {
    this.job = job;
    this.settings = job.importance();
    JobConfig.require(settings.model(), "importance.model");
    JobConfig.require(settings.input(), "importance.input.path");
  }

  /** Which directories at the output path this command may replace: those it wrote. */
  static final io.sparkdnn.files.Ownership OUTPUT = io.sparkdnn.files.Ownership.byMarker(
      "importance", "the output of spark-dnn importance");
  /** The files written into importance.output. */
  static final List<String> FILES = List.of("importance.json", "importance.csv", "report.html");

  /**
   * @throws io.sparkdnn.data.DataException for missing columns, bad rows or no rows
   * @throws IllegalArgumentException when importance.metric does not apply to the model
   * @throws IllegalStateException when importance.output is a file, a directory this command did not write,
   *     or one it wrote while overwrite is off
   */
  public Result run(SparkSession spark) {
    org.apache.hadoop.conf.Configuration hadoop = spark.sparkContext().hadoopConfiguration();
    try (io.sparkdnn.files.StagedDirectory output = settings.output() == null ? null
        : OutputFiles.stage(settings.output(), OUTPUT, settings.overwrite(), hadoop, "importance.output")) {
      DnnModel model = ModelReader.read(settings.model(), hadoop, "importance.model");
      try {
        settings.settings().metricFor(model.task());
      } catch (IllegalArgumentException e) {
        throw new ConfigException(e.getMessage());
      }
      int partitions = job.data().partitions() > 0 ? job.data().partitions() : spark.sparkContext().defaultParallelism();
      DataSource input = settings.input().forInputWidth(model.spec().inputWidth(), "the model");
      String dataName = input.describe("importance data");
      FeatureImportance importance = ModelScoring.importance(model, input.read(spark, "importance data"),
          partitions, job.badRows(), job.blas(), dataName, settings.settings());
      if (settings.output() != null) {
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put(FILES.get(0), (pretty(importance) + "\n").getBytes(StandardCharsets.UTF_8));
        files.put(FILES.get(1), importance.toCsv().getBytes(StandardCharsets.UTF_8));
        String html = new TrainingReport().title("Feature importance of " + settings.model())
            .fact("model", settings.model()).fact("network", model.spec()).fact("task", model.task().token())
            .fact("data", dataName)
            .importance(importance).config(settings.settings().toConfiguration()).html();
        files.put(FILES.get(2), html.getBytes(StandardCharsets.UTF_8));
        OutputFiles.write(output, files, hadoop);
      }
      return new Result(settings.model(), importance, settings.output());
    }
  }

  /** importance.json's text. */
  public static String pretty(FeatureImportance importance) {
    try {
      return Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(importance.toJson());
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The printed table: the baseline, then rank, unit, mean drop ± std for the most important
   * {@code top} units and the least important {@code bottom}.
   */
  public static String table(FeatureImportance fi, int top, int bottom) {
    StringBuilder sb = new StringBuilder(String.format(Locale.ROOT,
        "permutation importance: %s on %,d rows, baseline %.4f, %d repeat(s), %d units (%s), %.1f s%n",
        fi.dropLabel(), fi.rows(), fi.baseline(), fi.repeats(), fi.units().size(), fi.grouping(), fi.seconds()));
    sb.append(String.format(Locale.ROOT, "%5s  %-32s %12s %10s%n", "rank", "unit", "mean", "std"));
    int n = fi.units().size();
    for (int i = 0; i < n; i++) {
      if (n > top + bottom && i == top) {
        sb.append(String.format(Locale.ROOT, "%5s  %-32s%n", "", "… " + (n - top - bottom) + " more"));
        i = n - bottom;
      }
      FeatureImportance.Unit u = fi.units().get(i);
      sb.append(String.format(Locale.ROOT, "%5d  %-32s %12.5f %10.5f%n", i + 1, u.name(), u.mean(), u.std()));
    }
    return sb.toString().stripTrailing();
  }
}
