package io.sparkdnn.engine;

import java.util.Arrays;

/**
 * The input of one pass of a {@link SparseInputNetwork}: up to {@code capacity} rows of features in
 * CSR form, their targets ({@link Task#targetWidth} floats each) and a stable id per row, which keys
 * the row's dropout masks. Owned by the network; callers fill it in place, then run the pass.
 *
 * <p>CSR layout: row r's non-zeros are positions [rowOffsets[r], rowOffsets[r+1]) of
 * {@code columns} (input indices) and {@code values}; rowOffsets[0] = 0. A row may have no
 * non-zeros (its first-layer pre-activation is then the bias alone).
 *
 * <p>Within a row, column indices must be strictly increasing, as in a Spark {@code SparseVector}
 * and a libsvm file: a repeated index is rejected, not summed (combine repeats before packing), and
 * an index outside [0, inputWidth) is rejected. These rules are checked by {@link #addRow} for its
 * row and, for every row, at the start of each pass, so rows written in place are checked too
 * (O(nnz), against the pass's O(nnz × width)); a violation is an IllegalArgumentException naming
 * the batch row, its row id, the position and the index.
 *
 * <p>Two ways to fill:
 *
 * <pre>
 *   batch.clear();                                         // row by row (copies, checks, grows)
 *   batch.addRow(columns, values, from, count, target, 0, rowId);
 *
 *   batch.ensureNonZeroCapacity(nnz);                       // in place, e.g. from a packed block
 *   int[] offsets = batch.rowOffsets(); int[] cols = batch.columns(); float[] vals = batch.values();
 *   ... write offsets[0..rows], cols/vals[0..nnz), targets(), rowIds() ...
 *   batch.setRows(rows);
 * </pre>
 */
public final class SparseMiniBatch {
  private final int capacity;
  private final int inputWidth;
  private final int targetWidth;
  private final int[] rowOffsets;
  private int[] columns;
  private float[] values;
  private final float[] targets;
  private final long[] rowIds;
  private final float[] weights;
  private boolean weighted;
  private int rows;

  SparseMiniBatch(int capacity, int nonZeroCapacity, int inputWidth, int targetWidth) {
    if (nonZeroCapacity < 0) {
      throw new IllegalArgumentException("non-zero capacity must be ≥ 0, found " + nonZeroCapacity);
    }
    this.capacity = capacity;
    this.inputWidth = inputWidth;
    this.targetWidth = targetWidth;
    this.rowOffsets = new int[capacity + 1];
    this.columns = new int[nonZeroCapacity];
    this.values = new float[nonZeroCapacity];
    this.targets = new float[capacity * targetWidth];
    this.rowIds = new long[capacity];
    this.weights = new float[capacity];
    Arrays.fill(weights, 1f);
  }

  /** Rows the batch can hold (fixed: the network's workspaces are sized for it). */
  public int capacity() {
    return capacity;
  }

  /** I: the number of inputs; column indices are in [0, I). */
  public int inputWidth() {
    return inputWidth;
  }

  public int targetWidth() {
    return targetWidth;
  }

  /** Non-zeros the column and value arrays hold now; grows with {@link #ensureNonZeroCapacity}. */
  public int nonZeroCapacity() {
    return columns.length;
  }

  /** capacity + 1 ints; entries [0, rows()] are live, and rowOffsets[0] must be 0. */
  public int[] rowOffsets() {
    return rowOffsets;
  }

  /**
   * The column index of each non-zero, positions [0, nonZeros()) live. The array is replaced when
   * the capacity grows: fetch it again after {@link #ensureNonZeroCapacity} or {@link #addRow}.
   */
  public int[] columns() {
    return columns;
  }

  /** The value of each non-zero, parallel to {@link #columns()}; replaced when the capacity grows. */
  public float[] values() {
    return values;
  }

  /** capacity × targetWidth floats, row-major. */
  public float[] targets() {
    return targets;
  }

  public long[] rowIds() {
    return rowIds;
  }

  /** capacity per-row weights, filled in place; read only when {@link #setWeighted} says so. */
  public float[] weights() {
    return weights;
  }

  /** Whether the next pass weighs rows by {@link #weights()} (otherwise every row weighs 1). */
  public void setWeighted(boolean weighted) {
    this.weighted = weighted;
  }

  /** The row weights of the next pass, or null when every row weighs 1. */
  public float[] rowWeights() {
    return weighted ? weights : null;
  }

  public int rows() {
    return rows;
  }

  /** Non-zeros in the live rows: rowOffsets[rows()]. */
  public int nonZeros() {
    return rowOffsets[rows];
  }

  /** Empties the batch (rows = 0); capacities are kept. */
  public void clear() {
    rows = 0;
    rowOffsets[0] = 0;
  }

  /**
   * Makes room for at least {@code nonZeros} non-zeros in total, keeping the contents; grows by at
   * least half, so that filling row by row costs amortised O(1) per non-zero.
   */
  public void ensureNonZeroCapacity(int nonZeros) {
    if (nonZeros < 0) {
      throw new IllegalArgumentException("non-zero count must be ≥ 0, found " + nonZeros);
    }
    if (nonZeros <= columns.length) {
      return;
    }
    int grown = (int) Math.min(Integer.MAX_VALUE - 8, Math.max(nonZeros, columns.length + (long) columns.length / 2));
    columns = Arrays.copyOf(columns, grown);
    values = Arrays.copyOf(values, grown);
  }

  /** Declares rows [0, rows) filled in place; their CSR content is checked at the next pass. */
  public void setRows(int rows) {
    if (rows < 0 || rows > capacity) {
      throw new IllegalArgumentException(
          "a mini-batch holds 0.." + capacity + " rows, asked for " + rows);
    }
    this.rows = rows;
  }

  /**
   * Appends one row: {@code count} non-zeros from {@code rowColumns}/{@code rowValues} at
   * {@code from} (columns strictly increasing, in [0, inputWidth)), its target from {@code y} at
   * {@code yOffset} ({@link #targetWidth()} floats) and its id, with weight 1 (set
   * {@link #weights()} after it for another). Grows the non-zero arrays as needed.
   *
   * @throws IllegalArgumentException if the batch is full or the row breaks the rules above
   */
  public void addRow(
      int[] rowColumns, float[] rowValues, int from, int count, float[] y, int yOffset, long id) {
    if (rows == capacity) {
      throw new IllegalArgumentException("the mini-batch is full: it holds " + capacity + " rows");
    }
    if (count < 0 || from < 0 || from + count > rowColumns.length || from + count > rowValues.length) {
      throw new IllegalArgumentException(
          "row " + rows + " (row id " + id + "): " + count + " non-zeros from position " + from
              + " do not fit its arrays of " + rowColumns.length + " columns and "
              + rowValues.length + " values");
    }
    checkRow(rows, id, rowColumns, from, from + count, from);
    int start = rowOffsets[rows];
    ensureNonZeroCapacity(start + count);
    System.arraycopy(rowColumns, from, columns, start, count);
    System.arraycopy(rowValues, from, values, start, count);
    System.arraycopy(y, yOffset, targets, rows * targetWidth, targetWidth);
    rowIds[rows] = id;
    weights[rows] = 1f;
    rowOffsets[rows + 1] = start + count;
    rows++;
  }

  /**
   * Checks the live rows before a pass: offsets start at 0, never decrease and fit the arrays;
   * columns in range and strictly increasing within each row.
   */
  void validate() {
    if (rowOffsets[0] != 0) {
      throw new IllegalArgumentException(
          "sparse batch: rowOffsets[0] must be 0, found " + rowOffsets[0]);
    }
    for (int r = 0; r < rows; r++) {
      int start = rowOffsets[r];
      int end = rowOffsets[r + 1];
      if (end < start) {
        throw new IllegalArgumentException(
            "sparse batch row " + r + " (row id " + rowIds[r] + "): rowOffsets[" + (r + 1) + "] = "
                + end + " is below rowOffsets[" + r + "] = " + start + "; offsets never decrease");
      }
      if (end > columns.length) {
        throw new IllegalArgumentException(
            "sparse batch row " + r + " (row id " + rowIds[r] + ") ends at non-zero " + end
                + " but the batch holds " + columns.length
                + "; call ensureNonZeroCapacity before writing in place");
      }
      checkRow(r, rowIds[r], columns, start, end, start);
    }
  }

  private void checkRow(int row, long id, int[] cols, int start, int end, int base) {
    int previous = -1;
    for (int p = start; p < end; p++) {
      int c = cols[p];
      if (c < 0 || c >= inputWidth) {
        throw new IllegalArgumentException(
            "sparse batch row " + row + " (row id " + id + ") has column index " + c
                + " at non-zero " + (p - base) + "; expected an index in [0, " + inputWidth + ")");
      }
      if (c <= previous) {
        throw new IllegalArgumentException(
            "sparse batch row " + row + " (row id " + id + ") has column index " + c
                + " after " + previous + " at non-zero " + (p - base)
                + (c == previous
                    ? "; a repeated index is not summed: combine repeats before packing"
                    : "; indices within a row must be strictly increasing, as in a SparseVector"));
      }
      previous = c;
    }
  }
}
