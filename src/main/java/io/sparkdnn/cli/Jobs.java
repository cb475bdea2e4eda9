package io.sparkdnn.cli;

import io.sparkdnn.data.BadRowPolicy;
import io.sparkdnn.data.DataSettings;
import io.sparkdnn.data.DataSource;
import io.sparkdnn.data.ScalingMode;
import io.sparkdnn.engine.BlasBackend;
import io.sparkdnn.engine.Initialization;
import io.sparkdnn.engine.NetworkSpec;
import io.sparkdnn.engine.Task;
import io.sparkdnn.train.OptimizerSettings;
import io.sparkdnn.train.SparkSetup;
import io.sparkdnn.train.TrainingConfig;
import io.sparkdnn.train.TrainingMode;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/** Turns loaded settings into the values the rest of the project takes. */
final class Jobs {
  private static final double MAX = Double.MAX_VALUE;

  private Jobs() {}

  static TrainingConfig training(Settings s) {
    NetworkSpec network = s.parsed("network.layers", NetworkSpec::parse);
    String task = s.string("network.task");
    String depth = s.string("training.tree-depth");
    OptimizerSettings.Builder optimizer = OptimizerSettings.builder()
        .name(s.string("training.optimizer.name"))
        .learningRate(s.positive("training.optimizer.learning-rate"))
        .momentum(s.number("training.optimizer.momentum", 0, 0.999999))
        .beta1(s.number("training.optimizer.beta1", 0, 0.999999))
        .beta2(s.number("training.optimizer.beta2", 0, 0.999999))
        .epsilon(s.positive("training.optimizer.epsilon"))
        .weightDecay(s.number("training.optimizer.weight-decay", 0, MAX))
        .l2(s.number("training.optimizer.l2", 0, MAX))
        .clipNorm(s.number("training.optimizer.clip-norm", 0, MAX))
        .schedule(s.string("training.schedule.name"))
        .stepEpochs(s.positive("training.schedule.step-epochs"))
        .stepFactor(s.positive("training.schedule.step-factor"))
        .gamma(s.positive("training.schedule.gamma"))
        .minLearningRate(s.number("training.schedule.min-learning-rate", 0, MAX))
        .warmupEpochs(s.number("training.schedule.warmup-epochs", 0, MAX))
        .lbfgsMemory(s.integer("training.lbfgs.memory", 1, 1000))
        .lbfgsMaxEvaluations(s.integer("training.lbfgs.max-evaluations", 1, 1000))
        .lbfgsTolerance(s.number("training.lbfgs.tolerance", 0, 1));
    String action = s.string("training.divergence.action");
    if (!action.equals("retry") && !action.equals("fail")) {
      throw new ConfigException("training.divergence.action must be retry or fail, found '" + action + "'");
    }
    try {
      return TrainingConfig.builder(network)
          .task(task.equals("auto") ? null : s.parsed("network.task", Task::fromToken))
          .initialization(s.parsed("network.init", Initialization::fromToken))
          .mode(s.parsed("training.mode", TrainingMode::fromToken))
          .epochs(s.integer("training.epochs", 1, 1_000_000))
          .batchSize(s.integer("training.batch-size", 1, 10_000_000))
          .roundsPerEpoch(s.integer("training.rounds-per-epoch", 1, 1_000_000))
          .engineBatchRows(s.integer("training.engine-batch-rows", 1, 1_000_000))
          .optimizer(optimizer.build())
          .outerMomentum(s.number("training.outer-momentum", 0, 0.999999))
          .seed(s.longValue("training.seed"))
          .patience(s.integer("training.early-stopping.patience", 0, 1_000_000))
          .minDelta(s.number("training.early-stopping.min-delta", 0, MAX))
          .stoppingMetric(s.string("training.early-stopping.metric"))
          .retryOnDivergence(action.equals("retry"))
          .divergenceFactor(s.number("training.divergence.learning-rate-factor", 1e-6, 0.999999))
          .maxRetries(s.integer("training.divergence.max-retries", 0, 1000))
          .treeDepth(depth.equals("auto") ? 0 : s.integer("training.tree-depth", 1, 10))
          .blas(s.parsed("training.blas", BlasBackend::fromToken))
          .checkpointDir(s.optionalString("checkpoint.dir"))
          .checkpointEvery(s.integer("checkpoint.every-epochs", 1, 1_000_000))
          .checkpointKeep(s.integer("checkpoint.keep", 1, 1000))
          .resume(s.bool("checkpoint.resume"))
          .build();
    } catch (IllegalArgumentException e) {
      throw new ConfigException(e.getMessage());
    }
  }

  static DataSettings data(Settings s) {
    try {
      return new DataSettings(
          s.strings("data.features"),
          s.strings("data.label"),
          s.strings("data.id-columns"),
          s.parsed("data.scaling", ScalingMode::fromToken),
          s.parsed("data.bad-rows", BadRowPolicy::fromToken),
          s.integer("data.partitions", 0, 1_000_000),
          s.integer("data.block-rows", 1024, 1 << 20),
          s.number("data.validation-fraction", 0, 0.99));
    } catch (IllegalArgumentException e) {
      throw new ConfigException(e.getMessage());
    }
  }

  /** The source at {@code prefix} (…path, …format, …options), or null when its path is null. */
  static DataSource source(Settings s, String prefix) {
    String path = s.optionalString(prefix + ".path");
    if (path == null) {
      return null;
    }
    try {
      return new DataSource(path, s.string(prefix + ".format"), s.map(prefix + ".options"), prefix + ".path");
    } catch (IllegalArgumentException e) {
      throw new ConfigException(prefix + ".format: " + e.getMessage());
    }
  }

  static DataSource requiredSource(Settings s, String prefix) {
    DataSource source = source(s, prefix);
    if (source == null) {
      s.string(prefix + ".path"); // throws "… is not set"
    }
    return source;
  }

  /** Refuses to replace existing output unless the overwrite key says so. */
  static void checkWritable(SparkSession spark, String path, boolean overwrite, String key, String overwriteKey) {
    try {
      org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(path);
      if (!overwrite && p.getFileSystem(spark.sparkContext().hadoopConfiguration()).exists(p)) {
        throw new ConfigException(key + " " + path + " already exists; set " + overwriteKey
            + " = true or choose another path");
      }
    } catch (java.io.IOException e) {
      throw new ConfigException("cannot check " + key + " " + path + ": " + e.getMessage());
    }
  }

  /**
   * The session for this job; under spark-submit its master and settings win. A session that was
   * already running (embedding, tests) is used as it is and left running.
   */
  static Session session(Settings s) {
    scala.Option<SparkSession> existing = SparkSession.getActiveSession();
    if (existing.isEmpty()) {
      existing = SparkSession.getDefaultSession();
    }
    if (existing.isDefined()) {
      return new Session(existing.get(), false);
    }
    SparkSession.Builder builder = SparkSetup.configure(SparkSession.builder())
        .appName(s.string("spark.app-name"));
    if (!new SparkConf().contains("spark.master")) {
      builder.master(s.string("spark.master"));
    }
    for (Map.Entry<String, String> e : s.map("spark.conf").entrySet()) {
      builder.config(e.getKey(), e.getValue());
    }
    return new Session(builder.getOrCreate(), true);
  }

  /** A SparkSession that is stopped at the end only if this command started it. */
  static final class Session implements AutoCloseable {
    final SparkSession spark;
    private final boolean owned;

    Session(SparkSession spark, boolean owned) {
      this.spark = spark;
      this.owned = owned;
    }

    @Override
    public void close() {
      if (owned) {
        spark.stop();
      }
    }
  }
}
