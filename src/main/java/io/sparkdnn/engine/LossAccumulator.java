package io.sparkdnn.engine;

import java.io.Serializable;

/**
 * Running totals of one pass: summed loss, rows seen, and rows predicted right (classification).
 * Sums, not means, so that results of batches and partitions add up exactly.
 */
public final class LossAccumulator implements Serializable {
  private static final long serialVersionUID = 1L;

  private double lossSum;
  private long rows;
  private long correct;

  public void add(double loss, long rowCount, long correctCount) {
    lossSum += loss;
    rows += rowCount;
    correct += correctCount;
  }

  public LossAccumulator merge(LossAccumulator other) {
    add(other.lossSum, other.rows, other.correct);
    return this;
  }

  public void reset() {
    lossSum = 0;
    rows = 0;
    correct = 0;
  }

  public double lossSum() {
    return lossSum;
  }

  public long rows() {
    return rows;
  }

  public long correct() {
    return correct;
  }

  /** Mean loss per row, NaN when empty. */
  public double meanLoss() {
    return rows == 0 ? Double.NaN : lossSum / rows;
  }

  /** Fraction of rows predicted right, NaN when empty. */
  public double accuracy() {
    return rows == 0 ? Double.NaN : (double) correct / rows;
  }

  @Override
  public String toString() {
    return "LossAccumulator{loss=" + lossSum + ", rows=" + rows + ", correct=" + correct + '}';
  }
}
