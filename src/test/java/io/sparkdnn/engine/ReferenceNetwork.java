package io.sparkdnn.engine;

/**
 * A deliberately plain double-precision forward pass and loss, written from the textbook formulas
 * row by row, sharing no code with {@link DenseNetwork} but the dropout masks it is handed.
 */
final class ReferenceNetwork {
  private ReferenceNetwork() {}

  /** Summed loss over {@code rows} rows; {@code masks[l]} (rows×width) or null per layer. */
  static double loss(
      NetworkSpec spec, Task task, double[] p, float[] x, float[] y, int rows, float[][] masks) {
    double total = 0;
    int targetWidth = task.targetWidth(spec);
    for (int r = 0; r < rows; r++) {
      double[] a = new double[spec.inputWidth()];
      for (int i = 0; i < a.length; i++) {
        a[i] = x[r * a.length + i];
      }
      for (int l = 0; l < spec.layerCount(); l++) {
        int out = spec.layer(l).width();
        int in = spec.inputsOf(l);
        double[] z = new double[out];
        for (int o = 0; o < out; o++) {
          double s = p[spec.biasOffset(l) + o];
          for (int i = 0; i < in; i++) {
            s += p[spec.weightOffset(l) + o * in + i] * a[i];
          }
          z[o] = s;
        }
        if (l == spec.layerCount() - 1) {
          total += outputLoss(spec, task, z, y, r * targetWidth);
        } else {
          for (int o = 0; o < out; o++) {
            z[o] = activate(spec.layer(l).activation(), z[o]);
            if (masks != null && masks[l] != null) {
              z[o] *= masks[l][r * out + o];
            }
          }
          a = z;
        }
      }
    }
    return total;
  }

  private static double outputLoss(NetworkSpec spec, Task task, double[] z, float[] y, int to) {
    int k = z.length;
    double[] t = new double[k];
    if (task == Task.MULTICLASS) {
      t[(int) y[to]] = 1;
    } else {
      for (int j = 0; j < k; j++) {
        t[j] = y[to + j];
      }
    }
    double loss = 0;
    switch (spec.loss()) {
      case LOG_LIKELIHOOD: {
        double max = Double.NEGATIVE_INFINITY;
        for (double v : z) {
          max = Math.max(max, v);
        }
        double sum = 0;
        for (double v : z) {
          sum += Math.exp(v - max);
        }
        for (int j = 0; j < k; j++) {
          loss -= t[j] * (z[j] - max - Math.log(sum));
        }
        return loss;
      }
      case BINARY_CROSS_ENTROPY:
        for (int j = 0; j < k; j++) {
          double a = 1 / (1 + Math.exp(-z[j]));
          loss -= t[j] * Math.log(a) + (1 - t[j]) * Math.log(1 - a);
        }
        return loss;
      case MSE:
        for (int j = 0; j < k; j++) {
          double d = activate(spec.outputLayer().activation(), z[j]) - t[j];
          loss += 0.5 * d * d;
        }
        return loss;
      default:
        throw new AssertionError();
    }
  }

  static double activate(Activation activation, double z) {
    switch (activation) {
      case IDENTITY:
        return z;
      case SIGMOID:
        return 1 / (1 + Math.exp(-z));
      case TANH:
        return Math.tanh(z);
      case RELU:
        return Math.max(z, 0);
      case LEAKY_RELU:
        return z > 0 ? z : Activation.LEAKY_SLOPE * z;
      default:
        throw new AssertionError(activation);
    }
  }
}
