package io.sparkdnn.train;

import io.sparkdnn.data.BlockRows;
import io.sparkdnn.data.CsrRows;
import io.sparkdnn.data.PackedBlock;
import io.sparkdnn.engine.BlasLibrary;
import io.sparkdnn.engine.FloatArrays;
import io.sparkdnn.engine.InputMajorVector;
import io.sparkdnn.engine.SparseInputNetwork;
import io.sparkdnn.engine.SparseMiniBatch;
import io.sparkdnn.engine.TouchedInputsAccumulator;
import io.sparkdnn.optim.Optimizer;
import io.sparkdnn.optim.OptimizerState;
import io.sparkdnn.optim.ParameterRanges;
import java.util.Collections;
import java.util.Iterator;
import org.apache.spark.api.java.function.Function2;

/**
 * Local mode with sparse rows, executor side: {@link LocalStepsTask}'s mini-batch steps over this
 * partition's share of the round, on a copy of the weights and optimiser state restricted to the
 * inputs those rows use ({@link CompactFirstLayer}), each step lazy — it updates the first-layer
 * rows of the inputs its batch used, and b_0 and the later layers ({@link ParameterRanges}). Returns
 * the changes of the weights and of each optimiser state vector, times the rows used, as those
 * inputs' first-layer rows ({@link TouchedRows}) plus the rest (vectors 0.. of the result): the
 * driver adds their row-weighted mean, which for inputs another partition did not use is exactly
 * what averaging its unchanged copy would give.
 */
final class SparseLocalStepsTask
    implements Function2<Integer, Iterator<PackedBlock>, Iterator<RoundAccumulator>> {
  private static final long serialVersionUID = 1L;

  private final RoundContext round;
  private final SharedValue<ModelState> start;
  private final Optimizer optimizer;
  private final int batchSize;
  private final double learningRateScale;
  private final boolean shipAllRows;

  /** @param start weights and optimiser state, input-major */
  SparseLocalStepsTask(RoundContext round, SharedValue<ModelState> start, Optimizer optimizer, int batchSize,
      double learningRateScale, boolean shipAllRows) {
    this.round = round;
    this.start = start;
    this.optimizer = optimizer;
    this.batchSize = batchSize;
    this.learningRateScale = learningRateScale;
    this.shipAllRows = shipAllRows;
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
    int[] order = LocalStepsTask.shuffled(n, round.shuffleSeed(partition));
    int width = round.spec.inputWidth();
    TouchedInputsAccumulator inputsUsed = new TouchedInputsAccumulator(width);
    for (int k = from; k < to; k++) {
      CsrRows x = rows.sparseRowsOf(order[k]);
      int r = rows.rowInBlock(order[k]);
      for (int p = x.rowOffsets()[r]; p < x.rowOffsets()[r + 1]; p++) {
        inputsUsed.add(x.columns()[p]);
      }
    }
    CompactFirstLayer compact = new CompactFirstLayer(round.spec,
        shipAllRows ? SparseSyncGradientTask.allInputs(width) : inputsUsed.toSortedArray());
    ModelState initial = start.value();
    float[] startWeights = compact.gather(initial.weights());
    float[] weights = startWeights.clone();
    OptimizerState startState = initial.optimizerState();
    float[][] startVectors = new float[startState.vectorCount()][];
    float[][] vectors = new float[startState.vectorCount()][];
    for (int v = 0; v < vectors.length; v++) {
      startVectors[v] = compact.gather(startState.vector(v));
      vectors[v] = startVectors[v].clone();
    }
    OptimizerState state = new OptimizerState(startState.rule(), startState.step(), vectors);
    InputMajorVector params = InputMajorVector.wrapInputMajor(compact.spec(), weights);
    InputMajorVector gradientVector = InputMajorVector.zeros(compact.spec());
    float[] gradient = gradientVector.inputMajorValues();
    SparseInputNetwork net = new SparseInputNetwork(compact.spec(), round.task, batchSize, BlasLibrary.gemm(round.blas));
    SparseMiniBatch batch = net.batch();
    batch.setWeighted(round.weighted);
    TouchedInputsAccumulator batchInputs = new TouchedInputsAccumulator(compact.spec().inputWidth());
    long dropoutSeed = round.dropoutSeed();
    int steps = (to - from + batchSize - 1) / batchSize;
    boolean finite = true;
    for (int s = 0; s < steps && finite; s++) {
      int first = from + s * batchSize;
      int count = Math.min(batchSize, to - first);
      batch.clear();
      for (int k = 0; k < count; k++) {
        rows.addSparseTo(order[first + k], batch, round.scaling, round.targetScaling, round.classWeights,
            compact.columnMap());
      }
      batchInputs.clear();
      batchInputs.add(batch);
      gradientVector.clear(batchInputs);
      double lossBefore = result.stats().lossSum();
      double weightBefore = result.stats().weight();
      net.accumulateGradient(params, gradientVector, result.stats(), dropoutSeed);
      double batchWeight = result.stats().weight() - weightBefore;
      if (batchWeight <= 0) {
        continue; // every row of the batch weighs 0: nothing to learn from it
      }
      int[] touched = batchInputs.toSortedArray();
      ParameterRanges active = ParameterRanges.firstLayerRows(compact.spec(), touched, touched.length);
      active.scale(gradient, (float) (1 / batchWeight));
      // As in LocalStepsTask: a NaN/∞ gradient shows in the loss or in the weights checked at the end.
      finite = Double.isFinite(result.stats().lossSum() - lossBefore);
      if (finite) {
        double epoch = (round.epoch - 1) + (round.round + (s + 1.0) / steps) / round.rounds;
        optimizer.step(weights, gradient, state, epoch, learningRateScale, active);
      }
    }
    float used = (float) result.stats().weight();
    float[][] tails = new float[1 + vectors.length][];
    float[][] firstLayer = new float[1 + vectors.length][];
    tails[0] = compact.tailDifference(weights, startWeights, used);
    firstLayer[0] = compact.rowDifference(weights, startWeights, used);
    for (int v = 0; v < vectors.length; v++) {
      tails[v + 1] = compact.tailDifference(vectors[v], startVectors[v], used);
      firstLayer[v + 1] = compact.rowDifference(vectors[v], startVectors[v], used);
    }
    result.setVectors(tails);
    result.setFirstLayerRows(new TouchedRows(round.spec.layer(0).width(), compact.inputs(), firstLayer));
    result.setWeight(used);
    result.setMaxStep(state.step());
    if (!finite || !FloatArrays.allFinite(tails[0]) || !FloatArrays.allFinite(firstLayer[0])) {
      result.markNonFinite(partition);
    }
    return Collections.singletonList(result).iterator();
  }
}
