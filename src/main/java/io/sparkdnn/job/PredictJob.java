package io.sparkdnn.job;

import static org.apache.spark.sql.functions.col;

import io.sparkdnn.data.DataException;
import io.sparkdnn.data.DataSource;
import io.sparkdnn.data.EmptyInput;
import io.sparkdnn.data.Failures;
import io.sparkdnn.data.SkippedRows;
import io.sparkdnn.files.StagedDirectory;
import io.sparkdnn.model.DnnModel;
import io.sparkdnn.model.ModelReader;
import io.sparkdnn.scoring.ModelScoring;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.types.UserDefinedType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Scores a dataset with a model and writes the predictions ({@code predict} section). */
public final class PredictJob {
  private static final Logger LOG = LoggerFactory.getLogger(PredictJob.class);

  private final JobConfig.PredictSettings settings;
  private final JobConfig job;

  /** @throws ConfigException when the model, input or output is not configured */
  public PredictJob(JobConfig job) {
    this.job = job;
    this.settings = job.predict();
    JobConfig.require(settings.model(), "predict.model");
    JobConfig.require(settings.input(), "predict.input.path");
    JobConfig.require(settings.outputPath(), "predict.output.path");
  }

  /**
   * Writes the predictions into a hidden staging directory beside predict.output.path and swaps
   * it into place only when the Spark job has succeeded: a failed job leaves the previous
   * predictions (or nothing) where they were. An existing output is replaced only with
   * predict.overwrite and only when spark-dnn predict wrote it (see {@link Outputs#PREDICTIONS}).
   *
   * @return where the predictions are
   * @throws IllegalStateException when the output path holds something that may not be replaced
   */
  public String run(SparkSession spark) {
    try (StagedDirectory output = Outputs.stage(spark, settings.outputPath(), Outputs.PREDICTIONS,
        settings.overwrite(), "predict.output.path", "predict.overwrite")) {
      DnnModel model = ModelReader.read(settings.model(), spark.sparkContext().hadoopConfiguration(),
          "predict.model");
      DataSource input = settings.input().forInputWidth(model.spec().inputWidth(), "the model");
      Dataset<Row> data = input.open(spark, "input data"); // emptiness: from the scoring job's row count
      SkippedRows skipped = new SkippedRows(spark.sparkContext());
      Dataset<Row> predictions = ModelScoring.predict(model, data, settings.keepColumns(), job.badRows(),
          input.describe("input data"), ModelScoring.PREDICTION, ModelScoring.PROBABILITY, settings.threshold(),
          skipped);
      if (settings.outputFormat() == OutputFormat.CSV) {
        predictions = flattenArrays(predictions, model);
      }
      String group = "spark-dnn predict " + java.util.UUID.randomUUID();
      spark.sparkContext().setJobGroup(group, "writing the predictions", true);
      try {
        // Append: the staging directory is new and holds only the writer marker, which Spark keeps.
        predictions.write().mode(SaveMode.Append)
            // RFC 4180 (a quote in a field doubled), as the CSV input is read; Spark's default is a backslash
            .option("header", "true").option("escape", "\"").options(withoutDictionary(model))
            .format(settings.outputFormat().token())
            .save(output.path().toString());
      } catch (Exception e) { // SparkException is checked to Java
        awaitTasksOf(spark, group);
        throw Failures.asDataException(e, data, input.describe("input data"));
      } finally {
        spark.sparkContext().clearJobGroup();
      }
      if (skipped.rowsRead() == 0) { // nothing read: an input without rows is refused, and nothing replaced
        EmptyInput.check(data, input.describe("input data"));
      }
      output.commit();
      for (String line : SkippedRows.lines(skipped.counts(), input.describe("the input data"),
          "they are in the output with null predictions")) {
        LOG.warn(line);
      }
    }
    return settings.outputPath();
  }

  /**
   * Waits until the tasks of the jobs of {@code group} have ended. When a job fails, Spark kills its
   * other tasks asynchronously: one still writing would create its part file under the staging
   * directory after the staging directory was deleted, leaving an empty staging directory behind
   * (seen about once in 16 failed runs). Waits on Spark's task counts, at most
   * {@value #TASK_END_WAIT_SECONDS} s (a task that ignores interruption is then left to Spark).
   * (Cancelling the group as well only adds Spark's warning that the failed job has nothing left to
   * cancel.)
   */
  private static void awaitTasksOf(SparkSession spark, String group) {
    org.apache.spark.SparkContext sc = spark.sparkContext();
    org.apache.spark.SparkStatusTracker status = sc.statusTracker();
    long deadline = System.nanoTime() + TASK_END_WAIT_SECONDS * 1_000_000_000L;
    while (System.nanoTime() < deadline && activeTasks(status, group) > 0) {
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private static final long TASK_END_WAIT_SECONDS = 30;

  private static int activeTasks(org.apache.spark.SparkStatusTracker status, String group) {
    int active = 0;
    for (int job : status.getJobIdsForGroup(group)) {
      scala.Option<org.apache.spark.SparkJobInfo> info = status.getJobInfo(job);
      if (info.isEmpty()) {
        continue;
      }
      for (int stage : info.get().stageIds()) {
        scala.Option<org.apache.spark.SparkStageInfo> stageInfo = status.getStageInfo(stage);
        active += stageInfo.isEmpty() ? 0 : stageInfo.get().numActiveTasks();
      }
    }
    return active;
  }

  /**
   * CSV has no arrays: one column per class probability (or output), named after it.
   *
   * @throws DataException when a kept column cannot be written as CSV (a vector, array, map or
   *     struct), or when a kept column has the name of a generated one
   */
  static Dataset<Row> flattenArrays(Dataset<Row> data, DnnModel model) {
    String[] names = model.classNames();
    List<Column> columns = new ArrayList<>();
    java.util.Map<String, String> from = new java.util.LinkedHashMap<>();
    for (StructField f : data.schema().fields()) {
      if (f.dataType() instanceof ArrayType && isOurs(f.name())) {
        int n = model.spec().outputWidth() == 1 && f.name().equals(ModelScoring.PROBABILITY)
            ? 2 : model.spec().outputWidth();
        for (int i = 0; i < n; i++) {
          String suffix = names != null && names.length == n ? names[i] : Integer.toString(i);
          String name = f.name() + "_" + suffix;
          claim(from, name, "the " + f.name() + " of class " + suffix);
          columns.add(col(f.name()).getItem(i).alias(name));
        }
      } else {
        DataType type = f.dataType() instanceof UserDefinedType ? ((UserDefinedType<?>) f.dataType()).sqlType()
            : f.dataType();
        if (type instanceof StructType || type instanceof ArrayType || type instanceof MapType) {
          throw new DataException("column '" + f.name() + "' (" + f.dataType().simpleString() + ") cannot be"
              + " written to CSV; leave it out of predict.keep-columns, or set predict.output.format = parquet");
        }
        claim(from, f.name(), "a kept column");
        columns.add(col("`" + f.name().replace("`", "``") + "`"));
      }
    }
    return data.select(columns.toArray(new Column[0]));
  }

  /** Records that {@code what} becomes CSV column {@code name}; refuses a second column of that name. */
  private static void claim(java.util.Map<String, String> from, String name, String what) {
    String before = from.putIfAbsent(name, what);
    if (before != null) {
      throw new DataException("the CSV output would have two columns named '" + name + "' (" + before + " and "
          + what + "); leave the kept one out of predict.keep-columns, or set predict.output.format = parquet");
    }
  }

  /**
   * Parquet writer options that turn dictionary encoding off for the output columns of continuous
   * values: the probabilities, and a regression's predictions. Nearly every value there is
   * distinct, so parquet builds a dictionary until it outgrows its limit and then writes every value
   * again plainly; a JFR profile of {@code dnn predict} (Fashion-MNIST, 60,000 rows) had 12% of the
   * tasks' samples in that dictionary's hash map. Labels and class predictions keep theirs. Keys
   * are parquet's per-column form ({@code parquet.enable.dictionary#path}); an array column's
   * values are at {@code name.list.element}, as Spark writes lists.
   */
  static java.util.Map<String, String> withoutDictionary(DnnModel model) {
    java.util.Map<String, String> options = new java.util.LinkedHashMap<>();
    List<String> continuous = new ArrayList<>(List.of(ModelScoring.PROBABILITY));
    if (model.task() == io.sparkdnn.engine.Task.REGRESSION) {
      continuous.add(ModelScoring.PREDICTION);
    }
    for (String column : continuous) {
      options.put("parquet.enable.dictionary#" + column, "false");
      options.put("parquet.enable.dictionary#" + column + ".list.element", "false");
    }
    return options;
  }

  private static boolean isOurs(String name) {
    return name.equals(ModelScoring.PREDICTION) || name.equals(ModelScoring.PROBABILITY);
  }
}
