package io.sparkdnn.engine;

/**
 * A fully connected network whose input rows are sparse (CSR): hashed text, one-hot categories,
 * libsvm rows with 10^5–10^6 inputs of which a few dozen are non-zero. The first layer costs
 * ∝ nnz × O_0 instead of B × I × O_0, and no dense B × I block is ever allocated; every later layer
 * is the same gemm as in {@link DenseNetwork} (passes and shapes: {@link FeedForwardPasses}).
 *
 * <pre>
 *   forward    Z_0 = X · W_0ᵀ + b_0     X: B×I CSR; W_0 held input-major (I×O_0), so each non-zero
 *                                       adds v · (row i of W_0) to its row of Z_0
 *   backward   dW_0 += δ_0ᵀ · X         adds v · δ_0[r] to row i of dW_0 for each non-zero (r, i, v):
 *                                       only the inputs the batch touched change; no δ for the input
 * </pre>
 *
 * <p>Parameters and gradients are {@link InputMajorVector}s — not {@code float[]}s — because W_0 is
 * stored transposed from the canonical layout; convert at the boundary:
 *
 * <pre>
 *   SparseInputNetwork net = new SparseInputNetwork(spec, task, 128, BlasLibrary.gemm(BlasBackend.AUTO));
 *   InputMajorVector params = InputMajorVector.fromCanonical(spec, canonicalWeights);
 *   InputMajorVector gradient = InputMajorVector.zeros(spec);
 *   SparseMiniBatch batch = net.batch();
 *   batch.clear();
 *   batch.addRow(columns, values, 0, nnz, target, 0, rowId);   // ... per row
 *   net.accumulateGradient(params, gradient, stats, dropoutSeed);
 *   float[] forTheModel = params.toCanonical();
 * </pre>
 *
 * A class of its own rather than an input mode of {@link DenseNetwork}: its parameters are of another
 * type, and its batch must hold no dense feature block (128 rows × 2^18 inputs would be 128 MiB).
 * Not thread-safe: one instance per thread.
 */
public final class SparseInputNetwork extends FeedForwardPasses {
  /** Initial non-zeros per row of batch capacity; the batch grows past it when needed. */
  private static final int INITIAL_NON_ZEROS_PER_ROW = 64;

  private final SparseMiniBatch batch;
  private final CsrProduct csr;

  /** With {@link FastCsrProduct} for the first layer and {@code gemm} for the others. */
  public SparseInputNetwork(NetworkSpec spec, Task task, int capacity, Gemm gemm) {
    this(spec, task, capacity, gemm, new FastCsrProduct());
  }

  public SparseInputNetwork(NetworkSpec spec, Task task, int capacity, Gemm gemm, CsrProduct csr) {
    super(spec, task, capacity, gemm);
    this.csr = java.util.Objects.requireNonNull(csr, "csr");
    int nonZeros = (int) Math.min(1 << 24, (long) capacity * INITIAL_NON_ZEROS_PER_ROW);
    this.batch = new SparseMiniBatch(capacity, nonZeros, spec.inputWidth(), task.targetWidth(spec));
  }

  /** The buffers to fill before a pass. */
  public SparseMiniBatch batch() {
    return batch;
  }

  /**
   * Forward and backward over the batch's rows with dropout on: adds ∂J/∂θ summed over the rows to
   * {@code gradient} (+=, never cleared here; only the W_0 rows of touched inputs, b_0 and later
   * layers change), and the summed loss and correct count to {@code stats}.
   *
   * @throws IllegalArgumentException if a vector belongs to another network shape, or a batch row
   *     has an out-of-range, repeated or unsorted column index (see {@link SparseMiniBatch})
   */
  public void accumulateGradient(
      InputMajorVector params, InputMajorVector gradient, LossAccumulator stats, long dropoutSeed) {
    checkVector(params, "parameter vector");
    checkVector(gradient, "gradient vector");
    int rows = batch.rows();
    if (rows == 0) {
      return;
    }
    batch.validate();
    gradientPass(params.inputMajorValues(), gradient.inputMajorValues(), rows, batch.targets(), batch.rowWeights(),
        batch.rowIds(), stats, dropoutSeed);
  }

  /** Forward without dropout; adds loss and correct count to {@code stats}. See {@link #outputs()}. */
  public void evaluate(InputMajorVector params, LossAccumulator stats) {
    checkVector(params, "parameter vector");
    int rows = batch.rows();
    if (rows == 0) {
      return;
    }
    batch.validate();
    evaluatePass(params.inputMajorValues(), rows, batch.targets(), batch.rowWeights(), stats);
  }

  /** Forward without dropout; the outputs are then in {@link #outputs()}. Targets are ignored. */
  public void predict(InputMajorVector params) {
    predict(params, null);
  }

  /**
   * {@link #predict(InputMajorVector)}, also copying the output layer's pre-activations — the
   * logits, rows × K row-major — into {@code logits} (at least rows × K long) when it is not null.
   */
  public void predict(InputMajorVector params, float[] logits) {
    checkVector(params, "parameter vector");
    int rows = batch.rows();
    if (rows == 0) {
      return;
    }
    if (logits != null && logits.length < rows * spec.outputWidth()) {
      throw new IllegalArgumentException("logits buffer holds " + logits.length + " floats, needs "
          + rows * spec.outputWidth());
    }
    batch.validate();
    predictPass(params.inputMajorValues(), rows, logits);
  }

  @Override
  void firstLayerProduct(float[] params, float[] z, int rows) {
    csr.multiply(rows, batch.rowOffsets(), batch.columns(), batch.values(),
        params, spec.weightOffset(0), spec.inputWidth(), spec.layer(0).width(), z);
  }

  @Override
  void addFirstLayerWeightGradient(float[] delta, float[] gradient, int rows) {
    csr.addTransposedProduct(rows, batch.rowOffsets(), batch.columns(), batch.values(),
        delta, spec.inputWidth(), spec.layer(0).width(), gradient, spec.weightOffset(0));
  }

  private void checkVector(InputMajorVector vector, String what) {
    NetworkSpec other = vector.spec();
    boolean sameLayout = other.inputWidth() == spec.inputWidth()
        && other.layerCount() == spec.layerCount()
        && other.parameterCount() == spec.parameterCount()
        && other.layer(0).width() == spec.layer(0).width();
    for (int l = 1; sameLayout && l < spec.layerCount(); l++) {
      sameLayout = other.layer(l).width() == spec.layer(l).width();
    }
    if (!sameLayout) {
      throw new IllegalArgumentException(
          what + " is laid out for network " + other + " but this network is " + spec);
    }
  }
}
