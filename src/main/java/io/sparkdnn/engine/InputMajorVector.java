package io.sparkdnn.engine;

import java.io.Serializable;
import java.util.Objects;

/**
 * A flat vector over the parameters of a network — its weights, a gradient, or optimizer state — in
 * the layout a {@link SparseInputNetwork} computes with: the same as {@link NetworkSpec}'s canonical
 * layout except that the first layer's weights W_0 are stored input-major:
 *
 * <pre>
 *   canonical     [ W_0 (O_0 × I, row o = output o's weights) | b_0 | W_1 (O_1 × O_0) | b_1 | ... ]
 *   input-major   [ W_0 (I × O_0, row i = input i's weights)  | b_0 | W_1 (O_1 × O_0) | b_1 | ... ]
 * </pre>
 *
 * Both occupy the same offsets; only the order inside W_0 differs. Input-major keeps one input's
 * O_0 weights contiguous, so a non-zero of a sparse row reads O_0/16 cache lines instead of O_0
 * (one per output): 6–10× faster for I = 2^18, O_0 = 128 (see {@code SparseLayoutBenchmark}).
 *
 * <p>The layout is a type so that it cannot be mixed up: the sparse network takes only this type;
 * the model file, warm starts and {@link DenseNetwork} take canonical {@code float[]}s, obtained
 * with {@link #toCanonical()}; a canonical array becomes one of these only through
 * {@link #fromCanonical}, which converts it. Element-wise work that does not care about the order
 * (optimizer steps, sums of partitions' gradients, norms, L2 over {@link NetworkSpec#weightRanges()},
 * whose ranges are the same in both layouts) uses {@link #inputMajorValues()} directly.
 */
public final class InputMajorVector implements Serializable {
  private static final long serialVersionUID = 1L;
  /** Side of the square tiles of the transposition: 64 × 64 floats = 16 KiB, inside L1 + L2. */
  private static final int TILE = 64;

  private final NetworkSpec spec;
  private final float[] values;

  private InputMajorVector(NetworkSpec spec, float[] values) {
    this.spec = Objects.requireNonNull(spec, "spec");
    spec.checkParameters(values, "input-major vector");
    this.values = values;
  }

  /** All zeros: e.g. a gradient buffer. */
  public static InputMajorVector zeros(NetworkSpec spec) {
    return new InputMajorVector(spec, new float[spec.parameterCount()]);
  }

  /**
   * Converts a vector in the canonical layout (W_0 O×I) into a new input-major vector; the argument
   * is not changed.
   *
   * @throws IllegalArgumentException if its length is not {@code spec.parameterCount()}
   */
  public static InputMajorVector fromCanonical(NetworkSpec spec, float[] canonical) {
    spec.checkParameters(canonical, "canonical parameter vector");
    float[] values = canonical.clone();
    transpose(canonical, values, spec.weightOffset(0), spec.layer(0).width(), spec.inputWidth());
    return new InputMajorVector(spec, values);
  }

  /**
   * Wraps, without copying, an array that already is input-major — one this class produced, or an
   * element-wise combination of such arrays (a sum of partitions' gradients, an optimizer step).
   * Never pass a canonical array here: convert it with {@link #fromCanonical}.
   */
  public static InputMajorVector wrapInputMajor(NetworkSpec spec, float[] inputMajorValues) {
    return new InputMajorVector(spec, inputMajorValues);
  }

  /** A new array in the canonical layout (W_0 O×I), for the model file and everything outside. */
  public float[] toCanonical() {
    float[] canonical = values.clone();
    transpose(values, canonical, spec.weightOffset(0), spec.inputWidth(), spec.layer(0).width());
    return canonical;
  }

  /** An independent copy. */
  public InputMajorVector copy() {
    return new InputMajorVector(spec, values.clone());
  }

  public NetworkSpec spec() {
    return spec;
  }

  /** The backing array (not a copy), input-major: for element-wise work only, never for a file. */
  public float[] inputMajorValues() {
    return values;
  }

  /** Where input {@code i}'s O_0 first-layer weights start; they are contiguous. */
  public int firstLayerRowOffset(int input) {
    checkInput(input);
    return spec.weightOffset(0) + input * spec.layer(0).width();
  }

  /**
   * Sets to zero everything a batch touching only {@code touched}'s inputs can have added to: the
   * W_0 rows of those inputs, b_0 and every later layer. Cost ∝ touched × O_0 + the later layers,
   * not I × O_0: how a gradient buffer is cleared between sparse batches.
   */
  public void clear(TouchedInputsAccumulator touched) {
    checkWidth(touched);
    int outputs = spec.layer(0).width();
    int base = spec.weightOffset(0);
    for (int i = touched.next(0); i >= 0; i = touched.next(i + 1)) {
      java.util.Arrays.fill(values, base + i * outputs, base + (i + 1) * outputs, 0f);
    }
    java.util.Arrays.fill(values, spec.biasOffset(0), values.length, 0f);
  }

  /**
   * Copies the W_0 rows of {@code inputs} (each O_0 floats) one after another into {@code dest}
   * from {@code destOffset}: the part of a sparse gradient worth shipping.
   */
  public void gatherFirstLayerRows(int[] inputs, float[] dest, int destOffset) {
    int outputs = spec.layer(0).width();
    checkRowBlock("destination", inputs.length, outputs, dest, destOffset);
    for (int k = 0; k < inputs.length; k++) {
      System.arraycopy(values, firstLayerRowOffset(inputs[k]), dest, destOffset + k * outputs, outputs);
    }
  }

  /** Adds {@code inputs.length} rows of O_0 floats from {@code src} to the W_0 rows of {@code inputs}. */
  public void addFirstLayerRows(int[] inputs, float[] src, int srcOffset) {
    int outputs = spec.layer(0).width();
    checkRowBlock("source", inputs.length, outputs, src, srcOffset);
    for (int k = 0; k < inputs.length; k++) {
      int row = firstLayerRowOffset(inputs[k]);
      int from = srcOffset + k * outputs;
      for (int o = 0; o < outputs; o++) {
        values[row + o] += src[from + o];
      }
    }
  }

  /**
   * dst[off + c·rows + r] = src[off + r·cols + c]: the rows×cols block at {@code offset}, transposed,
   * tile by tile. Inside a tile the inner loop runs along the shorter side's stride: walking with a
   * stride of I floats (1 MiB for I = 2^18, a power of two) would put every access of a tile in the
   * same cache set, which measured 2–3× slower (about 100 ms vs 250 ms each way for 2^18 × 128).
   */
  private static void transpose(float[] src, float[] dst, int offset, int rows, int cols) {
    for (int r0 = 0; r0 < rows; r0 += TILE) {
      int r1 = Math.min(rows, r0 + TILE);
      for (int c0 = 0; c0 < cols; c0 += TILE) {
        int c1 = Math.min(cols, c0 + TILE);
        if (cols >= rows) { // read along a row, write with a stride of rows
          for (int r = r0; r < r1; r++) {
            for (int c = c0; c < c1; c++) {
              dst[offset + c * rows + r] = src[offset + r * cols + c];
            }
          }
        } else { // read with a stride of cols, write along a row
          for (int c = c0; c < c1; c++) {
            for (int r = r0; r < r1; r++) {
              dst[offset + c * rows + r] = src[offset + r * cols + c];
            }
          }
        }
      }
    }
  }

  private void checkInput(int input) {
    if (input < 0 || input >= spec.inputWidth()) {
      throw new IllegalArgumentException(
          "input index " + input + " is outside [0, " + spec.inputWidth() + ") of network " + spec);
    }
  }

  private void checkWidth(TouchedInputsAccumulator touched) {
    if (touched.inputWidth() != spec.inputWidth()) {
      throw new IllegalArgumentException(
          "touched inputs are over " + touched.inputWidth() + " inputs but network " + spec + " has "
              + spec.inputWidth());
    }
  }

  private static void checkRowBlock(String what, int count, int outputs, float[] array, int offset) {
    long end = offset + (long) count * outputs;
    if (offset < 0 || end > array.length) {
      throw new IllegalArgumentException(
          "the " + what + " of " + count + " rows of " + outputs + " floats from offset " + offset
              + " needs " + end + " floats, but its array holds " + array.length);
    }
  }
}
