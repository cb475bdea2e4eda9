package io.sparkdnn.engine;

/**
 * The input of one forward/backward pass: up to {@code capacity} rows of features (row-major,
 * {@code inputWidth} floats each), their targets ({@link Task#targetWidth} floats each) and a stable
 * id per row, which keys the row's dropout masks so that they do not depend on how the data is
 * partitioned. Owned by a {@link DenseNetwork}; callers fill it in place, then run the pass.
 */
public final class MiniBatch {
  private final int capacity;
  private final int inputWidth;
  private final int targetWidth;
  private final float[] features;
  private final float[] targets;
  private final long[] rowIds;
  private final float[] weights;
  private boolean weighted;
  private int rows;

  MiniBatch(int capacity, int inputWidth, int targetWidth) {
    this.capacity = capacity;
    this.inputWidth = inputWidth;
    this.targetWidth = targetWidth;
    this.features = new float[capacity * inputWidth];
    this.targets = new float[capacity * targetWidth];
    this.rowIds = new long[capacity];
    this.weights = new float[capacity];
    java.util.Arrays.fill(weights, 1f);
  }

  public int capacity() {
    return capacity;
  }

  public int inputWidth() {
    return inputWidth;
  }

  public int targetWidth() {
    return targetWidth;
  }

  /** capacity × inputWidth floats, row-major; rows [0, rows()) are live. */
  public float[] features() {
    return features;
  }

  /** capacity × targetWidth floats, row-major. */
  public float[] targets() {
    return targets;
  }

  public long[] rowIds() {
    return rowIds;
  }

  /** capacity per-row weights, filled in place; read only when {@link #setWeighted} says so. */
  public float[] weights() {
    return weights;
  }

  /** Whether the next pass weighs rows by {@link #weights()} (otherwise every row weighs 1). */
  public void setWeighted(boolean weighted) {
    this.weighted = weighted;
  }

  /** The row weights of the next pass, or null when every row weighs 1. */
  public float[] rowWeights() {
    return weighted ? weights : null;
  }

  public int rows() {
    return rows;
  }

  public void setRows(int rows) {
    if (rows < 0 || rows > capacity) {
      throw new IllegalArgumentException(
          "a mini-batch holds 0.." + capacity + " rows, asked for " + rows);
    }
    this.rows = rows;
  }

  /** Copies one row in at position {@code row}; for tests and small callers. */
  public void setRow(int row, float[] x, int xOffset, float[] y, int yOffset, long id) {
    System.arraycopy(x, xOffset, features, row * inputWidth, inputWidth);
    System.arraycopy(y, yOffset, targets, row * targetWidth, targetWidth);
    rowIds[row] = id;
  }
}
