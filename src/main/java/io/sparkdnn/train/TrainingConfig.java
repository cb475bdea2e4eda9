package io.sparkdnn.train;

import io.sparkdnn.engine.BlasBackend;
import io.sparkdnn.engine.Initialization;
import io.sparkdnn.engine.NetworkSpec;
import io.sparkdnn.engine.Task;
import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything the training loop needs to know, validated once. Built by the command line from a
 * configuration file and by the Spark ML estimators from their params — one training path.
 */
public final class TrainingConfig implements Serializable {
  private static final long serialVersionUID = 1L;

  public static final List<String> STOPPING_METRICS =
      List.of("val_loss", "val_accuracy", "val_rmse", "train_loss");

  private final NetworkSpec network;
  private final Task task;
  private final Initialization initialization;
  private final TrainingMode mode;
  private final int epochs;
  private final int batchSize;
  private final int roundsPerEpoch;
  private final int engineBatchRows;
  private final OptimizerSettings optimizer;
  private final double outerMomentum;
  private final long seed;
  private final int patience;
  private final double minDelta;
  private final String stoppingMetric;
  private final boolean retryOnDivergence;
  private final double divergenceFactor;
  private final int maxRetries;
  private final int treeDepth;
  private final BlasBackend blas;
  private final String checkpointDir;
  private final int checkpointEvery;
  private final int checkpointKeep;
  private final boolean resume;

  private TrainingConfig(Builder b) {
    this.network = Objects.requireNonNull(b.network, "network");
    this.task = b.task != null ? b.task : Task.inferFrom(b.network);
    this.initialization = b.initialization;
    this.mode = b.mode;
    this.epochs = b.epochs;
    this.batchSize = b.batchSize;
    this.roundsPerEpoch = b.roundsPerEpoch;
    this.engineBatchRows = b.engineBatchRows;
    this.optimizer = b.optimizer;
    this.outerMomentum = b.outerMomentum;
    this.seed = b.seed;
    this.patience = b.patience;
    this.minDelta = b.minDelta;
    this.stoppingMetric = b.stoppingMetric;
    this.retryOnDivergence = b.retryOnDivergence;
    this.divergenceFactor = b.divergenceFactor;
    this.maxRetries = b.maxRetries;
    this.treeDepth = b.treeDepth;
    this.blas = b.blas;
    this.checkpointDir = b.checkpointDir;
    this.checkpointEvery = b.checkpointEvery;
    this.checkpointKeep = b.checkpointKeep;
    this.resume = b.resume;
  }

  public static Builder builder(NetworkSpec network) {
    return new Builder(network);
  }

  public NetworkSpec network() { return network; }
  public Task task() { return task; }
  public Initialization initialization() { return initialization; }
  public TrainingMode mode() { return mode; }
  public int epochs() { return epochs; }
  /** Rows per local step (local mode). */
  public int batchSize() { return batchSize; }
  public int roundsPerEpoch() { return roundsPerEpoch; }
  /** Rows per engine pass when summing gradients, evaluating and predicting. */
  public int engineBatchRows() { return engineBatchRows; }
  public OptimizerSettings optimizer() { return optimizer; }
  public double outerMomentum() { return outerMomentum; }
  public long seed() { return seed; }
  /** Epochs without improvement before stopping; 0 disables early stopping. */
  public int patience() { return patience; }
  public double minDelta() { return minDelta; }
  public String stoppingMetric() { return stoppingMetric; }
  public boolean retryOnDivergence() { return retryOnDivergence; }
  public double divergenceFactor() { return divergenceFactor; }
  public int maxRetries() { return maxRetries; }
  /** treeAggregate depth; 0 picks one from the partition count and gradient size. */
  public int treeDepth() { return treeDepth; }
  public BlasBackend blas() { return blas; }
  /** Where checkpoints go; null for none. */
  public String checkpointDir() { return checkpointDir; }
  public int checkpointEvery() { return checkpointEvery; }
  public int checkpointKeep() { return checkpointKeep; }
  /** Continue from the newest valid checkpoint of this configuration, if there is one. */
  public boolean resume() { return resume; }

  /** This config with another network (same everything else), e.g. after inferring widths. */
  public Builder toBuilder() {
    Builder b = new Builder(network);
    b.task = task;
    b.initialization = initialization;
    b.mode = mode;
    b.epochs = epochs;
    b.batchSize = batchSize;
    b.roundsPerEpoch = roundsPerEpoch;
    b.engineBatchRows = engineBatchRows;
    b.optimizer = optimizer;
    b.outerMomentum = outerMomentum;
    b.seed = seed;
    b.patience = patience;
    b.minDelta = minDelta;
    b.stoppingMetric = stoppingMetric;
    b.retryOnDivergence = retryOnDivergence;
    b.divergenceFactor = divergenceFactor;
    b.maxRetries = maxRetries;
    b.treeDepth = treeDepth;
    b.blas = blas;
    b.checkpointDir = checkpointDir;
    b.checkpointEvery = checkpointEvery;
    b.checkpointKeep = checkpointKeep;
    b.resume = resume;
    return b;
  }

  /** Configuration keys and values, as written to a model's metadata. */
  public Map<String, Object> toProperties() {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("network.layers", network.toString());
    p.put("network.task", task.token());
    p.put("network.init", initialization.token());
    p.put("training.mode", mode.token());
    p.put("training.epochs", epochs);
    p.put("training.batch-size", batchSize);
    p.put("training.rounds-per-epoch", roundsPerEpoch);
    p.put("training.engine-batch-rows", engineBatchRows);
    optimizer.toProperties().forEach((k, v) -> p.put("training.optimizer." + k, v));
    p.put("training.outer-momentum", outerMomentum);
    p.put("training.seed", seed);
    p.put("training.early-stopping.patience", patience);
    p.put("training.early-stopping.min-delta", minDelta);
    p.put("training.early-stopping.metric", stoppingMetric);
    p.put("training.divergence.action", retryOnDivergence ? "retry" : "fail");
    p.put("training.divergence.learning-rate-factor", divergenceFactor);
    p.put("training.divergence.max-retries", maxRetries);
    p.put("training.tree-depth", treeDepth == 0 ? "auto" : Integer.toString(treeDepth));
    p.put("training.blas", blas.token());
    return p;
  }

  /** Where to checkpoint, as configuration keys (not part of what the model is). */
  public Map<String, Object> checkpointProperties() {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("checkpoint.dir", checkpointDir);
    p.put("checkpoint.every-epochs", checkpointEvery);
    p.put("checkpoint.keep", checkpointKeep);
    p.put("checkpoint.resume", resume);
    return p;
  }

  public static final class Builder {
    private NetworkSpec network;
    private Task task;
    private Initialization initialization = Initialization.AUTO;
    private TrainingMode mode = TrainingMode.LOCAL;
    private int epochs = 10;
    private int batchSize = 128;
    private int roundsPerEpoch = 1;
    private int engineBatchRows = 1024;
    private OptimizerSettings optimizer = OptimizerSettings.builder().build();
    private double outerMomentum = 0;
    private long seed = 42;
    private int patience = 0;
    private double minDelta = 0;
    private String stoppingMetric = "val_loss";
    private boolean retryOnDivergence = true;
    private double divergenceFactor = 0.5;
    private int maxRetries = 3;
    private int treeDepth = 0;
    private BlasBackend blas = BlasBackend.AUTO;
    private String checkpointDir;
    private int checkpointEvery = 1;
    private int checkpointKeep = 2;
    private boolean resume = true;

    private Builder(NetworkSpec network) {
      this.network = network;
    }

    public Builder network(NetworkSpec v) { network = v; return this; }
    /** Null infers the task from the network's loss. */
    public Builder task(Task v) { task = v; return this; }
    public Builder initialization(Initialization v) { initialization = v; return this; }
    public Builder mode(TrainingMode v) { mode = v; return this; }
    public Builder epochs(int v) { epochs = v; return this; }
    public Builder batchSize(int v) { batchSize = v; return this; }
    public Builder roundsPerEpoch(int v) { roundsPerEpoch = v; return this; }
    public Builder engineBatchRows(int v) { engineBatchRows = v; return this; }
    public Builder optimizer(OptimizerSettings v) { optimizer = v; return this; }
    public Builder outerMomentum(double v) { outerMomentum = v; return this; }
    public Builder seed(long v) { seed = v; return this; }
    public Builder patience(int v) { patience = v; return this; }
    public Builder minDelta(double v) { minDelta = v; return this; }
    public Builder stoppingMetric(String v) { stoppingMetric = v; return this; }
    public Builder retryOnDivergence(boolean v) { retryOnDivergence = v; return this; }
    public Builder divergenceFactor(double v) { divergenceFactor = v; return this; }
    public Builder maxRetries(int v) { maxRetries = v; return this; }
    public Builder treeDepth(int v) { treeDepth = v; return this; }
    public Builder blas(BlasBackend v) { blas = v; return this; }
    public Builder checkpointDir(String v) { checkpointDir = v; return this; }
    public Builder checkpointEvery(int v) { checkpointEvery = v; return this; }
    public Builder checkpointKeep(int v) { checkpointKeep = v; return this; }
    public Builder resume(boolean v) { resume = v; return this; }

    public TrainingConfig build() {
      TrainingConfig c = new TrainingConfig(this);
      c.task.checkCompatible(c.network);
      check(c.epochs >= 1, "training.epochs must be ≥ 1, found " + c.epochs);
      check(c.batchSize >= 1, "training.batch-size must be ≥ 1, found " + c.batchSize);
      check(c.roundsPerEpoch >= 1, "training.rounds-per-epoch must be ≥ 1, found " + c.roundsPerEpoch);
      check(c.engineBatchRows >= 1, "training.engine-batch-rows must be ≥ 1, found " + c.engineBatchRows);
      check(c.outerMomentum >= 0 && c.outerMomentum < 1,
          "training.outer-momentum must be in [0, 1), found " + c.outerMomentum);
      check(c.patience >= 0, "training.early-stopping.patience must be ≥ 0, found " + c.patience);
      check(c.minDelta >= 0, "training.early-stopping.min-delta must be ≥ 0, found " + c.minDelta);
      check(STOPPING_METRICS.contains(c.stoppingMetric), "training.early-stopping.metric must be one of "
          + STOPPING_METRICS + ", found '" + c.stoppingMetric + "'");
      check(c.divergenceFactor > 0 && c.divergenceFactor < 1,
          "training.divergence.learning-rate-factor must be in (0, 1), found " + c.divergenceFactor);
      check(c.maxRetries >= 0, "training.divergence.max-retries must be ≥ 0, found " + c.maxRetries);
      check(c.treeDepth >= 0, "training.tree-depth must be auto or ≥ 1, found " + c.treeDepth);
      check(c.checkpointEvery >= 1, "checkpoint.every-epochs must be ≥ 1, found " + c.checkpointEvery);
      check(c.checkpointKeep >= 1, "checkpoint.keep must be ≥ 1, found " + c.checkpointKeep);
      if (c.optimizer.isLbfgs()) {
        check(c.mode == TrainingMode.SYNC && c.roundsPerEpoch == 1,
            "optimizer lbfgs is a full-batch method: it needs training.mode = sync and "
                + "training.rounds-per-epoch = 1");
      }
      if (c.stoppingMetric.equals("val_accuracy")) {
        check(c.task.isClassification(), "early stopping on val_accuracy needs a classification task");
      }
      if (c.stoppingMetric.equals("val_rmse")) {
        check(!c.task.isClassification(), "early stopping on val_rmse needs a regression task");
      }
      return c;
    }

    private static void check(boolean ok, String message) {
      if (!ok) {
        throw new IllegalArgumentException(message);
      }
    }
  }
}
