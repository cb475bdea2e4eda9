package io.sparkdnn.scoring;

import io.sparkdnn.data.BadRowException;
import io.sparkdnn.data.BadRowPolicy;
import io.sparkdnn.data.BlockPacker;
import io.sparkdnn.data.Cells;
import io.sparkdnn.data.ColumnResolver;
import io.sparkdnn.data.Columns;
import io.sparkdnn.data.DataException;
import io.sparkdnn.data.Failures;
import io.sparkdnn.data.FeatureScaling;
import io.sparkdnn.data.InputColumns;
import io.sparkdnn.data.PackedData;
import io.sparkdnn.data.PackingOptions;
import io.sparkdnn.data.RowConverter;
import io.sparkdnn.data.TargetScaling;
import io.sparkdnn.engine.BlasBackend;
import io.sparkdnn.engine.DenseNetwork;
import io.sparkdnn.engine.MiniBatch;
import io.sparkdnn.engine.NetworkCache;
import io.sparkdnn.engine.NetworkSpec;
import io.sparkdnn.engine.Task;
import io.sparkdnn.model.DnnModel;
import io.sparkdnn.results.EvaluationResult;
import io.sparkdnn.results.FeatureImportance;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The Spark jobs that use a trained {@link DnnModel} on DataFrames: prediction (a lazy
 * transformation) and evaluation on labelled data (one packing pass and one evaluation job).
 */
public final class ModelScoring {
  public static final String PREDICTION = "prediction";
  public static final String PROBABILITY = "probability";
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
    InputColumns columns = model.columns();
    ColumnResolver.checkFeaturesIn(columns, data, dataName);
    List<String> keep = keepColumns != null ? keepColumns : nonFeatureColumns(columns, data);
    for (String k : keep) {
      if (!Arrays.asList(data.columns()).contains(k)) {
        throw new DataException("column '" + k + "' to keep (predict.keep-columns) not found in "
            + dataName + "; its columns are " + String.join(", ", data.columns()));
      }
    }
    List<String> selected = new ArrayList<>(Arrays.asList(columns.featureColumns()));
    selected.addAll(keep);
    Dataset<Row> input = ColumnResolver.select(data, selected);
    StructType schema = new StructType();
    for (String k : keep) {
      schema = schema.add(data.schema().apply(k));
    }
    for (StructField f : predictionFields(model)) {
      String name = f.name().equals(PREDICTION) ? predictionName : probabilityName;
      schema = schema.add(new StructField(name, f.dataType(), f.nullable(), f.metadata()));
    }
    SparkSession spark = data.sparkSession();
    Broadcast<float[]> broadcast = JavaSparkContext.fromSparkContext(spark.sparkContext()).broadcast(model.weights());
    int featureCount = columns.featureShape() == InputColumns.Shape.SCALARS ? columns.width() : 1;
    PredictTask predictTask = new PredictTask(model, broadcast, featureCount, keep.size(), badRows,
        ColumnResolver.converterFor(input, new RowConverter(columns, model.task(), model.labels(), model.targetWidth())));
    JavaRDD<Row> rows = input.javaRDD().mapPartitionsWithIndex(predictTask::call, true);
    return spark.createDataFrame(rows, schema);
  }

  /**
   * Evaluates {@code model} on labelled data, packed into {@code partitions} partitions.
   *
   * @throws DataException for missing columns, bad rows (under {@link BadRowPolicy#FAIL}) or no rows
   */
  public static EvaluationResult evaluate(DnnModel model, Dataset<Row> data, int partitions, BadRowPolicy badRows,
      BlasBackend blas, String dataName) {
    InputColumns columns = model.columns();
    ColumnResolver.checkFeaturesIn(columns, data, dataName);
    ColumnResolver.checkLabelsIn(columns, data, dataName);
    RowConverter converter = new RowConverter(columns, model.task(), model.labels(), model.targetWidth());
    Dataset<Row> selected = ColumnResolver.selectForPacking(data, columns);
    PackedData packed = BlockPacker.pack(selected, ColumnResolver.converterFor(selected, converter),
        PackingOptions.validation(partitions, 8192, badRows), dataName);
    try {
      if (packed.validationRows() == 0) {
        throw new DataException(dataName + " has no rows to evaluate");
      }
      EvaluationResult result = evaluatePacked(model, packed, BATCH_ROWS, blas);
      return result.withSkippedRows(packed.skippedRows());
    } finally {
      packed.release();
    }
  }

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
    InputColumns columns = model.columns();
    ColumnResolver.checkFeaturesIn(columns, data, dataName);
    ColumnResolver.checkLabelsIn(columns, data, dataName);
    settings.metricFor(model.task());
    RowConverter converter = new RowConverter(columns, model.task(), model.labels(), model.targetWidth());
    Dataset<Row> selected = ColumnResolver.selectForPacking(data, columns);
    PackedData packed = BlockPacker.pack(selected, ColumnResolver.converterFor(selected, converter),
        PackingOptions.validation(partitions, 8192, badRows), dataName);
    try {
      if (packed.validationRows() == 0) {
        throw new DataException(dataName + " has no rows to compute importance on");
      }
      FeatureUnits units = FeatureUnits.of(columns, data.schema(), settings.groups());
      return new PermutationImportance(model, settings, blas).compute(packed.validation(), packed.validationRows(),
          units);
    } finally {
      packed.release();
    }
  }

  /** Evaluates {@code model} on the validation blocks of {@code packed} (one Spark job). */
  public static EvaluationResult evaluatePacked(DnnModel model, PackedData packed, int batchRows, BlasBackend blas) {
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(packed.validation().context());
    Evaluator evaluator = Evaluator.of(model, batchRows, blas);
    Broadcast<float[]> broadcast = sc.broadcast(model.weights());
    try {
      return evaluator.evaluate(packed.validation(), broadcast, 2).result(model.classNames());
    } finally {
      broadcast.destroy();
    }
  }

  /** The columns {@link #predict} adds. */
  public static List<StructField> predictionFields(DnnModel model) {
    return decoder(model).fields();
  }

  static OutputDecoder decoder(DnnModel model) {
    return new OutputDecoder(model.task(), model.spec().outputWidth(), model.labels());
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

  /** Executor side of {@link #predict}: batches of rows through the network. Carries no weights. */
  private static final class PredictTask implements Serializable {
    private static final long serialVersionUID = 1L;
    private final NetworkSpec spec;
    private final Task task;
    private final RowConverter converter;
    private final FeatureScaling scaling;
    private final TargetScaling targetScaling;
    private final OutputDecoder decoder;
    private final Broadcast<float[]> weights;
    private final int featureCount;
    private final int keepCount;
    private final BadRowPolicy badRows;

    PredictTask(DnnModel model, Broadcast<float[]> weights, int featureCount, int keepCount, BadRowPolicy badRows,
        RowConverter converter) {
      this.spec = model.spec();
      this.task = model.task();
      this.converter = converter;
      this.scaling = model.scaling();
      this.targetScaling = model.targetScaling();
      this.decoder = decoder(model);
      this.weights = weights;
      this.featureCount = featureCount;
      this.keepCount = keepCount;
      this.badRows = badRows;
    }

    /**
     * Reads up to a batch of rows, predicts them, and hands them out; one batch in memory. A bad
     * row is reported by its position in {@code partition} (see {@link Failures#asDataException}).
     */
    Iterator<Row> call(int partition, Iterator<Row> rows) {
      DenseNetwork net = NetworkCache.forThisThread(spec, task, BATCH_ROWS, BlasBackend.AUTO);
      Cells.External cells = new Cells.External();
      float[] w = weights.value();
      float[] raw = new float[spec.inputWidth()];
      return new Iterator<Row>() {
        private final List<Row> pending = new ArrayList<>(BATCH_ROWS);
        private final List<Boolean> valid = new ArrayList<>(BATCH_ROWS);
        private final List<Row> ready = new ArrayList<>(BATCH_ROWS);
        private int next;
        private long position;

        @Override
        public boolean hasNext() {
          if (next < ready.size()) {
            return true;
          }
          ready.clear();
          next = 0;
          fill();
          return !ready.isEmpty();
        }

        @Override
        public Row next() {
          if (!hasNext()) {
            throw new java.util.NoSuchElementException();
          }
          return ready.get(next++);
        }

        private void fill() {
          MiniBatch batch = net.batch();
          int filled = 0;
          while (filled < BATCH_ROWS && rows.hasNext()) {
            Row row = rows.next();
            position++;
            boolean ok = true;
            try {
              converter.features(cells.on(row), raw, 0);
              scaling.apply(raw, 0, batch.features(), filled * raw.length);
            } catch (BadRowException e) {
              if (badRows == BadRowPolicy.FAIL) {
                throw e.atPartitionRow(partition, position);
              }
              ok = false;
            }
            pending.add(row);
            valid.add(ok);
            filled += ok ? 1 : 0;
          }
          batch.setRows(filled);
          net.predict(w);
          float[] outputs = net.outputs();
          targetScaling.invert(outputs, 0, filled);
          int k = spec.outputWidth();
          int slot = 0;
          for (int i = 0; i < pending.size(); i++) {
            Row row = pending.get(i);
            Object[] values = new Object[keepCount + decoder.fieldCount()];
            for (int c = 0; c < keepCount; c++) {
              values[c] = row.get(featureCount + c);
            }
            if (valid.get(i)) {
              Object[] p = decoder.values(outputs, slot++ * k);
              System.arraycopy(p, 0, values, keepCount, p.length);
            }
            ready.add(RowFactory.create(values));
          }
          pending.clear();
          valid.clear();
        }
      };
    }
  }
}
