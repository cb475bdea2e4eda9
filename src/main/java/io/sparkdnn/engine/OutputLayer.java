package io.sparkdnn.engine;

/**
 * The output layer's activation, loss and error δ^L, computed in one pass per row.
 *
 * <p>Legend: B = rows, K = outputs; {@code z} holds the B × K pre-activations on entry and the
 * activations a = σ(z) on exit; {@code delta} receives δ^L = ∂J/∂z (B × K).
 *
 * <ul>
 *   <li>softmax + log-likelihood: J = log Σ_k e^{z_k} − z_y computed with the max subtracted
 *       (log-sum-exp), so no exp overflows and no log(0) is taken; δ = a − onehot(y).
 *   <li>sigmoid + binary cross-entropy: J = max(z,0) − z·t + log(1 + e^{−|z|}) per output, the
 *       stable form of −[t log a + (1−t) log(1−a)]; δ = a − t (the σ' cancels).
 *   <li>mean squared error with any other activation f: J = ½ Σ (a − t)²; δ = (a − t) · f'(z).
 * </ul>
 *
 * For {@link Task#MULTICLASS} the target is a class index, expanded to one-hot where needed. With
 * row weights w, row r's loss and δ are multiplied by w_r: J = Σ_r w_r J_r, so that a row of weight
 * 2 counts exactly as the row twice (the gradient is linear in δ).
 */
final class OutputLayer {
  private OutputLayer() {}

  /**
   * Activation, loss, correct count and δ^L for {@code rows} rows. A row whose loss is not finite
   * (its logits overflowed) gets NaN activations, whatever its output activation would make of them,
   * and is left out of the sums when {@code stats} {@linkplain LossAccumulator#leavesOutNonFinite
   * leaves such rows out}.
   *
   * @param weights per-row weights (≥ 0), or null for weight 1 each
   */
  static void forwardWithLoss(
      NetworkSpec spec, Task task, float[] z, float[] targets, float[] weights, int rows, float[] delta,
      LossAccumulator stats) {
    int k = spec.outputWidth();
    Activation activation = spec.outputLayer().activation();
    int targetWidth = task.targetWidth(spec);
    double loss = 0;
    double weightSum = 0;
    double correct = 0;
    int counted = 0;
    int worst = -1;
    double worstLoss = Double.NEGATIVE_INFINITY;
    boolean tracking = stats.tracksWorstRow();
    int largest = -1;
    double largestLogit = Double.NEGATIVE_INFINITY;
    double logitLogs = 0;
    double lossLogs = 0;
    for (int r = 0; r < rows; r++) {
      int zo = r * k;
      if (tracking) { // before the activation replaces the logits
        double size = 0;
        for (int j = 0; j < k; j++) {
          size = Math.max(size, Math.abs(z[zo + j]));
        }
        logitLogs += Math.log1p(size);
        if (size > largestLogit) {
          largest = r;
          largestLogit = size;
        }
      }
      int to = r * targetWidth;
      int classIndex = task == Task.MULTICLASS ? classIndex(targets[to], k, r) : -1;
      double rowLoss;
      switch (spec.loss()) {
        case LOG_LIKELIHOOD:
          rowLoss = softmaxLogLikelihood(z, zo, k, classIndex, delta);
          break;
        case BINARY_CROSS_ENTROPY:
          rowLoss = sigmoidCrossEntropy(z, zo, k, targets, to, classIndex, delta);
          break;
        case MSE:
          rowLoss = squaredError(activation, z, zo, k, targets, to, classIndex, delta);
          break;
        default:
          throw new AssertionError(spec.loss());
      }
      if (!Double.isFinite(rowLoss)) {
        // The row's logits overflowed. A sigmoid saturates an infinite logit to exactly 0 or 1, a
        // finite output that would hide the overflow from whoever checks outputs (evaluation names
        // such rows): the outputs of a row whose loss is not finite are NaN.
        java.util.Arrays.fill(z, zo, zo + k, Float.NaN);
        if (stats.leavesOutNonFinite()) {
          java.util.Arrays.fill(delta, zo, zo + k, 0f);
          stats.leaveOut();
          continue;
        }
      }
      if (tracking) { // only on the failure path's evaluation: training's loop pays nothing for it
        if (rowLoss > worstLoss) {
          worst = r;
          worstLoss = rowLoss;
        }
        if (Double.isFinite(rowLoss)) {
          lossLogs += Math.log1p(Math.max(rowLoss, 0));
        }
      }
      float w = weights == null ? 1f : weights[r];
      if (weights != null) {
        for (int j = 0; j < k; j++) {
          delta[zo + j] *= w;
        }
      }
      loss += w * rowLoss;
      weightSum += w;
      counted++;
      if (isCorrect(task, z, zo, k, targets, to, classIndex)) {
        correct += w;
      }
    }
    stats.add(loss, counted, weightSum, task.isClassification() ? correct : 0);
    if (tracking) {
      stats.noteBatchWorst(worst, worstLoss, largest, largestLogit, logitLogs, lossLogs);
    }
  }

  /** Activation only, for prediction: probabilities for softmax/sigmoid, values otherwise. */
  static void activate(Activation activation, float[] z, int rows, int k) {
    if (activation != Activation.SOFTMAX) {
      activation.apply(z, 0, rows * k);
      return;
    }
    for (int r = 0; r < rows; r++) {
      int zo = r * k;
      float max = max(z, zo, k);
      double sum = 0;
      for (int j = 0; j < k; j++) {
        sum += Math.exp(z[zo + j] - max);
      }
      for (int j = 0; j < k; j++) {
        z[zo + j] = (float) (Math.exp(z[zo + j] - max) / sum);
      }
    }
  }

  private static double softmaxLogLikelihood(float[] z, int zo, int k, int y, float[] delta) {
    float max = max(z, zo, k);
    double sum = 0;
    for (int j = 0; j < k; j++) {
      sum += Math.exp(z[zo + j] - max);
    }
    double logSum = Math.log(sum);
    double loss = logSum + max - z[zo + y];
    for (int j = 0; j < k; j++) {
      float a = (float) Math.exp(z[zo + j] - max - logSum);
      z[zo + j] = a;
      delta[zo + j] = j == y ? a - 1f : a;
    }
    return loss;
  }

  private static double sigmoidCrossEntropy(
      float[] z, int zo, int k, float[] targets, int to, int classIndex, float[] delta) {
    double loss = 0;
    for (int j = 0; j < k; j++) {
      float zj = z[zo + j];
      float t = target(targets, to, j, classIndex);
      loss += Math.max(zj, 0f) - (double) zj * t + Math.log1p(Math.exp(-Math.abs(zj)));
      float a = Activation.sigmoid(zj);
      z[zo + j] = a;
      delta[zo + j] = a - t;
    }
    return loss;
  }

  private static double squaredError(
      Activation activation, float[] z, int zo, int k, float[] targets, int to, int classIndex,
      float[] delta) {
    activation.apply(z, zo, k);
    double loss = 0;
    for (int j = 0; j < k; j++) {
      float diff = z[zo + j] - target(targets, to, j, classIndex);
      loss += 0.5 * diff * diff;
      delta[zo + j] = diff;
    }
    activation.multiplyByDerivative(z, zo, delta, zo, k);
    return loss;
  }

  private static boolean isCorrect(
      Task task, float[] a, int zo, int k, float[] targets, int to, int classIndex) {
    switch (task) {
      case MULTICLASS:
        return argMax(a, zo, k) == classIndex;
      case BINARY:
      case MULTILABEL:
        for (int j = 0; j < k; j++) {
          if ((a[zo + j] >= 0.5f) != (targets[to + j] >= 0.5f)) {
            return false;
          }
        }
        return true;
      default:
        return false;
    }
  }

  private static float target(float[] targets, int to, int j, int classIndex) {
    return classIndex >= 0 ? (j == classIndex ? 1f : 0f) : targets[to + j];
  }

  private static int classIndex(float target, int k, int row) {
    int c = (int) target;
    if (c != target || c < 0 || c >= k) {
      throw new IllegalArgumentException(
          "batch row " + row + " has class target " + target + "; expected an index in [0, " + k
              + ")");
    }
    return c;
  }

  static int argMax(float[] a, int offset, int k) {
    int best = 0;
    for (int j = 1; j < k; j++) {
      if (a[offset + j] > a[offset + best]) {
        best = j;
      }
    }
    return best;
  }

  private static float max(float[] z, int offset, int k) {
    float m = z[offset];
    for (int j = 1; j < k; j++) {
      m = Math.max(m, z[offset + j]);
    }
    return m;
  }
}
