package io.sparkdnn.train;

import io.sparkdnn.engine.FloatArrays;
import io.sparkdnn.engine.LossAccumulator;
import java.io.Serializable;
import java.util.Arrays;

/**
 * What one round returns from each partition and sums up the treeAggregate tree:
 *
 * <ul>
 *   <li>{@code sync}: vector 0 is the summed gradient over the partition's rows of the round;
 *   <li>{@code local}: vector 0 is the partition's weight change times its rows' weight, and vectors
 *       1.. are its optimiser state vectors times that weight, so that dividing by {@link #weight()}
 *       averages (weighted by rows; with row weights, by their sum).
 * </ul>
 *
 * plus the loss totals and the partitions whose result was not finite. Vectors are allocated on
 * the executor, so the empty zero value that Spark ships with every task costs nothing.
 */
public final class RoundAccumulator implements Serializable {
  private static final long serialVersionUID = 1L;

  private float[][] vectors;
  private double weight;
  private long maxStep;
  private final LossAccumulator stats = new LossAccumulator();
  private int[] nonFinitePartitions = new int[0];
  /**
   * Sparse input: the first-layer rows of the inputs the partitions' rows used; the vectors then
   * hold only b_0 and the later layers. Null for dense input.
   */
  private TouchedRows firstLayerRows;

  /** The vectors this partition fills, allocated now. */
  float[][] allocate(int count, int length) {
    vectors = new float[count][length];
    return vectors;
  }

  /** Sparse input: the vectors' parts from b_0 on (one array each), set on the executor. */
  void setVectors(float[][] tails) {
    vectors = tails;
  }

  /** Sparse input: the first-layer rows that go with the vectors. */
  void setFirstLayerRows(TouchedRows rows) {
    firstLayerRows = rows;
  }

  /** Sparse input: the summed first-layer rows of the inputs used; null for dense input. */
  TouchedRows firstLayerRows() {
    return firstLayerRows;
  }

  /** The summed weight of the rows behind the vectors (their count without row weights). */
  void setWeight(double weight) {
    this.weight = weight;
  }

  void setMaxStep(long step) {
    maxStep = step;
  }

  LossAccumulator stats() {
    return stats;
  }

  void markNonFinite(int partition) {
    nonFinitePartitions = new int[] {partition};
  }

  /** Adds {@code other} into this one (either may be empty) and returns this. */
  public RoundAccumulator merge(RoundAccumulator other) {
    if (other.vectors != null) {
      if (vectors == null) {
        vectors = other.vectors;
      } else {
        for (int v = 0; v < vectors.length; v++) {
          float[] mine = vectors[v];
          float[] theirs = other.vectors[v];
          for (int i = 0; i < mine.length; i++) {
            mine[i] += theirs[i];
          }
        }
      }
    }
    if (other.firstLayerRows != null) {
      firstLayerRows = firstLayerRows == null ? other.firstLayerRows : firstLayerRows.merge(other.firstLayerRows);
    }
    weight += other.weight;
    maxStep = Math.max(maxStep, other.maxStep);
    stats.merge(other.stats);
    if (other.nonFinitePartitions.length > 0) {
      int[] all = Arrays.copyOf(nonFinitePartitions, nonFinitePartitions.length + other.nonFinitePartitions.length);
      System.arraycopy(other.nonFinitePartitions, 0, all, nonFinitePartitions.length, other.nonFinitePartitions.length);
      Arrays.sort(all);
      nonFinitePartitions = all;
    }
    return this;
  }

  /** The summed vector {@code i}, or null if no partition had rows. */
  public float[] vector(int i) {
    return vectors == null ? null : vectors[i];
  }

  public int vectorCount() {
    return vectors == null ? 0 : vectors.length;
  }

  /** The summed weight of the rows behind the vectors: what averages them. */
  public double weight() {
    return weight;
  }

  public long maxStep() {
    return maxStep;
  }

  public LossAccumulator lossStats() {
    return stats;
  }

  /** Partitions whose loss or vectors held NaN or ±∞, in order. */
  public int[] nonFinitePartitions() {
    return nonFinitePartitions.clone();
  }

  /** True when nothing is NaN or infinite, in the partitions' reports or in the sums. */
  public boolean isFinite() {
    if (nonFinitePartitions.length > 0 || !Double.isFinite(stats.lossSum())) {
      return false;
    }
    if (vectors != null) {
      for (float[] v : vectors) {
        if (!FloatArrays.allFinite(v)) {
          return false;
        }
      }
    }
    return firstLayerRows == null || firstLayerRows.allFinite();
  }
}
