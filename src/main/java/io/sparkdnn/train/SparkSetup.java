package io.sparkdnn.train;

import java.util.List;
import org.apache.spark.sql.SparkSession;

/** The Spark settings this project relies on, applied to every session it creates. */
public final class SparkSetup {
  /**
   * The JVM flags of every JVM that runs this project's code (the scripts' driver JVMs take them from the
   * pom's {@code jvm.tuning.flags} through target/jvm-flags.txt; executors get them here), in order:
   *
   * <ul>
   *   <li>G1 regions of 16 MiB: an object of half a region or more is "humongous" (allocated in
   *       whole regions, collected only in special ways), and with the default 1–4 MiB regions every
   *       parameter-sized vector of a mid-sized network and every task result of a round is one.
   *       With 16 MiB regions arrays up to 8 MiB are ordinary young-generation objects.
   *   <li>C2 (the optimising JIT, tier 4) thresholds ×10, except for this project's classes and the
   *       BLAS wrapper (netlib), whose per-method scaling 0.1 brings them back to the JVM's defaults.
   *       A training run executes Spark's scheduling and serialisation code (Java serialisation of
   *       every task, Kryo, the block manager) a few times per round: lukewarm code that crosses
   *       the default thresholds round after round, so C2 kept compiling it through the first 15–20
   *       epochs, taking 20–30% of one of two cores (a JFR recording of the main job: 4.4 s of C2
   *       compilation after the first epoch) from the tasks, which then ran at 65–80% of a core.
   *       On 2 cores this took the main job's launch to first epoch from 8.3–8.8 s to 6.9–7.4 s and
   *       the median of epochs 2–10 from 0.54–0.56 s to 0.47 s (see README, "Measured"). Hot
   *       loops anywhere still reach C2, ten times later.
   * </ul>
   */
  public static final List<String> JVM_FLAGS = List.of(
      "-XX:G1HeapRegionSize=16m",
      "-XX:Tier4InvocationThreshold=50000",
      "-XX:Tier4MinInvocationThreshold=6000",
      "-XX:Tier4CompileThreshold=150000",
      "-XX:Tier4BackEdgeThreshold=400000",
      "-XX:CompileCommand=quiet",
      "-XX:CompileCommand=CompileThresholdScaling,io.sparkdnn.*::*,0.1",
      "-XX:CompileCommand=CompileThresholdScaling,dev.ludovic.netlib.*::*,0.1");

  private SparkSetup() {}

  /**
   * Task results up to this size come back to the driver inside the task's status message; larger
   * ones are stored in the executor's block manager and fetched from there by the driver, one more
   * round trip per task (Spark's default limit is 1 MiB). A local-mode round returns the weight
   * change and both Adam moments, 3 × 4 bytes a parameter: 2.8 MB for the main job's network, so
   * every epoch paid that fetch: Spark's event log (epochs 3–8) showed a task's end 23–49 ms after
   * its run time, and 7–17 ms with the limit raised; the main job's epochs 3–10 took a median
   * 0.46–0.47 s instead of 0.49 s (three interleaved pairs of runs). Spark caps the limit at
   * spark.rpc.message.maxSize (128 MiB by default).
   */
  static final String MAX_DIRECT_RESULT_SIZE = "64m";

  /**
   * Kryo with our registrator, executor JVM flags, and direct task results up to
   * {@link #MAX_DIRECT_RESULT_SIZE} unless the user set {@code spark.task.maxDirectResultSize}; the
   * caller adds master, app name and its own settings.
   */
  public static SparkSession.Builder configure(SparkSession.Builder builder) {
    org.apache.spark.SparkConf submitted = new org.apache.spark.SparkConf(true);
    if (!submitted.contains("spark.task.maxDirectResultSize")) {
      builder = builder.config("spark.task.maxDirectResultSize", MAX_DIRECT_RESULT_SIZE);
    }
    return builder
        .config("spark.serializer", "org.apache.spark.serializer.KryoSerializer")
        .config("spark.kryo.registrator", DnnKryoRegistrator.class.getName())
        // Bulk copies of primitive arrays (blocks, weights, gradients) instead of element by element.
        .config("spark.kryo.unsafe", "true")
        // Blocks are a few MB of floats; the default 64m buffer limit is too small for large ones.
        .config("spark.kryoserializer.buffer.max", "1g")
        .config("spark.executor.extraJavaOptions", executorJavaOptions(
            submitted.get("spark.executor.extraJavaOptions", "")));
  }

  /**
   * The executors' JVM options: the user's ({@code spark.executor.extraJavaOptions}, from
   * spark-submit or spark-defaults), then each of {@link #JVM_FLAGS} the user has not set
   * (an {@code -XX:Name=value} flag is theirs when they give {@code -XX:Name=} any value; a
   * repeated option such as {@code -XX:CompileCommand} when they give the same text). The driver's
   * JVM is started before any of this runs: scripts/dnn and scripts/spark-submit.sh pass the same
   * flags to it.
   */
  static String executorJavaOptions(String user) {
    StringBuilder options = new StringBuilder(user.trim());
    for (String flag : JVM_FLAGS) {
      String key = flag.startsWith("-XX:CompileCommand=") ? flag : flag.substring(0, flag.indexOf('=') + 1);
      if (!user.contains(key)) {
        options.append(options.length() == 0 ? "" : " ").append(flag);
      }
    }
    return options.toString();
  }
}
