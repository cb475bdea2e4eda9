package io.sparkdnn.train;

import io.sparkdnn.data.BlockRows;
import io.sparkdnn.data.PackedBlock;
import io.sparkdnn.engine.DenseNetwork;
import io.sparkdnn.engine.FloatArrays;
import io.sparkdnn.engine.MiniBatch;
import io.sparkdnn.optim.Optimizer;
import io.sparkdnn.optim.OptimizerState;
import java.util.Collections;
import java.util.Iterator;
import java.util.SplittableRandom;
import org.apache.spark.api.java.function.Function2;

/**
 * Local mode, executor side: starting from the broadcast weights and optimiser state, take
 * mini-batch steps over this partition's share of the round (its rows in an order reshuffled every
 * epoch from (seed, epoch, partition)), and return the weight change and the final optimiser state,
 * both multiplied by the rows used so that the driver's sum divided by rows is a weighted average.
 */
final class LocalStepsTask
    implements Function2<Integer, Iterator<PackedBlock>, Iterator<RoundAccumulator>> {
  private static final long serialVersionUID = 1L;

  private final RoundContext round;
  private final SharedValue<ModelState> start;
  private final Optimizer optimizer;
  private final int batchSize;
  private final double learningRateScale;
  private static final ThreadLocal<OptimizerState> STATE = new ThreadLocal<>();

  LocalStepsTask(RoundContext round, SharedValue<ModelState> start, Optimizer optimizer, int batchSize,
      double learningRateScale) {
    this.round = round;
    this.start = start;
    this.optimizer = optimizer;
    this.batchSize = batchSize;
    this.learningRateScale = learningRateScale;
  }

  @Override
  public Iterator<RoundAccumulator> call(Integer partition, Iterator<PackedBlock> blocks) {
    BlockRows rows = new BlockRows(blocks);
    int n = rows.size();
    int from = round.sliceStart(n);
    int to = round.sliceEnd(n);
    RoundAccumulator result = new RoundAccumulator();
    if (to <= from) {
      return Collections.singletonList(result).iterator();
    }
    int[] order = shuffled(n, round.shuffleSeed(partition));
    ModelState initial = start.value();
    DenseNetwork net = round.network(batchSize);
    // The working weights, gradient and optimiser state are the thread's, reused round after round.
    float[] weights = net.parameterScratch(0);
    System.arraycopy(initial.weights(), 0, weights, 0, weights.length);
    float[] gradient = net.parameterScratch(1);
    OptimizerState state = workingState(initial.optimizerState());
    MiniBatch batch = net.batch();
    batch.setWeighted(round.weighted);
    long dropoutSeed = round.dropoutSeed();
    int steps = (to - from + batchSize - 1) / batchSize;
    boolean finite = true;
    for (int s = 0; s < steps && finite; s++) {
      int first = from + s * batchSize;
      int count = Math.min(batchSize, to - first);
      for (int k = 0; k < count; k++) {
        rows.copyTo(order[first + k], batch, k, round.scaling, round.targetScaling, round.classWeights);
      }
      batch.setRows(count);
      double lossBefore = result.stats().lossSum();
      // the batch's mean gradient, written over the last one: no clearing or rescaling pass
      if (net.meanGradient(weights, gradient, result.stats(), dropoutSeed) <= 0) {
        continue; // every row of the batch weighs 0: nothing to learn from it
      }
      // A NaN/∞ gradient either shows in the loss or ends up in the weights, which are checked
      // once at the end: scanning every gradient would cost a pass over all parameters per step.
      finite = Double.isFinite(result.stats().lossSum() - lossBefore);
      if (finite) {
        double epoch = (round.epoch - 1) + (round.round + (s + 1.0) / steps) / round.rounds;
        optimizer.step(weights, gradient, state, epoch, learningRateScale);
      }
    }
    float used = (float) result.stats().weight();
    float[][] sums = result.allocate(1 + state.vectorCount(), weights.length);
    float[] startWeights = initial.weights();
    for (int i = 0; i < weights.length; i++) {
      sums[0][i] = (weights[i] - startWeights[i]) * used;
    }
    for (int v = 0; v < state.vectorCount(); v++) {
      float[] vector = state.vector(v);
      for (int i = 0; i < vector.length; i++) {
        sums[v + 1][i] = vector[i] * used;
      }
    }
    result.setWeight(used);
    result.setMaxStep(state.step());
    if (!finite || !FloatArrays.allFinite(sums[0])) {
      result.markNonFinite(partition);
    }
    return Collections.singletonList(result).iterator();
  }

  /** This thread's optimiser state, reused across rounds, set to {@code start}. */
  private static OptimizerState workingState(OptimizerState start) {
    OptimizerState mine = STATE.get();
    if (mine == null || !mine.rule().equals(start.rule()) || mine.vectorCount() != start.vectorCount()
        || (mine.vectorCount() > 0 && mine.vector(0).length != start.vector(0).length)) {
      mine = start.copy();
      STATE.set(mine);
    } else {
      mine.copyFrom(start);
    }
    return mine;
  }

  /** A Fisher–Yates permutation of 0..n−1. */
  static int[] shuffled(int n, long seed) {
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    SplittableRandom random = new SplittableRandom(seed);
    for (int i = n - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    return order;
  }
}
