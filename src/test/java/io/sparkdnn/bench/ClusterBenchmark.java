package io.sparkdnn.bench;

import io.sparkdnn.data.DataSettings;
import io.sparkdnn.data.PackedBlock;
import io.sparkdnn.engine.NetworkSpec;
import io.sparkdnn.job.ConfigLoader;
import io.sparkdnn.job.JobConfig;
import io.sparkdnn.model.Versions;
import io.sparkdnn.results.EpochMetrics;
import io.sparkdnn.train.AggregationPlan;
import io.sparkdnn.train.DistributedTrainer;
import io.sparkdnn.train.DnnTrainer;
import io.sparkdnn.train.SparkSetup;
import io.sparkdnn.train.TrainingConfig;
import io.sparkdnn.train.TrainingMode;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.executor.TaskMetrics;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobEnd;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.TaskInfo;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The main job (conf/fashion-mnist.conf, 784-256relu-128relu-10softmax) on a Spark standalone
 * cluster against {@code local[2]}, in one run, and a cost model of a round fitted to what it
 * measures.
 *
 * <p>Runs, each a few epochs on the 60,000 training rows (no validation, so every Spark job of
 * the training phase is a round): {@code local[2]} in local and sync mode; then the standalone
 * cluster of scripts/cluster.sh (master and two 1-core workers on 127.0.0.1) with one executor
 * ({@code spark.cores.max = 1}) and with two, each in local mode on 2 partitions and in sync mode
 * (8 rounds per epoch) on every partition count of {@code bench.partitions}. For every run a
 * SparkListener records each round's job and tasks (run time, deserialisation, result
 * serialisation, fetching the result, scheduler delay, result and shuffle bytes), and after it
 * "empty rounds" of the same shape run on the same cached blocks: the same broadcast and
 * treeAggregate with the same result size and depth, but no forward/backward pass. Their time is
 * what a round costs besides computing; the model's constants are fitted from them (see {@link
 * CostModel}).
 *
 * <p>Prints one report (the tables, the fitted model, predicted against measured, predictions for
 * 8–64 executors) and writes it to bench/results/cluster-DATE.md, and every table row as one JSON
 * object to bench/results/cluster-DATE.json.
 *
 * <p>System properties: bench.epochs (4), bench.partitions ("2,4,8,16": sync mode on the cluster),
 * bench.localPartitions ("2,16": sync mode on local[2]), bench.emptyRounds (10 per shape),
 * bench.gbit (10: network bandwidth the predictions assume), bench.data (data/fashion-mnist).
 * The cluster is started by scripts/cluster.sh and stopped again, also on failure.
 */
public final class ClusterBenchmark {
  static final String SPEC = "784-256relu-128relu-10softmax";
  private static final File JOB = new File("conf/fashion-mnist.conf");
  private static final Path ROOT = Path.of("").toAbsolutePath();
  private static final String EMPTY_GROUP = "bench-empty-round";
  /** Sync rounds per epoch, as in scripts/bench.sh. */
  static final int SYNC_ROUNDS = 8;
  /**
   * The treeAggregate depth of the main rows: 2, what training.tree-depth = auto picked before it
   * began at 1 for results of at most 32 MiB (AggregationPlan); kept so that runs compare with the
   * earlier ones. The depth-1 rows are what auto picks now at these sizes.
   */
  static final int DEPTH = 2;

  private final BenchReport report = new BenchReport();
  private final List<Measured> runs = new ArrayList<>();
  private final List<double[]> depthRows = new ArrayList<>();
  private final int epochs = Integer.getInteger("bench.epochs", 4);
  private final int emptyRounds = Integer.getInteger("bench.emptyRounds", 10);
  private final String dataDir = Path.of(System.getProperty("bench.data", "data/fashion-mnist")).toAbsolutePath()
      .toString();
  private final int parameters = NetworkSpec.parse(SPEC).parameterCount();
  private final float[] weightsLike = randomFloats(parameters);
  private SparkSession spark;
  private Recorder recorder;

  public static void main(String[] args) throws Exception {
    new ClusterBenchmark().run();
  }

  private void run() throws Exception {
    int[] clusterPartitions = ints(System.getProperty("bench.partitions", "2,4,8,16"));
    int[] localPartitions = ints(System.getProperty("bench.localPartitions", "2,16"));
    double gbit = Double.parseDouble(System.getProperty("bench.gbit", "10"));
    String date = LocalDateTime.now().format(DateTimeFormatter.ISO_LOCAL_DATE_TIME).substring(0, 16);
    String coreType = System.getenv("OPENBLAS_CORETYPE") == null ? "not set" : System.getenv("OPENBLAS_CORETYPE");

    // --- local[2]
    open("local[2]", 0);
    measure("local[2]", 2, TrainingMode.LOCAL, 2, DEPTH, false);
    for (int p : localPartitions) {
      measure("local[2]", 2, TrainingMode.SYNC, p, DEPTH, false);
    }
    close();

    // --- the standalone cluster: one start, applications of 1 and 2 one-core executors
    Path clusterLog = ROOT.resolve("target/cluster-bench-start.log");
    String master = startCluster(clusterLog);
    try {
      for (int executors : new int[] {1, 2}) {
        String setup = "cluster, " + executors + " executor" + (executors > 1 ? "s" : "") + " × 1 core";
        open(master, executors);
        measure(setup, executors, TrainingMode.LOCAL, 2, DEPTH, false);
        for (int p : clusterPartitions) {
          measure(setup, executors, TrainingMode.SYNC, p, DEPTH,
              executors == 2 && p == clusterPartitions[clusterPartitions.length - 1]);
        }
        if (executors == 2) {
          // What a shuffle level (depth 2 from 8 partitions on) costs against sending every
          // partition's result straight to the driver (depth 1: what tree-depth = auto now picks).
          for (int p : clusterPartitions) {
            if (AggregationPlan.levels(p, DEPTH) > 0) {
              measure(setup, executors, TrainingMode.SYNC, p, 1, false);
            }
          }
        }
        close();
      }
    } finally {
      if (spark != null) {
        close();
      }
      stopCluster();
    }

    report(date, coreType, gbit);
  }

  // ------------------------------------------------------------------ sessions and the cluster

  private void open(String master, int executors) throws Exception {
    SparkSession.Builder b = SparkSetup.configure(SparkSession.builder()).master(master)
        .appName("spark-dnn-cluster-benchmark").config("spark.ui.enabled", "false")
        .config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1");
    if (executors > 0) {
      // The classes reach the executors from this checkout's build (same machine), not as a jar:
      // the empty rounds' closures are test classes.
      b.config("spark.cores.max", Integer.toString(executors)).config("spark.executor.cores", "1")
          .config("spark.executor.memory", "1g")
          .config("spark.executor.extraClassPath", ROOT.resolve("target/classes") + File.pathSeparator
              + ROOT.resolve("target/test-classes"));
    }
    spark = b.getOrCreate();
    recorder = new Recorder();
    spark.sparkContext().addSparkListener(recorder);
    if (executors > 0) {
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
      while (spark.sparkContext().statusTracker().getExecutorInfos().length < executors + 1) {
        if (System.nanoTime() > end) {
          throw new IllegalStateException(executors + " executor(s) did not register within 90 s");
        }
        Thread.sleep(100);
      }
    }
  }

  private void close() {
    spark.stop();
    spark = null;
  }

  private static String startCluster(Path log) throws Exception {
    Process p = new ProcessBuilder(ROOT.resolve("scripts/cluster.sh").toString(), "start", "--workers", "2")
        .directory(ROOT.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    if (!p.waitFor(180, TimeUnit.SECONDS) || p.exitValue() != 0) {
      p.destroyForcibly();
      stopCluster();
      throw new IllegalStateException("scripts/cluster.sh start failed; see " + log + ":\n" + Files.readString(log));
    }
    return Files.readString(ROOT.resolve("target/cluster/master-url")).trim();
  }

  private static void stopCluster() throws Exception {
    Process p = new ProcessBuilder(ROOT.resolve("scripts/cluster.sh").toString(), "stop").directory(ROOT.toFile())
        .redirectErrorStream(true).redirectOutput(new File("/dev/null")).start();
    p.waitFor(60, TimeUnit.SECONDS);
  }

  // ------------------------------------------------------------------ one training run

  /** One training run and what was measured in it and in its empty rounds. */
  static final class Measured {
    String setup;
    int executors;
    TrainingMode mode;
    int partitions;
    /** treeAggregate depth (training.tree-depth). */
    int depth;
    int rounds;
    double packSeconds;
    List<EpochMetrics> history = new ArrayList<>();
    long rows;
    /** Steady-state rounds (epochs 2+): means per round. */
    RoundStats real;
    /** Empty rounds: no broadcast and a tiny result; + the broadcast; + the result (this run's shape). */
    RoundStats schedOnly;
    RoundStats withBroadcast;
    RoundStats fullShape;

    double firstEpoch() {
      return history.get(0).trainSeconds();
    }

    double medianEpoch() {
      double[] s = history.stream().skip(history.size() > 1 ? 1 : 0).mapToDouble(EpochMetrics::trainSeconds)
          .sorted().toArray();
      return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    /** Cores the tasks of a round run on at once. */
    int slots() {
      return Math.min(executors, partitions);
    }

    int vectors() {
      return mode == TrainingMode.LOCAL ? 3 : 1;
    }
  }

  /** Trains once and runs the empty rounds of its shape (and the depth sweep when asked) on its blocks. */
  private Measured measure(String setup, int executors, TrainingMode mode, int partitions, int depth,
      boolean depthSweep) {
    Measured m = new Measured();
    m.setup = setup;
    m.executors = executors;
    m.mode = mode;
    m.partitions = partitions;
    m.depth = depth;
    m.rounds = mode == TrainingMode.SYNC ? SYNC_ROUNDS : 1;
    List<String> overrides = List.of("training.mode=" + mode.token(), "training.rounds-per-epoch=" + m.rounds,
        "training.epochs=" + epochs, "data.partitions=" + partitions, "data.validation-fraction=0",
        "training.early-stopping.patience=0", "training.tree-depth=" + depth);
    JobConfig loaded = ConfigLoader.load(JOB, overrides);
    DataSettings data = loaded.data();
    TrainingConfig config = loaded.requireTraining();
    Dataset<Row> train = spark.read().parquet(dataDir + "/train.parquet");
    recorder.begin(DistributedTrainer.JOB_GROUP);
    long start = System.nanoTime();
    DnnTrainer.Fit fit = new DnnTrainer(data, config).fit(train, null, "training data", "validation data", null,
        (metrics, state) -> m.history.add(metrics));
    double total = (System.nanoTime() - start) / 1e9;
    m.packSeconds = fit.packSeconds;
    m.rows = fit.packed.trainingRows();
    m.real = recorder.end(spark, true);
    try {
      JavaRDD<PackedBlock> blocks = fit.packed.training();
      int v = m.vectors();
      m.schedOnly = emptyRounds(blocks, 0, 1, depth);
      m.withBroadcast = emptyRounds(blocks, v * parameters, 1, depth);
      m.fullShape = emptyRounds(blocks, v * parameters, v * parameters, depth);
      if (depthSweep) {
        depths(blocks, partitions);
      }
    } finally {
      fit.packed.release();
    }
    runs.add(m);
    System.err.printf(Locale.ROOT, "%s, %s, %d partitions, depth %d: %d epochs, %.1f s in all, median %.3f s/epoch%n", setup,
        mode.token(), partitions, depth, epochs, total, m.medianEpoch());
    return m;
  }

  /** The sync shape on {@code blocks} at treeAggregate depths 1, 2 and 4: what a level of the tree costs. */
  private void depths(JavaRDD<PackedBlock> blocks, int partitions) {
    for (int depth : new int[] {1, 2, 4}) {
      RoundStats s = emptyRounds(blocks, parameters, parameters, depth);
      depthRows.add(new double[] {partitions, depth, AggregationPlan.levels(partitions, depth), AggregationPlan.fanIn(partitions, depth), s.wallMs,
          s.jobMs, s.stages});
    }
  }

  // ------------------------------------------------------------------ empty rounds

  /**
   * {@code emptyRounds} rounds (after one unrecorded) of the trainer's shape without its work: a
   * broadcast of {@code broadcastFloats} random floats made per round (as the trainer does), tasks
   * that read it and return {@code resultFloats} floats copied from it, summed by treeAggregate at
   * {@code depth}. Wall time per round includes making and destroying the broadcast.
   */
  private RoundStats emptyRounds(JavaRDD<PackedBlock> blocks, int broadcastFloats, int resultFloats, int depth) {
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    float[] source = new float[broadcastFloats];
    for (int i = 0; i < broadcastFloats; i++) {
      source[i] = weightsLike[i % weightsLike.length];
    }
    List<Double> walls = new ArrayList<>();
    sc.setJobGroup(EMPTY_GROUP, "empty round", false);
    for (int r = 0; r <= emptyRounds; r++) {
      if (r == 1) {
        recorder.begin(EMPTY_GROUP);
      }
      long start = System.nanoTime();
      Broadcast<float[]> b = broadcastFloats > 0 ? sc.broadcast(source.clone()) : null;
      float[] sum = blocks.mapPartitions(new EmptyTask(b, resultFloats), false)
          .treeAggregate(new float[0], ClusterBenchmark::add, ClusterBenchmark::add, depth);
      if (b != null) {
        b.destroy();
      }
      if (sum.length != resultFloats) {
        throw new IllegalStateException("empty round summed " + sum.length + " floats, expected " + resultFloats);
      }
      if (r > 0) {
        walls.add((System.nanoTime() - start) / 1e6);
      }
    }
    sc.clearJobGroup();
    RoundStats s = recorder.end(spark, false);
    s.wallMs = median(walls);
    return s;
  }

  /** An empty round's task: reads the broadcast and returns a result of the round's size. */
  static final class EmptyTask implements FlatMapFunction<Iterator<PackedBlock>, float[]> {
    private static final long serialVersionUID = 1L;
    private final Broadcast<float[]> broadcast;
    private final int resultFloats;

    EmptyTask(Broadcast<float[]> broadcast, int resultFloats) {
      this.broadcast = broadcast;
      this.resultFloats = resultFloats;
    }

    @Override
    public Iterator<float[]> call(Iterator<PackedBlock> blocks) {
      float[] w = broadcast == null ? new float[] {1} : broadcast.value();
      float[] result = new float[resultFloats];
      for (int off = 0; off < resultFloats; off += w.length) {
        System.arraycopy(w, 0, result, off, Math.min(w.length, resultFloats - off));
      }
      return Collections.singletonList(result).iterator();
    }
  }

  static float[] add(float[] a, float[] b) {
    if (a.length == 0) {
      return b;
    }
    if (b.length == 0) {
      return a;
    }
    for (int i = 0; i < a.length; i++) {
      a[i] += b[i];
    }
    return a;
  }

  // ------------------------------------------------------------------ listener

  /** Means per round (one Spark job) of what the listener recorded; times in ms, sizes in bytes. */
  static final class RoundStats {
    int rounds;
    double wallMs;
    double jobMs;
    double stages;
    double tasks;
    double runMs;
    double cpuMs;
    double deserializeMs;
    double resultSerializeMs;
    double gettingResultMs;
    double schedulerDelayMs;
    double gcMs;
    double maxResultBytes;
    double shuffleWriteBytes;
  }

  /** Records the jobs of one job group and their tasks. */
  static final class Recorder extends SparkListener {
    private volatile String group;
    private final Map<Integer, long[]> jobs = new ConcurrentHashMap<>();
    private final Map<Integer, Integer> stageJob = new ConcurrentHashMap<>();
    private final Map<Integer, String> descriptions = new ConcurrentHashMap<>();
    private final Map<Integer, List<SparkListenerTaskEnd>> tasks = new ConcurrentHashMap<>();

    void begin(String jobGroup) {
      jobs.clear();
      stageJob.clear();
      descriptions.clear();
      tasks.clear();
      group = jobGroup;
    }

    @Override
    public void onJobStart(SparkListenerJobStart start) {
      String g = start.properties() == null ? null : start.properties().getProperty("spark.jobGroup.id");
      if (group == null || !group.equals(g)) {
        return;
      }
      jobs.put(start.jobId(), new long[] {start.time(), -1, start.stageIds().size()});
      descriptions.put(start.jobId(), String.valueOf(start.properties().getProperty("spark.job.description")));
      for (Object stage : scala.jdk.javaapi.CollectionConverters.asJava(start.stageIds())) {
        stageJob.put((Integer) stage, start.jobId());
      }
    }

    @Override
    public void onJobEnd(SparkListenerJobEnd end) {
      long[] job = jobs.get(end.jobId());
      if (job != null) {
        job[1] = end.time();
      }
    }

    @Override
    public void onTaskEnd(SparkListenerTaskEnd end) {
      Integer job = stageJob.get(end.stageId());
      if (job != null && end.taskMetrics() != null) {
        tasks.computeIfAbsent(job, k -> Collections.synchronizedList(new ArrayList<>())).add(end);
      }
    }

    /**
     * Stops recording and returns the means per job; with {@code skipFirstEpoch}, jobs whose
     * description starts with "epoch 1/" (the trainer's first epoch: JIT warm-up) are left out.
     */
    RoundStats end(SparkSession spark, boolean skipFirstEpoch) {
      try {
        spark.sparkContext().listenerBus().waitUntilEmpty(60_000);
      } catch (java.util.concurrent.TimeoutException e) {
        throw new IllegalStateException("Spark's listener bus did not drain in 60 s", e);
      }
      group = null;
      RoundStats s = new RoundStats();
      List<Integer> ids = new ArrayList<>(jobs.keySet());
      Collections.sort(ids);
      for (int id : ids) {
        if (skipFirstEpoch && descriptions.getOrDefault(id, "").startsWith("epoch 1/")) {
          continue;
        }
        long[] job = jobs.get(id);
        s.rounds++;
        s.jobMs += job[1] - job[0];
        int stagesRun = 0;
        java.util.Set<Integer> stages = new java.util.HashSet<>();
        for (SparkListenerTaskEnd t : tasks.getOrDefault(id, List.of())) {
          stages.add(t.stageId());
          TaskMetrics m = t.taskMetrics();
          TaskInfo info = t.taskInfo();
          double getting = info.gettingResult() ? info.finishTime() - info.gettingResultTime() : 0;
          double duration = info.finishTime() - info.launchTime();
          s.tasks++;
          s.runMs += m.executorRunTime();
          s.cpuMs += m.executorCpuTime() / 1e6;
          s.deserializeMs += m.executorDeserializeTime();
          s.resultSerializeMs += m.resultSerializationTime();
          s.gettingResultMs += getting;
          s.gcMs += m.jvmGCTime();
          s.schedulerDelayMs += Math.max(0, duration - m.executorRunTime() - m.executorDeserializeTime()
              - m.resultSerializationTime() - getting);
          s.shuffleWriteBytes += m.shuffleWriteMetrics().bytesWritten();
          s.maxResultBytes = Math.max(s.maxResultBytes, m.resultSize());
        }
        stagesRun += stages.size();
        s.stages += stagesRun;
      }
      int n = Math.max(1, s.rounds);
      s.jobMs /= n;
      s.stages /= n;
      s.tasks /= n;
      s.runMs /= n;
      s.cpuMs /= n;
      s.deserializeMs /= n;
      s.resultSerializeMs /= n;
      s.gettingResultMs /= n;
      s.schedulerDelayMs /= n;
      s.gcMs /= n;
      s.shuffleWriteBytes /= n;
      return s;
    }
  }

  // ------------------------------------------------------------------ treeAggregate's shape


  // ------------------------------------------------------------------ report

  private void report(String date, String coreType, double gbit) throws IOException {
    report.title("spark-dnn on a standalone cluster against local[2]: Fashion-MNIST (60,000 rows), " + SPEC);
    report.line("Date " + date + "; " + BenchReport.cpu() + ", " + Runtime.getRuntime().availableProcessors() + " cores; OPENBLAS_CORETYPE "
        + coreType + "; Java " + System.getProperty("java.version") + "; Spark " + Versions.all().get("spark")
        + "; spark-dnn " + Versions.project());
    report.line("Cluster: scripts/cluster.sh (master + two 1-core workers on 127.0.0.1, executors of 1 GiB); the "
        + "1-executor runs use spark.cores.max = 1. The driver is this JVM, on the same 2 cores as the executors.");
    report.line("conf/fashion-mnist.conf (Adam, batch 128), " + epochs + " epochs per run, no validation; "
        + parameters + " parameters = " + kib(4L * parameters) + " per float32 vector. Local mode broadcasts "
        + "weights + Adam's two moments and returns as much; sync mode broadcasts the weights and returns a gradient.");

    report.section("Seconds per epoch");
    report.table("setup", "mode", "partitions", "rounds/epoch", "tree depth: levels, fan-in", "load + pack s", "first epoch s",
        "median s/epoch (2+)", "× local[2] same mode + partitions", "rows/s");
    for (Measured m : runs) {
      Measured ref = m.depth == DEPTH ? find("local[2]", m.mode, m.partitions) : null;
      report.row(m.setup, label(m), Integer.toString(m.partitions), Integer.toString(m.rounds),
          m.depth + ": " + AggregationPlan.levels(m.partitions, m.depth) + ", " + AggregationPlan.fanIn(m.partitions, m.depth), f1(m.packSeconds), f3(m.firstEpoch()),
          f3(m.medianEpoch()), ref == null ? "—" : f2(m.medianEpoch() / ref.medianEpoch()),
          String.format(Locale.ROOT, "%,.0f", m.rows / m.medianEpoch()));
    }

    report.section("A round, from Spark's task metrics (means per round, epochs 2+; times in ms; task times summed over the round's tasks)");
    report.table("setup", "mode", "partitions", "wall ms/round", "job ms", "stages", "tasks", "task run ms (Σ)",
        "compute on the critical path ms (Σ run / cores)", "deserialize ms (Σ)", "result serialize ms (Σ)",
        "getting result ms (Σ)", "scheduler delay ms (Σ)", "GC ms (Σ)", "driver outside the job ms",
        "broadcast bytes", "result bytes per task (max)", "shuffle bytes");
    for (Measured m : runs) {
      RoundStats r = m.real;
      double wall = m.medianEpoch() * 1000 / m.rounds;
      report.row(m.setup, label(m), Integer.toString(m.partitions), f1(wall), f1(r.jobMs), f1(r.stages),
          f1(r.tasks), f1(r.runMs), f1(r.runMs / m.slots()), f1(r.deserializeMs), f1(r.resultSerializeMs),
          f1(r.gettingResultMs), f1(r.schedulerDelayMs), f1(r.gcMs), f1(wall - r.jobMs),
          String.format(Locale.ROOT, "%,d", 4L * parameters * m.vectors()),
          String.format(Locale.ROOT, "%,.0f", r.maxResultBytes), String.format(Locale.ROOT, "%,.0f", r.shuffleWriteBytes));
    }

    report.section("Empty rounds: the round's shape without forward/backward (median wall ms of " + emptyRounds
        + " rounds, making the broadcast included)");
    report.table("setup", "mode", "partitions", "no broadcast, tiny result", "+ broadcast", "+ result (the round's shape)",
        "job ms (shape)", "task run ms Σ (shape)", "scheduler delay ms Σ (shape)", "getting result ms Σ (shape)",
        "real round ms", "real − empty = compute ms", "compute per row µs (per core)");
    for (Measured m : runs) {
      double wall = m.medianEpoch() * 1000 / m.rounds;
      report.row(m.setup, label(m), Integer.toString(m.partitions), f1(m.schedOnly.wallMs), f1(m.withBroadcast.wallMs),
          f1(m.fullShape.wallMs), f1(m.fullShape.jobMs), f1(m.fullShape.runMs), f1(m.fullShape.schedulerDelayMs),
          f1(m.fullShape.gettingResultMs), f1(wall), f1(wall - m.fullShape.wallMs),
          f2(CostModel.computePerRowMicros(m)));
    }

    if (!depthRows.isEmpty()) {
      report.section("treeAggregate depth: the sync shape (one float32 vector per task) on 2 executors, empty rounds");
      report.table("partitions", "depth", "shuffle levels", "results at the driver", "wall ms", "job ms", "stages");
      for (double[] d : depthRows) {
        report.row(f0(d[0]), f0(d[1]), f0(d[2]), f0(d[3]), f1(d[4]), f1(d[5]), f1(d[6]));
      }
    }

    CostModel model = CostModel.fit(runs, parameters);
    report.section("Cost model of a round (constants fitted to the cluster runs above)");
    for (String l : model.describe(gbit)) {
      report.line(l);
    }
    report.table("constant", "value", "fitted from");
    for (String[] c : model.constants()) {
      report.row(c);
    }

    report.section("Predicted against measured (loopback: no wire time; s/epoch; the local[2] rows with the cluster's constants)");
    report.table("setup", "mode", "partitions", "predicted s/epoch", "measured s/epoch", "predicted / measured",
        "compute s", "overhead s");
    for (Measured m : runs) {
      double[] p = model.predictRun(m);
      report.row(m.setup, label(m), Integer.toString(m.partitions), f3(p[0]), f3(m.medianEpoch()),
          f2(p[0] / m.medianEpoch()), f3(p[1]), f3(p[2]));
    }

    report.section(String.format(Locale.ROOT, "Predictions for 8–64 executors (1 core each, partitions = executors, "
        + "%.0f Gbit/s; treeAggregate depth 2 adds a shuffle level; depth 1, what training.tree-depth = auto picks up to 32 MiB of results, sends every "
        + "result to the driver)", gbit));
    report.table("executors", "rows", "mode", "tree depth: levels, fan-in", "compute ms/round", "scheduling ms/round",
        "broadcast ms/round", "treeAggregate ms/round", "driver update ms/round", "s/epoch", "compute share");
    for (long rowsPerExecutor : new long[] {0, 30_000}) {
      for (int e : rowsPerExecutor == 0 ? new int[] {1, 2, 8, 16, 32, 64} : new int[] {8, 16, 32, 64}) {
        long rows = rowsPerExecutor == 0 ? 60_000 : rowsPerExecutor * e;
        for (TrainingMode mode : new TrainingMode[] {TrainingMode.SYNC, TrainingMode.LOCAL}) {
          for (int depth : rowsPerExecutor == 0 && e > 2 ? new int[] {DEPTH, 1} : new int[] {DEPTH}) {
            double[] p = model.predict(e, e, depth, rows, mode, gbit);
            int rounds = mode == TrainingMode.SYNC ? SYNC_ROUNDS : 1;
            report.row(Integer.toString(e), String.format(Locale.ROOT, "%,d", rows), mode.token() + " (" + rounds + " round"
                + (rounds > 1 ? "s" : "") + ")", depth + ": " + AggregationPlan.levels(e, depth) + ", " + AggregationPlan.fanIn(e, depth), f1(p[1]),
                f1(p[2]), f1(p[3]), f1(p[4]), f1(p[5]), f3(p[0] * rounds / 1000),
                String.format(Locale.ROOT, "%.0f%%", 100 * p[1] / p[0]));
          }
        }
      }
    }

    report.write("cluster", Map.of("date", date, "cpu", BenchReport.cpu(), "openblas_coretype", coreType));
  }

  private static String label(Measured m) {
    return m.mode.token() + (m.depth == DEPTH ? "" : ", tree depth " + m.depth);
  }

  private Measured find(String setup, TrainingMode mode, int partitions) {
    for (Measured m : runs) {
      if (m.setup.equals(setup) && m.mode == mode && m.partitions == partitions) {
        return m;
      }
    }
    return null;
  }

  // ------------------------------------------------------------------ helpers (house style of TrainingBenchmark)

  private static float[] randomFloats(int n) {
    Random random = new Random(42);
    float[] a = new float[n];
    for (int i = 0; i < n; i++) {
      a[i] = (float) (random.nextGaussian() * 0.05);
    }
    return a;
  }

  private static int[] ints(String csv) {
    return Arrays.stream(csv.split(",")).map(String::trim).filter(s -> !s.isEmpty()).mapToInt(Integer::parseInt)
        .toArray();
  }

  static double median(List<Double> values) {
    double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    return v.length == 0 ? Double.NaN : v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }

  static double median(List<Measured> runs, ToDoubleFunction<Measured> f) {
    List<Double> v = new ArrayList<>();
    for (Measured m : runs) {
      v.add(f.applyAsDouble(m));
    }
    return median(v);
  }



  static String f0(double v) {
    return String.format(Locale.ROOT, "%.0f", v);
  }

  static String f1(double v) {
    return String.format(Locale.ROOT, "%.1f", v);
  }

  static String f2(double v) {
    return String.format(Locale.ROOT, "%.2f", v);
  }

  static String f3(double v) {
    return String.format(Locale.ROOT, "%.3f", v);
  }

  static String kib(long bytes) {
    return String.format(Locale.ROOT, "%.1f KiB", bytes / 1024.0);
  }
}
