package io.sparkdnn.train;

import io.sparkdnn.data.BlockRows;
import io.sparkdnn.data.CsrRows;
import io.sparkdnn.data.PackedBlock;
import io.sparkdnn.engine.BlasLibrary;
import io.sparkdnn.engine.InputMajorVector;
import io.sparkdnn.engine.SparseInputNetwork;
import io.sparkdnn.engine.SparseMiniBatch;
import io.sparkdnn.engine.TouchedInputsAccumulator;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.Function2;

/**
 * Sync mode with sparse rows, executor side: the summed gradient, loss and correct count over this
 * partition's rows of the round, at the broadcast weights (input-major), computed over only the
 * inputs those rows use ({@link CompactFirstLayer}), and returned as those inputs' first-layer rows
 * ({@link TouchedRows}) plus b_0 and the later layers (vector 0 of the result). With
 * {@code shipAllRows} every input's row is returned, as a dense gradient would be (for measuring).
 */
final class SparseSyncGradientTask
    implements Function2<Integer, Iterator<PackedBlock>, Iterator<RoundAccumulator>> {
  private static final long serialVersionUID = 1L;

  private final RoundContext round;
  private final SharedValue<float[]> weights;
  private final int batchRows;
  private final boolean shipAllRows;

  /** @param weights the full parameter vector, input-major */
  SparseSyncGradientTask(RoundContext round, SharedValue<float[]> weights, int batchRows, boolean shipAllRows) {
    this.round = round;
    this.weights = weights;
    this.batchRows = batchRows;
    this.shipAllRows = shipAllRows;
  }

  @Override
  public Iterator<RoundAccumulator> call(Integer partition, Iterator<PackedBlock> partitionBlocks) {
    List<PackedBlock> blocks = new ArrayList<>();
    partitionBlocks.forEachRemaining(blocks::add);
    int width = round.spec.inputWidth();
    TouchedInputsAccumulator used = new TouchedInputsAccumulator(width);
    for (PackedBlock block : blocks) {
      CsrRows x = block.sparseFeatures();
      long[] ids = block.rowIds();
      for (int i = 0; i < block.rows(); i++) {
        if (round.inThisRound(ids[i])) {
          for (int p = x.rowOffsets()[i]; p < x.rowOffsets()[i + 1]; p++) {
            used.add(x.columns()[p]);
          }
        }
      }
    }
    CompactFirstLayer compact = new CompactFirstLayer(round.spec, shipAllRows ? allInputs(width) : used.toSortedArray());
    InputMajorVector params = InputMajorVector.wrapInputMajor(compact.spec(), compact.gather(weights.value()));
    InputMajorVector gradient = InputMajorVector.zeros(compact.spec());
    SparseInputNetwork net = new SparseInputNetwork(compact.spec(), round.task, batchRows, BlasLibrary.gemm(round.blas));
    SparseMiniBatch batch = net.batch();
    batch.setWeighted(round.weighted);
    RoundAccumulator result = new RoundAccumulator();
    long dropoutSeed = round.dropoutSeed();
    batch.clear();
    for (PackedBlock block : blocks) {
      long[] ids = block.rowIds();
      for (int i = 0; i < block.rows(); i++) {
        if (!round.inThisRound(ids[i])) {
          continue;
        }
        BlockRows.addSparseTo(block, i, batch, round.scaling, round.targetScaling, round.classWeights,
            compact.columnMap());
        if (batch.rows() == batchRows) {
          net.accumulateGradient(params, gradient, result.stats(), dropoutSeed);
          batch.clear();
        }
      }
    }
    if (batch.rows() > 0) {
      net.accumulateGradient(params, gradient, result.stats(), dropoutSeed);
    }
    float[] g = gradient.inputMajorValues();
    result.setVectors(new float[][] {compact.tail(g)});
    result.setFirstLayerRows(new TouchedRows(round.spec.layer(0).width(), compact.inputs(),
        new float[][] {compact.rows(g, 1f)}));
    result.setWeight(result.stats().weight());
    if (!Double.isFinite(result.stats().lossSum()) || !io.sparkdnn.engine.FloatArrays.allFinite(g)) {
      result.markNonFinite(partition);
    }
    return Collections.singletonList(result).iterator();
  }

  static int[] allInputs(int width) {
    int[] all = new int[width];
    for (int i = 0; i < width; i++) {
      all[i] = i;
    }
    return all;
  }
}
