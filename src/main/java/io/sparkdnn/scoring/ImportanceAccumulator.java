package io.sparkdnn.scoring;

import java.io.Serializable;

/**
 * Sums for permutation importance, mergeable across partitions: per evaluation e (0 = the rows as
 * they are, then unit u's repetition r at 1 + u·R + r) the summed loss, correct rows, squared and
 * absolute errors (regression, over all outputs, in the targets' units), and the rows evaluated.
 */
public final class ImportanceAccumulator implements Serializable {
  private static final long serialVersionUID = 1L;
  static final int FIELDS = 4;
  static final int LOSS = 0;
  static final int CORRECT = 1;
  static final int SQUARED = 2;
  static final int ABSOLUTE = 3;

  /** [evaluation × FIELDS]; null in the empty zero value. */
  private double[] sums;
  private long rows;

  ImportanceAccumulator() {}

  ImportanceAccumulator(int evaluations) {
    sums = new double[evaluations * FIELDS];
  }

  void add(int evaluation, int field, double value) {
    sums[evaluation * FIELDS + field] += value;
  }

  void addRows(long count) {
    rows += count;
  }

  ImportanceAccumulator merge(ImportanceAccumulator other) {
    if (other.sums == null) {
      return this;
    }
    if (sums == null) {
      return other;
    }
    for (int i = 0; i < sums.length; i++) {
      sums[i] += other.sums[i];
    }
    rows += other.rows;
    return this;
  }

  /** Rows each evaluation covered. */
  long rows() {
    return rows;
  }

  double sum(int evaluation, int field) {
    return sums == null ? 0 : sums[evaluation * FIELDS + field];
  }
}
