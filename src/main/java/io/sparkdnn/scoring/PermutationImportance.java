package io.sparkdnn.scoring;

import io.sparkdnn.data.FeatureScaling;
import io.sparkdnn.data.PackedBlock;
import io.sparkdnn.data.TargetScaling;
import io.sparkdnn.engine.BlasBackend;
import io.sparkdnn.engine.BlasLibrary;
import io.sparkdnn.engine.LossAccumulator;
import io.sparkdnn.engine.NetworkSpec;
import io.sparkdnn.engine.ReplacedInputNetwork;
import io.sparkdnn.engine.Seeds;
import io.sparkdnn.engine.Task;
import io.sparkdnn.model.DnnModel;
import io.sparkdnn.results.FeatureImportance;
import io.sparkdnn.results.MetricName;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.apache.spark.HashPartitioner;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Tuple2;

/**
 * Permutation feature importance of a trained model on packed, labelled rows (Breiman 2001;
 * scikit-learn's permutation_importance): for each unit ({@link FeatureUnits}) and repetition, the
 * unit's values are shuffled across rows and the rows evaluated with the trained weights; the
 * importance is how much worse the metric gets than on the rows as they are.
 *
 * <p>How it runs, in two Spark jobs whatever the number of units:
 *
 * <ol>
 *   <li><b>Regroup</b> (one shuffle): each row (of a seeded sample of at most importance.max-rows)
 *       goes to one of G groups of about {@value #GROUP_ROWS} rows by a hash of (seed, row id), and
 *       each group becomes one block, its rows in id order. Rows are shuffled within their group,
 *       so a group must be a random sample of the rows: the packed blocks are cut by input
 *       position, and a table sorted by label or date would otherwise be shuffled only among
 *       similar rows. Groups depend on the ids and the seed alone, so the result does not depend on
 *       how the data is partitioned (up to float rounding of summed losses).
 *   <li><b>Evaluate</b> (one pass, every unit): a task takes a group, scales it, computes the first
 *       layer's product Z_0 = X·W_0ᵀ once, evaluates the rows as they are, and then for each unit u
 *       and repetition r draws a permutation π of the group's rows from (seed, u, r, group) and
 *       evaluates the rows with u's columns taken from row π(i), through {@link
 *       ReplacedInputNetwork}: Z_0 changes by (X'−X)_u·(W_0ᵀ)_u, |u|·O multiply-adds per row
 *       instead of I·O, and the rest of the network runs as usual. For 784 inputs and a 256-wide
 *       first layer that removes 85% of a forward pass's work, and more for inputs that are mostly
 *       equal (a background pixel is 0 in most rows, so swapping it changes nothing to compute).
 * </ol>
 *
 * The sums of every (unit, repetition) come back in one {@link ImportanceAccumulator} per task
 * (4 doubles each). Units are split into several evaluation passes only when these sums would
 * exceed {@value #MAX_ACCUMULATOR_BYTES} bytes; the regrouped rows are then cached between passes.
 */
public final class PermutationImportance {
  private static final Logger LOG = LoggerFactory.getLogger(PermutationImportance.class);
  /** Rows per group: large enough that a shuffle within a group mixes thoroughly. */
  static final int GROUP_ROWS = 1024;
  /** Rows per engine call. */
  private static final int BATCH_ROWS = 256;
  private static final long MAX_ACCUMULATOR_BYTES = 16L << 20;
  private static final long SAMPLE = 0x5A3L;
  private static final long GROUP = 0x6B0L;
  private static final long PERMUTE = 0x9E4L;

  private final DnnModel model;
  private final ImportanceSettings settings;
  private final BlasBackend blas;

  /** Importance of {@code model}'s inputs as {@code settings} say, with matrix products from {@code blas}. */
  public PermutationImportance(DnnModel model, ImportanceSettings settings, BlasBackend blas) {
    this.model = model;
    this.settings = settings;
    this.blas = blas;
  }

  /**
   * Importance of each of {@code units} on {@code blocks} ({@code rowCount} rows in all).
   *
   * @throws IllegalArgumentException when importance.metric does not apply to the model's task,
   *     or {@code units} do not cover the model's inputs
   */
  public FeatureImportance compute(JavaRDD<PackedBlock> blocks, long rowCount, FeatureUnits units) {
    if (model.columns().layout() == io.sparkdnn.data.DataLayout.SPARSE) {
      throw new io.sparkdnn.data.DataException("permutation importance does not take sparse rows (the model reads "
          + model.spec().inputWidth() + " features as non-zeros; permuting each would be a pass per feature); "
          + "leave importance off for this model, or train it on rows packed dense (data.layout = dense)");
    }
    MetricName metric = settings.metricFor(model.task());
    for (int[] slots : units.slots()) {
      for (int s : slots) {
        if (s < 0 || s >= model.spec().inputWidth()) {
          throw new IllegalArgumentException("unit slot " + s + " outside the network's " + model.spec().inputWidth()
              + " inputs");
        }
      }
    }
    long start = System.nanoTime();
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(blocks.context());
    long seed = settings.seed();
    double fraction = settings.maxRows() > 0 && rowCount > settings.maxRows()
        ? (double) settings.maxRows() / rowCount : 1.0;
    int groups = (int) Math.max(1, Math.round(rowCount * fraction / GROUP_ROWS));
    int partitions = Math.max(1, Math.min(groups, blocks.getNumPartitions()));
    sc.setJobDescription("permutation importance · regroup " + (fraction < 1 ? "a sample of " : "") + rowCount
        + " rows into " + groups + " groups");
    JavaRDD<PackedBlock> grouped = blocks
        .mapPartitionsToPair(part -> pieces(part, seed, fraction, groups))
        .partitionBy(new HashPartitioner(partitions))
        .mapPartitions(PermutationImportance::mergeGroups, true);
    int repeats = settings.repeats();
    long perUnit = (long) repeats * ImportanceAccumulator.FIELDS * 8;
    int unitsPerPass = (int) Math.max(1, Math.min(units.count(), MAX_ACCUMULATOR_BYTES / perUnit));
    int passes = (units.count() + unitsPerPass - 1) / unitsPerPass;
    if (passes > 1) {
      grouped = grouped.persist(StorageLevel.MEMORY_AND_DISK());
    }
    Broadcast<float[]> weights = sc.broadcast(model.weights());
    double baseline = Double.NaN;
    long rows = 0;
    double[][] drops = new double[units.count()][repeats];
    try {
      for (int pass = 0; pass < passes; pass++) {
        int from = pass * unitsPerPass;
        int to = Math.min(units.count(), from + unitsPerPass);
        sc.setJobDescription("permutation importance · units " + (from + 1) + "–" + to + " of " + units.count()
            + " × " + repeats + " repetitions");
        GroupTask task = new GroupTask(model, units, from, to, repeats, seed, weights, blas);
        ImportanceAccumulator sums = grouped.mapPartitions(task::call)
            .treeAggregate(new ImportanceAccumulator(), ImportanceAccumulator::merge, ImportanceAccumulator::merge, 2);
        rows = sums.rows();
        if (rows == 0) {
          throw new IllegalArgumentException("no rows to compute importance on");
        }
        int outputs = model.spec().outputWidth();
        baseline = value(metric, sums, 0, outputs);
        for (int u = from; u < to; u++) {
          for (int r = 0; r < repeats; r++) {
            double permuted = value(metric, sums, 1 + (u - from) * repeats + r, outputs);
            drops[u][r] = metric.higherIsBetter() ? baseline - permuted : permuted - baseline;
          }
        }
      }
    } finally {
      weights.destroy();
      if (passes > 1) {
        grouped.unpersist(false);
      }
    }
    List<FeatureImportance.Unit> list = new ArrayList<>();
    for (int u = 0; u < units.count(); u++) {
      list.add(new FeatureImportance.Unit(units.names()[u], units.slots()[u], drops[u]));
    }
    list.sort(Comparator.comparingDouble(FeatureImportance.Unit::mean).reversed());
    double seconds = (System.nanoTime() - start) / 1e9;
    FeatureImportance result = new FeatureImportance(metric, baseline, rows, repeats, seed, units.description(),
        1 + passes, seconds, list);
    LOG.info("permutation importance of {} units on {} rows ({} × {} repetitions, {} groups, {} evaluation "
        + "pass(es)) in {} s; baseline {} {}; most important: {}", units.count(), rows, units.count(), repeats,
        groups, passes, String.format(java.util.Locale.ROOT, "%.1f", seconds), metric.token(),
        String.format(java.util.Locale.ROOT, "%.4f", baseline), top(list, 5));
    return result;
  }

  private static String top(List<FeatureImportance.Unit> units, int k) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < Math.min(k, units.size()); i++) {
      sb.append(i == 0 ? "" : ", ").append(units.get(i).name())
          .append(String.format(java.util.Locale.ROOT, " %.4f", units.get(i).mean()));
    }
    return sb.toString();
  }

  private static double value(MetricName metric, ImportanceAccumulator sums, int e, int outputs) {
    double n = sums.rows();
    switch (metric) {
      case ACCURACY:
        return sums.sum(e, ImportanceAccumulator.CORRECT) / n;
      case LOSS:
        return sums.sum(e, ImportanceAccumulator.LOSS) / n;
      case RMSE:
        return Math.sqrt(sums.sum(e, ImportanceAccumulator.SQUARED) / (n * outputs));
      case MAE:
        return sums.sum(e, ImportanceAccumulator.ABSOLUTE) / (n * outputs);
      default:
        throw new AssertionError(metric);
    }
  }

  /** One partition's rows, sampled, as one piece per group: (group, rows of the group here). */
  private static Iterator<Tuple2<Integer, PackedBlock>> pieces(Iterator<PackedBlock> blocks, long seed,
      double fraction, int groups) {
    Map<Integer, List<int[]>> byGroup = new TreeMap<>();
    List<PackedBlock> seen = new ArrayList<>();
    while (blocks.hasNext()) {
      PackedBlock block = blocks.next();
      int b = seen.size();
      seen.add(block);
      long[] ids = block.rowIds();
      for (int i = 0; i < block.rows(); i++) {
        if (fraction < 1 && Seeds.unit(Seeds.derive(seed, SAMPLE, ids[i])) >= fraction) {
          continue;
        }
        int g = (int) (Seeds.unit(Seeds.derive(seed, GROUP, ids[i])) * groups);
        byGroup.computeIfAbsent(g, k -> new ArrayList<>()).add(new int[] {b, i});
      }
    }
    List<Tuple2<Integer, PackedBlock>> out = new ArrayList<>();
    for (Map.Entry<Integer, List<int[]>> e : byGroup.entrySet()) {
      out.add(new Tuple2<>(e.getKey(), gather(seen, e.getValue())));
    }
    return out.iterator();
  }

  /** The rows at (block, row) positions as one new block. */
  private static PackedBlock gather(List<PackedBlock> blocks, List<int[]> at) {
    PackedBlock first = blocks.get(at.get(0)[0]);
    int width = first.width();
    int targetWidth = first.targetWidth();
    int n = at.size();
    float[] f = new float[n * width];
    float[] t = new float[n * targetWidth];
    long[] ids = new long[n];
    for (int k = 0; k < n; k++) {
      PackedBlock b = blocks.get(at.get(k)[0]);
      int i = at.get(k)[1];
      System.arraycopy(b.features(), i * width, f, k * width, width);
      System.arraycopy(b.targets(), i * targetWidth, t, k * targetWidth, targetWidth);
      ids[k] = b.rowIds()[i];
    }
    return new PackedBlock(n, width, targetWidth, f, t, ids, true);
  }

  /** The pieces of each group (from every input partition) as one block per group, rows in id order. */
  private static Iterator<PackedBlock> mergeGroups(Iterator<Tuple2<Integer, PackedBlock>> pieces) {
    Map<Integer, List<PackedBlock>> byGroup = new TreeMap<>();
    pieces.forEachRemaining(p -> byGroup.computeIfAbsent(p._1(), k -> new ArrayList<>()).add(p._2()));
    List<PackedBlock> out = new ArrayList<>();
    for (List<PackedBlock> parts : byGroup.values()) {
      List<PackedBlock> all = new ArrayList<>(parts);
      List<int[]> at = new ArrayList<>();
      for (int b = 0; b < all.size(); b++) {
        for (int i = 0; i < all.get(b).rows(); i++) {
          at.add(new int[] {b, i});
        }
      }
      at.sort(Comparator.comparingLong(p -> all.get(p[0]).rowIds()[p[1]]));
      out.add(gather(all, at));
    }
    return out.iterator();
  }

  /**
   * Executor side of one evaluation pass: every group of the partition, as it is and with units
   * [from, to) each shuffled {@code repeats} times. Carries no weights (they are broadcast).
   */
  private static final class GroupTask implements Serializable {
    private static final long serialVersionUID = 1L;
    private final NetworkSpec spec;
    private final Task task;
    private final FeatureScaling scaling;
    private final TargetScaling targetScaling;
    private final int[][] slots;
    private final int from;
    private final int to;
    private final int repeats;
    private final long seed;
    private final Broadcast<float[]> weights;
    private final BlasBackend blas;

    GroupTask(DnnModel model, FeatureUnits units, int from, int to, int repeats, long seed, Broadcast<float[]> weights,
        BlasBackend blas) {
      this.spec = model.spec();
      this.task = model.task();
      this.scaling = model.scaling();
      this.targetScaling = model.targetScaling();
      this.slots = Arrays.copyOfRange(units.slots(), from, to);
      this.from = from;
      this.to = to;
      this.repeats = repeats;
      this.seed = seed;
      this.weights = weights;
      this.blas = blas;
    }

    Iterator<ImportanceAccumulator> call(Iterator<PackedBlock> groups) {
      ImportanceAccumulator sums = new ImportanceAccumulator(1 + (to - from) * repeats);
      if (!groups.hasNext()) {
        return Collections.singletonList(new ImportanceAccumulator()).iterator();
      }
      float[] w = weights.value();
      ReplacedInputNetwork net = new ReplacedInputNetwork(spec, task, BATCH_ROWS, BlasLibrary.gemm(blas));
      float[] w0t = net.transposedFirstWeights(w);
      while (groups.hasNext()) {
        evaluateGroup(groups.next(), net, w, w0t, sums);
      }
      return Collections.singletonList(sums).iterator();
    }

    private void evaluateGroup(PackedBlock group, ReplacedInputNetwork net, float[] w, float[] w0t,
        ImportanceAccumulator sums) {
      int n = group.rows();
      int width = group.width();
      int targetWidth = group.targetWidth();
      float[] x = new float[n * width];
      float[] y = new float[n * targetWidth];
      for (int i = 0; i < n; i++) {
        scaling.apply(group.features(), i * width, x, i * width);
        targetScaling.apply(group.targets(), i * targetWidth, y, i * targetWidth);
      }
      float[] z = new float[n * spec.layer(0).width()];
      net.firstLayer(w, x, 0, n, z, 0);
      int batches = (n + BATCH_ROWS - 1) / BATCH_ROWS;
      float[][] batchTargets = new float[batches][];
      for (int b = 0; b < batches; b++) {
        int r0 = b * BATCH_ROWS;
        batchTargets[b] = Arrays.copyOfRange(y, r0 * targetWidth, Math.min(n, r0 + BATCH_ROWS) * targetWidth);
      }
      LossAccumulator stats = new LossAccumulator();
      for (int b = 0; b < batches; b++) {
        int r0 = b * BATCH_ROWS;
        int rows = Math.min(BATCH_ROWS, n - r0);
        stats.reset();
        net.evaluateOriginal(w, z, r0, rows, batchTargets[b], stats);
        record(sums, 0, stats, net, group, r0, rows);
      }
      sums.addRows(n);
      long groupKey = group.rowIds()[0];
      for (int u = 0; u < slots.length; u++) {
        for (int r = 0; r < repeats; r++) {
          int[] donors = permutation(n, Seeds.derive(seed, PERMUTE, from + u, r, groupKey));
          int evaluation = 1 + u * repeats + r;
          for (int b = 0; b < batches; b++) {
            int r0 = b * BATCH_ROWS;
            int rows = Math.min(BATCH_ROWS, n - r0);
            stats.reset();
            net.evaluateReplaced(w, w0t, x, z, r0, rows, slots[u], donors, r0, batchTargets[b], stats);
            record(sums, evaluation, stats, net, group, r0, rows);
          }
        }
      }
    }

    /** Adds one engine call's loss, correct rows and (regression) errors in the targets' units. */
    private void record(ImportanceAccumulator sums, int evaluation, LossAccumulator stats, ReplacedInputNetwork net,
        PackedBlock group, int r0, int rows) {
      sums.add(evaluation, ImportanceAccumulator.LOSS, stats.lossSum());
      sums.add(evaluation, ImportanceAccumulator.CORRECT, stats.correct());
      if (task == Task.REGRESSION) {
        int k = spec.outputWidth();
        float[] out = Arrays.copyOf(net.outputs(), rows * k);
        targetScaling.invert(out, 0, rows);
        float[] targets = group.targets();
        double squared = 0;
        double absolute = 0;
        for (int i = 0; i < rows * k; i++) {
          double err = out[i] - targets[r0 * k + i];
          squared += err * err;
          absolute += Math.abs(err);
        }
        sums.add(evaluation, ImportanceAccumulator.SQUARED, squared);
        sums.add(evaluation, ImportanceAccumulator.ABSOLUTE, absolute);
      }
    }

    /** A uniformly random permutation of 0..n−1 (Fisher–Yates). */
    private static int[] permutation(int n, long seed) {
      int[] p = new int[n];
      for (int i = 0; i < n; i++) {
        p[i] = i;
      }
      SplittableRandom random = new SplittableRandom(seed);
      for (int i = n - 1; i > 0; i--) {
        int j = random.nextInt(i + 1);
        int t = p[i];
        p[i] = p[j];
        p[j] = t;
      }
      return p;
    }
  }
}
