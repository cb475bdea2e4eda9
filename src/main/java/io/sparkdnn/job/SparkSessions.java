package io.sparkdnn.job;

import io.sparkdnn.engine.BlasBackend;
import io.sparkdnn.engine.BlasLibrary;
import io.sparkdnn.files.PosixLocalFileSystem;
import io.sparkdnn.train.SparkSetup;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/** The SparkSession a job runs in. */
public final class SparkSessions {
  private SparkSessions() {}

  /**
   * The session for a job; under spark-submit its master and settings win. A session that was
   * already running (embedding, tests) is used as it is and left running when closed.
   */
  public static Session open(JobConfig.SparkSettings settings) {
    return open(settings, null);
  }

  /**
   * As {@link #open(JobConfig.SparkSettings)}; when it starts a session with a local master, the
   * tasks run in this JVM, and the BLAS for {@code blas} is loaded first, before the session starts.
   * Null loads nothing.
   *
   * <p>On this thread, not beside the session's start in another as it once was: that overlap hung
   * one main-job run for good (a library lookup of JavaCPP's against the session's {@code dlopen};
   * see {@link BlasLibrary}, which no longer makes that lookup), and nothing was measured to be won
   * by it.
   */
  public static Session open(JobConfig.SparkSettings settings, BlasBackend blas) {
    scala.Option<SparkSession> existing = SparkSession.getActiveSession();
    if (existing.isEmpty()) {
      existing = SparkSession.getDefaultSession();
    }
    if (existing.isDefined()) {
      return new Session(existing.get(), false);
    }
    SparkSession.Builder builder = SparkSetup.configure(SparkSession.builder()).appName(settings.appName());
    SparkConf submitted = new SparkConf();
    String master = submitted.contains("spark.master") ? submitted.get("spark.master") : settings.master();
    if (!submitted.contains("spark.master")) {
      builder.master(master);
    }
    String noHome = localClusterWithoutSpark(master, System.getenv("SPARK_HOME"));
    if (noHome != null) { // else Spark logs a stack trace per executor it fails to start, and waits
      throw new ConfigException(noHome);
    }
    if (blas != null && master.startsWith("local")) {
      try {
        BlasLibrary.gemm(blas);
      } catch (RuntimeException | LinkageError e) {
        // reported by the task that needs the library, which tries again
      }
    }
    for (Map.Entry<String, String> e : settingsFor(master, settings.conf(), submitted).entrySet()) {
      builder.config(e.getKey(), e.getValue());
    }
    return new Session(builder.getOrCreate(), true);
  }

  /**
   * A session builder for {@code master} with the settings spark-dnn's commands start their
   * sessions with ({@link SparkSetup#configure} and {@link #settingsFor} without user settings), for
   * code that starts its own session — the benchmarks — so that it measures what the commands do (a
   * local master's {@code file:} writes without a {@code chmod} process per file among them).
   */
  public static SparkSession.Builder builder(String master) {
    SparkSession.Builder builder = SparkSetup.configure(SparkSession.builder()).master(master);
    for (Map.Entry<String, String> e : settingsFor(master, Map.of(), new SparkConf(false)).entrySet()) {
      builder.config(e.getKey(), e.getValue());
    }
    return builder;
  }

  /**
   * The Spark settings of a session: the user's spark.conf, plus, in local mode, the driver bound to
   * 127.0.0.1 — a local run serves no other machine, so its ports are not opened to the network
   * (the UI follows SPARK_LOCAL_IP, which scripts/dnn sets). With a {@code local[…]} master, where
   * every task runs in this JVM, {@code file:} paths are written through {@link PosixLocalFileSystem}
   * (no {@code chmod} process per file written). A user's own setting always wins.
   */
  static Map<String, String> settingsFor(String master, Map<String, String> conf, SparkConf submitted) {
    Map<String, String> out = new java.util.LinkedHashMap<>();
    if (master.startsWith("local")) {
      for (String key : new String[] {"spark.driver.bindAddress", "spark.driver.host"}) {
        if (!conf.containsKey(key) && !submitted.contains(key)) {
          out.put(key, "127.0.0.1");
        }
      }
    }
    if (inThisJvm(master) && !conf.containsKey(LOCAL_FILES) && !submitted.contains(LOCAL_FILES)) {
      out.put(LOCAL_FILES, PosixLocalFileSystem.class.getName());
    }
    out.putAll(conf);
    return out;
  }

  /** The Spark setting that passes {@link PosixLocalFileSystem#SETTING} to the session's Hadoop configuration. */
  static final String LOCAL_FILES = "spark.hadoop." + PosixLocalFileSystem.SETTING;

  /** Whether {@code master} runs the tasks in the driver's JVM: {@code local} or {@code local[…]}, not local-cluster. */
  static boolean inThisJvm(String master) {
    return PosixLocalFileSystem.runsTasksHere(master);
  }

  /**
   * Why a {@code local-cluster[workers,cores,memory]} master cannot start here, or null: its workers
   * launch executors from a Spark installation, $SPARK_HOME (else the working directory), and need
   * its {@code jars/} (or, in a Spark build, {@code assembly/target/scala-2.13/jars}); the jars of
   * this application alone are not one.
   *
   * @param sparkHome the SPARK_HOME environment variable, or null
   */
  static String localClusterWithoutSpark(String master, String sparkHome) {
    if (!master.startsWith("local-cluster")) {
      return null;
    }
    java.io.File home = new java.io.File(sparkHome == null || sparkHome.isEmpty() ? "." : sparkHome);
    if (new java.io.File(home, "jars").isDirectory()
        || new java.io.File(home, "assembly/target/scala-2.13/jars").isDirectory()) {
      return null;
    }
    String missing = sparkHome == null || sparkHome.isEmpty()
        ? "SPARK_HOME is not set (and the working directory " + home.getAbsoluteFile().toPath().normalize()
            + " is none)"
        : "SPARK_HOME=" + sparkHome + " has no jars/ directory";
    return "spark.master = " + master + " starts its executors from a Spark installation, but " + missing
        + "; set SPARK_HOME to a Spark 4 installation, or use local[N] (one JVM) or a standalone cluster "
        + "(scripts/cluster.sh start)";
  }

  /** A SparkSession that is stopped at the end only if this job started it. */
  public static final class Session implements AutoCloseable {
    private final SparkSession spark;
    private final boolean owned;

    Session(SparkSession spark, boolean owned) {
      this.spark = spark;
      this.owned = owned;
    }

    public SparkSession spark() {
      return spark;
    }

    @Override
    public void close() {
      if (owned) {
        spark.stop();
      }
    }
  }
}
