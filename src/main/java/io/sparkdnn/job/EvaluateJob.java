package io.sparkdnn.job;

import io.sparkdnn.data.DataSource;
import io.sparkdnn.model.DnnModel;
import io.sparkdnn.model.ModelReader;
import io.sparkdnn.model.StagedFile;
import io.sparkdnn.results.EvaluationResult;
import io.sparkdnn.results.Json;
import io.sparkdnn.scoring.ModelScoring;
import java.nio.charset.StandardCharsets;
import org.apache.spark.sql.SparkSession;

/** Evaluates a model on labelled data ({@code evaluate} section). */
public final class EvaluateJob {
  private final JobConfig job;
  private final JobConfig.EvaluateSettings settings;

  /** @throws ConfigException when the model or the input is not configured */
  public EvaluateJob(JobConfig job) {
    this.job = job;
    this.settings = job.evaluate();
    JobConfig.require(settings.model(), "evaluate.model");
    JobConfig.require(settings.input(), "evaluate.input.path");
  }

  /** The metrics; also written to evaluate.output (atomically) when that is set. */
  public EvaluationResult run(SparkSession spark) {
    if (settings.output() != null) {
      StagedFile.check(settings.output(), settings.overwrite(), spark.sparkContext().hadoopConfiguration(),
          "evaluate.output", "set evaluate.overwrite = true");
    }
    DnnModel model = ModelReader.read(settings.model(), spark.sparkContext().hadoopConfiguration(), "evaluate.model");
    int partitions = job.data().partitions() > 0 ? job.data().partitions() : spark.sparkContext().defaultParallelism();
    DataSource input = settings.input().forInputWidth(model.spec().inputWidth(), "the model");
    // (no row check of its own: packing reports an input without rows)
    EvaluationResult metrics = ModelScoring.evaluate(model, input.open(spark, "evaluation data"),
        partitions, job.badRows(), job.blas(), input.describe("evaluation data"), job.data().weightColumn(),
        settings.threshold());
    if (settings.output() != null) {
      StagedFile.write(settings.output(), (pretty(metrics) + "\n").getBytes(StandardCharsets.UTF_8),
          settings.overwrite(), spark.sparkContext().hadoopConfiguration(), "evaluate.output",
          "set evaluate.overwrite = true");
    }
    return metrics;
  }

  /** The metrics as indented JSON, as printed and written. */
  public static String pretty(EvaluationResult metrics) {
    try {
      return Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(metrics.toJson());
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
