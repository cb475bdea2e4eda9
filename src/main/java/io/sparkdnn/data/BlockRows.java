package io.sparkdnn.data;

import io.sparkdnn.engine.MiniBatch;
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
