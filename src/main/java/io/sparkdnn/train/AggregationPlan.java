package io.sparkdnn.train;

import java.util.Locale;

/**
 * Checks before the first round that summing partition results will fit on the driver, and picks
 * the treeAggregate depth: Spark collects the last level of the tree (its "fan-in") at the driver,
 * and refuses a job whose results exceed {@code spark.driver.maxResultSize}.
 */
public final class AggregationPlan {
  static final int MAX_DEPTH = 10;
  /** Results up to this total (bytes) are merged at the driver in one level under tree-depth = auto. */
  static final long FLAT_MERGE_BYTES = 32L << 20;

  private final int depth;
  private final int fanIn;
  private final long resultBytes;

  private AggregationPlan(int depth, int fanIn, long resultBytes) {
    this.depth = depth;
    this.fanIn = fanIn;
    this.resultBytes = resultBytes;
  }

  public int depth() {
    return depth;
  }

  public int fanIn() {
    return fanIn;
  }

  public long resultBytes() {
    return resultBytes;
  }

  /**
   * @param resultBytes serialized size of one partition's result
   * @param driverVectorsBytes what the driver keeps besides results: weights, optimiser state, …
   * @param maxResultSize {@code spark.driver.maxResultSize} in bytes, 0 for unlimited
   * @param driverMemory the driver's maximum heap
   * @param configuredDepth 0 for automatic
   */
  public static AggregationPlan plan(
      long resultBytes, long driverVectorsBytes, int partitions, long maxResultSize, long driverMemory,
      int configuredDepth) {
    long limit = maxResultSize <= 0 ? Long.MAX_VALUE : maxResultSize;
    // Serialized results of the final level, plus the same deserialized while merging.
    long heapLimit = driverMemory / 2 - driverVectorsBytes;
    if (heapLimit <= 0) {
      throw new IllegalStateException(String.format(Locale.ROOT,
          "the driver needs about %s for the weights, gradients and optimiser state of this network "
              + "but has %s of heap; raise spark.driver.memory (or --driver-memory)",
          bytes(driverVectorsBytes), bytes(driverMemory)));
    }
    // Auto: one level (every result straight to the driver) while they are few and small; each
    // further level is a shuffle stage, measured at 40-60 ms a round on the standalone cluster, which
    // made sync rounds at 8-16 partitions of 1 MB results 1.6-1.9x slower than depth 1
    // (scripts/bench-cluster.sh). Beyond FLAT_MERGE_BYTES the driver's serial fetch and merge grows
    // past one level's cost, and the tree pays off.
    int first = configuredDepth > 0 ? configuredDepth
        : (long) partitions * resultBytes <= FLAT_MERGE_BYTES ? 1 : 2;
    int last = configuredDepth > 0 ? configuredDepth : MAX_DEPTH;
    for (int d = first; d <= last; d++) {
      int fanIn = fanIn(partitions, d);
      long total = fanIn * resultBytes;
      if (total <= limit && 2 * total <= heapLimit) {
        return new AggregationPlan(d, fanIn, resultBytes);
      }
    }
    int fanIn = fanIn(partitions, last);
    String fix = configuredDepth > 0
        ? "raise training.tree-depth (or set it to auto)"
        : "use fewer partitions (data.partitions)";
    throw new IllegalStateException(String.format(Locale.ROOT,
        "summing gradients will not fit on the driver: each of %d partitions returns %s, and at tree "
            + "depth %d the driver collects %d of them (%s), over spark.driver.maxResultSize (%s) or "
            + "half the driver heap (%s); raise spark.driver.maxResultSize and spark.driver.memory, or %s",
        partitions, bytes(resultBytes), last, fanIn, bytes(fanIn * resultBytes),
        maxResultSize <= 0 ? "unlimited" : bytes(maxResultSize), bytes(driverMemory / 2), fix));
  }

  /**
   * How many results reach the driver after treeAggregate's intermediate levels; mirrors the
   * level loop of Spark's RDD.treeAggregate.
   */
  public static int fanIn(int partitions, int depth) {
    return treeShape(partitions, depth)[1];
  }

  /** Intermediate (shuffle) levels of Spark's RDD.treeAggregate for {@code partitions} at {@code depth}. */
  public static int levels(int partitions, int depth) {
    return treeShape(partitions, depth)[0];
  }

  /** Results each reducer of an intermediate level merges (Spark's scale). */
  public static int scale(int partitions, int depth) {
    return Math.max((int) Math.ceil(Math.pow(partitions, 1.0 / depth)), 2);
  }

  /** {levels, fan-in}: Spark's loop, which divides the partitions by the scale while that saves results. */
  private static int[] treeShape(int partitions, int depth) {
    int scale = scale(partitions, depth);
    int n = partitions;
    int levels = 0;
    while (n > scale + (int) Math.ceil((double) n / scale)) {
      n /= scale;
      levels++;
    }
    return new int[] {levels, n};
  }

  static String bytes(long b) {
    if (b >= 1L << 30) {
      return String.format(Locale.ROOT, "%.1f GiB", b / (double) (1L << 30));
    }
    if (b >= 1L << 20) {
      return String.format(Locale.ROOT, "%.1f MiB", b / (double) (1L << 20));
    }
    return String.format(Locale.ROOT, "%.1f KiB", b / 1024.0);
  }
}
