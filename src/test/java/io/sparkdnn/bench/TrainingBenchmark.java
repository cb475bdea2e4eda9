package io.sparkdnn.bench;

import io.sparkdnn.data.DataSettings;
import io.sparkdnn.data.FashionMnist;
import io.sparkdnn.engine.BlasBackend;
import io.sparkdnn.engine.BlasLibrary;
import io.sparkdnn.engine.Gemm;
import io.sparkdnn.engine.NetworkSpec;
import io.sparkdnn.model.Versions;
import io.sparkdnn.train.DnnTrainer;
import io.sparkdnn.job.ConfigLoader;
import io.sparkdnn.job.JobConfig;
import io.sparkdnn.results.EpochMetrics;
import io.sparkdnn.results.Json;
import io.sparkdnn.train.TrainingConfig;
import io.sparkdnn.train.TrainingListener;
import io.sparkdnn.train.TrainingMode;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.ml.classification.MultilayerPerceptronClassificationModel;
import org.apache.spark.ml.classification.MultilayerPerceptronClassifier;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.RDDInfo;

import static org.apache.spark.sql.functions.col;

/**
 * The training benchmark on Fashion-MNIST, local[2], one run, one table: this trainer (with
 * conf/fashion-mnist.conf's settings) in local and sync mode against Spark MLlib's MultilayerPerceptronClassifier on the same data and layer sizes,
 * the sgemm lower bound of an epoch, scaling in rows and partitions, and memory. The test set is
 * the validation data, so "test accuracy after each epoch" is measured, and training time excludes
 * it. Writes the table to bench/results/training-DATE.md as well.
 *
 * <p>System properties: bench.epochs (10), bench.syncEpochs (6), bench.mllibIterations (20),
 * bench.scaling (true), bench.data (data/fashion-mnist).
 */
public final class TrainingBenchmark {
  private static final String SPEC = "784-256relu-128relu-10softmax";
  private static final java.io.File JOB = new java.io.File("conf/fashion-mnist.conf");
  private static final java.io.File WIDE = new java.io.File("conf/fashion-mnist-wide.conf");
  private final BenchReport report = new BenchReport();
  private final SparkSession spark;
  private final AtomicLong resultBytes = new AtomicLong();
  private final AtomicLong maxTaskResult = new AtomicLong();

  private TrainingBenchmark(SparkSession spark) {
    this.spark = spark;
  }

  public static void main(String[] args) throws Exception {
    long jvmStart = ManagementFactory.getRuntimeMXBean().getStartTime();
    SparkSession spark = io.sparkdnn.job.SparkSessions.builder("local[2]")
        .appName("spark-dnn-benchmark").config("spark.ui.enabled", "false").getOrCreate();
    double sparkStart = (System.currentTimeMillis() - jvmStart) / 1000.0;
    try {
      new TrainingBenchmark(spark).run(sparkStart);
    } finally {
      spark.stop();
    }
  }

  private void run(double sparkStartSeconds) throws Exception {
    int epochs = Integer.getInteger("bench.epochs", 10);
    int syncEpochs = Integer.getInteger("bench.syncEpochs", 6);
    int mllibIterations = Integer.getInteger("bench.mllibIterations", 20);
    String dataDir = System.getProperty("bench.data", "data/fashion-mnist");
    spark.sparkContext().addSparkListener(new SparkListener() {
      /** Stages of training rounds' jobs (described "… · round r/R · mode"): packing's tasks return more. */
      private final java.util.Set<Integer> roundStages = java.util.concurrent.ConcurrentHashMap.newKeySet();

      @Override
      public void onJobStart(org.apache.spark.scheduler.SparkListenerJobStart start) {
        String description = start.properties() == null ? null : start.properties().getProperty("spark.job.description");
        if (description != null && description.contains(" · round ")) {
          for (Object stage : scala.jdk.javaapi.CollectionConverters.asJava(start.stageIds())) {
            roundStages.add((Integer) stage);
          }
        }
      }

      @Override
      public void onTaskEnd(SparkListenerTaskEnd end) {
        if (end.taskMetrics() != null && roundStages.contains(end.stageId())) {
          long size = end.taskMetrics().resultSize();
          resultBytes.addAndGet(size);
          maxTaskResult.accumulateAndGet(size, Math::max);
        }
      }
    });
    if (!Files.isDirectory(Path.of(dataDir, "train.parquet"))) {
      FashionMnist.prepare(spark, Path.of("/usr/share/datasets/fashion-mnist"), dataDir);
    }
    Dataset<Row> train = spark.read().parquet(dataDir + "/train.parquet");
    Dataset<Row> test = spark.read().parquet(dataDir + "/test.parquet");
    Gemm gemm = BlasLibrary.gemm(BlasBackend.AUTO);
    NetworkSpec spec = NetworkSpec.parse(SPEC);

    report.title("spark-dnn training benchmark: Fashion-MNIST (60,000 train / 10,000 test), " + SPEC + ", local[2]");
    String date = LocalDateTime.now().format(DateTimeFormatter.ISO_LOCAL_DATE_TIME).substring(0, 16);
    report.line("Date " + date
        + "; " + BenchReport.cpu() + ", " + Runtime.getRuntime().availableProcessors() + " cores; Java "
        + System.getProperty("java.version") + "; Spark " + Versions.all().get("spark") + "; spark-dnn "
        + Versions.project());
    // (the description names OPENBLAS_CORETYPE, the kernels OpenBLAS was made to use, when it is set)
    report.line("BLAS: " + gemm.description() + (System.getenv("OPENBLAS_CORETYPE") == null
        ? "; OPENBLAS_CORETYPE not set: kernels picked for this CPU" : ""));
    report.line("JVM: " + ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
        .filter(a -> a.startsWith("-Xmx") || a.startsWith("-XX:")).collect(java.util.stream.Collectors.joining(" ")));
    report.line(String.format(Locale.ROOT, "JVM start to SparkSession ready: %.1f s (not counted below)", sparkStartSeconds));
    report.line("");

    // --- the sgemm bound
    double flopsPerRow = EngineBenchmark.flopsPerRow(spec);
    double epochFlops = flopsPerRow * 60_000;
    double rate1 = EngineBenchmark.gemmPassRate(gemm, spec, 128, 2.0, 1);
    double rate2 = EngineBenchmark.gemmPassRate(gemm, spec, 128, 2.0, 2);
    double bound = epochFlops / (rate2 * 1e9);
    report.section("The sgemm bound (the products of one forward + backward pass, batch 128, plain sgemm calls)");
    report.table("quantity", "value");
    report.row("FLOPs per row (forward + backward)", String.format(Locale.ROOT, "%.3f M", flopsPerRow / 1e6));
    report.row("FLOPs per epoch (60,000 rows)", String.format(Locale.ROOT, "%.1f G", epochFlops / 1e9));
    report.row("sgemm pass rate, 1 thread", String.format(Locale.ROOT, "%.1f GFLOP/s", rate1));
    report.row("sgemm pass rate, 2 threads at once (aggregate)", String.format(Locale.ROOT, "%.1f GFLOP/s", rate2));
    report.row("lower bound per epoch (2 threads)", String.format(Locale.ROOT, "%.3f s", bound));

    // --- this trainer
    report.section("spark-dnn (training time excludes the per-epoch test evaluation; accuracy = test set)");
    report.table("mode", "data load + pack s", "first epoch s", "median s/epoch (epochs 2+)", "× bound", "rows/s",
        "GC s/epoch", "test acc after each epoch", "time to 0.88 test acc", "final test acc");
    Run local = trainer(train, test, TrainingMode.LOCAL, 1, epochs, 2);
    reportRun("local (1 round/epoch, Adam, batch 128)", local, bound);
    Run sync = trainer(train, test, TrainingMode.SYNC, 8, syncEpochs, 2);
    reportRun("sync (8 rounds/epoch, Adam)", sync, bound);
    if (Boolean.parseBoolean(System.getProperty("bench.wide", "true"))) {
      Run wide = trainer(WIDE, train, test, TrainingMode.LOCAL, 1, 20, 2);
      reportRun("local, conf/fashion-mnist-wide.conf (784-512-256-10, dropout 0.2; bound not applicable)",
          wide, Double.NaN);
      double cumulative = 0;
      double reached = Double.NaN;
      for (EpochMetrics m : wide.history) {
        cumulative += m.trainSeconds();
        if (Double.isNaN(reached) && m.valAccuracy() >= 0.895) {
          reached = cumulative;
        }
      }
      report.line("");
      report.line("conf/fashion-mnist-wide.conf reaches 0.895 test accuracy after "
          + (Double.isNaN(reached) ? "— (not reached)" : f1(reached) + " s") + " of training.");
    }

    // --- MLlib
    report.section("Spark MLlib MultilayerPerceptronClassifier, layers 784-256-128-10 (sigmoid hidden, softmax out), L-BFGS, same BLAS, local[2]");
    double[] mllib = mllib(train, test, mllibIterations);
    report.table("iterations", "fit s", "s/iteration", "test acc", "spark-dnn local epoch speed-up");
    report.row(Integer.toString((int) mllib[0]), f1(mllib[1]), f2(mllib[1] / mllib[0]), f4(mllib[2]),
        String.format(Locale.ROOT, "%.1f×", (mllib[1] / mllib[0]) / local.medianEpochSeconds()));

    // --- prediction and end to end
    prediction(train, new double[] {mllib[3], mllib[4]});
    if (Boolean.parseBoolean(System.getProperty("bench.endToEnd", "true"))) {
      endToEnd();
    }

    // --- scaling
    if (Boolean.parseBoolean(System.getProperty("bench.scaling", "true"))) {
      report.section("Scaling (local mode, 2 epochs each, seconds of the second)");
      report.table("rows", "partitions", "s/epoch", "s per 60k rows");
      for (int copies : new int[] {1, 2, 4}) {
        Dataset<Row> data = train;
        for (int i = 1; i < copies; i++) {
          data = data.union(train);
        }
        Run r = trainer(data, null, TrainingMode.LOCAL, 1, 2, 2);
        double s = r.history.get(1).trainSeconds();
        report.row(String.format(Locale.ROOT, "%,d", 60_000 * copies), "2", f2(s), f2(s / copies));
      }
      for (int partitions : new int[] {4, 8}) {
        Run r = trainer(train, null, TrainingMode.LOCAL, 1, 2, partitions);
        double s = r.history.get(1).trainSeconds();
        report.row("60,000", Integer.toString(partitions), f2(s), f2(s));
      }
    }

    // --- memory
    report.section("Memory");
    report.table("quantity", "value");
    report.row("raw float size of the training data (60,000 × (784 + 1) × 4 B)", mib(60_000L * 785 * 4));
    report.row("cached training blocks (Spark storage: memory + disk)", mib(local.cachedBytes));
    report.row("cached / raw", String.format(Locale.ROOT, "%.3f", local.cachedBytes / (60_000.0 * 785 * 4)));
    // On a local master a round's tasks hand their state to the driver as objects (data/PartitionResults):
    // Spark's result then carries a handle only; on a cluster it carries the state serialised.
    long parameters = NetworkSpec.parse(SPEC).parameterCount();
    report.row("state a round's task returns (local mode: weight change + Adam moments, 3 × " + parameters
        + " floats; sync mode: gradient, 1 ×)", mib(3 * parameters * 4) + " / " + mib(parameters * 4));
    report.row("largest round task's result through Spark, local / sync mode (local[2] passes the state as an "
        + "object, so this is its handle)", mib(local.maxTaskResult) + " / " + mib(sync.maxTaskResult));
    report.row("peak JVM heap used during the local-mode run (driver and executors share one JVM)", mib(local.peakHeap));

    report.write("training", Map.of("date", date, "cpu", BenchReport.cpu(), "blas", gemm.description()));
  }

  /** One training run and what it measured. */
  private static final class Run {
    double loadSeconds;
    List<EpochMetrics> history = new ArrayList<>();
    /** GC seconds in each epoch (training and the per-epoch test evaluation), from the collectors' counters. */
    List<Double> gcSeconds = new ArrayList<>();
    long cachedBytes;
    long maxTaskResult;
    long peakHeap;

    double medianEpochSeconds() {
      double[] s = history.stream().skip(history.size() > 2 ? 1 : 0).mapToDouble(m -> m.trainSeconds()).sorted().toArray();
      return s[s.length / 2];
    }
  }

  private Run trainer(Dataset<Row> train, Dataset<Row> test, TrainingMode mode, int rounds, int epochs,
      int partitions) {
    return trainer(JOB, train, test, mode, rounds, epochs, partitions);
  }

  /** Trains with a job file's settings, but the given mode, rounds, epochs and partitions. */
  private Run trainer(java.io.File job, Dataset<Row> train, Dataset<Row> test, TrainingMode mode, int rounds,
      int epochs, int partitions) {
    List<String> overrides = List.of("training.mode=" + mode.token(), "training.rounds-per-epoch=" + rounds,
        "training.epochs=" + epochs, "data.partitions=" + partitions, "data.validation-fraction=0");
    JobConfig loaded = ConfigLoader.load(job, overrides);
    DataSettings data = loaded.data();
    TrainingConfig config = loaded.requireTraining();
    Run run = new Run();
    maxTaskResult.set(0);
    resetPeaks();
    long start = System.nanoTime();
    long[] gcBefore = {gcMillis()};
    TrainingListener listener = (m, s) -> {
      run.history.add(m);
      long now = gcMillis();
      run.gcSeconds.add((now - gcBefore[0]) / 1000.0);
      gcBefore[0] = now;
    };
    DnnTrainer.Fit fit = new DnnTrainer(data, config).fit(train, test, "training data", "test data", null, listener);
    double total = (System.nanoTime() - start) / 1e9;
    run.loadSeconds = fit.packSeconds;
    for (RDDInfo info : spark.sparkContext().getRDDStorageInfo()) {
      if (info.name() != null && info.name().startsWith("packed training")) {
        run.cachedBytes += info.memSize() + info.diskSize();
      }
    }
    run.maxTaskResult = maxTaskResult.get();
    run.peakHeap = peakHeap();
    fit.packed.release();
    System.err.printf(Locale.ROOT, "%s: %d epochs, %.1f s in all%n", mode.token(), epochs, total);
    return run;
  }

  private void reportRun(String name, Run run, double bound) {
    StringBuilder accuracies = new StringBuilder();
    double cumulative = 0;
    double reached = Double.NaN;
    for (EpochMetrics m : run.history) {
      double acc = m.valAccuracy();
      accuracies.append(accuracies.length() == 0 ? "" : " ").append(String.format(Locale.ROOT, "%.3f", acc));
      cumulative += m.trainSeconds();
      if (Double.isNaN(reached) && acc >= 0.88) {
        reached = cumulative;
      }
    }
    double median = run.medianEpochSeconds();
    double rows = run.history.get(0).trainRows();
    report.row(name, f1(run.loadSeconds), f3(run.history.get(0).trainSeconds()), f3(median),
        Double.isNaN(bound) ? "—" : String.format(Locale.ROOT, "%.2f", median / bound),
        String.format(Locale.ROOT, "%,.0f", rows / median),
        f3(median(run.gcSeconds.subList(Math.min(1, run.gcSeconds.size()), run.gcSeconds.size()))),
        accuracies.toString(),
        Double.isNaN(reached) ? "not reached" : f1(reached) + " s",
        f4(run.history.get(run.history.size() - 1).valAccuracy()));
  }

  /**
   * MLlib on the same data, cached as vectors before timing: {iterations, fit seconds, test accuracy,
   * transform seconds (median of the {@value #PREDICTION_RUNS} runs after a first), the first run's seconds}.
   */
  private double[] mllib(Dataset<Row> train, Dataset<Row> test, int iterations) {
    Dataset<Row> trainVectors = vectors(train).cache();
    Dataset<Row> testVectors = vectors(test).cache();
    trainVectors.count();
    testVectors.count();
    MultilayerPerceptronClassifier mlp = new MultilayerPerceptronClassifier()
        .setLayers(new int[] {784, 256, 128, 10}).setMaxIter(iterations).setSeed(1).setBlockSize(128).setTol(0);
    long start = System.nanoTime();
    MultilayerPerceptronClassificationModel model = mlp.fit(trainVectors);
    double seconds = (System.nanoTime() - start) / 1e9;
    int done = model.summary().totalIterations();
    double accuracy = new MulticlassClassificationEvaluator().setMetricName("accuracy")
        .evaluate(model.transform(testVectors));
    double[] transformSeconds = firstAndMedianSeconds(PREDICTION_RUNS,
        () -> model.transform(trainVectors).write().format("noop").mode("overwrite").save());
    trainVectors.unpersist();
    testVectors.unpersist();
    return new double[] {done, seconds, accuracy, transformSeconds[1], transformSeconds[0]};
  }

  /**
   * {first run's wall seconds, median of the {@code times} runs after it}: the first pays for
   * compiling the route's code (the JIT), as a short-lived job would; the median is the steady rate.
   */
  /**
   * Timed prediction runs after the first, per route: a median of 5 rather than 3, because single
   * warm runs of the same transform vary by ±15% here (0.32–0.52 s in one JVM).
   */
  private static final int PREDICTION_RUNS = 5;

  private static double[] firstAndMedianSeconds(int times, Runnable work) {
    List<Double> seconds = new ArrayList<>();
    for (int i = 0; i <= times; i++) {
      long start = System.nanoTime();
      work.run();
      seconds.add((System.nanoTime() - start) / 1e9);
    }
    return new double[] {seconds.get(0), median(seconds.subList(1, seconds.size()))};
  }

  /**
   * Prediction over the 60,000 training rows (cached as ML vectors, as for MLlib): this project's
   * Spark ML transform (all three output columns, forced by Spark's no-op sink), `dnn predict` from
   * parquet to parquet (inside this JVM: JVM start excluded, reading and writing included), and
   * MLlib's transform of its own model. Rows per second, medians of the {@value #PREDICTION_RUNS} runs after a
   * first.
   */
  private void prediction(Dataset<Row> train, double[] mllibTransform) throws Exception {
    Dataset<Row> vectors = vectors(train).cache();
    vectors.count();
    io.sparkdnn.ml.DnnClassificationModel model = new io.sparkdnn.ml.DnnClassifier().setHiddenLayers("256relu-128relu")
        .setEpochs(1).setValidationFraction(0).fit(vectors);
    double[] ml = firstAndMedianSeconds(PREDICTION_RUNS,
        () -> model.transform(vectors).write().format("noop").mode("overwrite").save());
    Path dir = Files.createTempDirectory("bench-predict");
    String modelPath = dir.resolve("model").toString();
    io.sparkdnn.model.ModelWriter.open(modelPath, false, spark.sparkContext().hadoopConfiguration(), "model")
        .commit(model.dnnModel());
    String input = dir.resolve("input.parquet").toString();
    vectors.write().parquet(input);
    double[] cli = firstAndMedianSeconds(PREDICTION_RUNS, () -> {
      int status = io.sparkdnn.cli.Main.run("predict", "--set", "predict.model=" + modelPath,
          "--set", "predict.input.path=" + input, "--set", "predict.output.path=" + dir.resolve("out.parquet"),
          "--set", "predict.overwrite=true");
      if (status != 0) {
        throw new IllegalStateException("dnn predict failed with status " + status);
      }
    });
    vectors.unpersist();
    report.section("Prediction (784-256relu-128relu-10 model, 60,000 rows, local[2]; first run, then the median of the "
        + PREDICTION_RUNS + " after it)");
    report.table("route", "first run s", "seconds", "rows/s", "× MLlib transform");
    predictionRow("spark-dnn Spark ML transform (rawPrediction, probability, prediction)", ml, mllibTransform[0]);
    predictionRow("dnn predict, parquet in → parquet out (label, prediction, probability)", cli, mllibTransform[0]);
    predictionRow("Spark MLlib MultilayerPerceptronClassificationModel transform",
        new double[] {mllibTransform[1], mllibTransform[0]}, mllibTransform[0]);
  }

  private void predictionRow(String route, double[] firstAndMedian, double mllibSeconds) {
    report.row(route, f3(firstAndMedian[0]), f3(firstAndMedian[1]),
        String.format(Locale.ROOT, "%,.0f", 60_000 / firstAndMedian[1]), f1(mllibSeconds / firstAndMedian[1]));
  }

  /**
   * The main job from launch, as a user runs it (scripts/dnn train --conf conf/fashion-mnist.conf,
   * 10 epochs), in a new JVM; and PyTorch (Debian's python3-torch) on the same task, 1 and 2
   * threads, when it is installed. Launch to the first epoch's start, whole wall time, test accuracy.
   */
  private void endToEnd() throws Exception {
    report.section("From launch: the main job, 10 epochs, against PyTorch on the same task (separate processes, one at a time)");
    report.table("run", "launch → first epoch s", "wall s", "median s/epoch", "test acc");
    Path dir = Files.createTempDirectory("bench-e2e");
    String modelPath = dir.resolve("model").toString();
    // Untimed: builds if needed and records the class-data archive of this build (once per build),
    // as a user's first command would; the timed run below is a user's second.
    Process warm = new ProcessBuilder("scripts/dnn", "--version").redirectErrorStream(true)
        .redirectOutput(dir.resolve("version.log").toFile()).start();
    if (warm.waitFor() != 0) {
      throw new IllegalStateException("scripts/dnn --version failed; see " + dir.resolve("version.log"));
    }
    boolean cds = !"off".equals(System.getenv("DNN_CDS"));
    long start = System.nanoTime();
    Process p = new ProcessBuilder("scripts/dnn", "train", "--conf", "conf/fashion-mnist.conf",
        "--set", "training.epochs=10", "--set", "model.path=" + modelPath)
        .redirectErrorStream(true).redirectOutput(dir.resolve("train.log").toFile()).start();
    int status = p.waitFor();
    double wall = (System.nanoTime() - start) / 1e9;
    if (status != 0) {
      throw new IllegalStateException("scripts/dnn train failed; see " + dir.resolve("train.log"));
    }
    com.fasterxml.jackson.databind.JsonNode meta = Json.MAPPER.readTree(Path.of(modelPath, "metadata.json").toFile());
    List<Double> epochSeconds = new ArrayList<>();
    for (String l : Files.readAllLines(Path.of(modelPath, "metrics.jsonl"))) {
      epochSeconds.add(Json.MAPPER.readTree(l).path("train_seconds").asDouble());
    }
    report.row("spark-dnn: scripts/dnn train --conf conf/fashion-mnist.conf, 10 epochs, class-data archive "
        + (cds ? "on" : "off (DNN_CDS=off)"), f1(meta.path("startup_seconds")
        .asDouble(Double.NaN)), f1(wall), f3(median(epochSeconds.subList(1, epochSeconds.size()))),
        f4(meta.at("/test_metrics/accuracy").asDouble()));
    for (int threads : new int[] {1, 2}) {
      Process torch;
      try {
        ProcessBuilder pb = new ProcessBuilder("/usr/bin/python3", "scripts/bench-pytorch.py", "--threads",
            Integer.toString(threads), "--epochs", "10").redirectError(dir.resolve("torch.err").toFile());
        pb.environment().remove("OPENBLAS_NUM_THREADS"); // torch.set_num_threads decides
        torch = pb.start();
      } catch (IOException e) {
        report.line("PyTorch: /usr/bin/python3 not runnable (" + e.getMessage() + ")");
        return;
      }
      String out = new String(torch.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      if (torch.waitFor() != 0) {
        report.line("");
        report.line("PyTorch not run (install Debian's python3-torch): " + Files.readString(dir.resolve("torch.err")).trim()
            .lines().reduce((a, b) -> b).orElse(""));
        return;
      }
      com.fasterxml.jackson.databind.JsonNode r = Json.MAPPER.readTree(out);
      List<Double> seconds = new ArrayList<>();
      r.path("epochs").forEach(e -> seconds.add(e.path("seconds").asDouble()));
      com.fasterxml.jackson.databind.JsonNode epochs = r.path("epochs");
      report.row("PyTorch " + r.path("torch").asText() + " CPU, " + threads + " thread(s), Adam 0.002 cosine, batch 128",
          f1(r.path("launch_to_first_epoch_seconds").asDouble()), f1(r.path("wall_seconds").asDouble()),
          f3(median(seconds.subList(1, seconds.size()))),
          f4(epochs.get(epochs.size() - 1).path("test_accuracy").asDouble()));
    }
  }

  private static Dataset<Row> vectors(Dataset<Row> data) {
    return data.select(org.apache.spark.ml.functions.array_to_vector(col("features")).alias("features"),
        col("label").cast("double").alias("label"));
  }

  private static long gcMillis() {
    long total = 0;
    for (java.lang.management.GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      total += Math.max(0, gc.getCollectionTime());
    }
    return total;
  }

  private static double median(List<Double> values) {
    double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    return v.length == 0 ? Double.NaN : v[v.length / 2];
  }

  private static void resetPeaks() {
    System.gc();
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      pool.resetPeakUsage();
    }
  }

  private static long peakHeap() {
    long peak = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        peak += pool.getPeakUsage().getUsed();
      }
    }
    return peak;
  }



  private static String f1(double v) {
    return String.format(Locale.ROOT, "%.1f", v);
  }

  private static String f2(double v) {
    return String.format(Locale.ROOT, "%.2f", v);
  }

  private static String f3(double v) {
    return String.format(Locale.ROOT, "%.3f", v);
  }

  private static String f4(double v) {
    return String.format(Locale.ROOT, "%.4f", v);
  }

  private static String mib(long bytes) {
    return String.format(Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
  }
}
