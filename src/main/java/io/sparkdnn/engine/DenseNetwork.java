package io.sparkdnn.engine;

import java.util.Objects;

/**
 * Forward and backward passes of a fully connected network over a block of rows, with workspaces
 * allocated once for up to {@code capacity} rows. Not thread-safe: one instance per thread.
 *
 * <p>Legend (per layer l): B = rows in the batch, I = inputs of the layer, O = its outputs.
 *
 * <pre>
 *   forward    Z_l = A_{l−1} · W_lᵀ + b_l          (B×I · I×O)     one gemm
 *              A_l = σ_l(Z_l), then A_l ⊙ mask_l     (dropout, training only)
 *   output     A_L, J and δ_L = ∂J/∂Z_L fused        (see OutputLayer)
 *   backward   dW_l += δ_lᵀ · A_{l−1}                (O×B · B×I)     one gemm
 *              db_l += Σ_rows δ_l
 *              δ_{l−1} = (δ_l · W_l) ⊙ mask_{l−1} ⊙ σ'_{l−1}(Z_{l−1})   one gemm
 * </pre>
 *
 * with A_0 = the batch's features. W_l (O×I, row-major) and b_l live in the flat parameter vector
 * at the offsets {@link NetworkSpec} assigns; gradients go to the same offsets of a gradient vector.
 */
public final class DenseNetwork {
  private final NetworkSpec spec;
  private final Task task;
  private final Gemm gemm;
  private final MiniBatch batch;
  /** A_l per layer (B×O), holding Z_l until activated. */
  private final float[][] activations;
  /** δ_l per layer (B×O). */
  private final float[][] deltas;
  /** Dropout scale (0 or 1/(1−p)) per hidden layer with dropout, else null. */
  private final float[][] masks;
  /** A_l ⊙ mask_l, the next layer's input, per hidden layer with dropout, else null. */
  private final float[][] dropped;

  public DenseNetwork(NetworkSpec spec, Task task, int capacity, Gemm gemm) {
    this.spec = Objects.requireNonNull(spec, "spec");
    this.task = Objects.requireNonNull(task, "task");
    this.gemm = Objects.requireNonNull(gemm, "gemm");
    task.checkCompatible(spec);
    if (capacity <= 0) {
      throw new IllegalArgumentException("batch capacity must be positive, found " + capacity);
    }
    int layers = spec.layerCount();
    this.batch = new MiniBatch(capacity, spec.inputWidth(), task.targetWidth(spec));
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

  public NetworkSpec spec() {
    return spec;
  }

  public Task task() {
    return task;
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
    forward(params, rows, true, dropoutSeed);
    int last = spec.layerCount() - 1;
    OutputLayer.forwardWithLoss(spec, task, activations[last], batch.targets(), rows, deltas[last], stats);
    backward(params, gradient, rows);
  }

  /** Forward without dropout; adds loss and correct count to {@code stats}. See {@link #outputs()}. */
  public void evaluate(float[] params, LossAccumulator stats) {
    spec.checkParameters(params, "parameter vector");
    int rows = batch.rows();
    if (rows == 0) {
      return;
    }
    forward(params, rows, false, 0L);
    int last = spec.layerCount() - 1;
    OutputLayer.forwardWithLoss(spec, task, activations[last], batch.targets(), rows, deltas[last], stats);
  }

  /** Forward without dropout; the outputs are then in {@link #outputs()}. Targets are ignored. */
  public void predict(float[] params) {
    spec.checkParameters(params, "parameter vector");
    int rows = batch.rows();
    if (rows == 0) {
      return;
    }
    forward(params, rows, false, 0L);
    OutputLayer.activate(
        spec.outputLayer().activation(), activations[spec.layerCount() - 1], rows, spec.outputWidth());
  }

  /**
   * The outputs of the last {@link #evaluate} or {@link #predict}: rows × K, row-major —
   * probabilities for softmax and sigmoid outputs, values otherwise. Overwritten by the next pass.
   */
  public float[] outputs() {
    return activations[spec.layerCount() - 1];
  }

  private void forward(float[] params, int rows, boolean training, long dropoutSeed) {
    float[] input = batch.features();
    int inputs = spec.inputWidth();
    int last = spec.layerCount() - 1;
    for (int l = 0; l <= last; l++) {
      LayerSpec layer = spec.layer(l);
      int outputs = layer.width();
      float[] z = activations[l];
      // Z = A · Wᵀ   (B×I · I×O)
      gemm.gemm(false, true, rows, outputs, inputs,
          1f, input, 0, inputs, params, spec.weightOffset(l), inputs, 0f, z, 0, outputs);
      addBias(z, rows, outputs, params, spec.biasOffset(l));
      if (l < last) {
        layer.activation().apply(z, 0, rows * outputs);
        if (training && masks[l] != null) {
          Dropout.fillMask(masks[l], rows, outputs, batch.rowIds(), dropoutSeed, l, layer.dropout());
          multiply(z, masks[l], dropped[l], rows * outputs);
          input = dropped[l];
        } else {
          input = z;
        }
      }
      inputs = outputs;
    }
  }

  private void backward(float[] params, float[] gradient, int rows) {
    for (int l = spec.layerCount() - 1; l >= 0; l--) {
      int outputs = spec.layer(l).width();
      int inputs = spec.inputsOf(l);
      float[] delta = deltas[l];
      float[] input = l == 0 ? batch.features() : (masks[l - 1] != null ? dropped[l - 1] : activations[l - 1]);
      // dW += δᵀ · A   (O×B · B×I)
      gemm.gemm(true, false, outputs, inputs, rows,
          1f, delta, 0, outputs, input, 0, inputs, 1f, gradient, spec.weightOffset(l), inputs);
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
