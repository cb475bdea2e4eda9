package io.sparkdnn.train;

import io.sparkdnn.data.FeatureScaling;
import io.sparkdnn.data.TargetScaling;
import io.sparkdnn.engine.BlasBackend;
import io.sparkdnn.engine.DenseNetwork;
import io.sparkdnn.engine.NetworkCache;
import io.sparkdnn.engine.NetworkSpec;
import io.sparkdnn.engine.Seeds;
import io.sparkdnn.engine.Task;
import java.io.Serializable;

/**
 * What a partition needs to know about the round it computes, shipped in the task closure. Every
 * random choice derives from (seed, epoch, round, row id or partition) here, never from a stream.
 */
final class RoundContext implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final long DROPOUT = 0xD50L;
  private static final long ROUND = 0x50DL;
  private static final long SHUFFLE = 0x5FFL;

  final NetworkSpec spec;
  final Task task;
  final FeatureScaling scaling;
  final TargetScaling targetScaling;
  /** Rows carry weights (a weight column), or classes do ({@link #classWeights}). */
  final boolean weighted;
  /** Weight per class index, multiplying each row's weight; null for none. */
  final float[] classWeights;
  final BlasBackend blas;
  final long seed;
  final int epoch;
  final int round;
  final int rounds;

  RoundContext(NetworkSpec spec, Task task, FeatureScaling scaling, TargetScaling targetScaling, boolean weightedRows,
      float[] classWeights, BlasBackend blas, long seed, int epoch, int round, int rounds) {
    this.targetScaling = targetScaling;
    this.weighted = weightedRows || classWeights != null;
    this.classWeights = classWeights;
    this.spec = spec;
    this.task = task;
    this.scaling = scaling;
    this.blas = blas;
    this.seed = seed;
    this.epoch = epoch;
    this.round = round;
    this.rounds = rounds;
  }

  DenseNetwork network(int capacity) {
    return NetworkCache.forThisThread(spec, task, capacity, blas);
  }

  /** Keys this round's dropout masks (combined with each row's id inside the engine). */
  long dropoutSeed() {
    return Seeds.derive(seed, DROPOUT, epoch, round);
  }

  /** Whether a row belongs to this round (sync mode): a hash of its id, the same on any partition. */
  boolean inThisRound(long rowId) {
    return rounds == 1 || (int) (Seeds.unit(Seeds.derive(seed, ROUND, epoch, rowId)) * rounds) == round;
  }

  /**
   * Local mode: this round's share of a partition's {@code n} shuffled rows, positions [start,
   * end); the rounds of an epoch cut the order into equal consecutive parts.
   */
  int sliceStart(int n) {
    return (int) ((long) n * round / rounds);
  }

  /** The end (exclusive) of this round's share; see {@link #sliceStart}. */
  int sliceEnd(int n) {
    return (int) ((long) n * (round + 1) / rounds);
  }

  /** The seed of a partition's row order for this epoch (local mode). */
  long shuffleSeed(int partition) {
    return Seeds.derive(seed, SHUFFLE, epoch, partition);
  }
}
