package io.sparkdnn.train;

import io.sparkdnn.data.CsrRows;
import io.sparkdnn.data.PackedBlock;
import io.sparkdnn.data.PartitionResults;
import io.sparkdnn.engine.TouchedInputsAccumulator;
import io.sparkdnn.engine.NetworkSpec;
import io.sparkdnn.optim.Optimizer;
import io.sparkdnn.optim.OptimizerState;
import io.sparkdnn.optim.ParameterRanges;
import java.util.Arrays;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * The driver's side of training on sparse rows ({@link io.sparkdnn.data.DataLayout#SPARSE}): the
 * rounds' Spark jobs, and updates that cost ∝ the first-layer rows a round touched rather than
 * I × O_0. During such a run the weights, optimiser state and outer-momentum velocity are held
 * input-major (see {@code io.sparkdnn.engine.InputMajorVector}; the trainer converts them at the
 * boundary), so that each touched input's first-layer weights are O_0 contiguous floats.
 *
 * <ul>
 *   <li>sync: the partitions' gradient rows are summed, and one lazy optimiser step
 *       ({@link ParameterRanges#firstLayerRows}) updates the touched rows and everything from b_0 on;
 *   <li>local: the partitions' changes of the weights and optimiser state (times their rows) are
 *       summed, and their row-weighted mean is added to the touched rows and the rest.
 * </ul>
 *
 * Each update first saves what it is about to change, so that a round that diverges can go back to
 * the last good weights without a full copy per round ({@link #undo}).
 */
final class SparseTraining {
  private final JavaSparkContext sc;
  private final NetworkSpec spec;
  /** Ship every first-layer row instead of the touched ones: the dense alternative, for measuring. */
  private final boolean shipAllRows;
  /** A full-size gradient, zero outside the ranges of the step in progress (sync mode, L-BFGS). */
  private float[] gradient;
  private Undo undo;
  /** Bytes of the first-layer rows and the rest that the latest round's merged result held. */
  private long lastResultBytes;

  SparseTraining(JavaSparkContext sc, NetworkSpec spec, boolean shipAllRows) {
    this.sc = sc;
    this.spec = spec;
    this.shipAllRows = shipAllRows;
  }

  /**
   * The most distinct inputs the training rows of one partition use: what bounds a task's copies of
   * the first layer and what it returns per round. One pass over the cached blocks, O(non-zeros).
   */
  static int maxInputsPerPartition(JavaRDD<PackedBlock> training, int inputWidth) {
    return training.mapPartitions(blocks -> {
      TouchedInputsAccumulator used = new TouchedInputsAccumulator(inputWidth);
      while (blocks.hasNext()) {
        CsrRows x = blocks.next().sparseFeatures();
        int[] columns = x.columns();
        for (int p = 0, end = x.nonZeros(); p < end; p++) {
          used.add(columns[p]);
        }
      }
      return java.util.Collections.singletonList(used.count()).iterator();
    }).fold(0, Math::max);
  }

  RoundAccumulator syncRound(JavaRDD<PackedBlock> training, RoundContext context, float[] weights, int batchRows,
      int depth) {
    try (SharedValue<float[]> shared = SharedValue.of(sc, weights)) {
      return measured(PartitionResults.aggregate(training,
          new SparseSyncGradientTask(context, shared, batchRows, shipAllRows), new RoundAccumulator(),
          RoundAccumulator::merge, depth));
    }
  }

  /**
   * The weights and optimiser state are shared as they are, not copied: nothing changes them until
   * the job has finished and the shared value is closed.
   */
  RoundAccumulator localRound(JavaRDD<PackedBlock> training, RoundContext context, TrainingState state,
      Optimizer optimizer, int batchSize, int depth) {
    try (SharedValue<ModelState> start = SharedValue.of(sc, new ModelState(state.weights, state.optimizerState))) {
      return measured(PartitionResults.aggregate(training, new SparseLocalStepsTask(context, start, optimizer,
          batchSize, state.learningRateScale, shipAllRows), new RoundAccumulator(), RoundAccumulator::merge, depth));
    }
  }

  private RoundAccumulator measured(RoundAccumulator result) {
    long bytes = result.firstLayerRows() == null ? 0 : result.firstLayerRows().payloadBytes();
    for (int v = 0; v < result.vectorCount(); v++) {
      bytes += 4L * result.vector(v).length;
    }
    lastResultBytes = bytes;
    return result;
  }

  /** Bytes of the latest round's merged result (first-layer rows with their indices, and the rest). */
  long lastResultBytes() {
    return lastResultBytes;
  }

  /** Sync: the mean gradient of the round, then one lazy optimiser step over the rows it touched. */
  void applyGradient(TrainingState state, RoundAccumulator result, Optimizer optimizer, double epochProgress) {
    TouchedRows rows = result.firstLayerRows();
    ParameterRanges active = ParameterRanges.firstLayerRows(spec, rows.inputs(), rows.inputs().length);
    float[] g = gradient();
    scatter(rows, 0, result.vector(0), (float) (1 / result.weight()), g);
    undo = new Undo(active, state);
    optimizer.step(state.weights, g, state.optimizerState, epochProgress, state.learningRateScale, active);
    zero(g, active);
  }

  /**
   * Local: adds the row-weighted mean change to the weights (through outer momentum, when on) and
   * to each optimiser state vector, over the rows some partition touched; the step count becomes
   * the partitions' largest.
   */
  void applyAverage(TrainingState state, RoundAccumulator result, double outerMomentum) {
    TouchedRows rows = result.firstLayerRows();
    ParameterRanges active = ParameterRanges.firstLayerRows(spec, rows.inputs(), rows.inputs().length);
    undo = new Undo(active, state);
    float inverse = (float) (1 / result.weight());
    if (state.velocity != null) {
      float[] change = gradient();
      scatter(rows, 0, result.vector(0), inverse, change);
      float mu = (float) outerMomentum;
      int[] r = active.ranges();
      for (int k = 0; k < r.length; k += 2) {
        for (int i = r[k]; i < r[k + 1]; i++) {
          state.velocity[i] = mu * state.velocity[i] + change[i];
          state.weights[i] += state.velocity[i];
        }
      }
      zero(change, active);
    } else {
      add(rows, 0, result.vector(0), inverse, state.weights);
    }
    OptimizerState optimizerState = state.optimizerState;
    float[][] vectors = new float[optimizerState.vectorCount()][];
    for (int v = 0; v < vectors.length; v++) {
      vectors[v] = optimizerState.vector(v);
      add(rows, v + 1, result.vector(v + 1), inverse, vectors[v]);
    }
    state.optimizerState = new OptimizerState(optimizerState.rule(), result.maxStep(), vectors);
  }

  /** L-BFGS: the round's mean gradient as a full vector (zero for the rows no row touched). */
  void meanGradient(RoundAccumulator result, float[] out) {
    Arrays.fill(out, 0f);
    scatter(result.firstLayerRows(), 0, result.vector(0), (float) (1 / result.weight()), out);
  }

  /** True when an update was applied since the start or the last {@link #undo}. */
  boolean canUndo() {
    return undo != null;
  }

  /** Puts back what the latest update changed: the last good weights, state and velocity. */
  void undo(TrainingState state) {
    if (undo != null) {
      undo.restore(state);
      undo = null;
    }
  }

  private float[] gradient() {
    if (gradient == null) {
      gradient = new float[spec.parameterCount()];
    }
    return gradient;
  }

  /** out[rows of the inputs] = rows × factor; out[b_0 …] = tail × factor. */
  private void scatter(TouchedRows rows, int v, float[] tail, float factor, float[] out) {
    write(rows, v, tail, factor, out, false);
  }

  /** out[rows of the inputs] += rows × factor; out[b_0 …] += tail × factor. */
  private void add(TouchedRows rows, int v, float[] tail, float factor, float[] out) {
    write(rows, v, tail, factor, out, true);
  }

  private void write(TouchedRows rows, int v, float[] tail, float factor, float[] out, boolean accumulate) {
    int w = rows.rowWidth();
    int[] inputs = rows.inputs();
    float[] values = rows.rows(v);
    int base = spec.weightOffset(0);
    // A branch, not out·0 + new, so that setting replaces a NaN left in out (the JIT hoists it).
    for (int j = 0; j < inputs.length; j++) {
      int at = base + inputs[j] * w;
      for (int o = 0; o < w; o++) {
        float x = values[j * w + o] * factor;
        out[at + o] = accumulate ? out[at + o] + x : x;
      }
    }
    int start = spec.biasOffset(0);
    for (int i = 0; i < tail.length; i++) {
      out[start + i] = accumulate ? out[start + i] + tail[i] * factor : tail[i] * factor;
    }
  }


  private static void zero(float[] vector, ParameterRanges active) {
    int[] r = active.ranges();
    for (int k = 0; k < r.length; k += 2) {
      Arrays.fill(vector, r[k], r[k + 1], 0f);
    }
  }

  /** The values an update is about to change, and the optimiser's step count, to put back. */
  private static final class Undo {
    private final ParameterRanges ranges;
    private final float[] weights;
    private final float[][] stateVectors;
    private final float[] velocity;
    private final long step;

    Undo(ParameterRanges ranges, TrainingState state) {
      this.ranges = ranges;
      this.weights = save(state.weights);
      this.stateVectors = new float[state.optimizerState.vectorCount()][];
      for (int v = 0; v < stateVectors.length; v++) {
        stateVectors[v] = save(state.optimizerState.vector(v));
      }
      this.velocity = state.velocity == null ? null : save(state.velocity);
      this.step = state.optimizerState.step();
    }

    private float[] save(float[] vector) {
      float[] out = new float[(int) ranges.size()];
      int at = 0;
      int[] r = ranges.ranges();
      for (int k = 0; k < r.length; k += 2) {
        System.arraycopy(vector, r[k], out, at, r[k + 1] - r[k]);
        at += r[k + 1] - r[k];
      }
      return out;
    }

    private void load(float[] saved, float[] vector) {
      int at = 0;
      int[] r = ranges.ranges();
      for (int k = 0; k < r.length; k += 2) {
        System.arraycopy(saved, at, vector, r[k], r[k + 1] - r[k]);
        at += r[k + 1] - r[k];
      }
    }

    void restore(TrainingState state) {
      load(weights, state.weights);
      float[][] vectors = new float[stateVectors.length][];
      for (int v = 0; v < vectors.length; v++) {
        vectors[v] = state.optimizerState.vector(v);
        load(stateVectors[v], vectors[v]);
      }
      state.optimizerState = new OptimizerState(state.optimizerState.rule(), step, vectors);
      if (velocity != null) {
        load(velocity, state.velocity);
      }
    }
  }
}
