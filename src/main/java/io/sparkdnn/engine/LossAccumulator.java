package io.sparkdnn.engine;

import java.io.Serializable;

/**
 * Running totals of one pass: summed (weighted) loss, rows seen, their summed weight, and the weight
 * of the rows predicted right (classification). Sums, not means, so that results of batches and
 * partitions add up exactly. Without row weights every row weighs 1, so the weight is the row count.
 */
public final class LossAccumulator implements Serializable {
  private static final long serialVersionUID = 1L;

  private double lossSum;
  private long rows;
  private double weight;
  private double correct;

  /**
   * @param loss the summed loss of the rows, each row's loss times its weight
   * @param weightSum the rows' summed weight (their count when unweighted)
   * @param correctWeight the summed weight of the rows predicted right
   */
  public void add(double loss, long rowCount, double weightSum, double correctWeight) {
    lossSum += loss;
    rows += rowCount;
    weight += weightSum;
    correct += correctWeight;
  }

  public LossAccumulator merge(LossAccumulator other) {
    add(other.lossSum, other.rows, other.weight, other.correct);
    return this;
  }

  public void reset() {
    lossSum = 0;
    rows = 0;
    weight = 0;
    correct = 0;
  }

  public double lossSum() {
    return lossSum;
  }

  public long rows() {
    return rows;
  }

  /** The summed weight of the rows (their count without row weights). */
  public double weight() {
    return weight;
  }

  /** The summed weight of the rows predicted right. */
  public double correct() {
    return correct;
  }

  /** Weighted mean loss per row, NaN when empty (or every weight is 0). */
  public double meanLoss() {
    return weight == 0 ? Double.NaN : lossSum / weight;
  }

  /** Weighted share of rows predicted right, NaN when empty. */
  public double accuracy() {
    return weight == 0 ? Double.NaN : correct / weight;
  }

  @Override
  public String toString() {
    return "LossAccumulator{loss=" + lossSum + ", rows=" + rows + ", weight=" + weight + ", correct=" + correct + '}';
  }
}
