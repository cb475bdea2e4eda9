package io.sparkdnn.train;

import static io.sparkdnn.engine.Ranges.atLeast;
import static io.sparkdnn.engine.Ranges.between;
import static io.sparkdnn.engine.Ranges.fraction;
import static io.sparkdnn.engine.Ranges.openUnit;

import io.sparkdnn.engine.BlasBackend;
import io.sparkdnn.engine.Initialization;
import io.sparkdnn.engine.NetworkSpec;
import io.sparkdnn.engine.Task;
import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Everything the training loop needs to know (the {@code network}, {@code training} and
 * {@code checkpoint} sections of the configuration), typed and validated once. Built by the job
 * layer from configuration files and by the Spark ML estimators from their params — one training
 * path. The builder's defaults are those of conf/defaults.conf (a test holds them equal); each
 * setter checks its value's range and names the configuration key; {@link Builder#build()} checks
 * the combinations.
 */
public final class TrainingConfig implements Serializable {
  private static final long serialVersionUID = 2L;
  /** {@link #batchSize()} and {@link #treeDepth()} value for "auto". */
  public static final int AUTO = 0;
  /** Rows per local step when training.batch-size = auto and the data is large enough. */
  public static final int DEFAULT_BATCH_SIZE = 128;

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
  private final StoppingMetric stoppingMetric;
  private final DivergenceAction divergenceAction;
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
    this.divergenceAction = b.divergenceAction;
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
  /** Rows per local step (local mode); {@link #AUTO} until the trainer resolves it from the data. */
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
  public StoppingMetric stoppingMetric() { return stoppingMetric; }
  public DivergenceAction divergenceAction() { return divergenceAction; }
  public boolean retryOnDivergence() { return divergenceAction == DivergenceAction.RETRY; }
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

  /** A builder holding this configuration, to change a few values. */
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
    b.divergenceAction = divergenceAction;
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

  /**
   * What the model is (network and training settings, not where checkpoints go), as configuration
   * keys and values in the form {@code --set key=value} takes: recorded in a model's metadata, and
   * part of a checkpoint's identity.
   */
  public Map<String, String> toConfiguration() {
    Map<String, String> c = new LinkedHashMap<>();
    c.put("network.layers", network.toString());
    c.put("network.task", task.token());
    c.put("network.init", initialization.token());
    c.put("training.mode", mode.token());
    c.put("training.epochs", Integer.toString(epochs));
    c.put("training.batch-size", batchSize == AUTO ? "auto" : Integer.toString(batchSize));
    c.put("training.rounds-per-epoch", Integer.toString(roundsPerEpoch));
    c.put("training.engine-batch-rows", Integer.toString(engineBatchRows));
    c.put("training.seed", Long.toString(seed));
    c.put("training.outer-momentum", Double.toString(outerMomentum));
    c.put("training.tree-depth", treeDepth == 0 ? "auto" : Integer.toString(treeDepth));
    c.put("training.blas", blas.token());
    optimizer.addTo(c);
    c.put("training.early-stopping.patience", Integer.toString(patience));
    c.put("training.early-stopping.min-delta", Double.toString(minDelta));
    c.put("training.early-stopping.metric", stoppingMetric.token());
    c.put("training.divergence.action", divergenceAction.token());
    c.put("training.divergence.learning-rate-factor", Double.toString(divergenceFactor));
    c.put("training.divergence.max-retries", Integer.toString(maxRetries));
    return c;
  }

  /** Defaults: those of conf/defaults.conf. */
  public static final class Builder {
    private NetworkSpec network;
    private Task task;
    private Initialization initialization = Initialization.AUTO;
    private TrainingMode mode = TrainingMode.LOCAL;
    private int epochs = 200;
    private int batchSize = AUTO;
    private int roundsPerEpoch = 1;
    private int engineBatchRows = 1024;
    private OptimizerSettings optimizer = OptimizerSettings.builder().build();
    private double outerMomentum = 0;
    private long seed = 42;
    private int patience = 10;
    private double minDelta = 1e-4;
    private StoppingMetric stoppingMetric = StoppingMetric.VAL_LOSS;
    private DivergenceAction divergenceAction = DivergenceAction.RETRY;
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

    public Builder network(NetworkSpec v) { network = Objects.requireNonNull(v, "network.layers"); return this; }
    /** Null infers the task from the network's loss. */
    public Builder task(Task v) { task = v; return this; }
    public Builder initialization(Initialization v) { initialization = Objects.requireNonNull(v, "network.init"); return this; }
    public Builder mode(TrainingMode v) { mode = Objects.requireNonNull(v, "training.mode"); return this; }
    public Builder epochs(int v) { epochs = between("training.epochs", v, 1, 1_000_000); return this; }
    /** {@link #AUTO} (0): 128, or fewer rows when a partition holds too few for 8 steps per round. */
    public Builder batchSize(int v) { batchSize = autoOr("training.batch-size", v, 10_000_000); return this; }
    public Builder roundsPerEpoch(int v) { roundsPerEpoch = between("training.rounds-per-epoch", v, 1, 1_000_000); return this; }
    public Builder engineBatchRows(int v) { engineBatchRows = between("training.engine-batch-rows", v, 1, 1_000_000); return this; }
    public Builder optimizer(OptimizerSettings v) { optimizer = Objects.requireNonNull(v, "training.optimizer"); return this; }
    public Builder outerMomentum(double v) { outerMomentum = fraction("training.outer-momentum", v); return this; }
    public Builder seed(long v) { seed = v; return this; }
    public Builder patience(int v) { patience = between("training.early-stopping.patience", v, 0, 1_000_000); return this; }
    public Builder minDelta(double v) { minDelta = atLeast("training.early-stopping.min-delta", v, 0); return this; }
    public Builder stoppingMetric(StoppingMetric v) { stoppingMetric = Objects.requireNonNull(v, "training.early-stopping.metric"); return this; }
    public Builder divergenceAction(DivergenceAction v) { divergenceAction = Objects.requireNonNull(v, "training.divergence.action"); return this; }
    public Builder divergenceFactor(double v) { divergenceFactor = openUnit("training.divergence.learning-rate-factor", v); return this; }
    public Builder maxRetries(int v) { maxRetries = between("training.divergence.max-retries", v, 0, 1000); return this; }
    /** 0 = auto. */
    public Builder treeDepth(int v) { treeDepth = autoOr("training.tree-depth", v, 10); return this; }
    public Builder blas(BlasBackend v) { blas = Objects.requireNonNull(v, "training.blas"); return this; }
    /** Null for no checkpoints. */
    public Builder checkpointDir(String v) { checkpointDir = v; return this; }
    public Builder checkpointEvery(int v) { checkpointEvery = between("checkpoint.every-epochs", v, 1, 1_000_000); return this; }
    public Builder checkpointKeep(int v) { checkpointKeep = between("checkpoint.keep", v, 1, 1000); return this; }
    public Builder resume(boolean v) { resume = v; return this; }

    /** The configuration; values were checked as they were set, combinations are checked here. */
    public TrainingConfig build() {
      if (network == null) {
        throw new IllegalArgumentException("network.layers is not set");
      }
      TrainingConfig c = new TrainingConfig(this);
      c.task.checkCompatible(c.network);
      if (c.optimizer.isLbfgs()) {
        check(c.mode == TrainingMode.SYNC && c.roundsPerEpoch == 1,
            "training.optimizer.name = lbfgs is a full-batch method: it needs training.mode = sync and "
                + "training.rounds-per-epoch = 1");
      }
      if (c.stoppingMetric == StoppingMetric.VAL_ACCURACY) {
        check(c.task.isClassification(), "training.early-stopping.metric = val_accuracy needs a classification "
            + "network (network.layers " + c.network + " is " + c.task.token() + "); use val_loss or val_rmse");
      }
      if (c.stoppingMetric == StoppingMetric.VAL_RMSE) {
        check(!c.task.isClassification(), "training.early-stopping.metric = val_rmse needs a regression network "
            + "(network.layers " + c.network + " is " + c.task.token() + "); use val_loss or val_accuracy");
      }
      return c;
    }

    /** {@link #AUTO} or a value in [1, max]. */
    private static int autoOr(String key, int value, int max) {
      if (value != AUTO && (value < 1 || value > max)) {
        throw new IllegalArgumentException(key + " must be auto or between 1 and " + max + ", found " + value);
      }
      return value;
    }

    private static void check(boolean ok, String message) {
      if (!ok) {
        throw new IllegalArgumentException(message);
      }
    }
  }
}
