package io.sparkdnn.job;

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
    scala.Option<SparkSession> existing = SparkSession.getActiveSession();
    if (existing.isEmpty()) {
      existing = SparkSession.getDefaultSession();
    }
    if (existing.isDefined()) {
      return new Session(existing.get(), false);
    }
    SparkSession.Builder builder = SparkSetup.configure(SparkSession.builder()).appName(settings.appName());
    if (!new SparkConf().contains("spark.master")) {
      builder.master(settings.master());
    }
    for (Map.Entry<String, String> e : settings.conf().entrySet()) {
      builder.config(e.getKey(), e.getValue());
    }
    return new Session(builder.getOrCreate(), true);
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
