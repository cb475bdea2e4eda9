package io.sparkdnn.data;

import java.io.Serializable;
import java.util.Arrays;
import java.util.List;

/**
 * Feature rows in compressed sparse row (CSR) form: the features of a sparse {@link PackedBlock}.
 * Row r's non-zeros are positions [rowOffsets[r], rowOffsets[r+1]) of {@code columns} (feature
 * indices, strictly increasing within a row) and {@code values}; rowOffsets[0] = 0. A row may have
 * no non-zeros. Cached as three arrays: 8 bytes per non-zero and 4 per row, no per-row objects.
 */
public final class CsrRows implements Serializable {
  private static final long serialVersionUID = 1L;

  private final int[] rowOffsets;
  private final int[] columns;
  private final float[] values;

  /**
   * @param rowOffsets rows + 1 offsets, from 0, never decreasing
   * @param columns at least rowOffsets[rows] column indices
   * @param values as many values as columns
   * @throws IllegalArgumentException when the arrays do not fit together
   */
  public CsrRows(int[] rowOffsets, int[] columns, float[] values) {
    if (rowOffsets.length == 0 || rowOffsets[0] != 0) {
      throw new IllegalArgumentException("CSR row offsets must start with 0");
    }
    int nonZeros = rowOffsets[rowOffsets.length - 1];
    if (columns.length != nonZeros || values.length != nonZeros) {
      throw new IllegalArgumentException("CSR rows end at non-zero " + nonZeros + " but hold " + columns.length
          + " column indices and " + values.length + " values");
    }
    this.rowOffsets = rowOffsets;
    this.columns = columns;
    this.values = values;
  }

  /** No rows. */
  public static CsrRows empty() {
    return new CsrRows(new int[] {0}, new int[0], new float[0]);
  }

  public int rows() {
    return rowOffsets.length - 1;
  }

  public int nonZeros() {
    return rowOffsets[rowOffsets.length - 1];
  }

  /** rows + 1 offsets into {@link #columns()} and {@link #values()} (the backing array). */
  public int[] rowOffsets() {
    return rowOffsets;
  }

  /** The column index of each non-zero (the backing array). */
  public int[] columns() {
    return columns;
  }

  /** The value of each non-zero (the backing array). */
  public float[] values() {
    return values;
  }

  /** Bytes of the three arrays. */
  public long payloadBytes() {
    return 4L * rowOffsets.length + 8L * columns.length;
  }

  /** Rows [from, to) as new arrays. */
  public CsrRows slice(int from, int to) {
    int start = rowOffsets[from];
    int end = rowOffsets[to];
    int[] offsets = new int[to - from + 1];
    for (int r = from; r <= to; r++) {
      offsets[r - from] = rowOffsets[r] - start;
    }
    return new CsrRows(offsets, Arrays.copyOfRange(columns, start, end), Arrays.copyOfRange(values, start, end));
  }

  /** The rows of {@code parts}, one after another. */
  public static CsrRows concat(List<CsrRows> parts) {
    int rows = 0;
    long nonZeros = 0;
    for (CsrRows p : parts) {
      rows += p.rows();
      nonZeros += p.nonZeros();
    }
    if (nonZeros > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("a block of " + rows + " sparse rows holds " + nonZeros
          + " non-zeros, more than an array can; lower data.block-rows");
    }
    Builder b = new Builder(rows, (int) nonZeros);
    for (CsrRows p : parts) {
      for (int r = 0; r < p.rows(); r++) {
        b.add(p, r);
      }
    }
    return b.build();
  }

  /** Appends rows, growing its arrays; {@link #build()} trims them. */
  public static final class Builder {
    private int[] offsets;
    private int[] columns;
    private float[] values;
    private int rows;

    public Builder(int rowCapacity, int nonZeroCapacity) {
      offsets = new int[Math.max(1, rowCapacity) + 1];
      columns = new int[Math.max(16, nonZeroCapacity)];
      values = new float[columns.length];
    }

    public int rows() {
      return rows;
    }

    public int nonZeros() {
      return offsets[rows];
    }

    /** Appends {@code row}'s non-zeros [0, count). */
    public void add(SparseRow row) {
      add(row.columns(), row.values(), 0, row.count());
    }

    /** Appends row {@code r} of {@code from}. */
    public void add(CsrRows from, int r) {
      int start = from.rowOffsets[r];
      add(from.columns, from.values, start, from.rowOffsets[r + 1] - start);
    }

    /** Appends a row of {@code count} non-zeros from position {@code start} of the two arrays. */
    public void add(int[] rowColumns, float[] rowValues, int start, int count) {
      if (rows + 1 == offsets.length) {
        offsets = Arrays.copyOf(offsets, 2 * offsets.length);
      }
      int at = offsets[rows];
      long needed = (long) at + count;
      if (needed > columns.length) {
        if (needed > Integer.MAX_VALUE - 8) {
          throw new IllegalArgumentException("more than 2^31 non-zeros in one block of sparse rows; lower "
              + "data.block-rows");
        }
        int grown = (int) Math.min(Integer.MAX_VALUE - 8, Math.max(needed, columns.length + (long) columns.length / 2));
        columns = Arrays.copyOf(columns, grown);
        values = Arrays.copyOf(values, grown);
      }
      System.arraycopy(rowColumns, start, columns, at, count);
      System.arraycopy(rowValues, start, values, at, count);
      offsets[++rows] = at + count;
    }

    /** The rows added so far, in arrays of exactly their size; the builder starts over. */
    public CsrRows build() {
      int nonZeros = offsets[rows];
      CsrRows built = new CsrRows(Arrays.copyOf(offsets, rows + 1), Arrays.copyOf(columns, nonZeros),
          Arrays.copyOf(values, nonZeros));
      rows = 0;
      return built;
    }
  }
}
