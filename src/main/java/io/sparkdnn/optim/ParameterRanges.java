package io.sparkdnn.optim;

import io.sparkdnn.engine.NetworkSpec;
import java.util.Arrays;

/**
 * The parts of a flat parameter vector that one optimizer step updates: disjoint, ascending
 * [start, end) ranges, and the ones among them that hold weights (not biases), which L2 and weight
 * decay apply to. {@link #all} is every parameter — a dense step.
 *
 * <p>{@link #firstLayerRows} is a lazy step for sparse input: a batch of sparse rows has a zero
 * gradient in the first-layer weights of every input it did not use, and the step updates only the
 * rows of the inputs it did use (W_0 held input-major, so each is O_0 contiguous floats) and
 * everything from b_0 on. Rows not in the step keep their weights and optimizer state unchanged —
 * no momentum carried over, no L2 or weight decay — as PyTorch's SparseAdam and TensorFlow's
 * LazyAdam do; a step over every row is exactly the dense step. The cost is ∝ touched rows × O_0
 * instead of I × O_0 (2^18 × 128 = 33.5 M floats per step).
 */
public final class ParameterRanges {
  private final int[] ranges;
  private final int[] weightRanges;

  private ParameterRanges(int[] ranges, int[] weightRanges) {
    this.ranges = ranges;
    this.weightRanges = weightRanges;
  }

  /**
   * Every one of {@code parameterCount} parameters.
   *
   * @param weightRanges [start, end) pairs of the weights, e.g. {@link NetworkSpec#weightRanges()}
   */
  public static ParameterRanges all(int parameterCount, int[] weightRanges) {
    return new ParameterRanges(new int[] {0, parameterCount}, weightRanges.clone());
  }

  /**
   * The first-layer rows of {@code inputs[0..count)} (ascending, distinct, in [0, I)) of a vector
   * laid out input-major (see {@code io.sparkdnn.engine.InputMajorVector}), plus every parameter
   * from b_0 on.
   *
   * @throws IllegalArgumentException when the inputs are not ascending and in range
   */
  public static ParameterRanges firstLayerRows(NetworkSpec spec, int[] inputs, int count) {
    int outputs = spec.layer(0).width();
    int base = spec.weightOffset(0);
    int[] rows = new int[2 * count + 2];
    int n = 0;
    int previous = -1;
    for (int k = 0; k < count; k++) {
      int i = inputs[k];
      if (i <= previous || i >= spec.inputWidth()) {
        throw new IllegalArgumentException("first-layer rows must be ascending inputs in [0, " + spec.inputWidth()
            + "), found " + i + " after " + previous);
      }
      int start = base + i * outputs;
      if (n > 0 && rows[n - 1] == start) {
        rows[n - 1] = start + outputs; // adjacent to the previous row: one range
      } else {
        rows[n++] = start;
        rows[n++] = start + outputs;
      }
      previous = i;
    }
    int[] later = spec.weightRanges();
    int[] weights = Arrays.copyOf(rows, n + later.length - 2);
    System.arraycopy(later, 2, weights, n, later.length - 2);
    rows[n++] = spec.biasOffset(0);
    rows[n++] = spec.parameterCount();
    return new ParameterRanges(Arrays.copyOf(rows, n), weights);
  }

  /** [start, end) pairs of the parameters to update, ascending. */
  public int[] ranges() {
    return ranges;
  }

  /** [start, end) pairs of the weights among them (L2 and weight decay apply to these). */
  public int[] weightRanges() {
    return weightRanges;
  }

  /** How many parameters the step updates. */
  public long size() {
    long n = 0;
    for (int r = 0; r < ranges.length; r += 2) {
      n += ranges[r + 1] - ranges[r];
    }
    return n;
  }

  /** Σ g² over the ranges, in double. */
  double squaredNorm(float[] gradient) {
    double sum = 0;
    for (int r = 0; r < ranges.length; r += 2) {
      for (int i = ranges[r]; i < ranges[r + 1]; i++) {
        sum += (double) gradient[i] * gradient[i];
      }
    }
    return sum;
  }

  /** g *= factor over the ranges. */
  public void scale(float[] gradient, float factor) {
    for (int r = 0; r < ranges.length; r += 2) {
      for (int i = ranges[r]; i < ranges[r + 1]; i++) {
        gradient[i] *= factor;
      }
    }
  }

  /** True when every value over the ranges is finite. */
  public boolean allFinite(float[] values) {
    float check = 0f;
    for (int r = 0; r < ranges.length; r += 2) {
      for (int i = ranges[r]; i < ranges[r + 1]; i++) {
        check += values[i] * 0f;
      }
    }
    return check == 0f;
  }
}
