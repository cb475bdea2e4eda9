package io.sparkdnn.data;

import java.util.Arrays;

/**
 * One row's features as non-zeros: {@code count} column indices, strictly increasing, and their
 * values. A reusable buffer that {@link RowConverter#sparseFeatures} fills; it grows as needed.
 */
public final class SparseRow {
  private int[] columns = new int[64];
  private float[] values = new float[64];
  private int count;

  /** The column indices; positions [0, count()) are live. The array is replaced when it grows. */
  public int[] columns() {
    return columns;
  }

  /** The values, parallel to {@link #columns()}. */
  public float[] values() {
    return values;
  }

  public int count() {
    return count;
  }

  void clear() {
    count = 0;
  }

  /** Room for {@code n} non-zeros in total, keeping the contents. */
  void ensureCapacity(int n) {
    if (n > columns.length) {
      int grown = Math.max(n, columns.length * 2);
      columns = Arrays.copyOf(columns, grown);
      values = Arrays.copyOf(values, grown);
    }
  }

  /** Appends a non-zero; the caller keeps the columns increasing. */
  void add(int column, float value) {
    if (count == columns.length) {
      ensureCapacity(count + 1);
    }
    columns[count] = column;
    values[count++] = value;
  }
}
