package io.sparkdnn.train;

import java.io.Serializable;

/**
 * What each partition returns from a local-mode range test: per step, the summed loss and (weighted) rows of
 * its batch, and how many steps it completed before it stopped. Merged across partitions: sums add
 * up, and the completed steps are those every partition completed.
 */
final class RangeTestAccumulator implements Serializable {
  private static final long serialVersionUID = 1L;

  private double[] lossSums;
  private double[] rows;
  /** Steps completed; −1 for the empty zero value, which merges as "no limit". */
  private int completed = -1;

  RangeTestAccumulator() {}

  RangeTestAccumulator(int steps) {
    lossSums = new double[steps];
    rows = new double[steps];
    completed = 0;
  }

  void add(int step, double lossSum, double count) {
    lossSums[step] += lossSum;
    rows[step] += count;
    completed = step + 1;
  }

  RangeTestAccumulator merge(RangeTestAccumulator other) {
    if (other.completed < 0) {
      return this;
    }
    if (completed < 0) {
      return other;
    }
    for (int s = 0; s < lossSums.length; s++) {
      lossSums[s] += other.lossSums[s];
      rows[s] += other.rows[s];
    }
    completed = Math.min(completed, other.completed);
    return this;
  }

  /** Steps that every partition completed (0 when no partition had rows). */
  int completed() {
    return Math.max(completed, 0);
  }

  /** Mean loss of step {@code s} over every partition's batch. */
  double meanLoss(int s) {
    return lossSums[s] / rows[s];
  }

  double rows(int s) {
    return rows[s];
  }
}
