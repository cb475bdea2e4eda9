package io.sparkdnn.engine;

/**
 * Products of a sparse batch X in CSR form with a dense row-major matrix — the two products of the
 * first layer of a {@link SparseInputNetwork}, whose weights are held input-major.
 *
 * <p>Legend: B = rows, I = inputs (columns of X), O = outputs.
 *
 * <pre>
 *   multiply               Z := X · W          X: B×I CSR, W: I×O row-major, Z: B×O row-major
 *   addTransposedProduct   G += Xᵀ · Δ         Δ: B×O row-major, G: I×O row-major
 * </pre>
 *
 * X is given by {@code rowOffsets} (B+1 entries; row r's non-zeros are positions
 * [rowOffsets[r], rowOffsets[r+1])), {@code columns} and {@code values}. Both products cost
 * ∝ nnz × O; rows of G for inputs that X does not touch are neither read nor written.
 *
 * <p>Columns must be in [0, I): {@link SparseMiniBatch} checks this before every pass, and the
 * kernels do not check again (an index past I would silently read the next layer's weights).
 */
public interface CsrProduct {

  /** Z := X · W. {@code w} holds W (I×O) from {@code wOffset}; Z fills z[0, B×O). */
  void multiply(
      int rows, int[] rowOffsets, int[] columns, float[] values,
      float[] w, int wOffset, int inputs, int outputs, float[] z);

  /** G += Xᵀ · Δ. {@code delta} holds Δ (B×O) from 0; {@code g} holds G (I×O) from {@code gOffset}. */
  void addTransposedProduct(
      int rows, int[] rowOffsets, int[] columns, float[] values,
      float[] delta, int inputs, int outputs, float[] g, int gOffset);

  /** Which implementation this is, for logs and benchmark tables. */
  String description();

  /** Checks the dense operands fit their arrays; the message names the operand and its shape. */
  static void checkShapes(
      int rows, int[] rowOffsets, int inputs, int outputs,
      String dense, float[] b, int bOffset, String weights, float[] w, int wOffset) {
    if (rows < 0 || inputs <= 0 || outputs <= 0) {
      throw new IllegalArgumentException(
          "csr product: sizes must be positive, found B=" + rows + " I=" + inputs + " O=" + outputs);
    }
    if (rowOffsets.length < rows + 1) {
      throw new IllegalArgumentException(
          "csr product: " + rows + " rows need " + (rows + 1) + " row offsets, found "
              + rowOffsets.length);
    }
    long denseEnd = bOffset + (long) rows * outputs;
    if (bOffset < 0 || denseEnd > b.length) {
      throw new IllegalArgumentException(
          "csr product: " + dense + " is " + rows + "×" + outputs + " from offset " + bOffset
              + ", which needs " + denseEnd + " floats, but its array holds " + b.length);
    }
    long weightEnd = wOffset + (long) inputs * outputs;
    if (wOffset < 0 || weightEnd > w.length) {
      throw new IllegalArgumentException(
          "csr product: " + weights + " is " + inputs + "×" + outputs + " from offset " + wOffset
              + ", which needs " + weightEnd + " floats, but its array holds " + w.length);
    }
  }
}
