package io.sparkdnn.engine;

/**
 * Evaluates a dense network on rows in which a few input columns S were replaced by other values,
 * without recomputing the first layer: for the replaced rows
 *
 * <pre>
 *   Z_0' = X' · W_0ᵀ = Z_0 + (X'_S − X_S) · (W_0ᵀ)_S        (B×|S| · |S|×O)
 * </pre>
 *
 * where Z_0 = X · W_0ᵀ (no bias) is computed once for the original rows ({@link #firstLayer}) and
 * (W_0ᵀ)_S are the rows of W_0ᵀ for the columns in S ({@link #transposedFirstWeights}). Replacing
 * one column of a row costs O (the first layer's width) multiply-adds instead of I·O, and a column
 * whose old and new values are equal costs nothing. Everything after the first layer is the
 * ordinary forward pass and loss. This is what permutation feature importance evaluates: one
 * column (or group) at a time shuffled across rows, hundreds of times over the same rows.
 *
 * <p>Legend: B = rows of one call (≤ capacity), I = input width, O = width of the first layer.
 * Rows and targets are row-major; X has I floats per row. Not thread-safe: one instance per thread.
 */
public final class ReplacedInputNetwork extends FeedForwardPasses {
  /** Z_0' of the current call, copied into the pass by {@link #firstLayerProduct}. */
  private final float[] z0;

  /**
   * Workspaces for up to {@code capacity} rows per call.
   *
   * @throws IllegalArgumentException when the task does not fit the network or capacity ≤ 0
   */
  public ReplacedInputNetwork(NetworkSpec spec, Task task, int capacity, Gemm gemm) {
    super(spec, task, capacity, gemm);
    this.z0 = new float[capacity * spec.layer(0).width()];
  }

  /**
   * W_0ᵀ of {@code params} as a new I×O row-major array: row c holds input c's weights into every
   * unit of the first layer, contiguous.
   */
  public float[] transposedFirstWeights(float[] params) {
    spec.checkParameters(params, "parameter vector");
    int inputs = spec.inputWidth();
    int outputs = spec.layer(0).width();
    int offset = spec.weightOffset(0);
    float[] t = new float[inputs * outputs];
    for (int o = 0; o < outputs; o++) {
      for (int i = 0; i < inputs; i++) {
        t[i * outputs + o] = params[offset + o * inputs + i];
      }
    }
    return t;
  }

  /**
   * Z_0 := X · W_0ᵀ for {@code rows} rows of {@code x} starting at row {@code xRow}, into
   * {@code z} (rows × O, row-major) from row {@code zRow}; no bias. Any number of rows.
   */
  public void firstLayer(float[] params, float[] x, int xRow, int rows, float[] z, int zRow) {
    spec.checkParameters(params, "parameter vector");
    int inputs = spec.inputWidth();
    int outputs = spec.layer(0).width();
    // Z = X · Wᵀ   (B×I · I×O)
    gemm.gemm(false, true, rows, outputs, inputs,
        1f, x, xRow * inputs, inputs, params, spec.weightOffset(0), inputs, 0f, z, zRow * outputs, outputs);
  }

  /**
   * Forward without dropout and the loss over {@code rows} rows whose columns {@code columns} were
   * replaced: row r (0 ≤ r &lt; rows) is row {@code row0 + r} of {@code x} with column c taken from
   * row {@code donors[donorOffset + r]} of {@code x} instead. Adds the loss and correct count to
   * {@code stats}; the outputs are then in {@link #outputs()}.
   *
   * @param w0t W_0ᵀ from {@link #transposedFirstWeights} of the same {@code params}
   * @param z Z_0 of the original rows of {@code x} (rows × O), from {@link #firstLayer}
   * @param targets rows × target width, row-major from row 0
   * @throws IllegalArgumentException when {@code rows} exceeds the capacity
   */
  public void evaluateReplaced(float[] params, float[] w0t, float[] x, float[] z, int row0, int rows,
      int[] columns, int[] donors, int donorOffset, float[] targets, LossAccumulator stats) {
    int outputs = spec.layer(0).width();
    int inputs = spec.inputWidth();
    if (rows > z0.length / outputs) {
      throw new IllegalArgumentException("at most " + z0.length / outputs + " rows per call, asked for " + rows);
    }
    if (rows == 0) {
      return;
    }
    System.arraycopy(z, row0 * outputs, z0, 0, rows * outputs);
    for (int r = 0; r < rows; r++) {
      int own = (row0 + r) * inputs;
      int donor = donors[donorOffset + r] * inputs;
      int zBase = r * outputs;
      for (int c : columns) {
        float d = x[donor + c] - x[own + c];
        if (d != 0f) {
          // Z_0'[r, :] += d · W_0ᵀ[c, :]
          int wBase = c * outputs;
          for (int o = 0; o < outputs; o++) {
            z0[zBase + o] += d * w0t[wBase + o];
          }
        }
      }
    }
    evaluatePass(params, rows, targets, null, stats); // importance weighs rows equally
  }

  /** The unreplaced rows {@code row0 .. row0 + rows − 1} of {@code z}: the baseline of the same pass. */
  public void evaluateOriginal(float[] params, float[] z, int row0, int rows, float[] targets, LossAccumulator stats) {
    int outputs = spec.layer(0).width();
    if (rows > z0.length / outputs) {
      throw new IllegalArgumentException("at most " + z0.length / outputs + " rows per call, asked for " + rows);
    }
    if (rows == 0) {
      return;
    }
    System.arraycopy(z, row0 * outputs, z0, 0, rows * outputs);
    evaluatePass(params, rows, targets, null, stats); // importance weighs rows equally
  }

  @Override
  void firstLayerProduct(float[] params, float[] z, int rows) {
    System.arraycopy(z0, 0, z, 0, rows * spec.layer(0).width());
  }

  @Override
  void addFirstLayerWeightGradient(float[] delta, float[] gradient, int rows) {
    throw new UnsupportedOperationException("ReplacedInputNetwork evaluates; it does not train");
  }
}
