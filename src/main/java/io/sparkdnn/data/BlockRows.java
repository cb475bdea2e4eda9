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
      int[] columnMap) {
    int b = blockOf(index);
    addSparseTo(blocks.get(b), index - starts[b], batch, scaling, targetScaling, columnMap);
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
   * The map must keep the order of the indices.
   */
  public static void addSparseTo(PackedBlock block, int row, SparseMiniBatch batch, FeatureScaling scaling,
      TargetScaling targetScaling, int[] columnMap) {
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
