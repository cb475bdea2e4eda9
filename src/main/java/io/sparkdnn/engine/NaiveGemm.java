package io.sparkdnn.engine;

/**
 * The obvious triple loop, accumulating in double: slow, and the reference the tests hold the BLAS
 * path to. Never used for training.
 */
public final class NaiveGemm implements Gemm {

  @Override
  public void gemm(
      boolean transA, boolean transB, int m, int n, int k,
      float alpha, float[] a, int aOffset, int lda,
      float[] b, int bOffset, int ldb,
      float beta, float[] c, int cOffset, int ldc) {
    Gemm.checkShapes(transA, transB, m, n, k, a, aOffset, lda, b, bOffset, ldb, c, cOffset, ldc);
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        double sum = 0;
        for (int p = 0; p < k; p++) {
          float aip = transA ? a[aOffset + p * lda + i] : a[aOffset + i * lda + p];
          float bpj = transB ? b[bOffset + j * ldb + p] : b[bOffset + p * ldb + j];
          sum += (double) aip * bpj;
        }
        int ci = cOffset + i * ldc + j;
        // beta == 0 must ignore C's old contents (they may be NaN), as BLAS does.
        c[ci] = (float) (alpha * sum + (beta == 0f ? 0.0 : (double) beta * c[ci]));
      }
    }
  }

  @Override
  public String description() {
    return "naive Java loops (reference)";
  }
}
