package io.sparkdnn.engine;

/**
 * The definitions written out, in double: Z[r][o] = Σ_i X[r][i]·W[i][o] summed per output, and
 * G[i][o] += Σ_r X[r][i]·Δ[r][o] summed per input column by looking X[r][i] up in each row. Slow
 * (the transposed product is O(I × nnz)), and the reference the tests hold {@link FastCsrProduct}
 * to. Never used for training.
 */
public final class NaiveCsrProduct implements CsrProduct {

  @Override
  public void multiply(
      int rows, int[] rowOffsets, int[] columns, float[] values,
      float[] w, int wOffset, int inputs, int outputs, float[] z) {
    CsrProduct.checkShapes(rows, rowOffsets, inputs, outputs, "Z", z, 0, "W", w, wOffset);
    for (int r = 0; r < rows; r++) {
      for (int o = 0; o < outputs; o++) {
        double sum = 0;
        for (int p = rowOffsets[r]; p < rowOffsets[r + 1]; p++) {
          sum += (double) values[p] * w[wOffset + columns[p] * outputs + o];
        }
        z[r * outputs + o] = (float) sum;
      }
    }
  }

  @Override
  public void addTransposedProduct(
      int rows, int[] rowOffsets, int[] columns, float[] values,
      float[] delta, int inputs, int outputs, float[] g, int gOffset) {
    CsrProduct.checkShapes(rows, rowOffsets, inputs, outputs, "Δ", delta, 0, "G", g, gOffset);
    for (int i = 0; i < inputs; i++) {
      for (int o = 0; o < outputs; o++) {
        double sum = 0;
        boolean touched = false;
        for (int r = 0; r < rows; r++) {
          double x = 0;
          for (int p = rowOffsets[r]; p < rowOffsets[r + 1]; p++) {
            if (columns[p] == i) {
              x += values[p];
              touched = true;
            }
          }
          sum += x * delta[r * outputs + o];
        }
        if (touched) {
          int gi = gOffset + i * outputs + o;
          g[gi] = (float) (g[gi] + sum);
        }
      }
    }
  }

  @Override
  public String description() {
    return "naive Java loops in double (reference)";
  }
}
