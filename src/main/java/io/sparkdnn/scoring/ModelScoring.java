package io.sparkdnn.scoring;

import io.sparkdnn.data.BadRowException;
import io.sparkdnn.data.BadRowPolicy;
import io.sparkdnn.data.BadRowReason;
import io.sparkdnn.data.BlockPacker;
import io.sparkdnn.data.ColumnResolver;
import io.sparkdnn.data.ColumnarBatchSize;
import io.sparkdnn.data.Columns;
import io.sparkdnn.data.DataLayout;
import io.sparkdnn.data.DataException;
import io.sparkdnn.data.EmptyInput;
import io.sparkdnn.data.Failures;
import io.sparkdnn.data.InputColumns;
import io.sparkdnn.data.PackedData;
import io.sparkdnn.data.PackingOptions;
import io.sparkdnn.data.RowConverter;
import io.sparkdnn.data.SkippedRows;
import io.sparkdnn.engine.BlasBackend;
import io.sparkdnn.engine.InputMajorVector;
import io.sparkdnn.model.DnnModel;
import io.sparkdnn.results.EvaluationResult;
import io.sparkdnn.results.FeatureImportance;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Encoders;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.adaptive.AdaptiveSparkPlanExec;
import org.apache.spark.sql.execution.exchange.Exchange;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.Column;
import scala.runtime.AbstractFunction1;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Spark jobs that use a trained {@link DnnModel} on DataFrames: prediction (a lazy
 * transformation) and evaluation on labelled data (one packing pass and one evaluation job).
 */
public final class ModelScoring {
  private static final Logger LOG = LoggerFactory.getLogger(ModelScoring.class);

  public static final String PREDICTION = "prediction";
  public static final String PROBABILITY = "probability";
  /** Binary models predict class 1 from this probability on, unless told otherwise. */
  public static final float DEFAULT_THRESHOLD = 0.5f;
  private static final int BATCH_ROWS = 1024;

  private ModelScoring() {}

  /**
   * Adds prediction columns to {@code data} (lazily, like any Spark transformation): for
   * classification {@code prediction} (the label) and {@code probability} (per class); for
   * regression {@code prediction}. Keeps {@code keepColumns}, or every non-feature column if null.
   * Under {@link BadRowPolicy#FAIL} a bad row fails the job at "row L of input partition P";
   * {@link Failures#asDataException(Exception, Dataset, String)} turns that into a row number.
   *
   * @throws DataException when a feature or kept column is missing or has the wrong shape
   */
  public static Dataset<Row> predict(DnnModel model, Dataset<Row> data, List<String> keepColumns,
      BadRowPolicy badRows, String dataName) {
    return predict(model, data, keepColumns, badRows, dataName, PREDICTION, PROBABILITY);
  }

  /** {@link #predict} with the added columns named {@code predictionName} and {@code probabilityName}. */
  public static Dataset<Row> predict(DnnModel model, Dataset<Row> data, List<String> keepColumns,
      BadRowPolicy badRows, String dataName, String predictionName, String probabilityName) {
    return predict(model, data, keepColumns, badRows, dataName, predictionName, probabilityName, DEFAULT_THRESHOLD);
  }

  /** {@link #predict} where a binary model predicts class 1 from probability {@code threshold} on. */
  public static Dataset<Row> predict(DnnModel model, Dataset<Row> data, List<String> keepColumns,
      BadRowPolicy badRows, String dataName, String predictionName, String probabilityName, float threshold) {
    return predict(model, data, keepColumns, badRows, dataName, predictionName, probabilityName, threshold, null);
  }

  /**
   * {@link #predict} that counts the rows it leaves unscored under {@link BadRowPolicy#SKIP} in
   * {@code skipped} (read it after the action that runs the job; null: not counted).
   */
  public static Dataset<Row> predict(DnnModel model, Dataset<Row> data, List<String> keepColumns,
      BadRowPolicy badRows, String dataName, String predictionName, String probabilityName, float threshold,
      SkippedRows skipped) {
    List<String> keep = keepColumns != null ? keepColumns : nonFeatureColumns(model.columns(), data);
    Map<String, ScoreColumn> added = new LinkedHashMap<>();
    switch (model.task()) {
      case REGRESSION:
        added.put(predictionName, model.spec().outputWidth() == 1 ? ScoreColumn.VALUE : ScoreColumn.VALUES);
        break;
      case MULTILABEL:
        added.put(predictionName, ScoreColumn.LABEL_FLAGS);
        added.put(probabilityName, ScoreColumn.PROBABILITIES);
        break;
      default:
        added.put(predictionName, ScoreColumn.LABEL);
        added.put(probabilityName, ScoreColumn.PROBABILITIES);
    }
    return score(model, model.columns(), data, keep, added, badRows, dataName, threshold, null, skipped);
  }

  /**
   * Adds {@code added} (name → what) to the rows of {@code data}, lazily — one engine pass per
   * batch of rows, on batch or streaming DataFrames alike — keeping the columns {@code keep}.
   * Features are read as {@code columns} says (a Spark ML model passes its current featuresCol).
   *
   * @param thresholds Spark ML's per-class thresholds (the class maximising p/t wins), or null
   * @throws DataException when a feature or kept column is missing or has the wrong shape
   */
  public static Dataset<Row> score(DnnModel model, InputColumns columns, Dataset<Row> data, List<String> keep,
      Map<String, ScoreColumn> added, BadRowPolicy badRows, String dataName, float threshold, double[] thresholds) {
    return score(model, columns, data, keep, added, badRows, dataName, threshold, thresholds, null);
  }

  /** {@link #score} that counts skipped rows in {@code skipped} (or null), as {@link #predict} does. */
  public static Dataset<Row> score(DnnModel model, InputColumns columns, Dataset<Row> data, List<String> keep,
      Map<String, ScoreColumn> added, BadRowPolicy badRows, String dataName, float threshold, double[] thresholds,
      SkippedRows skipped) {
    return score(model, columns, data, keep, added, badRows, dataName, threshold, thresholds, skipped, null);
  }

  /**
   * {@link #score} whose bad-row failures end with {@code remedy} (what the caller's user can do, e.g.
   * "; … set handleInvalid to skip"; null for none): the failure happens in a task, when an action
   * runs the lazy scoring, where no caller can add to it any more.
   */
  public static Dataset<Row> score(DnnModel model, InputColumns columns, Dataset<Row> data, List<String> keep,
      Map<String, ScoreColumn> added, BadRowPolicy badRows, String dataName, float threshold, double[] thresholds,
      SkippedRows skipped, String remedy) {
    ColumnResolver.checkFeaturesIn(columns, data, dataName);
    List<String> all = Arrays.asList(data.columns());
    for (String k : keep) {
      if (!all.contains(k)) {
        throw new DataException("column '" + k + "' to keep (predict.keep-columns) not found in "
            + dataName + "; its columns are " + String.join(", ", Arrays.stream(data.columns())
                .filter(c -> !c.equals(Columns.MALFORMED)).toArray(String[]::new))); // ours, not the user's
      }
    }
    java.util.Set<String> seen = new java.util.HashSet<>();
    for (String k : keep) {
      if (!seen.add(k)) {
        throw new DataException("column '" + k + "' is named twice among the columns to keep (predict.keep-columns);"
            + " name each column once");
      }
      if (added.containsKey(k)) {
        throw new DataException("column '" + k + "' of " + dataName + " has the name of a column the prediction adds;"
            + " leave it out of the columns to keep (predict.keep-columns) or rename it");
      }
    }
    StructType schema = new StructType();
    for (String k : keep) {
      schema = schema.add(data.schema().apply(k));
    }
    for (Map.Entry<String, ScoreColumn> e : added.entrySet()) {
      schema = schema.add(e.getKey(), e.getValue().dataType(model.task(), model.labels()), true);
    }
    List<String> selected = new ArrayList<>(Arrays.asList(columns.featureColumns()));
    int[] keepAt = new int[keep.size()];
    for (int i = 0; i < keep.size(); i++) {
      // A kept feature column (Spark ML keeps every column) is read once: selecting it twice cost a
      // second copy of every row's vector in each step, from the scan to the output.
      int at = selected.indexOf(keep.get(i));
      if (at < 0) {
        at = selected.size();
        selected.add(keep.get(i));
      }
      keepAt[i] = at;
    }
    Dataset<Row> input = ColumnResolver.select(data, selected);
    // Sparse rows go through a first layer held input-major: convert once here, not in every task.
    float[] weights = columns.layout() == DataLayout.SPARSE
        ? InputMajorVector.fromCanonical(model.spec(), model.weights()).inputMajorValues() : model.weights();
    Broadcast<float[]> broadcast = JavaSparkContext.fromSparkContext(data.sparkSession().sparkContext())
        .broadcast(weights);
    RowConverter converter = ColumnResolver.converterFor(input,
        new RowConverter(columns, model.task(), model.labels(), model.targetWidth()).scalingBy(model.scaling()));
    BatchScorer scorer = new BatchScorer(model, converter, broadcast, keepAt,
        added.values().toArray(new ScoreColumn[0]), badRows, skipped, threshold, thresholds, remedy);
    StructType inputSchema = input.schema();
    StructType outputSchema = schema;
    org.apache.spark.sql.classic.SparkSession internal = internalRoute(input);
    Dataset<Row> scored = internal != null
        ? internal.internalCreateDataFrame(ColumnarBatchSize.internalRows(input, converter.nestedValuesPerRow())
            .toJavaRDD().mapPartitions(rows -> scorer.callInternal(rows, inputSchema, outputSchema)).rdd(), schema, false)
        : input.mapPartitions(scorer, Encoders.row(schema));
    return withFieldMetadata(scored, schema);
  }

  /**
   * The session to score {@code input} through Spark's internal rows in, or null to score it
   * through external {@link Row}s. Internal rows skip converting every kept cell into a
   * {@code Row} and back — a 784-value vector is two 6 KB copies and allocations a row; the main
   * job's transform took 0.39–0.40 s instead of 0.42–0.43 s (medians, interleaved runs) — but the
   * result is a new plan over the input's RDD, so this route is taken only when making that RDD runs
   * no job: no exchange, adaptive plan or subquery, whose stages would run when planned, and no
   * stream. Scoring stays lazy either way; only the input's planning happens at transform time.
   */
  private static org.apache.spark.sql.classic.SparkSession internalRoute(Dataset<Row> input) {
    if (input.isStreaming() || !(input.sparkSession() instanceof org.apache.spark.sql.classic.SparkSession)) {
      return null;
    }
    boolean runsJobs = input.queryExecution().executedPlan().find(new AbstractFunction1<SparkPlan, Object>() {
      @Override
      public Object apply(SparkPlan node) {
        return node instanceof Exchange || node instanceof AdaptiveSparkPlanExec || !node.subqueries().isEmpty();
      }
    }).isDefined();
    return runsJobs ? null : (org.apache.spark.sql.classic.SparkSession) input.sparkSession();
  }

  /**
   * {@code rows} with each column's metadata as {@code schema} has it: mapPartitions' output drops
   * field metadata, and the kept columns' ML attributes (a label's classes, a features vector's
   * slot names) must reach the stages downstream. One projection; lazy.
   */
  private static Dataset<Row> withFieldMetadata(Dataset<Row> rows, StructType schema) {
    boolean any = false;
    for (StructField f : schema.fields()) {
      any |= !f.metadata().equals(Metadata.empty());
    }
    if (!any) {
      return rows;
    }
    Column[] columns = new Column[schema.fields().length];
    for (int i = 0; i < columns.length; i++) {
      StructField f = schema.fields()[i];
      columns[i] = Columns.col(rows, f.name()).as(f.name(), f.metadata());
    }
    return rows.select(columns);
  }

  /**
   * Evaluates {@code model} on labelled data, packed into {@code partitions} partitions.
   *
   * @throws DataException for missing columns, bad rows (under {@link BadRowPolicy#FAIL}) or no rows
   */
  public static EvaluationResult evaluate(DnnModel model, Dataset<Row> data, int partitions, BadRowPolicy badRows,
      BlasBackend blas, String dataName) {
    return evaluate(model, data, partitions, badRows, blas, dataName, null, DEFAULT_THRESHOLD);
  }

  /**
   * {@link #evaluate(DnnModel, Dataset, int, BadRowPolicy, BlasBackend, String)} with every row
   * weighted by column {@code weightColumn} (null: 1 each) and, for binary models, rows predicted
   * class 1 from probability {@code threshold}.
   */
  public static EvaluationResult evaluate(DnnModel model, Dataset<Row> data, int partitions, BadRowPolicy badRows,
      BlasBackend blas, String dataName, String weightColumn, float threshold) {
    return evaluate(model, model.columns(), data, partitions, badRows, blas, dataName, weightColumn, threshold);
  }

  /**
   * {@link #evaluate(DnnModel, Dataset, int, BadRowPolicy, BlasBackend, String, String, float)}
   * reading features and labels as {@code columns} says (a Spark ML model passes its current
   * featuresCol and labelCol).
   */
  public static EvaluationResult evaluate(DnnModel model, InputColumns columns, Dataset<Row> data, int partitions,
      BadRowPolicy badRows, BlasBackend blas, String dataName, String weightColumn, float threshold) {
    RowConverter converter = new RowConverter(columns, model.task(), model.labels(), model.targetWidth())
        .checkingScaledBy(model.scaling());
    PackedData packed = EmptyInput.requireUsableRows(BlockPacker.packHeldOut(data, columns, converter, weightColumn,
        PackingOptions.validation(partitions, 8192, badRows), dataName), data, dataName,
        weightColumn);
    try {
      EvaluationResult result = evaluateChecked(model, packed, blas, threshold);
      if (!finite(result)) {
        throw nonFiniteRows(packed, result, "so the metrics would be wrong", NON_FINITE_EVALUATION_REMEDY);
      }
      return result;
    } finally {
      packed.release();
    }
  }

  /**
   * False when rows of the evaluated data overflowed inside the network: a row's outputs, the loss
   * or a regression's errors (summed in the targets' units) are not finite. The loss of finite
   * logits is finite (log-sum-exp), so only such rows make it so.
   */
  public static boolean finite(EvaluationResult result) {
    return result.nonFiniteRow() < 0 && Double.isFinite(result.loss())
        && (result.task() != io.sparkdnn.engine.Task.REGRESSION
            || Double.isFinite(result.rmse()) && Double.isFinite(result.mae()));
  }

  /**
   * The failure of an evaluation that is not {@link #finite}: the first row the network overflowed
   * on (as the evaluation saw it, {@link EvaluationResult#nonFiniteRow()}), located in the data it
   * was read from, with {@code consequence} (what it spoilt) and {@code remedy} (what to do, from
   * "; ") after it. One Spark job to locate the row; without a row, the general
   * {@link #NON_FINITE_EVALUATION}.
   */
  public static DataException nonFiniteRows(PackedData packed, EvaluationResult result, String consequence,
      String remedy) {
    if (result.nonFiniteRow() < 0) {
      return new DataException(packed.dataName() + ": " + NON_FINITE_EVALUATION);
    }
    // A DataException, not a BadRowException: skipping bad rows cannot take this one out of metrics
    // already summed, so the bad-row remedy ("or set data.bad-rows = skip") must not be offered.
    return new DataException(packed.atValidationRow(result.nonFiniteRow(), overflow(consequence)).getMessage()
        + remedy);
  }

  /**
   * A training row with id {@code rowId} (as its block holds it) that the network overflows on (a
   * NaN or infinite output, or a loss that dwarfs the rest), {@code problem} saying how, placed at
   * its number in the data it was read from, with
   * {@code remedy} (from "; ") after it. One Spark job to locate the row.
   */
  public static DataException overflowingTrainingRow(PackedData packed, long rowId, String problem, String remedy) {
    return new DataException(packed.atTrainingRow(rowId, new BadRowException(BadRowReason.NON_FINITE_OUTPUT, null,
        problem)).getMessage() + remedy);
  }

  private static BadRowException overflow(String consequence) {
    return new BadRowException(BadRowReason.NON_FINITE_OUTPUT, null, BatchScorer.NON_FINITE_OUTPUT + ", "
        + consequence);
  }

  /**
   * What to do about rows an evaluation's network overflows on, after the first such row is named:
   * {@link #NON_FINITE_REMEDY}, or skipping them, which leaves them out of the metrics.
   */
  static final String NON_FINITE_EVALUATION_REMEDY = "; fix or remove the row, or skip such rows to leave them out "
      + "of the metrics (data.bad-rows = skip; handleInvalid = skip in Spark ML)";

  /** What to do about rows the network overflows on, after the first such row is named. */
  public static final String NON_FINITE_REMEDY = "; fix or remove the row (other rows may overflow too: predicting "
      + "with bad rows skipped finds them all, as dnn predict with data.bad-rows = skip or transform with "
      + "handleInvalid = keep gives them null predictions)";

  /**
   * Why an evaluation is not {@link #finite}, and what to do, when no row is known. Such rows would also count as
   * predictions of class 0, so an evaluation that does not skip bad rows refuses them.
   */
  public static final String NON_FINITE_EVALUATION = "some rows give the network a NaN or infinite output (features "
      + "far outside the range the model was trained on), so the metrics would be wrong; find them by predicting "
      + "with bad rows skipped (dnn predict with data.bad-rows = skip, or transform with handleInvalid = keep: they "
      + "get null predictions) and remove them from the data";

  /**
   * Permutation feature importance of {@code model} on labelled data, packed into {@code partitions}
   * partitions; units from the data's schema (see {@link FeatureUnits}). Two Spark jobs after
   * packing (see {@link PermutationImportance}).
   *
   * @throws DataException for missing columns, bad rows (under {@link BadRowPolicy#FAIL}) or no rows
   * @throws IllegalArgumentException when importance.metric does not apply to the model's task
   */
  public static FeatureImportance importance(DnnModel model, Dataset<Row> data, int partitions, BadRowPolicy badRows,
      BlasBackend blas, String dataName, ImportanceSettings settings) {
    return importance(model, model.columns(), data, partitions, badRows, blas, dataName, settings);
  }

  /**
   * {@link #importance(DnnModel, Dataset, int, BadRowPolicy, BlasBackend, String, ImportanceSettings)}
   * reading features and labels as {@code columns} says (a Spark ML model passes its current
   * featuresCol and labelCol).
   */
  public static FeatureImportance importance(DnnModel model, InputColumns columns, Dataset<Row> data, int partitions,
      BadRowPolicy badRows, BlasBackend blas, String dataName, ImportanceSettings settings) {
    settings.metricFor(model.task());
    RowConverter converter = new RowConverter(columns, model.task(), model.labels(), model.targetWidth())
        .checkingScaledBy(model.scaling());
    PackedData packed = EmptyInput.requireUsableRows(BlockPacker.packHeldOut(data, columns, converter, null,
        PackingOptions.validation(partitions, 8192, badRows), dataName), data, dataName, null);
    try {
      // Rows the network overflows on would count as class 0 (or NaN errors) in every pass: one
      // evaluation pass, a fraction of the permutation passes, finds the first of them.
      EvaluationResult plain = evaluatePacked(model, packed, BATCH_ROWS, blas);
      if (!finite(plain)) {
        throw nonFiniteRows(packed, plain, "so the importances would be wrong", NON_FINITE_REMEDY);
      }
      FeatureUnits units = FeatureUnits.of(columns, data.schema(), settings.groups());
      return new PermutationImportance(model, settings, blas).compute(packed.validation(), packed.validationRows(),
          units);
    } finally {
      packed.release();
    }
  }

  /**
   * The metrics of {@code model} on rows packed and checked for it (as {@link #evaluate} packs them,
   * or as {@code DnnTrainer.withTestData} packs test rows before training); the rows that
   * data.bad-rows = skip left out are logged per reason and counted in the result. The blocks stay
   * cached (the caller releases them).
   */
  public static EvaluationResult evaluateChecked(DnnModel model, PackedData packed, BlasBackend blas, float threshold) {
    boolean skip = packed.badRows() == BadRowPolicy.SKIP;
    Evaluator evaluator = Evaluator.of(model, BATCH_ROWS, blas).withThreshold(threshold);
    EvaluationAccumulator sums = evaluate(skip ? evaluator.withNonFiniteRowsLeftOut() : evaluator, model, packed);
    java.util.Map<BadRowReason, Long> skipped = new java.util.EnumMap<>(BadRowReason.class);
    skipped.putAll(packed.skipped());
    if (sums.leftOut() > 0) {
      skipped.merge(BadRowReason.NON_FINITE_OUTPUT, sums.leftOut(), Long::sum);
    }
    for (String line : SkippedRows.lines(skipped, packed.dataName(), "left out of the metrics")) {
      LOG.warn(line);
    }
    return sums.result(model.classNames()).withSkippedRows(packed.skippedRows() + sums.leftOut());
  }

  /** Evaluates {@code model} on the validation blocks of {@code packed} (one Spark job). */
  public static EvaluationResult evaluatePacked(DnnModel model, PackedData packed, int batchRows, BlasBackend blas) {
    return evaluatePacked(model, packed, batchRows, blas, DEFAULT_THRESHOLD);
  }

  /** {@link #evaluatePacked(DnnModel, PackedData, int, BlasBackend)} with a binary decision threshold. */
  public static EvaluationResult evaluatePacked(DnnModel model, PackedData packed, int batchRows, BlasBackend blas,
      float threshold) {
    return evaluate(Evaluator.of(model, batchRows, blas).withThreshold(threshold), model, packed)
        .result(model.classNames());
  }

  /** The sums of {@code evaluator} over the validation blocks of {@code packed} (one Spark job). */
  private static EvaluationAccumulator evaluate(Evaluator evaluator, DnnModel model, PackedData packed) {
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(packed.validation().context());
    Broadcast<float[]> broadcast = sc.broadcast(model.weights());
    try {
      return evaluator.evaluate(packed.validation(), broadcast, 2);
    } finally {
      broadcast.destroy();
    }
  }

  private static List<String> nonFeatureColumns(InputColumns columns, Dataset<Row> data) {
    List<String> features = Arrays.asList(columns.featureColumns());
    List<String> keep = new ArrayList<>();
    for (String c : data.columns()) {
      if (!features.contains(c) && !c.equals(Columns.MALFORMED)) {
        keep.add(c);
      }
    }
    return keep;
  }

}
