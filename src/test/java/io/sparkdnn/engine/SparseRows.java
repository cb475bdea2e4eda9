package io.sparkdnn.engine;

import java.util.SplittableRandom;

/** Random sparse rows for the tests: sorted distinct columns, some rows empty, and their dense twin. */
final class SparseRows {
  final int inputWidth;
  final int[][] columns;
  final float[][] values;

  private SparseRows(int inputWidth, int[][] columns, float[][] values) {
    this.inputWidth = inputWidth;
    this.columns = columns;
    this.values = values;
  }

  /**
   * {@code rows} rows over inputs [0, usedInputs) of {@code inputWidth} (so inputs from usedInputs
   * on are never touched), each with 0..maxNonZeros non-zeros; row 0 is always empty.
   */
  static SparseRows random(
      SplittableRandom random, int rows, int inputWidth, int usedInputs, int maxNonZeros) {
    int[][] columns = new int[rows][];
    float[][] values = new float[rows][];
    for (int r = 0; r < rows; r++) {
      int count = r == 0 ? 0 : random.nextInt(Math.min(maxNonZeros, usedInputs) + 1);
      boolean[] chosen = new boolean[usedInputs];
      for (int k = 0; k < count; ) {
        int c = random.nextInt(usedInputs);
        if (!chosen[c]) {
          chosen[c] = true;
          k++;
        }
      }
      columns[r] = new int[count];
      values[r] = new float[count];
      for (int c = 0, k = 0; c < usedInputs; c++) {
        if (chosen[c]) {
          columns[r][k] = c;
          values[r][k++] = (float) random.nextDouble(-1.5, 1.5);
        }
      }
    }
    return new SparseRows(inputWidth, columns, values);
  }

  int rows() {
    return columns.length;
  }

  /** rows × inputWidth, row-major, zeros where a row has no entry. */
  float[] dense() {
    float[] x = new float[rows() * inputWidth];
    for (int r = 0; r < rows(); r++) {
      for (int k = 0; k < columns[r].length; k++) {
        x[r * inputWidth + columns[r][k]] = values[r][k];
      }
    }
    return x;
  }

  /** Fills the sparse batch with these rows, their targets ({@code targetWidth} per row) and ids. */
  void fill(SparseMiniBatch batch, float[] targets, long firstId) {
    batch.clear();
    int tw = batch.targetWidth();
    for (int r = 0; r < rows(); r++) {
      batch.addRow(columns[r], values[r], 0, columns[r].length, targets, r * tw, firstId + r);
    }
  }

  /** Fills the dense batch with the same rows, targets and ids. */
  void fill(MiniBatch batch, float[] targets, long firstId) {
    float[] x = dense();
    int tw = batch.targetWidth();
    for (int r = 0; r < rows(); r++) {
      batch.setRow(r, x, r * inputWidth, targets, r * tw, firstId + r);
    }
    batch.setRows(rows());
  }

  /** Random targets for {@code task}: class indices, 0/1 labels or values in (0.05, 0.95). */
  static float[] targets(SplittableRandom random, NetworkSpec spec, Task task, int rows) {
    int width = task.targetWidth(spec);
    float[] y = new float[rows * width];
    for (int i = 0; i < y.length; i++) {
      switch (task) {
        case MULTICLASS:
          y[i] = random.nextInt(spec.outputWidth());
          break;
        case BINARY:
        case MULTILABEL:
          y[i] = random.nextBoolean() ? 1f : 0f;
          break;
        default:
          y[i] = (float) random.nextDouble(0.05, 0.95);
      }
    }
    return y;
  }
}
