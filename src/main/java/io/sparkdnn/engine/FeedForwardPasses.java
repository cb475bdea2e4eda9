package io.sparkdnn.engine;

import java.util.Objects;

/**
 * The forward and backward passes of a fully connected network over a block of rows, shared by
 * {@link DenseNetwork} and {@link SparseInputNetwork}, which differ only in how the first layer
 * multiplies its input: workspaces are allocated once for up to {@code capacity} rows. Not
 * thread-safe: one instance per thread.
 *
 * <p>Legend (per layer l): B = rows in the batch, I = inputs of the layer, O = its outputs.
 *
 * <pre>
 *   forward    Z_0 = X · W_0ᵀ + b_0                  (first layer: the subclass's product)
 *              Z_l = A_{l−1} · W_lᵀ + b_l          (B×I · I×O)     one gemm, l ≥ 1
 *              A_l = σ_l(Z_l), then A_l ⊙ mask_l     (dropout, training only)
 *   output     A_L, J and δ_L = ∂J/∂Z_L fused        (see OutputLayer)
 *   backward   dW_l += δ_lᵀ · A_{l−1}                (O×B · B×I)     one gemm, l ≥ 1
 *              dW_0 += δ_0ᵀ · X                      (first layer: the subclass's product)
 *              db_l += Σ_rows δ_l
 *              δ_{l−1} = (δ_l · W_l) ⊙ mask_{l−1} ⊙ σ'_{l−1}(Z_{l−1})   one gemm, l ≥ 1
 * </pre>
 *
 * with X = the batch's features. The input needs no δ, so none is computed for it. W_l (l ≥ 1,
 * O×I row-major) and every b_l live in the flat parameter vector at the offsets {@link NetworkSpec}
 * assigns; where W_0 lives and in which order is the subclass's business. Gradients go to the same
 * offsets of a gradient vector.
 */
abstract class FeedForwardPasses {
  final NetworkSpec spec;
  final Task task;
  final Gemm gemm;
  /** A_l per layer (B×O), holding Z_l until activated. */
  private final float[][] activations;
  /** δ_l per layer (B×O). */
  private final float[][] deltas;
  /** Dropout scale (0 or 1/(1−p)) per hidden layer with dropout, else null. */
  private final float[][] masks;
  /** A_l ⊙ mask_l, the next layer's input, per hidden layer with dropout, else null. */
  private final float[][] dropped;

  FeedForwardPasses(NetworkSpec spec, Task task, int capacity, Gemm gemm) {
    this.spec = Objects.requireNonNull(spec, "spec");
    this.task = Objects.requireNonNull(task, "task");
    this.gemm = Objects.requireNonNull(gemm, "gemm");
    task.checkCompatible(spec);
    if (capacity <= 0) {
      throw new IllegalArgumentException("batch capacity must be positive, found " + capacity);
    }
    int layers = spec.layerCount();
    this.activations = new float[layers][];
    this.deltas = new float[layers][];
    this.masks = new float[layers][];
    this.dropped = new float[layers][];
    for (int l = 0; l < layers; l++) {
      int size = capacity * spec.layer(l).width();
      activations[l] = new float[size];
      deltas[l] = new float[size];
      if (spec.layer(l).dropout() > 0f) {
        masks[l] = new float[size];
        dropped[l] = new float[size];
      }
    }
  }

  /** Z_0 := X · W_0ᵀ for the batch's first {@code rows} rows into {@code z} (B×O_0), no bias. */
  abstract void firstLayerProduct(float[] params, float[] z, int rows);

  /** dW_0 += δ_0ᵀ · X, into the gradient's W_0 block (in the same order as the parameters'). */
  abstract void addFirstLayerWeightGradient(float[] delta, float[] gradient, int rows);

  /**
   * dW_0 := δ_0ᵀ · X, overwriting the gradient's W_0 block; only networks whose first layer is one
   * dense product support it (see {@link #meanGradientPass}).
   */
  void setFirstLayerWeightGradient(float[] delta, float[] gradient, int rows) {
    throw new UnsupportedOperationException(getClass().getSimpleName() + " only adds to a gradient");
  }

  public final NetworkSpec spec() {
    return spec;
  }

  public final Task task() {
    return task;
  }

  /**
   * The outputs of the last evaluate or predict: rows × K, row-major — probabilities for softmax
   * and sigmoid outputs, values otherwise. Overwritten by the next pass.
   */
  public final float[] outputs() {
    return activations[spec.layerCount() - 1];
  }

  /**
   * Forward with dropout, loss, backward; adds to {@code gradient} and {@code stats}.
   *
   * @param weights per-row weights, or null for weight 1 each
   */
  final void gradientPass(
      float[] params, float[] gradient, int rows, float[] targets, float[] weights, long[] rowIds,
      LossAccumulator stats, long dropoutSeed) {
    forward(params, rows, rowIds, true, dropoutSeed);
    int last = spec.layerCount() - 1;
    OutputLayer.forwardWithLoss(spec, task, activations[last], targets, weights, rows, deltas[last], stats);
    backward(params, gradient, rows, false);
  }

  /**
   * Forward with dropout, loss, backward, writing the weighted mean gradient of the batch — ∂J/∂θ
   * summed over the rows, each times its weight, divided by the rows' summed weight W — into
   * {@code gradient}, overwriting it (no clearing needed). The 1/W is applied to the output
   * deltas (rows × K values) before the backward pass, not to the P gradient entries after it, and
   * the weight products write with β = 0 instead of adding: a mini-batch step then needs no pass
   * over the parameters besides the optimizer's. Adds the summed loss to {@code stats}.
   *
   * @return W; when it is 0 (every row weighs 0) the gradient is left as it was
   */
  final double meanGradientPass(
      float[] params, float[] gradient, int rows, float[] targets, float[] weights, long[] rowIds,
      LossAccumulator stats, long dropoutSeed) {
    forward(params, rows, rowIds, true, dropoutSeed);
    int last = spec.layerCount() - 1;
    double before = stats.weight();
    OutputLayer.forwardWithLoss(spec, task, activations[last], targets, weights, rows, deltas[last], stats);
    double total = stats.weight() - before;
    if (!(total > 0)) {
      return 0;
    }
    float inverse = (float) (1 / total);
    float[] delta = deltas[last];
    for (int i = 0, n = rows * spec.outputWidth(); i < n; i++) {
      delta[i] *= inverse;
    }
    backward(params, gradient, rows, true);
    return total;
  }

  /** Forward without dropout and the loss; {@code weights} as in {@link #gradientPass}. */
  final void evaluatePass(float[] params, int rows, float[] targets, float[] weights, LossAccumulator stats) {
    forward(params, rows, null, false, 0L);
    int last = spec.layerCount() - 1;
    OutputLayer.forwardWithLoss(spec, task, activations[last], targets, weights, rows, deltas[last], stats);
  }

  /** Forward without dropout and the output activation. */
  final void predictPass(float[] params, int rows) {
    predictPass(params, rows, null);
  }

  /**
   * Forward without dropout; the output layer's pre-activations (rows × K, the logits) are copied
   * into {@code logits} when it is not null, then activated.
   */
  final void predictPass(float[] params, int rows, float[] logits) {
    forward(params, rows, null, false, 0L);
    if (logits != null) {
      System.arraycopy(activations[spec.layerCount() - 1], 0, logits, 0, rows * spec.outputWidth());
    }
    OutputLayer.activate(
        spec.outputLayer().activation(), activations[spec.layerCount() - 1], rows, spec.outputWidth());
  }

  private void forward(float[] params, int rows, long[] rowIds, boolean training, long dropoutSeed) {
    float[] input = null;
    int inputs = spec.inputWidth();
    int last = spec.layerCount() - 1;
    for (int l = 0; l <= last; l++) {
      LayerSpec layer = spec.layer(l);
      int outputs = layer.width();
      float[] z = activations[l];
      if (l == 0) {
        firstLayerProduct(params, z, rows);
      } else {
        // Z = A · Wᵀ   (B×I · I×O)
        gemm.gemm(false, true, rows, outputs, inputs,
            1f, input, 0, inputs, params, spec.weightOffset(l), inputs, 0f, z, 0, outputs);
      }
      addBias(z, rows, outputs, params, spec.biasOffset(l));
      if (l < last) {
        layer.activation().apply(z, 0, rows * outputs);
        if (training && masks[l] != null) {
          Dropout.fillMask(masks[l], rows, outputs, rowIds, dropoutSeed, l, layer.dropout());
          multiply(z, masks[l], dropped[l], rows * outputs);
          input = dropped[l];
        } else {
          input = z;
        }
      }
      inputs = outputs;
    }
  }

  /** @param overwrite write the gradient (β = 0) rather than add to it */
  private void backward(float[] params, float[] gradient, int rows, boolean overwrite) {
    for (int l = spec.layerCount() - 1; l >= 0; l--) {
      int outputs = spec.layer(l).width();
      int inputs = spec.inputsOf(l);
      float[] delta = deltas[l];
      if (l == 0) {
        if (overwrite) {
          setFirstLayerWeightGradient(delta, gradient, rows);
        } else {
          addFirstLayerWeightGradient(delta, gradient, rows);
        }
      } else {
        float[] input = masks[l - 1] != null ? dropped[l - 1] : activations[l - 1];
        // dW += δᵀ · A   (O×B · B×I); β = 0 overwrites
        gemm.gemm(true, false, outputs, inputs, rows,
            1f, delta, 0, outputs, input, 0, inputs, overwrite ? 0f : 1f, gradient, spec.weightOffset(l), inputs);
      }
      if (overwrite) {
        java.util.Arrays.fill(gradient, spec.biasOffset(l), spec.biasOffset(l) + outputs, 0f);
      }
      addColumnSums(delta, rows, outputs, gradient, spec.biasOffset(l));
      if (l > 0) {
        float[] previous = deltas[l - 1];
        // δ_{l−1} = δ_l · W   (B×O · O×I)
        gemm.gemm(false, false, rows, inputs, outputs,
            1f, delta, 0, outputs, params, spec.weightOffset(l), inputs, 0f, previous, 0, inputs);
        if (masks[l - 1] != null) {
          multiply(previous, masks[l - 1], previous, rows * inputs);
        }
        spec.layer(l - 1).activation().multiplyByDerivative(activations[l - 1], 0, previous, 0, rows * inputs);
      }
    }
  }

  private static void addBias(float[] z, int rows, int width, float[] params, int biasOffset) {
    for (int r = 0; r < rows; r++) {
      int base = r * width;
      for (int j = 0; j < width; j++) {
        z[base + j] += params[biasOffset + j];
      }
    }
  }

  private static void addColumnSums(float[] delta, int rows, int width, float[] gradient, int offset) {
    for (int r = 0; r < rows; r++) {
      int base = r * width;
      for (int j = 0; j < width; j++) {
        gradient[offset + j] += delta[base + j];
      }
    }
  }

  private static void multiply(float[] a, float[] b, float[] out, int length) {
    for (int i = 0; i < length; i++) {
      out[i] = a[i] * b[i];
    }
  }
}
