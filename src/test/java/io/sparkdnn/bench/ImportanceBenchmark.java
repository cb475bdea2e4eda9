package io.sparkdnn.bench;

import io.sparkdnn.data.BadRowPolicy;
import io.sparkdnn.data.DataSettings;
import io.sparkdnn.data.FashionMnist;
import io.sparkdnn.data.PackedBlock;
import io.sparkdnn.data.ScalingMode;
import io.sparkdnn.engine.BlasBackend;
import io.sparkdnn.engine.BlasLibrary;
import io.sparkdnn.engine.DenseNetwork;
import io.sparkdnn.engine.LossAccumulator;
import io.sparkdnn.engine.NetworkSpec;
import io.sparkdnn.engine.ReplacedInputNetwork;
import io.sparkdnn.engine.Task;
import io.sparkdnn.model.DnnModel;
import io.sparkdnn.results.FeatureImportance;
import io.sparkdnn.scoring.FeatureUnits;
import io.sparkdnn.scoring.ImportanceSettings;
import io.sparkdnn.scoring.ModelScoring;
import io.sparkdnn.scoring.PermutationImportance;
import io.sparkdnn.train.DnnTrainer;
import io.sparkdnn.train.OptimizerSettings;
import io.sparkdnn.train.TrainingConfig;
import io.sparkdnn.train.TrainingListener;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * What permutation importance of Fashion-MNIST's 784 pixels costs, and why it runs as it does:
 *
 * <ol>
 *   <li>the whole job as {@code dnn importance} runs it (pack 10,000 test rows, regroup, one
 *       evaluation pass of every pixel × 3 shuffles), local[2];
 *   <li>one engine call per (pixel, group of 1024 rows), one thread: the first layer's rank-1 update
 *       ({@link ReplacedInputNetwork}) against a full forward pass of permuted copies
 *       ({@link DenseNetwork}), extrapolated to the job;
 *   <li>one Spark job pair per pixel and shuffle instead of one pass for all: the median cost of
 *       a one-unit, one-shuffle computation on the same data, extrapolated to 784 × 3.
 * </ol>
 *
 * The model is 784-256relu-128relu-10softmax trained 2 epochs (weights do not change the cost).
 * Usage: ImportanceBenchmark [data-dir] (default data/fashion-mnist, prepared there if missing).
 */
public final class ImportanceBenchmark {
  public static void main(String[] args) throws Exception {
    String dataDir = args.length > 0 ? args[0] : "data/fashion-mnist";
    SparkSession spark = io.sparkdnn.job.SparkSessions.builder("local[2]").appName("importance-bench")
        .config("spark.ui.enabled", "false").getOrCreate();
    if (!Files.exists(Path.of(dataDir, "test.parquet"))) {
      FashionMnist.prepare(spark, Path.of("/usr/share/datasets/fashion-mnist"), dataDir);
    }
    Dataset<Row> train = spark.read().parquet(dataDir + "/train.parquet");
    Dataset<Row> test = spark.read().parquet(dataDir + "/test.parquet");
    DataSettings data = new DataSettings(List.of("features"), List.of("label"), List.of(), ScalingMode.STANDARD,
        BadRowPolicy.FAIL, 2, 8192, 0.1);
    TrainingConfig config = TrainingConfig.builder(NetworkSpec.parse("784-256relu-128relu-10softmax")).epochs(2)
        .batchSize(128).optimizer(OptimizerSettings.builder().learningRate(0.002).build()).build();
    DnnTrainer.Fit fit = new DnnTrainer(data, config).fit(train, null, "train", null, null, TrainingListener.NONE);
    DnnModel model = fit.model;
    fit.packed.release();
    String cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
        .findFirst().orElse("?").replaceAll(".*:\\s*", "");
    System.out.printf(Locale.ROOT, "# permutation importance benchmark — %s, %d cores, %s, load %.1f%n%n", cpu,
        Runtime.getRuntime().availableProcessors(), BlasLibrary.gemm(BlasBackend.AUTO).description(),
        java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());

    ImportanceSettings settings = ImportanceSettings.builder().repeats(3).maxRows(10_000).build();
    long t0 = System.nanoTime();
    long cpu0 = processCpuNanos();
    FeatureImportance full = ModelScoring.importance(model, test, 2, BadRowPolicy.FAIL, BlasBackend.AUTO, "test",
        settings);
    double jobSeconds = (System.nanoTime() - t0) / 1e9;
    double jobCpu = (processCpuNanos() - cpu0) / 1e9;
    System.out.printf(Locale.ROOT, "| 1. dnn importance, 784 pixels × 3 shuffles, %d rows, local[2] | %.1f s wall "
        + "(%.1f s after packing), %.1f s CPU of this JVM (%.2f cores) |%n", full.rows(), jobSeconds, full.seconds(),
        jobCpu, jobCpu / jobSeconds);

    // 2. the engine, one thread, on 1024 real rows
    List<PackedBlock> rows = fitRows(spark, model, test);
    PackedBlock group = rows.get(0).slice(0, 1024);
    int n = group.rows();
    float[] w = model.weights();
    NetworkSpec spec = model.spec();
    float[] x = new float[n * 784];
    for (int i = 0; i < n; i++) {
      model.scaling().apply(group.features(), i * 784, x, i * 784);
    }
    float[] y = Arrays.copyOf(group.targets(), n);
    ReplacedInputNetwork fast = new ReplacedInputNetwork(spec, Task.MULTICLASS, 256, BlasLibrary.gemm(BlasBackend.AUTO));
    DenseNetwork plain = new DenseNetwork(spec, Task.MULTICLASS, 256, BlasLibrary.gemm(BlasBackend.AUTO));
    float[] w0t = fast.transposedFirstWeights(w);
    float[] z = new float[n * 256];
    fast.firstLayer(w, x, 0, n, z, 0);
    SplittableRandom random = new SplittableRandom(1);
    int[] donors = new int[n];
    for (int i = 0; i < n; i++) {
      donors[i] = random.nextInt(n);
    }
    LossAccumulator stats = new LossAccumulator();
    double fastMicros = median(() -> {
      for (int pixel = 100; pixel < 160; pixel++) {
        for (int r0 = 0; r0 < n; r0 += 256) {
          fast.evaluateReplaced(w, w0t, x, z, r0, 256, new int[] {pixel}, donors, r0,
              Arrays.copyOfRange(y, r0, r0 + 256), stats);
        }
      }
    }) / 60;
    double plainMicros = median(() -> {
      for (int pixel = 100; pixel < 160; pixel++) {
        for (int r0 = 0; r0 < n; r0 += 256) {
          for (int k = 0; k < 256; k++) {
            System.arraycopy(x, (r0 + k) * 784, plain.batch().features(), k * 784, 784);
            plain.batch().features()[k * 784 + pixel] = x[donors[r0 + k] * 784 + pixel];
            plain.batch().targets()[k] = y[r0 + k];
          }
          plain.batch().setRows(256);
          plain.evaluate(w, stats);
        }
      }
    }) / 60;
    double evaluations = 784.0 * 3 * full.rows() / n;
    System.out.printf(Locale.ROOT, "| 2a. engine: rank-1 update of Z_0, one pixel × 1024 rows, 1 thread | %.0f µs CPU → "
        + "%.1f s CPU for the job (%.1f s on 2 free cores) |%n", fastMicros, fastMicros * evaluations / 1e6,
        fastMicros * evaluations / 2e6);
    System.out.printf(Locale.ROOT, "| 2b. engine: full forward pass of permuted copies, same | %.0f µs CPU → %.1f s CPU "
        + "(%.1f× the update) |%n", plainMicros, plainMicros * evaluations / 1e6, plainMicros / fastMicros);

    // 3. one Spark computation per pixel and shuffle
    org.apache.spark.api.java.JavaRDD<PackedBlock> cached =
        org.apache.spark.api.java.JavaSparkContext.fromSparkContext(spark.sparkContext()).parallelize(rows, 2).cache();
    cached.count();
    long total = rows.stream().mapToLong(PackedBlock::rows).sum();
    FeatureUnits one = new FeatureUnits(new String[] {"pixel"}, new int[][] {{400}}, "one pixel");
    double[] perUnit = new double[7];
    long cpu3 = processCpuNanos();
    long wall3 = System.nanoTime();
    for (int i = 0; i < perUnit.length; i++) {
      long s = System.nanoTime();
      new PermutationImportance(model, ImportanceSettings.builder().repeats(1).maxRows(10_000).build(),
          BlasBackend.AUTO).compute(cached, total, one);
      perUnit[i] = (System.nanoTime() - s) / 1e9;
    }
    double cpuShare = (processCpuNanos() - cpu3) / (double) (System.nanoTime() - wall3);
    Arrays.sort(perUnit);
    System.out.printf(Locale.ROOT, "| 3. one Spark computation (regroup + pass) per pixel and shuffle | %.3f s wall "
        + "median (%.2f cores busy) → %.0f s for 784 × 3 |%n", perUnit[3], cpuShare, perUnit[3] * 784 * 3);
    spark.stop();
  }

  private static List<PackedBlock> fitRows(SparkSession spark, DnnModel model, Dataset<Row> test) {
    io.sparkdnn.data.RowConverter converter = new io.sparkdnn.data.RowConverter(model.columns(), model.task(),
        model.labels(), model.targetWidth());
    Dataset<Row> selected = io.sparkdnn.data.ColumnResolver.selectForPacking(test, model.columns());
    io.sparkdnn.data.PackedData packed = io.sparkdnn.data.BlockPacker.pack(selected,
        io.sparkdnn.data.ColumnResolver.converterFor(selected, converter),
        io.sparkdnn.data.PackingOptions.validation(2, 8192, BadRowPolicy.FAIL), "test");
    List<PackedBlock> blocks = packed.validation().collect();
    packed.release();
    return blocks;
  }

  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
        .getOperatingSystemMXBean()).getProcessCpuTime();
  }

  /** Median CPU time of this thread over 5 runs of {@code body}, in µs (the machine is shared: wall time is not). */
  private static double median(Runnable body) {
    java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
    double[] t = new double[5];
    body.run();
    for (int i = 0; i < t.length; i++) {
      long s = threads.getCurrentThreadCpuTime();
      body.run();
      t[i] = (threads.getCurrentThreadCpuTime() - s) / 1e3;
    }
    Arrays.sort(t);
    return t[2];
  }
}
