package io.sparkdnn.data;

import java.io.Serializable;

/**
 * Rows packed as contiguous floats: the unit the training data is cached in. Features are
 * rows × width row-major, targets rows × targetWidth (a class index for multi-class), and each
 * row keeps its id — its 0-based position in the input — which keys shuffling, round membership
 * and dropout so that none of them depends on how the data is partitioned. With a weight column,
 * each row also has its weight ({@link #weights()}; null when rows are unweighted). No per-row
 * objects.
 *
 * <p>A sparse block ({@link #isSparse()}, {@link DataLayout#SPARSE}) holds its features as
 * {@link CsrRows} instead — the non-zeros and their indices in [0, width) — and has no dense
 * feature array: {@link #features()} refuses, {@link #sparseFeatures()} gives them.
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
  /** The features in CSR form when the block is sparse, else null (then {@link #features} holds them). */
  private final CsrRows sparse;

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
    this.sparse = null;
  }

  /**
   * A sparse block: {@code features} holds the rows' non-zeros, with column indices in [0, width).
   *
   * @param weights one weight per row, or null when rows are unweighted
   */
  public PackedBlock(
      int rows, int width, int targetWidth, CsrRows features, float[] targets, long[] rowIds, float[] weights,
      boolean validation) {
    if (weights != null && weights.length != rows) {
      throw new IllegalArgumentException("block has " + rows + " rows but " + weights.length + " weights");
    }
    if (features.rows() != rows || targets.length != rows * targetWidth || rowIds.length != rows) {
      throw new IllegalArgumentException("block arrays do not match " + rows + " sparse rows of width "
          + width + " and target width " + targetWidth);
    }
    this.rows = rows;
    this.width = width;
    this.targetWidth = targetWidth;
    this.features = null;
    this.targets = targets;
    this.rowIds = rowIds;
    this.weights = weights;
    this.validation = validation;
    this.sparse = features;
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

  /**
   * rows × width floats, row-major.
   *
   * @throws IllegalStateException for a sparse block (read {@link #sparseFeatures()})
   */
  public float[] features() {
    if (sparse != null) {
      throw new IllegalStateException("a sparse block has no dense features; read sparseFeatures()");
    }
    return features;
  }

  /** True when the features are held as non-zeros ({@link #sparseFeatures()}). */
  public boolean isSparse() {
    return sparse != null;
  }

  /**
   * The features as non-zeros.
   *
   * @throws IllegalStateException for a dense block (read {@link #features()})
   */
  public CsrRows sparseFeatures() {
    if (sparse == null) {
      throw new IllegalStateException("a dense block has no sparse features; read features()");
    }
    return sparse;
  }

  /** Non-zero features (stored ones, for a sparse block; non-zero values, for a dense one). */
  public long nonZeros() {
    if (sparse != null) {
      return sparse.nonZeros();
    }
    long n = 0;
    for (float v : features) {
      n += v != 0f ? 1 : 0;
    }
    return n;
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
    long featureBytes = sparse != null ? sparse.payloadBytes() : 4L * features.length;
    return featureBytes + 4L * targets.length + 8L * rowIds.length + (weights == null ? 0 : 4L * weights.length);
  }

  /** Rows [from, to) as a new block. */
  public PackedBlock slice(int from, int to) {
    int n = to - from;
    if (sparse != null) {
      float[] t = java.util.Arrays.copyOfRange(targets, from * targetWidth, to * targetWidth);
      return new PackedBlock(n, width, targetWidth, sparse.slice(from, to), t,
          java.util.Arrays.copyOfRange(rowIds, from, to),
          weights == null ? null : java.util.Arrays.copyOfRange(weights, from, to), validation);
    }
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
