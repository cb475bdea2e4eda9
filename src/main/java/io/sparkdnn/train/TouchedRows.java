package io.sparkdnn.train;

import java.io.Serializable;

/**
 * The first-layer part of what a partition returns when the input is sparse: for the inputs its
 * rows used (ascending), one row of O_0 floats per input in each of {@link #vectorCount()} vectors —
 * the gradient's rows (sync), or the weight change's and each optimiser state vector's (local) —
 * instead of the whole I × O_0 block. Merging two sums the rows of inputs both have and keeps the
 * others: a union of sorted lists, O((k_a + k_b) × O_0) per vector.
 *
 * <p>For 2^18 inputs × 128 outputs the whole block is 128 MiB per vector; 16k rows of ~6 hashed
 * words touch a few tens of thousands of inputs, a tenth of that or less.
 */
final class TouchedRows implements Serializable {
  private static final long serialVersionUID = 1L;

  private int rowWidth;
  private int[] inputs;
  private float[][] rows;

  /** For Kryo. */
  private TouchedRows() {}

  /**
   * @param inputs ascending input indices (kept, not copied)
   * @param rows per vector, inputs.length × rowWidth floats (kept, not copied)
   */
  TouchedRows(int rowWidth, int[] inputs, float[][] rows) {
    for (float[] r : rows) {
      if (r.length != inputs.length * rowWidth) {
        throw new IllegalArgumentException("touched rows: " + inputs.length + " inputs × " + rowWidth
            + " floats, but a vector holds " + r.length);
      }
    }
    this.rowWidth = rowWidth;
    this.inputs = inputs;
    this.rows = rows;
  }

  int rowWidth() {
    return rowWidth;
  }

  /** The inputs, ascending (the backing array). */
  int[] inputs() {
    return inputs;
  }

  int vectorCount() {
    return rows.length;
  }

  /** Vector {@code v}'s rows, inputs().length × rowWidth (the backing array). */
  float[] rows(int v) {
    return rows[v];
  }

  /** Bytes of the arrays, as shipped. */
  long payloadBytes() {
    return 4L * inputs.length * (1 + (long) rows.length * rowWidth);
  }

  /** The sum of this and {@code other}: a new object when the inputs differ, else this one. */
  TouchedRows merge(TouchedRows other) {
    if (other.rows.length != rows.length || other.rowWidth != rowWidth) {
      throw new IllegalArgumentException("cannot merge touched rows of " + other.rows.length + " vectors × "
          + other.rowWidth + " into " + rows.length + " × " + rowWidth);
    }
    int[] a = inputs;
    int[] b = other.inputs;
    if (java.util.Arrays.equals(a, b)) {
      for (int v = 0; v < rows.length; v++) {
        float[] mine = rows[v];
        float[] theirs = other.rows[v];
        for (int i = 0; i < mine.length; i++) {
          mine[i] += theirs[i];
        }
      }
      return this;
    }
    int union = 0;
    for (int i = 0, j = 0; i < a.length || j < b.length; union++) {
      if (j == b.length || (i < a.length && a[i] < b[j])) {
        i++;
      } else if (i == a.length || b[j] < a[i]) {
        j++;
      } else {
        i++;
        j++;
      }
    }
    int[] merged = new int[union];
    float[][] sums = new float[rows.length][union * rowWidth];
    int w = rowWidth;
    for (int i = 0, j = 0, k = 0; k < union; k++) {
      boolean fromA = j == b.length || (i < a.length && a[i] <= b[j]);
      boolean fromB = i == a.length || (j < b.length && b[j] <= a[i]);
      merged[k] = fromA ? a[i] : b[j];
      for (int v = 0; v < rows.length; v++) {
        float[] out = sums[v];
        if (fromA) {
          System.arraycopy(rows[v], i * w, out, k * w, w);
        }
        if (fromB) {
          float[] theirs = other.rows[v];
          for (int o = 0; o < w; o++) {
            out[k * w + o] += theirs[j * w + o];
          }
        }
      }
      i += fromA ? 1 : 0;
      j += fromB ? 1 : 0;
    }
    return new TouchedRows(rowWidth, merged, sums);
  }

  /** True when every value is finite. */
  boolean allFinite() {
    for (float[] r : rows) {
      if (!io.sparkdnn.engine.FloatArrays.allFinite(r)) {
        return false;
      }
    }
    return true;
  }
}
