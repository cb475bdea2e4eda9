package io.sparkdnn.train;

import io.sparkdnn.engine.NetworkSpec;
import java.util.Arrays;

/**
 * A partition's view of a network with sparse input: only the k inputs its rows use, numbered
 * 0..k−1 in ascending order, so that its copies of the weights, gradient and optimiser state hold
 * k × O_0 first-layer floats instead of I × O_0. Rows are fed to a network of {@link #spec()} (I
 * replaced by k) with their column indices mapped through {@link #columnMap()}, which keeps their
 * order. Vectors are input-major (see {@code io.sparkdnn.engine.InputMajorVector}):
 *
 * <pre>
 *   full      [ W_0 (I × O_0) | tail ]        tail = b_0, W_1, b_1, ... (the same in both)
 *   compact   [ W_0 rows of inputs (k × O_0) | tail ]
 * </pre>
 */
final class CompactFirstLayer {
  private final NetworkSpec full;
  private final NetworkSpec compact;
  private final int[] inputs;
  private final int[] columnMap;

  /**
   * @param inputs the inputs used, ascending and distinct, in [0, I); an empty list is widened to
   *     input 0 (a network needs one input), whose row then stays unchanged
   */
  CompactFirstLayer(NetworkSpec full, int[] inputs) {
    this.full = full;
    this.inputs = inputs.length == 0 ? new int[] {0} : inputs;
    this.compact = withInputWidth(full, this.inputs.length);
    this.columnMap = new int[full.inputWidth()];
    Arrays.fill(columnMap, -1);
    for (int j = 0; j < this.inputs.length; j++) {
      columnMap[this.inputs[j]] = j;
    }
  }

  /** The same layers over {@code width} inputs. */
  static NetworkSpec withInputWidth(NetworkSpec spec, int width) {
    NetworkSpec.Builder b = NetworkSpec.builder(width);
    for (int l = 0; l < spec.layerCount() - 1; l++) {
      b.hidden(spec.layer(l).width(), spec.layer(l).activation(), spec.layer(l).dropout());
    }
    return b.output(spec.outputWidth(), spec.outputLayer().activation()).loss(spec.loss()).build();
  }

  NetworkSpec spec() {
    return compact;
  }

  /** The inputs, ascending: compact input j is input inputs()[j]. */
  int[] inputs() {
    return inputs;
  }

  /** Input i's compact index, −1 for inputs not used. */
  int[] columnMap() {
    return columnMap;
  }

  private int rowWidth() {
    return full.layer(0).width();
  }

  private int tailLength() {
    return full.parameterCount() - full.biasOffset(0);
  }

  /** A compact copy of a full input-major vector. */
  float[] gather(float[] fullVector) {
    int w = rowWidth();
    float[] out = new float[compact.parameterCount()];
    int base = full.weightOffset(0);
    for (int j = 0; j < inputs.length; j++) {
      System.arraycopy(fullVector, base + inputs[j] * w, out, j * w, w);
    }
    System.arraycopy(fullVector, full.biasOffset(0), out, compact.biasOffset(0), tailLength());
    return out;
  }

  /** (after − before) × factor over the first-layer rows: k × O_0 floats. */
  float[] rowDifference(float[] after, float[] before, float factor) {
    int n = inputs.length * rowWidth();
    float[] out = new float[n];
    for (int i = 0; i < n; i++) {
      out[i] = (after[i] - before[i]) * factor;
    }
    return out;
  }

  /** (after − before) × factor over the tail (b_0 and later layers). */
  float[] tailDifference(float[] after, float[] before, float factor) {
    int start = compact.biasOffset(0);
    float[] out = new float[tailLength()];
    for (int i = 0; i < out.length; i++) {
      out[i] = (after[start + i] - before[start + i]) * factor;
    }
    return out;
  }

  /** The first-layer rows of a compact vector, times factor. */
  float[] rows(float[] compactVector, float factor) {
    float[] out = Arrays.copyOf(compactVector, inputs.length * rowWidth());
    if (factor != 1f) {
      for (int i = 0; i < out.length; i++) {
        out[i] *= factor;
      }
    }
    return out;
  }

  /** The tail of a compact vector. */
  float[] tail(float[] compactVector) {
    return Arrays.copyOfRange(compactVector, compact.biasOffset(0), compact.parameterCount());
  }
}
