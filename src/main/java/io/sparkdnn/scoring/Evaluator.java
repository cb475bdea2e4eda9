package io.sparkdnn.scoring;

import io.sparkdnn.data.BlockRows;
import io.sparkdnn.data.FeatureScaling;
import io.sparkdnn.data.TargetScaling;
import io.sparkdnn.data.PackedBlock;
import io.sparkdnn.data.PartitionResults;
import io.sparkdnn.engine.BlasBackend;
import io.sparkdnn.engine.DenseNetwork;
import io.sparkdnn.engine.InputMajorVector;
import io.sparkdnn.engine.SparseInputNetwork;
import io.sparkdnn.engine.SparseMiniBatch;
import io.sparkdnn.engine.MiniBatch;
import io.sparkdnn.engine.NetworkCache;
import io.sparkdnn.engine.NetworkSpec;
import io.sparkdnn.engine.Task;
import io.sparkdnn.model.DnnModel;
import java.io.Serializable;
import java.util.Collections;
import java.util.Iterator;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.broadcast.Broadcast;

/** Distributed evaluation of weights on packed rows: one Spark job, one small accumulator back. */
public final class Evaluator implements Serializable {
  private static final long serialVersionUID = 1L;

  private final NetworkSpec spec;
  private final Task task;
  private final FeatureScaling scaling;
  private final TargetScaling targetScaling;
  private final int classes;
  private final int batchRows;
  private final BlasBackend blas;
  /** The broadcast weights are laid out input-major (a sparse-input training run); else canonical. */
  private final boolean inputMajorWeights;
  private final float threshold;
  /** Rows with a NaN or infinite output are left out of the metrics (bad rows skipped), not named. */
  private final boolean leaveOutNonFinite;
  /** The row with the largest loss is kept ({@link EvaluationAccumulator#worstRow()}). */
  private final boolean trackWorstRow;

  /**
   * @param targetScaling how targets were standardised for training: the loss is computed on
   *     standardised targets (the training objective), every other metric in the targets' units
   * @param classes classes (or labels) that metrics count; outputs for regression
   */
  public Evaluator(NetworkSpec spec, Task task, FeatureScaling scaling, TargetScaling targetScaling, int classes,
      int batchRows, BlasBackend blas) {
    this(spec, task, scaling, targetScaling, classes, batchRows, blas, 0.5f, false, false, false);
  }

  private Evaluator(NetworkSpec spec, Task task, FeatureScaling scaling, TargetScaling targetScaling, int classes,
      int batchRows, BlasBackend blas, float threshold, boolean inputMajorWeights, boolean leaveOutNonFinite,
      boolean trackWorstRow) {
    this.trackWorstRow = trackWorstRow;
    this.threshold = threshold;
    this.leaveOutNonFinite = leaveOutNonFinite;
    this.inputMajorWeights = inputMajorWeights;
    this.targetScaling = targetScaling;
    this.spec = spec;
    this.task = task;
    this.scaling = scaling;
    this.classes = classes;
    this.batchRows = batchRows;
    this.blas = blas;
  }

  /** An evaluator of {@code model}'s network, scaling and classes. */
  public static Evaluator of(DnnModel model, int batchRows, BlasBackend blas) {
    return new Evaluator(model.spec(), model.task(), model.scaling(), model.targetScaling(), model.classCount(),
        batchRows, blas);
  }

  /**
   * This evaluator for weights laid out input-major ({@link InputMajorVector}), as a training run on
   * sparse rows holds them; the blocks evaluated must then be sparse. Otherwise weights are in the
   * model's canonical layout, for dense and sparse blocks alike (sparse blocks then convert them
   * once per task).
   */
  public Evaluator withInputMajorWeights() {
    return new Evaluator(spec, task, scaling, targetScaling, classes, batchRows, blas, threshold, true,
        leaveOutNonFinite, trackWorstRow);
  }

  /**
   * Evaluates {@code weights} on every row of {@code blocks}, dense or sparse (see
   * {@link #withInputMajorWeights()} for the weights' layout).
   */
  public EvaluationAccumulator evaluate(JavaRDD<PackedBlock> blocks, Broadcast<float[]> weights, int depth) {
    return PartitionResults.aggregate(blocks, (index, partition) ->
        Collections.singletonList(evaluatePartition(partition, weights.value())).iterator(), empty(),
        EvaluationAccumulator::merge, depth);
  }

  /**
   * Evaluates {@code weights} on {@code blocks} in this JVM, without Spark: what the tasks of
   * {@link #evaluate(JavaRDD, Broadcast, int)} compute, here over all the blocks given (dense or
   * sparse, not mixed), on up to {@code threads} threads — the calling one and threads of a shared
   * pool — each taking a contiguous run of blocks; their results merge in block order, so that the
   * sums do not depend on which thread finished first. (A local master's cores are otherwise idle
   * while the driver validates between rounds: the main job's 5,981 validation rows took 37–84 ms,
   * median ~45, of its ~0.5 s epoch on one thread.)
   */
  public EvaluationAccumulator evaluateHere(java.util.List<PackedBlock> blocks, float[] weights, int threads) {
    int parts = Math.max(1, Math.min(threads, blocks.size()));
    java.util.List<java.util.concurrent.Future<EvaluationAccumulator>> others = new java.util.ArrayList<>();
    for (int p = 1; p < parts; p++) {
      java.util.List<PackedBlock> run = blocks.subList(p * blocks.size() / parts, (p + 1) * blocks.size() / parts);
      others.add(HelperThreads.POOL.submit(() -> evaluatePartition(run.iterator(), weights)));
    }
    EvaluationAccumulator result = evaluatePartition(blocks.subList(0, blocks.size() / parts).iterator(), weights);
    for (java.util.concurrent.Future<EvaluationAccumulator> other : others) {
      try {
        result.merge(other.get());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while validating", e);
      } catch (java.util.concurrent.ExecutionException e) {
        throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
      }
    }
    return result;
  }

  /** Daemon threads for {@link #evaluateHere}, made as needed and kept a minute when idle. */
  private static final class HelperThreads {
    static final java.util.concurrent.ExecutorService POOL = java.util.concurrent.Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "spark-dnn evaluation");
      t.setDaemon(true);
      return t;
    });
  }

  /**
   * Up to {@code perPartition} rows from each partition as (target, prediction) of the first
   * output: the points of a residual plot.
   */
  public double[][] sample(JavaRDD<PackedBlock> blocks, Broadcast<float[]> weights, int perPartition) {
    java.util.List<double[]> points = blocks.mapPartitions(partition -> {
      java.util.List<PackedBlock> all = new java.util.ArrayList<>();
      partition.forEachRemaining(all::add);
      if (all.isEmpty()) { // no network for no rows (see evaluatePartition)
        return java.util.Collections.<double[]>emptyIterator();
      }
      if (all.get(0).isSparse()) {
        return sparseSample(all, weights.value(), perPartition).iterator();
      }
      java.util.List<double[]> out = new java.util.ArrayList<>();
      DenseNetwork net = NetworkCache.forThisThread(spec, task, 1, blas);
      float[] w = weights.value();
      for (PackedBlock block : all) {
        for (int i = 0; i < block.rows() && out.size() < perPartition; i++) {
          BlockRows.copyTo(block, i, net.batch(), 0, scaling, targetScaling, null);
          net.batch().setRows(1);
          net.predict(w);
          targetScaling.invert(net.outputs(), 0, 1);
          out.add(new double[] {block.targets()[i * block.targetWidth()], net.outputs()[0]});
        }
      }
      return out.iterator();
    }).collect();
    return points.toArray(new double[0][]);
  }

  public EvaluationAccumulator empty() {
    EvaluationAccumulator empty = new EvaluationAccumulator(task, classes, spec.outputWidth(), threshold);
    if (trackWorstRow) {
      empty.trackingWorstRow();
    }
    return leaveOutNonFinite ? empty.leavingOutNonFinite() : empty;
  }

  /** This evaluator with binary rows predicted class 1 from probability {@code t} (in (0, 1)). */
  public Evaluator withThreshold(float t) {
    io.sparkdnn.engine.Ranges.openUnit("threshold", t);
    return new Evaluator(spec, task, scaling, targetScaling, classes, batchRows, blas, t, inputMajorWeights,
        leaveOutNonFinite, trackWorstRow);
  }

  /**
   * This evaluator leaving the rows the network overflows on (a NaN or infinite output or loss) out
   * of the metrics, counted in {@link EvaluationAccumulator#leftOut()}, as bad rows skipped are:
   * for data.bad-rows = skip and handleInvalid = skip or keep. Otherwise the first such row is
   * named ({@link EvaluationAccumulator#nonFiniteRow()}).
   */
  public Evaluator withNonFiniteRowsLeftOut() {
    return new Evaluator(spec, task, scaling, targetScaling, classes, batchRows, blas, threshold, inputMajorWeights,
        true, trackWorstRow);
  }

  /** This evaluator also keeping the row with the largest loss ({@link EvaluationAccumulator#worstRow()}). */
  public Evaluator withWorstRowTracked() {
    return new Evaluator(spec, task, scaling, targetScaling, classes, batchRows, blas, threshold, inputMajorWeights,
        leaveOutNonFinite, true);
  }

  private EvaluationAccumulator evaluatePartition(Iterator<PackedBlock> blocks, float[] weights) {
    java.util.List<PackedBlock> all = new java.util.ArrayList<>();
    blocks.forEachRemaining(all::add);
    // A partition without rows (a small input spread over more partitions than it fills) builds no
    // network: the dense one for a sparse model's input width takes width × batch rows floats (1 GiB
    // for 2^18 inputs), which ran a test evaluation out of memory after training.
    if (all.isEmpty()) {
      return empty();
    }
    if (all.get(0).isSparse()) {
      return evaluateSparse(all, weights);
    }
    if (inputMajorWeights && !all.isEmpty()) {
      throw new IllegalStateException("input-major weights need sparse blocks");
    }
    blocks = all.iterator();
    DenseNetwork net = NetworkCache.forThisThread(spec, task, batchRows, blas);
    MiniBatch batch = net.batch();
    EvaluationAccumulator result = empty();
    int filled = 0;
    while (blocks.hasNext()) {
      PackedBlock block = blocks.next();
      for (int i = 0; i < block.rows(); i++) {
        BlockRows.copyTo(block, i, batch, filled++, scaling, targetScaling, null);
        batch.setWeighted(block.weights() != null);
        if (filled == batchRows) {
          flush(net, weights, result, filled);
          filled = 0;
        }
      }
    }
    if (filled > 0) {
      flush(net, weights, result, filled);
    }
    return result;
  }

  /** The weights as a sparse-input network reads them: input-major. */
  private InputMajorVector inputMajor(float[] weights) {
    return inputMajorWeights ? InputMajorVector.wrapInputMajor(spec, weights)
        : InputMajorVector.fromCanonical(spec, weights);
  }

  private EvaluationAccumulator evaluateSparse(java.util.List<PackedBlock> blocks, float[] weights) {
    SparseInputNetwork net = NetworkCache.sparseForThisThread(spec, task, batchRows, blas);
    SparseMiniBatch batch = net.batch();
    InputMajorVector params = inputMajor(weights);
    EvaluationAccumulator result = empty();
    batch.clear();
    for (PackedBlock block : blocks) {
      batch.setWeighted(block.weights() != null);
      for (int i = 0; i < block.rows(); i++) {
        BlockRows.addSparseTo(block, i, batch, scaling, targetScaling, null, null);
        if (batch.rows() == batchRows) {
          flushSparse(net, params, result);
        }
      }
    }
    if (batch.rows() > 0) {
      flushSparse(net, params, result);
    }
    return result;
  }

  private void flushSparse(SparseInputNetwork net, InputMajorVector params, EvaluationAccumulator result) {
    SparseMiniBatch batch = net.batch();
    int rows = batch.rows();
    net.evaluate(params, result.loss());
    targetScaling.invert(net.outputs(), 0, rows);
    targetScaling.invert(batch.targets(), 0, rows);
    result.add(net.outputs(), batch.targets(), batch.rowWeights(), batch.rowIds(), rows);
    batch.clear();
  }

  private java.util.List<double[]> sparseSample(java.util.List<PackedBlock> blocks, float[] weights, int perPartition) {
    java.util.List<double[]> out = new java.util.ArrayList<>();
    SparseInputNetwork net = NetworkCache.sparseForThisThread(spec, task, 1, blas);
    InputMajorVector params = inputMajor(weights);
    for (PackedBlock block : blocks) {
      for (int i = 0; i < block.rows() && out.size() < perPartition; i++) {
        net.batch().clear();
        BlockRows.addSparseTo(block, i, net.batch(), scaling, targetScaling, null, null);
        net.predict(params);
        targetScaling.invert(net.outputs(), 0, 1);
        out.add(new double[] {block.targets()[i * block.targetWidth()], net.outputs()[0]});
      }
    }
    return out;
  }

  private void flush(DenseNetwork net, float[] weights, EvaluationAccumulator result, int rows) {
    net.batch().setRows(rows);
    net.evaluate(weights, result.loss());
    // The loss above is on standardised targets; errors, RMSE and R² are in the targets' units.
    targetScaling.invert(net.outputs(), 0, rows);
    targetScaling.invert(net.batch().targets(), 0, rows);
    result.add(net.outputs(), net.batch().targets(), net.batch().rowWeights(), net.batch().rowIds(), rows);
  }
}
