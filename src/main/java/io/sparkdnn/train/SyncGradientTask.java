package io.sparkdnn.train;

import io.sparkdnn.data.BlockRows;
import io.sparkdnn.data.PackedBlock;
import io.sparkdnn.engine.DenseNetwork;
import io.sparkdnn.engine.FloatArrays;
import io.sparkdnn.engine.MiniBatch;
import java.util.Collections;
import java.util.Iterator;
import org.apache.spark.api.java.function.Function2;

/**
 * Sync mode, executor side: the summed gradient, loss and correct count over this partition's rows
 * of the round, computed at the broadcast weights in engine passes of {@code batchRows} rows.
 */
final class SyncGradientTask
    implements Function2<Integer, Iterator<PackedBlock>, Iterator<RoundAccumulator>> {
  private static final long serialVersionUID = 1L;

  private final RoundContext round;
  private final SharedValue<float[]> weights;
  private final int batchRows;

  SyncGradientTask(RoundContext round, SharedValue<float[]> weights, int batchRows) {
    this.round = round;
    this.weights = weights;
    this.batchRows = batchRows;
  }

  @Override
  public Iterator<RoundAccumulator> call(Integer partition, Iterator<PackedBlock> blocks) {
    float[] w = weights.value();
    DenseNetwork net = round.network(batchRows);
    MiniBatch batch = net.batch();
    batch.setWeighted(round.weighted);
    RoundAccumulator result = new RoundAccumulator();
    float[] gradient = result.allocate(1, w.length)[0];
    long dropoutSeed = round.dropoutSeed();
    int filled = 0;
    while (blocks.hasNext()) {
      PackedBlock block = blocks.next();
      long[] ids = block.rowIds();
      for (int i = 0; i < block.rows(); i++) {
        if (!round.inThisRound(ids[i])) {
          continue;
        }
        BlockRows.copyTo(block, i, batch, filled++, round.scaling, round.targetScaling, round.classWeights);
        if (filled == batchRows) {
          batch.setRows(filled);
          net.accumulateGradient(w, gradient, result.stats(), dropoutSeed);
          filled = 0;
        }
      }
    }
    if (filled > 0) {
      batch.setRows(filled);
      net.accumulateGradient(w, gradient, result.stats(), dropoutSeed);
    }
    result.setWeight(result.stats().weight());
    if (!Double.isFinite(result.stats().lossSum()) || !FloatArrays.allFinite(gradient)) {
      result.markNonFinite(partition);
    }
    return Collections.singletonList(result).iterator();
  }
}
