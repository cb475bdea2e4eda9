package io.sparkdnn.data;

import io.sparkdnn.engine.MiniBatch;
import io.sparkdnn.engine.SparseMiniBatch;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * The blocks of one partition seen as a single list of rows 0..n−1, for picking rows in any order
 * and copying them, rescaled, into a mini-batch.
 */
public final class BlockRows {
  private final List<PackedBlock> blocks = new ArrayList<>();
  private final int[] starts;
  private final int size;

  public BlockRows(Iterator<PackedBlock> partition) {
    partition.forEachRemaining(blocks::add);
    starts = new int[blocks.size() + 1];
    for (int b = 0; b < blocks.size(); b++) {
      starts[b + 1] = starts[b] + blocks.get(b).rows();
    }
    size = starts[blocks.size()];
  }

  public int size() {
    return size;
  }

  public List<PackedBlock> blocks() {
    return blocks;
  }

  /** Copies row {@code index} (0..size−1) into {@code batch} at {@code slot}. */
  public void copyTo(int index, MiniBatch batch, int slot, FeatureScaling scaling, TargetScaling targetScaling) {
    int b = blockOf(index);
    copyTo(blocks.get(b), index - starts[b], batch, slot, scaling, targetScaling);
  }

  /** {@link #copyTo(int, MiniBatch, int, FeatureScaling, TargetScaling)} with the row's weight times its class's. */
  public void copyTo(int index, MiniBatch batch, int slot, FeatureScaling scaling, TargetScaling targetScaling,
      float[] classWeights) {
    int b = blockOf(index);
    copyTo(blocks.get(b), index - starts[b], batch, slot, scaling, targetScaling, classWeights);
  }

  /**
   * Copies a row, and sets its weight in the batch: the row's own weight (1 without a weight
   * column) times its class's weight ({@code classWeights[class index]}; null for none).
   */
  public static void copyTo(PackedBlock block, int row, MiniBatch batch, int slot, FeatureScaling scaling,
      TargetScaling targetScaling, float[] classWeights) {
    copyTo(block, row, batch, slot, scaling, targetScaling);
    float w = block.weights() == null ? 1f : block.weights()[row];
    if (classWeights != null) {
      w *= classWeights[(int) block.targets()[row * block.targetWidth()]];
    }
    batch.weights()[slot] = w;
  }

  /** Whether rows copied from {@code blocks} with {@code classWeights} need the batch's weights. */
  public static boolean weighted(PackedBlock block, float[] classWeights) {
    return block.weights() != null || classWeights != null;
  }

  /**
   * Copies row {@code row} of {@code block} into {@code batch} at {@code slot}, features rescaled by
   * {@code scaling} and targets by {@code targetScaling}.
   */
  public static void copyTo(PackedBlock block, int row, MiniBatch batch, int slot, FeatureScaling scaling,
      TargetScaling targetScaling) {
    int width = block.width();
    int targetWidth = block.targetWidth();
    scaling.apply(block.features(), row * width, batch.features(), slot * width);
    targetScaling.apply(block.targets(), row * targetWidth, batch.targets(), slot * targetWidth);
    batch.rowIds()[slot] = block.rowIds()[row];
  }

  /**
   * Appends row {@code index} (0..size−1) of sparse blocks to {@code batch}; see
   * {@link #addSparseTo(PackedBlock, int, SparseMiniBatch, FeatureScaling, TargetScaling, int[])}.
   */
  public void addSparseTo(int index, SparseMiniBatch batch, FeatureScaling scaling, TargetScaling targetScaling,
      float[] classWeights, int[] columnMap) {
    int b = blockOf(index);
    addSparseTo(blocks.get(b), index - starts[b], batch, scaling, targetScaling, classWeights, columnMap);
  }

  /** The sparse features of row {@code index} (0..size−1): its block's rows; see {@link #rowInBlock}. */
  public CsrRows sparseRowsOf(int index) {
    return blocks.get(blockOf(index)).sparseFeatures();
  }

  /** Where row {@code index} (0..size−1) is inside its block. */
  public int rowInBlock(int index) {
    return index - starts[blockOf(index)];
  }

  /**
   * Appends row {@code row} of the sparse {@code block} to {@code batch} as its next row: the
   * non-zeros rescaled by {@code scaling} (which must keep zeros zero), the targets by
   * {@code targetScaling}, and each column index {@code c} written as {@code columnMap[c]} — the
   * input's position in a network over fewer inputs — or as it is when {@code columnMap} is null.
   * The map must keep the order of the indices. The row's weight in the batch is its own weight (1
   * without a weight column) times its class's ({@code classWeights[class index]}; null for none).
   */
  public static void addSparseTo(PackedBlock block, int row, SparseMiniBatch batch, FeatureScaling scaling,
      TargetScaling targetScaling, float[] classWeights, int[] columnMap) {
    CsrRows x = block.sparseFeatures();
    int start = x.rowOffsets()[row];
    int end = x.rowOffsets()[row + 1];
    int slot = batch.rows();
    int at = batch.nonZeros();
    batch.ensureNonZeroCapacity(at + end - start);
    int[] columns = batch.columns();
    int[] from = x.columns();
    if (columnMap == null) {
      System.arraycopy(from, start, columns, at, end - start);
    } else {
      for (int p = start; p < end; p++) {
        columns[at + p - start] = columnMap[from[p]];
      }
    }
    scaling.applyToNonZeros(from, x.values(), start, end, batch.values(), at);
    int targetWidth = block.targetWidth();
    targetScaling.apply(block.targets(), row * targetWidth, batch.targets(), slot * targetWidth);
    batch.rowIds()[slot] = block.rowIds()[row];
    float w = block.weights() == null ? 1f : block.weights()[row];
    if (classWeights != null) {
      w *= classWeights[(int) block.targets()[row * targetWidth]];
    }
    batch.weights()[slot] = w;
    batch.rowOffsets()[slot + 1] = at + end - start;
    batch.setRows(slot + 1);
  }

  private int blockOf(int index) {
    int lo = 0;
    int hi = blocks.size() - 1;
    while (lo < hi) {
      int mid = (lo + hi + 1) >>> 1;
      if (starts[mid] <= index) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    return lo;
  }
}
