package io.sparkdnn.engine;

import java.io.Serializable;

/**
 * Which inputs of a sparse-input network some batches used — the rows of the first layer's
 * input-major gradient that can be non-zero. Add every batch of a partition, merge the partitions'
 * accumulators, and ship only those rows ({@link InputMajorVector#gatherFirstLayerRows}) instead of
 * the whole I × O_0 block; {@link InputMajorVector#clear} zeroes a gradient buffer by it.
 *
 * <p>A bitset over [0, I): I/8 bytes (32 KiB for I = 2^18), O(nnz) to add a batch, O(I/64) to count,
 * list or clear. A column whose value is an explicit 0 still counts as touched.
 */
public final class TouchedInputsAccumulator implements Serializable {
  private static final long serialVersionUID = 1L;

  private final int inputWidth;
  private final long[] words;

  public TouchedInputsAccumulator(int inputWidth) {
    if (inputWidth <= 0) {
      throw new IllegalArgumentException("input width must be positive, found " + inputWidth);
    }
    this.inputWidth = inputWidth;
    this.words = new long[(inputWidth + 63) >>> 6];
  }

  public int inputWidth() {
    return inputWidth;
  }

  /**
   * Adds the columns of the batch's live rows.
   *
   * @throws IllegalArgumentException if the batch is over another input width, or a row breaks the
   *     rules of {@link SparseMiniBatch} (the same message a pass would give)
   */
  public void add(SparseMiniBatch batch) {
    if (batch.inputWidth() != inputWidth) {
      throw new IllegalArgumentException(
          "batch has " + batch.inputWidth() + " inputs but these touched inputs are over " + inputWidth);
    }
    batch.validate();
    int[] columns = batch.columns();
    for (int p = 0, end = batch.nonZeros(); p < end; p++) {
      int c = columns[p];
      words[c >>> 6] |= 1L << c;
    }
  }

  /** Marks one input. */
  public void add(int input) {
    if (input < 0 || input >= inputWidth) {
      throw new IllegalArgumentException(
          "input index " + input + " is outside [0, " + inputWidth + ")");
    }
    words[input >>> 6] |= 1L << input;
  }

  /** Adds another accumulator's inputs to this one (a partition's, or another batch's). */
  public TouchedInputsAccumulator merge(TouchedInputsAccumulator other) {
    if (other.inputWidth != inputWidth) {
      throw new IllegalArgumentException(
          "cannot merge touched inputs over " + other.inputWidth + " inputs into ones over " + inputWidth);
    }
    for (int w = 0; w < words.length; w++) {
      words[w] |= other.words[w];
    }
    return this;
  }

  public boolean contains(int input) {
    return input >= 0 && input < inputWidth && (words[input >>> 6] & (1L << input)) != 0;
  }

  /** How many distinct inputs were touched. */
  public int count() {
    int count = 0;
    for (long w : words) {
      count += Long.bitCount(w);
    }
    return count;
  }

  /** The touched inputs, ascending, without repeats: a snapshot. */
  public int[] toSortedArray() {
    int[] out = new int[count()];
    int n = 0;
    for (int i = next(0); i >= 0; i = next(i + 1)) {
      out[n++] = i;
    }
    return out;
  }

  /** Forgets every input. */
  public void clear() {
    java.util.Arrays.fill(words, 0L);
  }

  /** The smallest touched input ≥ {@code from}, or −1. */
  int next(int from) {
    if (from >= inputWidth) {
      return -1;
    }
    int w = from >>> 6;
    long word = words[w] & (-1L << from);
    while (true) {
      if (word != 0) {
        return (w << 6) + Long.numberOfTrailingZeros(word);
      }
      if (++w == words.length) {
        return -1;
      }
      word = words[w];
    }
  }

  @Override
  public String toString() {
    return "TouchedInputsAccumulator{" + count() + " of " + inputWidth + " inputs}";
  }
}
