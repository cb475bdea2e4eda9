package io.sparkdnn.engine;

/**
 * A fully connected network whose input is dense: each row of the batch is {@code inputWidth}
 * floats, and the first layer is one gemm like every other. Parameters and gradients are flat
 * vectors in {@link NetworkSpec}'s layout (W_l O×I row-major, then b_l). The passes and their shapes
 * are described in {@link FeedForwardPasses}; for sparse rows see {@link SparseInputNetwork}.
 * Workspaces are allocated once for up to {@code capacity} rows. Not thread-safe: one instance per
 * thread.
 */
public final class DenseNetwork extends FeedForwardPasses {
  private final MiniBatch batch;
  private final float[][] parameterScratch = new float[2][];

  public DenseNetwork(NetworkSpec spec, Task task, int capacity, Gemm gemm) {
    super(spec, task, capacity, gemm);
    this.batch = new MiniBatch(capacity, spec.inputWidth(), task.targetWidth(spec));
  }

  /**
   * A parameter-sized array (P floats) owned by this network — so by its thread, as networks come
   * from {@link NetworkCache} — and kept across calls: {@code slot} 0 or 1. Its contents are
   * whatever the last user left. A training step's gradient and working weights live here, so that
   * rounds allocate no parameter-sized arrays (with G1 such arrays are often "humongous").
   */
  public float[] parameterScratch(int slot) {
    if (parameterScratch[slot] == null) {
      parameterScratch[slot] = new float[spec.parameterCount()];
    }
    return parameterScratch[slot];
  }

  /** The buffers to fill before a pass. */
  public MiniBatch batch() {
    return batch;
  }

  /**
   * Forward and backward over the batch's rows with dropout on: adds ∂J/∂θ summed over the rows to
   * {@code gradient} (+=, never cleared here), and the summed loss and correct count to
   * {@code stats}. {@code dropoutSeed} should change every step (e.g. from seed, epoch and round).
   */
  public void accumulateGradient(
      float[] params, float[] gradient, LossAccumulator stats, long dropoutSeed) {
    spec.checkParameters(params, "parameter vector");
    spec.checkParameters(gradient, "gradient vector");
    int rows = batch.rows();
    if (rows == 0) {
      return;
    }
    gradientPass(params, gradient, rows, batch.targets(), batch.rowWeights(), batch.rowIds(), stats, dropoutSeed);
  }

  /**
   * Forward and backward over the batch's rows with dropout on, writing the (row-weighted) mean
   * gradient over the rows into {@code gradient} — overwritten, no clearing needed — and adding the
   * summed loss and correct count to {@code stats}: what one mini-batch step needs, without a pass
   * over the P parameters to clear or rescale the gradient.
   *
   * @return the rows' summed weight (their count without weights); 0 when every row weighs 0, and
   *     then {@code gradient} is left unchanged
   */
  public double meanGradient(float[] params, float[] gradient, LossAccumulator stats, long dropoutSeed) {
    spec.checkParameters(params, "parameter vector");
    spec.checkParameters(gradient, "gradient vector");
    int rows = batch.rows();
    if (rows == 0) {
      return 0;
    }
    return meanGradientPass(params, gradient, rows, batch.targets(), batch.rowWeights(), batch.rowIds(), stats,
        dropoutSeed);
  }

  /** Forward without dropout; adds loss and correct count to {@code stats}. See {@link #outputs()}. */
  public void evaluate(float[] params, LossAccumulator stats) {
    spec.checkParameters(params, "parameter vector");
    int rows = batch.rows();
    if (rows == 0) {
      return;
    }
    evaluatePass(params, rows, batch.targets(), batch.rowWeights(), stats);
  }

  /** Forward without dropout; the outputs are then in {@link #outputs()}. Targets are ignored. */
  public void predict(float[] params) {
    predict(params, null);
  }

  /**
   * {@link #predict(float[])}, also copying the output layer's pre-activations — the logits, rows ×
   * K row-major — into {@code logits} (at least rows × K long) when it is not null.
   */
  public void predict(float[] params, float[] logits) {
    spec.checkParameters(params, "parameter vector");
    int rows = batch.rows();
    if (rows == 0) {
      return;
    }
    if (logits != null && logits.length < rows * spec.outputWidth()) {
      throw new IllegalArgumentException("logits buffer holds " + logits.length + " floats, needs "
          + rows * spec.outputWidth());
    }
    predictPass(params, rows, logits);
  }

  @Override
  void firstLayerProduct(float[] params, float[] z, int rows) {
    int inputs = spec.inputWidth();
    int outputs = spec.layer(0).width();
    // Z = X · Wᵀ   (B×I · I×O)
    gemm.gemm(false, true, rows, outputs, inputs,
        1f, batch.features(), 0, inputs, params, spec.weightOffset(0), inputs, 0f, z, 0, outputs);
  }

  @Override
  void addFirstLayerWeightGradient(float[] delta, float[] gradient, int rows) {
    firstLayerWeightGradient(delta, gradient, rows, 1f);
  }

  @Override
  void setFirstLayerWeightGradient(float[] delta, float[] gradient, int rows) {
    firstLayerWeightGradient(delta, gradient, rows, 0f);
  }

  private void firstLayerWeightGradient(float[] delta, float[] gradient, int rows, float beta) {
    int inputs = spec.inputWidth();
    int outputs = spec.layer(0).width();
    // dW = β·dW + δᵀ · X   (O×B · B×I)
    gemm.gemm(true, false, outputs, inputs, rows,
        1f, delta, 0, outputs, batch.features(), 0, inputs, beta, gradient, spec.weightOffset(0), inputs);
  }
}
