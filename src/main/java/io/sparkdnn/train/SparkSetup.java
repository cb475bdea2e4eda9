package io.sparkdnn.train;

import org.apache.spark.sql.SparkSession;

/** The Spark settings this project relies on, applied to every session it creates. */
public final class SparkSetup {
  /**
   * G1 regions of 16 MiB: an object of half a region or more is "humongous" (allocated in whole
   * regions, collected only in special ways), and with the default 1–4 MiB regions every
   * parameter-sized vector of a mid-sized network and every task result of a round is one. With
   * 16 MiB regions arrays up to 8 MiB are ordinary young-generation objects.
   */
  public static final String GC_FLAGS = "-XX:G1HeapRegionSize=16m";

  private SparkSetup() {}

  /** Kryo with our registrator; the caller adds master, app name and its own settings. */
  public static SparkSession.Builder configure(SparkSession.Builder builder) {
    return builder
        .config("spark.serializer", "org.apache.spark.serializer.KryoSerializer")
        .config("spark.kryo.registrator", DnnKryoRegistrator.class.getName())
        // Bulk copies of primitive arrays (blocks, weights, gradients) instead of element by element.
        .config("spark.kryo.unsafe", "true")
        // Blocks are a few MB of floats; the default 64m buffer limit is too small for large ones.
        .config("spark.kryoserializer.buffer.max", "1g")
        .config("spark.executor.extraJavaOptions", executorJavaOptions(
            new org.apache.spark.SparkConf(true).get("spark.executor.extraJavaOptions", "")));
  }

  /**
   * The executors' JVM options: the user's ({@code spark.executor.extraJavaOptions}, from
   * spark-submit or spark-defaults), with {@link #GC_FLAGS} added unless they set the region size
   * themselves. (The driver's JVM is started before any of this runs: scripts/dnn and
   * scripts/spark-submit.sh pass the same flags to it.)
   */
  static String executorJavaOptions(String user) {
    if (user.contains("G1HeapRegionSize")) {
      return user;
    }
    return user.isBlank() ? GC_FLAGS : user.trim() + " " + GC_FLAGS;
  }
}
