package io.sparkdnn.train;

import io.sparkdnn.data.BlockRows;
import io.sparkdnn.data.PackedBlock;
import io.sparkdnn.engine.DenseNetwork;
import io.sparkdnn.engine.LossAccumulator;
import io.sparkdnn.engine.MiniBatch;
import io.sparkdnn.optim.Optimizer;
import io.sparkdnn.optim.OptimizerState;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import org.apache.spark.api.java.function.Function2;
import org.apache.spark.broadcast.Broadcast;

/**
 * Local mode range test, executor side: from the broadcast starting weights, take up to
 * {@code steps} mini-batch steps over this partition's rows (reshuffled on every pass through them,
 * as training does each epoch), step s at the rate the optimizer's schedule gives for s, and record
 * each step's batch loss. A partition stops by itself once its own loss diverges (see
 * {@link LearningRateFinder#diverged}): the steps after that would only cost time.
 */
final class RangeTestTask implements Function2<Integer, Iterator<PackedBlock>, Iterator<RangeTestAccumulator>> {
  private static final long serialVersionUID = 1L;

  private final RoundContext context;
  private final Broadcast<float[]> start;
  private final Optimizer optimizer;
  private final RangeTestSettings settings;
  private final int batchSize;

  RangeTestTask(RoundContext context, Broadcast<float[]> start, Optimizer optimizer, RangeTestSettings settings,
      int batchSize) {
    this.context = context;
    this.start = start;
    this.optimizer = optimizer;
    this.settings = settings;
    this.batchSize = batchSize;
  }

  @Override
  public Iterator<RangeTestAccumulator> call(Integer partition, Iterator<PackedBlock> blocks) {
    BlockRows rows = new BlockRows(blocks);
    int n = rows.size();
    if (n == 0) {
      return Collections.singletonList(new RangeTestAccumulator()).iterator();
    }
    RangeTestAccumulator result = new RangeTestAccumulator(settings.steps());
    float[] weights = start.value().clone();
    OptimizerState state = optimizer.newState(weights.length);
    int batchRows = Math.min(batchSize, n);
    DenseNetwork net = context.network(batchRows);
    MiniBatch batch = net.batch();
    float[] gradient = new float[weights.length];
    LossAccumulator stats = new LossAccumulator();
    LearningRateFinder.Smoother smoother = new LearningRateFinder.Smoother(settings.smoothing());
    int pass = 1;
    int[] order = LocalStepsTask.shuffled(n, context.shuffleSeed(partition) ^ pass);
    int next = 0;
    for (int s = 0; s < settings.steps(); s++) {
      if (next + batchRows > n) {
        pass++;
        order = LocalStepsTask.shuffled(n, context.shuffleSeed(partition) ^ pass);
        next = 0;
      }
      for (int k = 0; k < batchRows; k++) {
        rows.copyTo(order[next + k], batch, k, context.scaling, context.targetScaling, context.classWeights);
      }
      next += batchRows;
      batch.setRows(batchRows);
      Arrays.fill(gradient, 0f);
      stats.reset();
      net.accumulateGradient(weights, gradient, stats, context.dropoutSeed() ^ s);
      double loss = stats.meanLoss();
      if (!Double.isFinite(loss)) {
        break;
      }
      result.add(s, stats.lossSum(), stats.weight());
      if (LearningRateFinder.diverged(smoother.add(loss), loss, settings) != null) {
        break;
      }
      float inverse = stats.weight() > 0 ? (float) (1 / stats.weight()) : 0f; // rows of weight 0 teach nothing
      for (int i = 0; i < gradient.length; i++) {
        gradient[i] *= inverse;
      }
      optimizer.step(weights, gradient, state, s, 1.0);
    }
    return Collections.singletonList(result).iterator();
  }
}
