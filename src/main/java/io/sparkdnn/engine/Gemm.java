package io.sparkdnn.engine;

/**
 * General matrix product on row-major float matrices — the one kernel the engine spends its time in.
 *
 * <pre>
 *   C := alpha · op(A) · op(B) + beta · C
 *   op(A) is m × k, op(B) is k × n, C is m × n
 * </pre>
 *
 * Storage is row-major with leading dimensions (row strides) {@code lda, ldb, ldc}: without
 * transpose A is stored m × k (lda ≥ k); with {@code transA} it is stored k × m (lda ≥ m), and the
 * same for B. Transposes are flags, never copies.
 */
public interface Gemm {

  void gemm(
      boolean transA, boolean transB, int m, int n, int k,
      float alpha, float[] a, int aOffset, int lda,
      float[] b, int bOffset, int ldb,
      float beta, float[] c, int cOffset, int ldc);

  /** Which implementation this is, for logs and benchmark tables. */
  String description();

  /** Checks the operands fit their arrays; the message names the operand and its shape. */
  static void checkShapes(
      boolean transA, boolean transB, int m, int n, int k,
      float[] a, int aOffset, int lda, float[] b, int bOffset, int ldb,
      float[] c, int cOffset, int ldc) {
    if (m < 0 || n < 0 || k < 0) {
      throw new IllegalArgumentException("gemm: negative size m=" + m + " n=" + n + " k=" + k);
    }
    checkOperand("A", a, aOffset, lda, transA ? k : m, transA ? m : k);
    checkOperand("B", b, bOffset, ldb, transB ? n : k, transB ? k : n);
    checkOperand("C", c, cOffset, ldc, m, n);
  }

  private static void checkOperand(String name, float[] x, int offset, int ld, int rows, int cols) {
    if (rows == 0 || cols == 0) {
      return;
    }
    if (ld < cols) {
      throw new IllegalArgumentException(
          "gemm: " + name + " is stored " + rows + "×" + cols + " but its leading dimension is "
              + ld + " (< " + cols + ")");
    }
    long last = offset + (long) (rows - 1) * ld + cols;
    if (offset < 0 || last > x.length) {
      throw new IllegalArgumentException(
          "gemm: " + name + " is stored " + rows + "×" + cols + " (ld " + ld + ") from offset "
              + offset + ", which needs " + last + " floats, but its array holds " + x.length);
    }
  }
}
