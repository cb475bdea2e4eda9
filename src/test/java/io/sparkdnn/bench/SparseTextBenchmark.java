package io.sparkdnn.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sparkdnn.data.BadRowPolicy;
import io.sparkdnn.data.DataSettings;
import io.sparkdnn.engine.BlasBackend;
import io.sparkdnn.engine.BlasLibrary;
import io.sparkdnn.engine.Initialization;
import io.sparkdnn.engine.NetworkSpec;
import io.sparkdnn.model.Versions;
import io.sparkdnn.results.EpochMetrics;
import io.sparkdnn.scoring.ModelScoring;
import io.sparkdnn.train.DnnTrainer;
import io.sparkdnn.train.OptimizerSettings;
import io.sparkdnn.train.SparseRoundsProbe;
import io.sparkdnn.train.TrainingConfig;
import io.sparkdnn.train.TrainingMode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.classification.LogisticRegressionModel;
import org.apache.spark.ml.classification.MultilayerPerceptronClassificationModel;
import org.apache.spark.ml.classification.MultilayerPerceptronClassifier;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.feature.StringIndexer;
import org.apache.spark.ml.feature.StringIndexerModel;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.RDDInfo;

/**
 * The sparse-input benchmark on real data (issue "sparse, high-dimensional input"): the Debian
 * package index ({@code apt-cache dumpavail}), each package's one-line Description hashed by Spark
 * ML's Tokenizer + HashingTF into 2^18 features, predicting its Section among the ten most common.
 * One run, local[2], reports: spark-dnn (262144-128relu-10softmax) in local and sync mode — rows/s,
 * seconds per epoch, cached bytes against the bytes of the non-zeros and their indices, peak heap,
 * test accuracy — next to Spark ML's LogisticRegression on the same features, and what MLlib's
 * MultilayerPerceptronClassifier does with them (its error or its time); then what a round costs
 * when partitions return only the first-layer rows their rows touched against all 2^18 of them, and
 * the first-layer initialisation for I inputs against the mean non-zeros per row. Writes
 * bench/results/sparse-text-DATE.md and .json.
 *
 * <p>Arguments: the dumpavail text file and a work directory. The main run is meant for a JVM of
 * -Xmx3g (the driver-heap target); the round and initialisation comparisons, which hold the
 * all-rows alternative, and MLlib run in child JVMs (6 GiB, and 3 GiB with a time limit). System
 * properties: bench.epochs (10), bench.syncEpochs (5), bench.mllibSeconds (240).
 */
public final class SparseTextBenchmark {
  static final String SPEC = "262144-128relu-10softmax";
  static final int FEATURES = 1 << 18;
  static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final SparkSession spark;
  private final Path work;
  private final List<String> lines = new ArrayList<>();
  private final ObjectNode json = JSON.createObjectNode();

  private SparseTextBenchmark(SparkSession spark, Path work) {
    this.spark = spark;
    this.work = work;
  }

  public static void main(String[] args) throws Exception {
    if (args.length == 2 && args[0].equals("--rounds")) {
      child(args[1], SparseTextBenchmark::rounds);
      return;
    }
    if (args.length == 2 && args[0].equals("--mllib")) {
      child(args[1], SparseTextBenchmark::mllib);
      return;
    }
    if (args.length != 2) {
      System.err.println("usage: SparseTextBenchmark DUMPAVAIL-FILE WORK-DIR");
      System.exit(2);
    }
    SparkSession spark = session();
    try {
      new SparseTextBenchmark(spark, Path.of(args[1])).run(Path.of(args[0]));
    } finally {
      spark.stop();
    }
  }

  private static SparkSession session() {
    return io.sparkdnn.job.SparkSessions.builder("local[2]").appName("spark-dnn-sparse-benchmark")
        .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "2")
        .getOrCreate();
  }

  private interface ChildWork {
    ObjectNode run(SparkSession spark, Path work) throws Exception;
  }

  /** A child JVM: does its part and prints one line "RESULT {json}". */
  private static void child(String work, ChildWork part) throws Exception {
    SparkSession spark = session();
    try {
      ObjectNode result = part.run(spark, Path.of(work));
      System.out.println("RESULT " + new ObjectMapper().writeValueAsString(result));
    } finally {
      spark.stop();
    }
  }

  private void run(Path dumpavail) throws Exception {
    int epochs = Integer.getInteger("bench.epochs", 10);
    int syncEpochs = Integer.getInteger("bench.syncEpochs", 5);
    Files.createDirectories(work);
    String cpu = cpuModel();
    String date = LocalDateTime.now().format(DateTimeFormatter.ISO_LOCAL_DATE_TIME).substring(0, 16);
    long maxHeap = Runtime.getRuntime().maxMemory();
    lines.add("# Sparse input: Debian package descriptions → section, " + SPEC + ", local[2]");
    lines.add("");
    lines.add("Date " + date + "; CPU: " + cpu + ", " + Runtime.getRuntime().availableProcessors() + " cores; Java "
        + System.getProperty("java.version") + "; Spark " + Versions.all().get("spark") + "; JVM heap limit "
        + mib(maxHeap) + "; " + BlasLibrary.gemm(BlasBackend.AUTO).description());
    json.put("date", date);
    json.put("cpu", cpu);
    json.put("cores", Runtime.getRuntime().availableProcessors());
    json.put("java", System.getProperty("java.version"));
    json.put("spark", Versions.all().get("spark"));
    json.put("heap_limit_bytes", maxHeap);
    json.put("network", SPEC);

    // --- data
    long prepareStart = System.nanoTime();
    List<Dataset<Row>> parts = DebianPackages.trainAndTest(spark, dumpavail, 10, FEATURES);
    parts.get(0).write().mode("overwrite").parquet(work.resolve("train.parquet").toString());
    parts.get(1).write().mode("overwrite").parquet(work.resolve("test.parquet").toString());
    Dataset<Row> train = spark.read().parquet(work.resolve("train.parquet").toString()).cache();
    Dataset<Row> test = spark.read().parquet(work.resolve("test.parquet").toString()).cache();
    long trainRows = train.count();
    long testRows = test.count();
    long nonZeros = train.javaRDD().map(r -> (long) ((Vector) r.getAs("features")).numNonzeros()).reduce(Long::sum);
    List<String> sections = new ArrayList<>();
    for (Row r : train.groupBy("section").count().orderBy(org.apache.spark.sql.functions.col("count").desc())
        .collectAsList()) {
      sections.add(r.getString(0) + " " + r.getLong(1));
    }
    double prepareSeconds = seconds(prepareStart);
    lines.add("");
    lines.add(String.format(Locale.ROOT, "Data: %d packages in the 10 most common sections (train %d, test %d by a "
        + "hash of the name), %.2f non-zeros per row (2^18 hashed features); Tokenizer + HashingTF and writing "
        + "parquet took %.1f s. Training rows per section: %s.", trainRows + testRows, trainRows, testRows,
        nonZeros / (double) trainRows, prepareSeconds, String.join(", ", sections)));
    ObjectNode data = json.putObject("data");
    data.put("train_rows", trainRows);
    data.put("test_rows", testRows);
    data.put("train_non_zeros", nonZeros);
    data.put("sections", String.join(", ", sections));

    // --- spark-dnn
    lines.add("");
    lines.add("## spark-dnn (" + SPEC + ", Adam; 10% of the training rows validate; test = held-out packages)");
    lines.add("");
    lines.add("| mode | epochs | median s/epoch (train) | median s/epoch (with validation) | rows/s | cached bytes "
        + "(arrays / Spark's estimate) | × non-zero bytes | peak heap | test accuracy | wall s |");
    lines.add("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|");
    ArrayNode dnn = json.putArray("spark_dnn");
    dnn.add(sparkDnn("local, batch 128", TrainingConfig.builder(NetworkSpec.parse(SPEC)).epochs(epochs).patience(0)
        .build(), train, test));
    dnn.add(sparkDnn("sync, 8 rounds/epoch, lr 0.003", TrainingConfig.builder(NetworkSpec.parse(SPEC))
        .epochs(syncEpochs).patience(0).mode(TrainingMode.SYNC).roundsPerEpoch(8)
        .optimizer(OptimizerSettings.builder().learningRate(0.003).build()).build(), train, test));
    lines.add("");
    lines.add("Cached bytes are the training and validation blocks; × non-zero bytes divides the arrays by 8 bytes "
        + "(a float value and an int index) per non-zero. Peak heap: the most heap in use, sampled every 5 ms, in "
        + "this one JVM (local[2]: driver and executors share it).");

    // --- logistic regression
    lines.add("");
    lines.add("## Spark ML LogisticRegression on the same features (multinomial, defaults: maxIter 100, regParam 0)");
    lines.add("");
    StringIndexerModel indexer = new StringIndexer().setInputCol("section").setOutputCol("label").fit(train);
    Dataset<Row> lrTrain = indexer.transform(train).cache();
    Dataset<Row> lrTest = indexer.transform(test).cache();
    lrTrain.count();
    lrTest.count();
    long lrStart = System.nanoTime();
    LogisticRegressionModel lr = new LogisticRegression().fit(lrTrain);
    double lrSeconds = seconds(lrStart);
    double lrAccuracy = new MulticlassClassificationEvaluator().setMetricName("accuracy").evaluate(lr.transform(lrTest));
    lines.add(String.format(Locale.ROOT, "| fit s | iterations | test accuracy |%n|--:|--:|--:|%n| %.1f | %d | %.4f |",
        lrSeconds, lr.summary().totalIterations(), lrAccuracy));
    ObjectNode lrJson = json.putObject("logistic_regression");
    lrJson.put("fit_seconds", lrSeconds);
    lrJson.put("iterations", lr.summary().totalIterations());
    lrJson.put("test_accuracy", lrAccuracy);
    lrTrain.unpersist();
    lrTest.unpersist();
    train.unpersist();
    test.unpersist();

    // --- children
    lines.add("");
    lines.add("## What a round costs: partitions return the touched first-layer rows, or all 2^18 of them");
    lines.add("");
    ObjectNode rounds = runChild("--rounds", "-Xmx6g", 900);
    json.set("rounds", rounds);
    if (rounds.has("error")) {
      lines.add("(failed: " + rounds.path("error").asText() + ")");
    } else {
      lines.add("| mode | first-layer rows returned | median s/epoch (train) | merged result per round | val accuracy |");
      lines.add("|---|---|--:|--:|--:|");
      for (com.fasterxml.jackson.databind.JsonNode r : rounds.path("runs")) {
        lines.add(String.format(Locale.ROOT, "| %s | %s | %.2f | %s | %.4f |", r.path("mode").asText(),
            r.path("shipping").asText(), r.path("median_epoch_seconds").asDouble(),
            mib(r.path("result_bytes").asLong()), r.path("val_accuracy").asDouble()));
      }
      lines.add("");
      lines.add("In a child JVM of 6 GiB (all rows in local mode hold I × 128 floats per vector per task). Sync, all "
          + "rows: the driver's step then covers every row (the dense Adam step) instead of the touched ones.");
      lines.add("");
      lines.add("## First-layer initialisation: fan-in I = 2^18 (the default) against the mean non-zeros per row");
      lines.add("");
      lines.add("| first-layer fan-in | optimizer | epochs | val accuracy |");
      lines.add("|---|---|--:|--:|");
      for (com.fasterxml.jackson.databind.JsonNode r : rounds.path("init")) {
        lines.add(String.format(Locale.ROOT, "| %s | %s | %d | %.4f |", r.path("fan_in").asText(),
            r.path("optimizer").asText(), r.path("epochs").asInt(), r.path("val_accuracy").asDouble()));
      }
    }
    lines.add("");
    lines.add("## Spark MLlib MultilayerPerceptronClassifier, layers 262144-128-10, on the same features");
    lines.add("");
    int mllibSeconds = Integer.getInteger("bench.mllibSeconds", 240);
    ObjectNode mllib = runChild("--mllib", "-Xmx3g", mllibSeconds);
    json.set("mllib_mlp", mllib);
    lines.add(mllib.has("error")
        ? "Did not train, in a child JVM of 3 GiB (the driver budget): " + mllib.path("error").asText()
        : String.format(Locale.ROOT, "%d iterations in %.1f s, test accuracy %.4f (child JVM of 3 GiB)",
            mllib.path("iterations").asInt(), mllib.path("fit_seconds").asDouble(), mllib.path("test_accuracy").asDouble()));

    String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmm"));
    Path out = Path.of("bench/results");
    Files.createDirectories(out);
    Files.write(out.resolve("sparse-text-" + stamp + ".md"), lines, StandardCharsets.UTF_8);
    Files.writeString(out.resolve("sparse-text-" + stamp + ".json"), JSON.writeValueAsString(json));
    lines.forEach(System.out::println);
    System.out.println("\nwritten: bench/results/sparse-text-" + stamp + ".md and .json");
  }

  /** One spark-dnn run through the trainer, as dnn train does; its row of the table. */
  private ObjectNode sparkDnn(String name, TrainingConfig config, Dataset<Row> train, Dataset<Row> test) {
    HeapSampler heap = HeapSampler.start();
    long start = System.nanoTime();
    List<EpochMetrics> epochs = new ArrayList<>();
    DnnTrainer.Fit fit = new DnnTrainer(DataSettings.builder().labels(List.of("section")).build(), config)
        .fit(train, null, "Debian packages", null, null, (m, s) -> epochs.add(m));
    double wall = seconds(start);
    long peak = heap.stop();
    long memSize = 0;
    java.util.Set<Integer> ids = new java.util.HashSet<>();
    fit.packed.cachedRdds().forEach(rdd -> ids.add(rdd.id()));
    for (RDDInfo info : spark.sparkContext().getRDDStorageInfo()) {
      if (ids.contains(info.id())) {
        memSize += info.memSize();
      }
    }
    long payload = fit.packed.payloadBytes();
    long nonZeroBytes = 8L * fit.packed.nonZeros();
    double accuracy = ModelScoring.evaluate(fit.model, test, 2, BadRowPolicy.FAIL, BlasBackend.AUTO, "test")
        .accuracy();
    fit.packed.release();
    double[] trainTimes = epochs.stream().mapToDouble(EpochMetrics::trainSeconds).sorted().toArray();
    double[] whole = epochs.stream().mapToDouble(EpochMetrics::epochSeconds).sorted().toArray();
    double median = trainTimes[trainTimes.length / 2];
    double rowsPerSecond = fit.packed.trainingRows() / median;
    lines.add(String.format(Locale.ROOT, "| %s | %d | %.2f | %.2f | %,.0f | %s / %s | %.2f× | %s | %.4f | %.1f |",
        name, epochs.size(), median, whole[whole.length / 2], rowsPerSecond, mib(payload), mib(memSize),
        payload / (double) nonZeroBytes, mib(peak), accuracy, wall));
    ObjectNode r = JSON.createObjectNode();
    r.put("mode", name);
    r.put("epochs", epochs.size());
    r.put("median_epoch_train_seconds", median);
    r.put("median_epoch_seconds", whole[whole.length / 2]);
    r.put("epoch_train_seconds", Arrays.toString(epochs.stream().mapToDouble(EpochMetrics::trainSeconds).toArray()));
    r.put("rows_per_second", rowsPerSecond);
    r.put("training_rows", fit.packed.trainingRows());
    r.put("cached_payload_bytes", payload);
    r.put("cached_spark_memory_bytes", memSize);
    r.put("non_zeros", fit.packed.nonZeros());
    r.put("payload_over_non_zero_bytes", payload / (double) nonZeroBytes);
    r.put("peak_heap_bytes", peak);
    r.put("test_accuracy", accuracy);
    r.put("wall_seconds", wall);
    return r;
  }

  /** Child: touched against all first-layer rows in both modes, and the two initialisations. */
  private static ObjectNode rounds(SparkSession spark, Path work) {
    Dataset<Row> train = spark.read().parquet(work.resolve("train.parquet").toString());
    NetworkSpec spec = NetworkSpec.parse(SPEC);
    SparseRoundsProbe probe = new SparseRoundsProbe(train, "features", "section", 2, spec);
    ObjectNode out = JSON.createObjectNode();
    ArrayNode runs = out.putArray("runs");
    float[] initial = Initialization.AUTO.initialize(spec, 42);
    TrainingConfig local = TrainingConfig.builder(spec).epochs(3).patience(0).batchSize(128).build();
    TrainingConfig sync = TrainingConfig.builder(spec).epochs(3).patience(0).batchSize(128).mode(TrainingMode.SYNC)
        .roundsPerEpoch(8).optimizer(OptimizerSettings.builder().learningRate(0.003).build()).build();
    for (TrainingConfig config : new TrainingConfig[] {local, sync}) {
      for (boolean all : new boolean[] {false, true}) {
        SparseRoundsProbe.Run run = probe.train(config, initial, all);
        double[] seconds = run.epochs().stream().mapToDouble(EpochMetrics::trainSeconds).sorted().toArray();
        ObjectNode r = runs.addObject();
        r.put("mode", config.mode() == TrainingMode.LOCAL ? "local, 1 round/epoch" : "sync, 8 rounds/epoch");
        r.put("shipping", all ? "all " + spec.inputWidth() : "touched");
        r.put("median_epoch_seconds", seconds[seconds.length / 2]);
        r.put("epoch_train_seconds", Arrays.toString(run.epochs().stream()
            .mapToDouble(EpochMetrics::trainSeconds).toArray()));
        r.put("result_bytes", run.lastRoundResultBytes());
        r.put("val_accuracy", run.validationAccuracy());
      }
    }
    ArrayNode init = out.putArray("init");
    double perRow = probe.packed().nonZeros() / (double) (probe.packed().trainingRows() + probe.packed().validationRows());
    for (String optimizer : new String[] {"adam", "sgd"}) {
      for (double fanIn : new double[] {spec.inputWidth(), perRow}) {
        TrainingConfig config = TrainingConfig.builder(spec).epochs(5).patience(0).batchSize(128)
            .optimizer(OptimizerSettings.builder().name(io.sparkdnn.train.OptimizerName.fromToken(optimizer))
                .learningRate(optimizer.equals("adam") ? 0.001 : 0.5).build()).build();
        SparseRoundsProbe.Run run = probe.train(config, Initialization.AUTO.initialize(spec, 42, fanIn), false);
        ObjectNode r = init.addObject();
        r.put("fan_in", fanIn == spec.inputWidth() ? "I = 262144" : String.format(Locale.ROOT, "%.1f (non-zeros per row)",
            fanIn));
        r.put("optimizer", optimizer + (optimizer.equals("adam") ? " lr 0.001" : " lr 0.5"));
        r.put("epochs", 5);
        r.put("val_accuracy", run.validationAccuracy());
      }
    }
    probe.release();
    return out;
  }

  /** Child: MLlib's perceptron on the same features; its error or its time. */
  private static ObjectNode mllib(SparkSession spark, Path work) {
    Dataset<Row> train = spark.read().parquet(work.resolve("train.parquet").toString());
    Dataset<Row> test = spark.read().parquet(work.resolve("test.parquet").toString());
    StringIndexerModel indexer = new StringIndexer().setInputCol("section").setOutputCol("label").fit(train);
    ObjectNode out = JSON.createObjectNode();
    long start = System.nanoTime();
    try {
      MultilayerPerceptronClassificationModel model = new MultilayerPerceptronClassifier()
          .setLayers(new int[] {FEATURES, 128, 10}).setMaxIter(5).setSeed(1).setBlockSize(128)
          .fit(indexer.transform(train));
      out.put("fit_seconds", seconds(start));
      out.put("iterations", model.summary().totalIterations());
      out.put("test_accuracy", new MulticlassClassificationEvaluator().setMetricName("accuracy")
          .evaluate(model.transform(indexer.transform(test))));
    } catch (Throwable t) {
      Throwable root = t;
      while (root.getCause() != null) {
        root = root.getCause();
      }
      out.put("error", String.format(Locale.ROOT, "%s after %.0f s: %s", root.getClass().getSimpleName(),
          seconds(start), String.valueOf(root.getMessage()).split("\n")[0]));
    }
    return out;
  }

  /** Runs this class with {@code arg} in a JVM of {@code heap}; its RESULT line, or {error: …}. */
  private ObjectNode runChild(String arg, String heap, int timeoutSeconds) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (!a.startsWith("-Xmx")) {
        command.add(a);
      }
    }
    command.add(heap);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(SparseTextBenchmark.class.getName());
    command.add(arg);
    command.add(work.toString());
    Path log = work.resolve("child" + arg.replace("-", "_") + ".log");
    Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    long start = System.nanoTime();
    boolean finished = process.waitFor(timeoutSeconds, TimeUnit.SECONDS);
    if (!finished) {
      process.destroy();
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    }
    String result = null;
    String lastError = null;
    String outOfMemory = null;
    try (BufferedReader in = new BufferedReader(new InputStreamReader(Files.newInputStream(log),
        StandardCharsets.UTF_8))) {
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        if (line.startsWith("RESULT ")) {
          result = line.substring(7);
        } else if (line.contains("OutOfMemoryError") && outOfMemory == null) {
          outOfMemory = line.trim();
        } else if (line.contains("Error") || line.contains("Exception")) {
          lastError = lastError == null ? line.trim() : lastError;
        }
      }
    }
    if (result != null) {
      ObjectNode parsed = (ObjectNode) JSON.readTree(result);
      if (parsed.has("error") && outOfMemory != null) {
        parsed.put("error", parsed.path("error").asText() + "; the cause in its log: " + outOfMemory
            + " in a task, after which Spark shut the SparkContext down");
      }
      return parsed;
    }
    ObjectNode error = JSON.createObjectNode();
    error.put("error", !finished
        ? String.format(Locale.ROOT, "no result after %d s (stopped); %s", timeoutSeconds,
            lastError == null ? "no error logged" : "first error logged: " + lastError)
        : String.format(Locale.ROOT, "the JVM ended with status %d after %.0f s; first error logged: %s",
            process.exitValue(), seconds(start), lastError));
    return error;
  }

  /** The most heap in use while it runs, sampled every 5 ms. */
  private static final class HeapSampler implements Runnable {
    private final AtomicLong peak = new AtomicLong();
    private volatile boolean running = true;
    private Thread thread;

    static HeapSampler start() {
      System.gc();
      HeapSampler s = new HeapSampler();
      s.thread = new Thread(s, "heap-sampler");
      s.thread.setDaemon(true);
      s.thread.start();
      return s;
    }

    @Override
    public void run() {
      java.lang.management.MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
      while (running) {
        peak.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
        try {
          Thread.sleep(5);
        } catch (InterruptedException e) {
          return;
        }
      }
    }

    long stop() {
      running = false;
      try {
        thread.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return peak.get();
    }
  }

  private static double seconds(long since) {
    return (System.nanoTime() - since) / 1e9;
  }

  private static String mib(long bytes) {
    return bytes >= 1L << 30 ? String.format(Locale.ROOT, "%.2f GiB", bytes / (double) (1L << 30))
        : String.format(Locale.ROOT, "%.1f MiB", bytes / (double) (1L << 20));
  }

  /** /proc/cpuinfo's model name, family/model numbers and widest vector extension. */
  static String cpuModel() {
    try {
      List<String> cpuinfo = Files.readAllLines(Path.of("/proc/cpuinfo"));
      String flags = field(cpuinfo, "flags");
      String vectors = flags.contains("avx512f") ? "AVX-512" : flags.contains("avx2") ? "AVX2" : "no AVX2";
      return field(cpuinfo, "model name") + " (family " + field(cpuinfo, "cpu family") + ", model "
          + field(cpuinfo, "model") + ", " + vectors + ")";
    } catch (IOException e) {
      return "unknown (" + e + ")";
    }
  }

  private static String field(List<String> cpuinfo, String name) {
    return cpuinfo.stream()
        .filter(l -> l.startsWith(name) && l.substring(0, l.indexOf(':')).trim().equals(name))
        .map(l -> l.substring(l.indexOf(':') + 1).trim())
        .findFirst().orElse("?");
  }
}
