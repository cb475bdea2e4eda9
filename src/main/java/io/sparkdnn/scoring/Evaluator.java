package io.sparkdnn.scoring;

import io.sparkdnn.data.BlockRows;
import io.sparkdnn.data.FeatureScaling;
import io.sparkdnn.data.TargetScaling;
import io.sparkdnn.data.PackedBlock;
import io.sparkdnn.engine.BlasBackend;
import io.sparkdnn.engine.DenseNetwork;
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
  private final float threshold;

  /**
   * @param targetScaling how targets were standardised for training: the loss is computed on
   *     standardised targets (the training objective), every other metric in the targets' units
   * @param classes classes (or labels) that metrics count; outputs for regression
   */
  public Evaluator(NetworkSpec spec, Task task, FeatureScaling scaling, TargetScaling targetScaling, int classes,
      int batchRows, BlasBackend blas) {
    this(spec, task, scaling, targetScaling, classes, batchRows, blas, 0.5f);
  }

  private Evaluator(NetworkSpec spec, Task task, FeatureScaling scaling, TargetScaling targetScaling, int classes,
      int batchRows, BlasBackend blas, float threshold) {
    this.threshold = threshold;
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

  public EvaluationAccumulator evaluate(JavaRDD<PackedBlock> blocks, Broadcast<float[]> weights, int depth) {
    return blocks
        .mapPartitions(partition -> Collections.singletonList(evaluatePartition(partition, weights.value())).iterator())
        .treeAggregate(empty(), EvaluationAccumulator::merge, EvaluationAccumulator::merge, depth);
  }

  /**
   * Up to {@code perPartition} rows from each partition as (target, prediction) of the first
   * output: the points of a residual plot.
   */
  public double[][] sample(JavaRDD<PackedBlock> blocks, Broadcast<float[]> weights, int perPartition) {
    java.util.List<double[]> points = blocks.mapPartitions(partition -> {
      java.util.List<double[]> out = new java.util.ArrayList<>();
      DenseNetwork net = NetworkCache.forThisThread(spec, task, 1, blas);
      float[] w = weights.value();
      while (partition.hasNext() && out.size() < perPartition) {
        PackedBlock block = partition.next();
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
    return new EvaluationAccumulator(task, classes, spec.outputWidth(), threshold);
  }

  /** This evaluator with binary rows predicted class 1 from probability {@code t} (in (0, 1)). */
  public Evaluator withThreshold(float t) {
    io.sparkdnn.engine.Ranges.openUnit("threshold", t);
    return new Evaluator(spec, task, scaling, targetScaling, classes, batchRows, blas, t);
  }

  private EvaluationAccumulator evaluatePartition(Iterator<PackedBlock> blocks, float[] weights) {
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

  private void flush(DenseNetwork net, float[] weights, EvaluationAccumulator result, int rows) {
    net.batch().setRows(rows);
    net.evaluate(weights, result.loss());
    // The loss above is on standardised targets; errors, RMSE and R² are in the targets' units.
    targetScaling.invert(net.outputs(), 0, rows);
    targetScaling.invert(net.batch().targets(), 0, rows);
    result.add(net.outputs(), net.batch().targets(), net.batch().rowWeights(), rows);
  }
}
