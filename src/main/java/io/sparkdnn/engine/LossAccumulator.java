package io.sparkdnn.engine;

import java.io.Serializable;

/**
 * Running totals of one pass: summed (weighted) loss, rows seen, their summed weight, and the weight
 * of the rows predicted right (classification). Sums, not means, so that results of batches and
 * partitions add up exactly. Without row weights every row weighs 1, so the weight is the row count.
 *
 * <p>Training sums every row, so that a NaN reaches the divergence guard. An evaluation that skips
 * bad rows {@linkplain #leavingOutNonFinite leaves out} the rows whose loss is not finite (their
 * logits overflowed): they are counted, not summed.
 */
public final class LossAccumulator implements Serializable {
  private static final long serialVersionUID = 3L;

  private double lossSum;
  private long rows;
  private double weight;
  private double correct;
  private boolean leaveOutNonFinite;
  private long leftOut;
  private boolean trackWorstRow;
  private int batchWorstRow = -1;
  private double batchWorstLoss = Double.NEGATIVE_INFINITY;
  private int batchLargestLogitRow = -1;
  private double batchLargestLogit = Double.NEGATIVE_INFINITY;
  private double logitLogSum;
  private double lossLogSum;

  /** This accumulator, from now on leaving out of its sums the rows whose loss is not finite. */
  public LossAccumulator leavingOutNonFinite() {
    leaveOutNonFinite = true;
    return this;
  }

  /** True when rows whose loss is not finite are left out of the sums ({@link #leavingOutNonFinite}). */
  public boolean leavesOutNonFinite() {
    return leaveOutNonFinite;
  }

  /**
   * This accumulator, from now on noting the row of each batch with the largest loss
   * ({@link #batchWorstRow()}): to find a row whose loss dwarfs the others'.
   */
  public LossAccumulator trackingWorstRow() {
    trackWorstRow = true;
    return this;
  }

  /** True when the row of each batch with the largest loss is noted ({@link #trackingWorstRow}). */
  public boolean tracksWorstRow() {
    return trackWorstRow;
  }

  /**
   * Notes the rows (their positions in the batch) with the largest loss and with the largest
   * logit (max |z| over the outputs) of the batch just summed, and adds Σ log(1 + size) of the
   * rows' largest logits and of their losses to {@link #logitLogSum()} and {@link #lossLogSum()}.
   * Logarithms, because the point is to compare one row's 1e37 with the others' 1: a plain sum
   * of them keeps nothing of the others once the 1e37 is in it.
   */
  void noteBatchWorst(int row, double rowLoss, int logitRow, double logit, double logitLogs, double lossLogs) {
    batchWorstRow = row;
    batchWorstLoss = rowLoss;
    batchLargestLogitRow = logitRow;
    batchLargestLogit = logit;
    logitLogSum += logitLogs;
    lossLogSum += lossLogs;
  }

  /** The position, in the batch last summed, of its row with the largest logit; −1 when none was noted. */
  public int batchLargestLogitRow() {
    return batchLargestLogitRow;
  }

  /** The largest |logit| of {@link #batchLargestLogitRow()}. */
  public double batchLargestLogit() {
    return batchLargestLogit;
  }

  /** Σ over the rows summed of log(1 + each row's largest |logit|), while {@link #trackingWorstRow}. */
  public double logitLogSum() {
    return logitLogSum;
  }

  /** Σ over the rows summed (finite losses) of log(1 + the row's loss), while {@link #trackingWorstRow}. */
  public double lossLogSum() {
    return lossLogSum;
  }

  /**
   * The position, in the batch last summed, of its row with the largest loss (−1 when none was
   * noted); valid until the next batch. Only while {@link #trackingWorstRow}.
   */
  public int batchWorstRow() {
    return batchWorstRow;
  }

  /** The loss of {@link #batchWorstRow()} (unweighted). */
  public double batchWorstLoss() {
    return batchWorstLoss;
  }

  /** Counts one row left out of the sums because its loss is not finite. */
  void leaveOut() {
    leftOut++;
  }

  /** Rows left out of the sums because their loss was not finite; 0 unless {@link #leavingOutNonFinite}. */
  public long leftOut() {
    return leftOut;
  }

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
    leftOut += other.leftOut;
    logitLogSum += other.logitLogSum;
    lossLogSum += other.lossLogSum;
    return this;
  }

  public void reset() {
    leftOut = 0;
    logitLogSum = 0;
    lossLogSum = 0;
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
