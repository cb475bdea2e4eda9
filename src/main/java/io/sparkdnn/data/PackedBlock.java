package io.sparkdnn.data;

import java.io.Serializable;

/**
 * Rows packed as contiguous floats: the unit the training data is cached in. Features are
 * rows × width row-major, targets rows × targetWidth (a class index for multi-class), and each
 * row keeps its id — its 0-based position in the input — which keys shuffling, round membership
 * and dropout so that none of them depends on how the data is partitioned. With a weight column,
 * each row also has its weight ({@link #weights()}; null when rows are unweighted). No per-row
 * objects.
 */
public final class PackedBlock implements Serializable {
  private static final long serialVersionUID = 1L;

  private final int rows;
  private final int width;
  private final int targetWidth;
  private final float[] features;
  private final float[] targets;
  private final long[] rowIds;
  private final float[] weights;
  private final boolean validation;

  public PackedBlock(
      int rows, int width, int targetWidth, float[] features, float[] targets, long[] rowIds,
      boolean validation) {
    this(rows, width, targetWidth, features, targets, rowIds, null, validation);
  }

  /** @param weights one weight per row, or null when rows are unweighted */
  public PackedBlock(
      int rows, int width, int targetWidth, float[] features, float[] targets, long[] rowIds, float[] weights,
      boolean validation) {
    if (weights != null && weights.length != rows) {
      throw new IllegalArgumentException("block has " + rows + " rows but " + weights.length + " weights");
    }
    if (features.length != rows * width || targets.length != rows * targetWidth || rowIds.length != rows) {
      throw new IllegalArgumentException("block arrays do not match " + rows + " rows of width "
          + width + " and target width " + targetWidth);
    }
    this.rows = rows;
    this.width = width;
    this.targetWidth = targetWidth;
    this.features = features;
    this.targets = targets;
    this.rowIds = rowIds;
    this.weights = weights;
    this.validation = validation;
  }

  public int rows() {
    return rows;
  }

  public int width() {
    return width;
  }

  public int targetWidth() {
    return targetWidth;
  }

  public float[] features() {
    return features;
  }

  public float[] targets() {
    return targets;
  }

  public long[] rowIds() {
    return rowIds;
  }

  /** One weight per row, or null when the rows are unweighted (each weighs 1). */
  public float[] weights() {
    return weights;
  }

  /** True for rows held out for validation (split by row id), false for training rows. */
  public boolean isValidation() {
    return validation;
  }

  /** Bytes of the arrays, as cached. */
  public long payloadBytes() {
    return 4L * features.length + 4L * targets.length + 8L * rowIds.length
        + (weights == null ? 0 : 4L * weights.length);
  }

  /** Rows [from, to) as a new block. */
  public PackedBlock slice(int from, int to) {
    int n = to - from;
    float[] f = new float[n * width];
    float[] t = new float[n * targetWidth];
    long[] ids = new long[n];
    System.arraycopy(features, from * width, f, 0, n * width);
    System.arraycopy(targets, from * targetWidth, t, 0, n * targetWidth);
    System.arraycopy(rowIds, from, ids, 0, n);
    return new PackedBlock(n, width, targetWidth, f, t, ids,
        weights == null ? null : java.util.Arrays.copyOfRange(weights, from, to), validation);
  }
}
