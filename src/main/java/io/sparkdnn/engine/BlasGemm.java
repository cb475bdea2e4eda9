package io.sparkdnn.engine;

import dev.ludovic.netlib.blas.BLAS;

/**
 * {@link Gemm} on a netlib BLAS (native OpenBLAS through JNI, or netlib's pure-Java fallback).
 *
 * <p>BLAS is column-major. A row-major matrix is the column-major view of its transpose, so the
 * row-major product C = op(A)·op(B) is computed as the column-major Cᵀ = op(B)ᵀ·op(A)ᵀ: swap the
 * operands and the sizes m and n, keep the transpose flags. No data is copied.
 */
final class BlasGemm implements Gemm {
  private final BLAS blas;
  private final String description;

  BlasGemm(BLAS blas, String description) {
    this.blas = blas;
    this.description = description;
  }

  @Override
  public void gemm(
      boolean transA, boolean transB, int m, int n, int k,
      float alpha, float[] a, int aOffset, int lda,
      float[] b, int bOffset, int ldb,
      float beta, float[] c, int cOffset, int ldc) {
    Gemm.checkShapes(transA, transB, m, n, k, a, aOffset, lda, b, bOffset, ldb, c, cOffset, ldc);
    if (m == 0 || n == 0) {
      return;
    }
    if (k == 0) {
      scale(beta, c, cOffset, ldc, m, n);
      return;
    }
    blas.sgemm(
        transB ? "T" : "N", transA ? "T" : "N", n, m, k,
        alpha, b, bOffset, ldb, a, aOffset, lda, beta, c, cOffset, ldc);
  }

  private static void scale(float beta, float[] c, int offset, int ldc, int m, int n) {
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        int ci = offset + i * ldc + j;
        c[ci] = beta == 0f ? 0f : beta * c[ci];
      }
    }
  }

  @Override
  public String description() {
    return description;
  }
}
