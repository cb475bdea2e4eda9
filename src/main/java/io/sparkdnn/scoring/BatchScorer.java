package io.sparkdnn.scoring;

import io.sparkdnn.data.BadRowException;
import io.sparkdnn.data.BadRowPolicy;
import io.sparkdnn.data.BadRowReason;
import io.sparkdnn.data.Cells;
import io.sparkdnn.data.LabelIndex;
import io.sparkdnn.data.RowConverter;
import io.sparkdnn.data.SkippedRows;
import io.sparkdnn.data.SparseRow;
import io.sparkdnn.data.TargetScaling;
import io.sparkdnn.engine.BlasBackend;
import io.sparkdnn.engine.DenseNetwork;
import io.sparkdnn.engine.InputMajorVector;
import io.sparkdnn.engine.MiniBatch;
import io.sparkdnn.engine.NetworkCache;
import io.sparkdnn.engine.NetworkSpec;
import io.sparkdnn.engine.SparseInputNetwork;
import io.sparkdnn.engine.Task;
import io.sparkdnn.model.DnnModel;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.catalyst.CatalystTypeConverters;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.InternalRow$;
import org.apache.spark.sql.catalyst.expressions.SpecializedGetters;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeRow;
import org.apache.spark.sql.types.StructType;
import scala.Function1;
import scala.Function2;

/**
 * The executor side of prediction: reads up to {@value #BATCH_ROWS} rows, puts their features
 * (scaled) into one engine batch, runs one forward pass, and emits each row with the columns it
 * keeps and the {@link ScoreColumn}s it adds; one batch in memory at a time. It scores Spark's
 * internal rows ({@link #callInternal}) or, as a plain {@code Dataset.mapPartitions} function,
 * external {@link Row}s (streaming DataFrames); {@link ModelScoring} picks the route, lazy either way.
 * Carries no weights: they come from a broadcast. A bad row fails the task at "row L of input
 * partition P" ({@link BadRowPolicy#FAIL}) or gets nulls in the added columns ({@link BadRowPolicy#SKIP}).
 */
public final class BatchScorer implements MapPartitionsFunction<Row, Row> {
  private static final long serialVersionUID = 1L;
  static final int BATCH_ROWS = 1024;

  private final NetworkSpec spec;
  private final Task task;
  private final LabelIndex labels;
  private final TargetScaling targetScaling;
  private final RowConverter converter;
  private final Broadcast<float[]> weights;
  private final int[] keep;
  private final ScoreColumn[] outputs;
  private final BadRowPolicy badRows;
  private final SkippedRows skipped;
  private final float threshold;
  private final double[] thresholds;
  private final String remedy;

  /**
   * @param converter reads a row's features scaled as the network gets them ({@link RowConverter#scalingBy})
   * @param keep positions of the input columns copied to the output, in order
   * @param skipped counts rows left unscored under {@link BadRowPolicy#SKIP}, or null
   * @param threshold binary: class 1 from this probability on (used when {@code thresholds} is null);
   *     multi-label: each label present from this probability on
   * @param thresholds per class (Spark ML's thresholds: the class maximising p/t wins); null for none
   * @param remedy what a bad row's failure ends with (what to do about it), or null
   */
  BatchScorer(DnnModel model, RowConverter converter, Broadcast<float[]> weights, int[] keep, ScoreColumn[] outputs,
      BadRowPolicy badRows, SkippedRows skipped, float threshold, double[] thresholds, String remedy) {
    this.spec = model.spec();
    this.task = model.task();
    this.labels = model.labels();
    this.targetScaling = model.targetScaling();
    if (!converter.scales()) {
      throw new IllegalArgumentException("the scorer needs a converter that scales features (RowConverter.scalingBy)");
    }
    this.converter = converter;
    this.weights = weights;
    this.keep = keep.clone();
    this.outputs = outputs.clone();
    this.badRows = badRows;
    this.skipped = skipped;
    this.threshold = threshold;
    this.thresholds = thresholds == null ? null : thresholds.clone();
    this.remedy = remedy;
  }

  /** {@code e} at a row of this task's partition, with the remedy when there is one. */
  private BadRowException located(BadRowException e, int partition, long position) {
    BadRowException at = e.atPartitionRow(partition, position);
    return remedy == null ? at : at.withRemedy(remedy);
  }

  /**
   * Scores external rows: the kept columns are passed through as they are. The route for streaming
   * DataFrames and plans that would run jobs when turned into an RDD (see {@link ModelScoring}).
   */
  @Override
  public Iterator<Row> call(Iterator<Row> rows) {
    Cells.External cells = new Cells.External();
    return batches(rows, cells::on, (row, slot) -> row, (row, added) -> {
      Object[] values = new Object[keep.length + outputs.length];
      for (int c = 0; c < keep.length; c++) {
        values[c] = row.get(keep[c]);
      }
      System.arraycopy(added, 0, values, keep.length, outputs.length);
      return RowFactory.create(values);
    });
  }

  /**
   * Scores Spark's internal rows of the columns {@code inputSchema} describes and returns internal
   * rows of {@code outputSchema}: kept cells are read in Spark's own format (a vector stays bytes)
   * and the added ones converted once, so no row goes through the external {@link Row} and back.
   * Each input row is copied, as the batch outlives Spark's reused row buffer: into buffers reused
   * batch after batch, which is safe because Spark projects each output row as it takes it, before
   * the next batch is read.
   */
  Iterator<InternalRow> callInternal(Iterator<InternalRow> rows, StructType inputSchema, StructType outputSchema) {
    Cells.Internal cells = new Cells.Internal(inputSchema);
    // One accessor per kept column, its type resolved here: Spark 4.2's row.get(i, type) resolves
    // the type's physical form on every call, and that reads the session's SQL configuration (a
    // ReadOnlySQLConf built, the environment read): 15% of the Java samples of a warm transform,
    // though its wall time did not move measurably (BLAS has about half the CPU).
    List<Function2<SpecializedGetters, Object, Object>> kept = new ArrayList<>();
    for (int c = 0; c < keep.length; c++) {
      kept.add(InternalRow$.MODULE$.getAccessor(inputSchema.fields()[keep[c]].dataType(), true));
    }
    List<Function1<Object, Object>> toInternal = new ArrayList<>();
    for (int o = 0; o < outputs.length; o++) {
      toInternal.add(CatalystTypeConverters.createToCatalystConverter(outputSchema.fields()[keep.length + o].dataType()));
    }
    UnsafeRow[] held = new UnsafeRow[BATCH_ROWS];
    Retain<InternalRow> retain = (row, slot) -> {
      if (!(row instanceof UnsafeRow)) {
        return row.copy();
      }
      UnsafeRow unsafe = (UnsafeRow) row;
      if (held[slot] == null) {
        held[slot] = new UnsafeRow(unsafe.numFields());
        held[slot].pointTo(new byte[unsafe.getSizeInBytes()], unsafe.getSizeInBytes());
      }
      held[slot].copyFrom(unsafe);
      return held[slot];
    };
    return batches(rows, cells::on, retain, (row, added) -> {
      Object[] values = new Object[keep.length + outputs.length];
      for (int c = 0; c < keep.length; c++) {
        values[c] = kept.get(c).apply(row, keep[c]);
      }
      for (int o = 0; o < outputs.length; o++) {
        values[keep.length + o] = added[o] == null ? null : toInternal.get(o).apply(added[o]);
      }
      return new GenericInternalRow(values);
    });
  }

  /**
   * The batching loop over rows of type R: {@code cells} reads a row's features, {@code retain}
   * makes a row safe to hold until its batch is scored (at a slot, 0 to {@value #BATCH_ROWS} − 1), {@code output} builds the row out of the
   * input row and the added columns' values (external form; all null for a skipped bad row). For a
   * model whose rows are sparse ({@link RowConverter#sparse()}) the broadcast weights are
   * input-major, and rows are read as non-zeros into the sparse first layer.
   */
  private <R> Iterator<R> batches(Iterator<R> rows, Function<R, Cells> cells, Retain<R> retain,
      BiFunction<R, Object[], R> output) {
    boolean sparse = converter.sparse();
    DenseNetwork net = sparse ? null : NetworkCache.forThisThread(spec, task, BATCH_ROWS, BlasBackend.AUTO);
    SparseInputNetwork sparseNet = sparse ? NetworkCache.sparseForThisThread(spec, task, BATCH_ROWS, BlasBackend.AUTO)
        : null;
    SparseRow nonZeros = new SparseRow();
    float[] noTarget = new float[task.targetWidth(spec)];
    float[] w = weights.value();
    InputMajorVector sparseParams = sparse ? InputMajorVector.wrapInputMajor(spec, w) : null;
    int width = spec.inputWidth();
    int k = spec.outputWidth();
    float[] logits = new float[BATCH_ROWS * k];
    int partition = TaskContext.get() == null ? 0 : TaskContext.getPartitionId();
    return new Iterator<R>() {
      private final List<R> pending = new ArrayList<>(BATCH_ROWS);
      private final boolean[] valid = new boolean[BATCH_ROWS];
      private final List<R> ready = new ArrayList<>(BATCH_ROWS);
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
      public R next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        return ready.get(next++);
      }

      private void fill() {
        MiniBatch batch = sparse ? null : net.batch();
        if (sparse) {
          sparseNet.batch().clear();
        }
        int filled = 0;
        while (pending.size() < BATCH_ROWS && rows.hasNext()) {
          R row = rows.next();
          position++;
          boolean ok = true;
          try {
            if (sparse) {
              converter.sparseFeatures(cells.apply(row), nonZeros); // scaled
              sparseNet.batch().addRow(nonZeros.columns(), nonZeros.values(), 0, nonZeros.count(), noTarget, 0,
                  position);
            } else {
              converter.features(cells.apply(row), batch.features(), filled * width); // scaled
            }
          } catch (BadRowException e) {
            if (badRows == BadRowPolicy.FAIL) {
              throw located(e, partition, position);
            }
            if (skipped != null) {
              skipped.add(e.reason());
            }
            ok = false;
          }
          valid[pending.size()] = ok;
          pending.add(retain.retain(row, pending.size()));
          filled += ok ? 1 : 0;
        }
        if (pending.isEmpty()) {
          return;
        }
        if (skipped != null) {
          skipped.read(pending.size());
        }
        float[] out;
        if (sparse) {
          sparseNet.predict(sparseParams, logits);
          out = sparseNet.outputs();
        } else {
          batch.setRows(filled);
          net.predict(w, logits);
          out = net.outputs();
        }
        targetScaling.invert(out, 0, filled);
        int slot = 0;
        long first = position - pending.size() + 1; // the position of pending row 0 in the partition
        for (int i = 0; i < pending.size(); i++) {
          Object[] added = new Object[outputs.length];
          if (valid[i]) {
            if (finite(out, logits, slot * k, k)) {
              for (int o = 0; o < outputs.length; o++) {
                added[o] = value(outputs[o], out, logits, slot * k, k);
              }
            } else {
              refuseOutput(partition, first + i);
            }
            slot++;
          }
          ready.add(output.apply(pending.get(i), added));
        }
        pending.clear();
      }
    };
  }

  /**
   * True when the network's answer for one row — its {@code k} outputs and logits from {@code at} —
   * is finite. Finite features can still overflow inside the network (a value such as 3e38, far
   * outside what the model was trained on, times a weight is ∞, and softmax of ∞ is NaN): such a
   * row would get NaN probabilities and, from them, a class, so it is refused as a bad row instead.
   */
  private static boolean finite(float[] out, float[] logits, int at, int k) {
    for (int j = at; j < at + k; j++) {
      if (!Float.isFinite(out[j]) || !Float.isFinite(logits[j])) {
        return false;
      }
    }
    return true;
  }

  /** A row whose features the network answers with NaN or ∞: an error, or (skip) nulls and a count. */
  private void refuseOutput(int partition, long position) {
    BadRowException e = new BadRowException(BadRowReason.NON_FINITE_OUTPUT, null, NON_FINITE_OUTPUT);
    if (badRows == BadRowPolicy.FAIL) {
      throw located(e, partition, position);
    }
    if (skipped != null) {
      skipped.add(e.reason());
    }
  }

  static final String NON_FINITE_OUTPUT = "its features give the network a NaN or infinite output: some are far "
      + "outside the range the model was trained on (its scaling takes them to values the network overflows on)";

  /** Makes the row at {@code slot} of a batch safe to hold until the batch is scored. */
  private interface Retain<R> {
    R retain(R row, int slot);
  }

  /** One added column's value for the row whose outputs start at {@code at}. */
  private Object value(ScoreColumn column, float[] out, float[] logits, int at, int k) {
    switch (column) {
      case LABEL:
        return labels.valueOf(classIndex(out, at, k));
      case CLASS_INDEX:
        return (double) classIndex(out, at, k);
      case PROBABILITIES:
        return seq(probabilities(out, at, k));
      case PROBABILITY_VECTOR:
        return Vectors.dense(probabilities(out, at, k));
      case RAW_VECTOR:
        return Vectors.dense(rawPrediction(task, logits, at, k));
      case VALUE:
        return (double) out[at];
      case VALUES:
        return seq(doubles(out, at, k));
      case VALUES_VECTOR:
      case LABEL_PROBABILITY_VECTOR:
        return Vectors.dense(doubles(out, at, k));
      case LABEL_FLAGS: {
        int[] flags = new int[k];
        for (int j = 0; j < k; j++) {
          flags[j] = out[at + j] >= threshold ? 1 : 0;
        }
        return scala.collection.mutable.ArraySeq.make(flags);
      }
      case LABEL_INDICES: {
        int present = 0;
        for (int j = 0; j < k; j++) {
          present += out[at + j] >= threshold ? 1 : 0;
        }
        double[] indices = new double[present];
        for (int j = 0, n = 0; j < k; j++) {
          if (out[at + j] >= threshold) {
            indices[n++] = j;
          }
        }
        return seq(indices);
      }
      default:
        throw new AssertionError(column);
    }
  }

  /**
   * Spark ML's rawPrediction for one row whose K logits start at {@code at}: the logits shifted to
   * mean 0 (softmax does not change under a shift), so that with two classes element 1 is
   * (z1 − z0) / 2, which orders rows as p1 does — the score BinaryClassificationEvaluator reads;
   * for one sigmoid logit z, [−z/2, z/2], the same form.
   */
  public static double[] rawPrediction(Task task, float[] logits, int at, int k) {
    if (task == Task.BINARY) {
      return new double[] {-logits[at] / 2.0, logits[at] / 2.0};
    }
    double mean = 0;
    for (int j = 0; j < k; j++) {
      mean += logits[at + j];
    }
    mean /= k;
    double[] z = new double[k];
    for (int j = 0; j < k; j++) {
      z[j] = logits[at + j] - mean;
    }
    return z;
  }

  /** Class probabilities of a classifier's row: softmax outputs, or [1 − p, p] for one sigmoid. */
  private double[] probabilities(float[] out, int at, int k) {
    if (task == Task.BINARY) {
      return new double[] {1 - out[at], out[at]};
    }
    return doubles(out, at, k);
  }

  /** The predicted class: with thresholds the class maximising p / t (Spark ML's rule), else the most likely. */
  private int classIndex(float[] out, int at, int k) {
    if (task == Task.BINARY && thresholds == null) {
      return out[at] >= threshold ? 1 : 0;
    }
    double[] p = probabilities(out, at, k);
    int best = 0;
    double bestScore = Double.NEGATIVE_INFINITY;
    for (int j = 0; j < p.length; j++) {
      double score = thresholds == null ? p[j] : (thresholds[j] == 0 ? Double.POSITIVE_INFINITY : p[j] / thresholds[j]);
      if (score > bestScore) {
        bestScore = score;
        best = j;
      }
    }
    return best;
  }

  private static double[] doubles(float[] out, int at, int k) {
    double[] d = new double[k];
    for (int j = 0; j < k; j++) {
      d[j] = out[at + j];
    }
    return d;
  }

  /**
   * An array&lt;double&gt; cell: the primitive array wrapped as a Scala sequence without boxing
   * (Spark's row encoder copies it into its array format as it is).
   */
  private static Object seq(double[] values) {
    return scala.collection.mutable.ArraySeq.make(values);
  }
}
