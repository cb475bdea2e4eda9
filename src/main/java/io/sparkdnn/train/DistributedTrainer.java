package io.sparkdnn.train;

import io.sparkdnn.files.Causes;
import io.sparkdnn.data.DataException;
import io.sparkdnn.data.FeatureScaling;
import io.sparkdnn.data.TargetScaling;
import io.sparkdnn.data.PackedBlock;
import io.sparkdnn.data.PartitionResults;
import io.sparkdnn.data.PackedData;
import io.sparkdnn.engine.FloatArrays;
import io.sparkdnn.engine.InputMajorVector;
import io.sparkdnn.engine.LossAccumulator;
import io.sparkdnn.engine.NetworkSpec;
import io.sparkdnn.engine.Task;
import io.sparkdnn.optim.DifferentiableFunction;
import io.sparkdnn.optim.L2Penalty;
import io.sparkdnn.optim.Lbfgs;
import io.sparkdnn.optim.Optimizer;
import io.sparkdnn.optim.OptimizerState;
import io.sparkdnn.results.EpochMetrics;
import io.sparkdnn.results.EvaluationResult;
import io.sparkdnn.scoring.EvaluationAccumulator;
import io.sparkdnn.scoring.Evaluator;
import io.sparkdnn.scoring.ModelScoring;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The training loop on the driver. Per round: broadcast the weights (destroying the previous
 * broadcast), let every partition compute its part with the engine, sum the partitions' {@link
 * RoundAccumulator}s with treeAggregate, and update the weights here. See {@link TrainingMode} for
 * what a round is in each mode; L-BFGS runs full-batch rounds in sync mode.
 */
public final class DistributedTrainer {
  private static final Logger LOG = LoggerFactory.getLogger(DistributedTrainer.class);
  public static final String JOB_GROUP = "spark-dnn-train";
  /** A round whose mean loss exceeds this many times the first round's has diverged. */
  static final double EXPLOSION = 1e3;

  private final JavaSparkContext sc;
  private final TrainingConfig config;
  private final NetworkSpec spec;
  private final Task task;
  /** Sparse input: ship every first-layer row instead of the touched ones (to measure the difference). */
  private boolean shipAllFirstLayerRows;
  /** The latest sparse run's rounds, kept for {@link #lastRoundResultBytes()}. */
  private SparseTraining lastSparseRun;

  public DistributedTrainer(JavaSparkContext sc, TrainingConfig config) {
    this.sc = sc;
    this.config = config;
    this.spec = config.network();
    this.task = config.task();
  }

  /**
   * Sparse input: whether each partition returns every first-layer row (I × O_0 per vector, what a
   * dense first layer returns) instead of the rows of the inputs its rows used. Only for measuring
   * what shipping the touched rows saves. Local mode gives the same weights either way (the rows
   * not used come back unchanged); in sync mode the driver's step then covers every row, which is
   * the dense optimiser step rather than the lazy one.
   */
  DistributedTrainer shipAllFirstLayerRows(boolean all) {
    this.shipAllFirstLayerRows = all;
    return this;
  }

  /** Sparse input: bytes of the last round's merged result (first-layer rows with indices, and the rest). */
  long lastRoundResultBytes() {
    return lastSparseRun == null ? 0 : lastSparseRun.lastResultBytes();
  }

  /**
   * Trains from {@code initialWeights}, or continues from {@code resume} when it is not null.
   *
   * @param classNames classes (or labels, for multi-label) in output order; null for regression
   */
  public TrainingResult train(
      PackedData data, FeatureScaling scaling, TargetScaling targetScaling, float[] classWeights, String[] classNames,
      float[] initialWeights, TrainingState resume, TrainingListener listener) {
    int classes = classNames == null ? spec.outputWidth() : classNames.length;
    if (data.trainingRows() == 0) {
      throw new DataException(data.dataName() + " has no training rows"
          + (data.validationRows() > 0 ? " (all " + data.validationRows() + " rows went to validation)" : ""));
    }
    if (config.batchSize() == TrainingConfig.AUTO) {
      throw new IllegalStateException("training.batch-size = auto must be resolved from the data first (DnnTrainer does)");
    }
    boolean hasValidation = data.validationRows() > 0;
    StoppingMetric stoppingMetric = config.stoppingMetric();
    if (config.patience() > 0 && !hasValidation && stoppingMetric.needsValidation()) {
      LOG.warn("no validation rows (no data.validation.path, and data.validation-fraction held out none of the "
          + "training rows): early stopping watches train_loss instead of {}", stoppingMetric.token());
      stoppingMetric = StoppingMetric.TRAIN_LOSS;
    }
    boolean sparse = data.isSparse();
    AggregationPlan plan = planAggregation(data, sparse);
    LOG.info("training {} ({} parameters, {}) on {} rows in {} partitions, {} validation rows; "
            + "mode {}, {} round(s) per epoch, optimizer {}, tree depth {}",
        spec, spec.parameterCount(), task.token(), data.trainingRows(), data.partitions(),
        data.validationRows(), config.mode().token(), config.roundsPerEpoch(), config.optimizer().name().token(),
        plan.depth());
    Evaluator evaluator = new Evaluator(spec, task, scaling, targetScaling, classes, config.engineBatchRows(),
        config.blas());
    if (sparse) {
      // The weights are held input-major for the whole run (see SparseTraining); so are checkpoints,
      // which only a run of the same configuration and layout resumes.
      evaluator = evaluator.withInputMajorWeights();
      LOG.info("sparse rows: {} non-zeros in {} rows ({} per row); the first layer's weights are held input-major, "
          + "steps update only the rows of the inputs a batch used, and partitions return only those rows",
          data.nonZeros(), data.trainingRows() + data.validationRows(), String.format(Locale.ROOT, "%.1f",
              data.nonZeros() / (double) Math.max(1, data.trainingRows() + data.validationRows())));
    }
    TrainingState state = resume != null ? resume : initialState(initialWeights, sparse);
    lastSparseRun = sparse ? new SparseTraining(sc, spec, shipAllFirstLayerRows) : null;
    Run run = new Run(data, evaluator, scaling, targetScaling, data.weighted(), classWeights, plan.depth(), state,
        lastSparseRun, resume != null ? "the weights training resumed from" : "the initial weights");
    Validation validating = hasValidation ? new Validation(data, evaluator, plan.depth(), sparse) : null;
    List<EpochMetrics> history = new ArrayList<>();
    long start = System.nanoTime();
    int firstEpoch = state.epochsDone + 1;
    String stopReason = !state.finished ? "reached training.epochs = " + config.epochs()
        : config.patience() > 0 && state.epochsSinceBest >= config.patience()
            ? earlyStop(state.epochsDone, state, stoppingMetric) // as the run that stopped said it
            : "training had already stopped before the checkpoint it resumed from";
    long firstEpochStart = 0;
    // The validation of the last epoch's weights and of the best epoch's, kept so that the final
    // validation of the weights returned need not run again (it would be the same job on the same weights).
    EvaluationAccumulator lastValidation = null;
    EvaluationAccumulator bestValidation = null;
    for (int epoch = firstEpoch; epoch <= config.epochs() && !state.finished; epoch++) {
      if (firstEpochStart == 0) {
        firstEpochStart = System.currentTimeMillis();
      }
      String label = "epoch " + epoch + "/" + config.epochs();
      sc.setJobGroup(JOB_GROUP, label, false);
      long epochStart = System.nanoTime();
      double rate = run.learningRate(epoch);
      LossAccumulator trainStats = run.epoch(epoch, label);
      double trainSeconds = seconds(epochStart);
      if (trainStats.rows() != data.trainingRows()) {
        // Every round covers its share exactly once; anything else means a partition's result went
        // missing or was counted twice, and the epoch cannot be trusted.
        throw new IllegalStateException(label + " covered " + trainStats.rows() + " training rows, expected "
            + data.trainingRows() + "; a partition's result is missing or duplicated");
      }
      long validationStart = System.nanoTime();
      EvaluationAccumulator validation = hasValidation ? validating.evaluate(state.weights, label + " · validation")
          : null;
      if (validation != null && validation.nonFiniteRow() >= 0) {
        throw validationOverflow(data, validation.result(classNames), label);
      }
      state.epochsDone = epoch;
      LOG.debug("{}: validation {} ms", label, (System.nanoTime() - validationStart) / 1_000_000);
      double elapsed = seconds(start);
      double eta = elapsed / (epoch - firstEpoch + 1) * (config.epochs() - epoch);
      EpochMetrics metrics = epochMetrics(epoch, trainStats.rows(), run.trainLoss(trainStats),
          task.isClassification() ? trainStats.accuracy() : Double.NaN, validation, rate, trainSeconds,
          seconds(epochStart), elapsed, eta, state.retries);
      history.add(metrics);
      boolean stop = trackBest(state, metrics, stoppingMetric);
      lastValidation = validation;
      if (state.bestEpoch == epoch) {
        bestValidation = validation;
      }
      state.finished = stop || run.converged;
      listener.onEpoch(metrics, state);
      if (stop) {
        stopReason = earlyStop(epoch, state, stoppingMetric);
        break;
      }
      if (run.converged) {
        stopReason = "L-BFGS converged after epoch " + epoch + " (relative change in loss below "
            + config.optimizer().lbfgsTolerance() + ")";
        break;
      }
    }
    sc.clearJobGroup();
    boolean keepBest = config.patience() > 0 && state.bestWeights != null;
    float[] finalWeights = keepBest ? state.bestWeights : state.weights;
    if (keepBest && state.bestEpoch != state.epochsDone && !stopReason.startsWith("stopped early")) {
      stopReason += String.format(Locale.ROOT, "; kept epoch %d, the best by %s", state.bestEpoch,
          stoppingMetric.token());
    }
    LOG.info("training {}", stopReason);
    EvaluationResult finalValidation = null;
    if (hasValidation) {
      EvaluationAccumulator known = keepBest ? bestValidation : lastValidation;
      if (known == null) { // resumed with the best epoch before the checkpoint, or no epoch run here
        known = validating.evaluate(finalWeights, "final validation");
      }
      finalValidation = known.result(classNames);
    }
    if (sparse) {
      finalWeights = InputMajorVector.wrapInputMajor(spec, finalWeights).toCanonical();
    }
    if (finalValidation != null && finalValidation.nonFiniteRow() >= 0) {
      throw validationOverflow(data, finalValidation, "final validation");
    }
    checkFinite(finalWeights, history, finalValidation);
    return new TrainingResult(finalWeights, keepBest ? state.bestEpoch : state.epochsDone, stopReason, history,
        finalValidation, state, seconds(start), firstEpochStart);
  }

  /**
   * A validation row the network overflows on, with finite weights (the divergence guard has
   * passed them): the row's features, not the learning rate, are the problem, so the message names
   * the row rather than suggesting a smaller rate.
   */
  private static DataException validationOverflow(PackedData data, EvaluationResult validation, String when) {
    return ModelScoring.nonFiniteRows(data, validation, "so the validation loss is not finite (" + when + ", with "
        + "finite weights)", "; no model was written; fix or remove the row (a smaller learning rate will not help)");
  }

  /**
   * A model whose weights or final metrics are not finite is never a success: the divergence guard
   * catches rounds, and this catches what slips past it (a loss that overflows only on validation).
   */
  private void checkFinite(float[] weights, List<EpochMetrics> history, EvaluationResult validation) {
    String what = null;
    if (!FloatArrays.allFinite(weights)) {
      what = "the weights hold NaN or infinite values";
    } else if (validation != null && !Double.isFinite(validation.loss())) {
      what = "the validation loss is " + validation.loss();
    } else if (!history.isEmpty() && !Double.isFinite(history.get(history.size() - 1).trainLoss())) {
      what = "the training loss is " + history.get(history.size() - 1).trainLoss();
    }
    if (what != null) {
      throw new DivergenceException("training ended with a model that is not usable: " + what
          + "; no model was written; lower training.optimizer.learning-rate, set training.optimizer.clip-norm, "
          + "or scale the features (data.scaling = standard)");
    }
  }

  /** @param inputMajor hold the weights input-major (sparse rows); {@code initialWeights} are canonical */
  private TrainingState initialState(float[] initialWeights, boolean inputMajor) {
    spec.checkParameters(initialWeights, "initial weights");
    TrainingState state = new TrainingState();
    state.weights = inputMajor ? InputMajorVector.fromCanonical(spec, initialWeights).inputMajorValues()
        : initialWeights.clone();
    if (config.optimizer().isLbfgs()) {
      state.lbfgsState = config.optimizer().lbfgs().newState(spec.parameterCount());
    } else {
      state.optimizerState = config.optimizer().rule().newState(spec.parameterCount());
    }
    if (config.mode() == TrainingMode.LOCAL && config.outerMomentum() > 0) {
      state.velocity = new float[spec.parameterCount()];
    }
    return state;
  }

  private AggregationPlan planAggregation(PackedData data, boolean sparse) {
    int partitions = data.partitions();
    SparkConf conf = sc.getConf();
    long paramBytes = 4L * spec.parameterCount();
    int stateVectors = config.optimizer().isLbfgs() ? 0 : config.optimizer().rule().newState(0).vectorCount();
    long resultBytes = config.mode() == TrainingMode.LOCAL ? paramBytes * (1 + stateVectors) : paramBytes;
    if (sparse && !shipAllFirstLayerRows) {
      resultBytes = sparseResultBytes(data, stateVectors);
    }
    // weights, previous weights, best weights, one broadcast copy, the gradient, optimiser state
    // (twice: current and previous), L-BFGS history when used.
    long driverVectors = paramBytes * (5 + 2L * stateVectors
        + (config.optimizer().isLbfgs() ? 2L * config.optimizer().lbfgsMemory() + 4 : 0));
    long maxResultSize = conf.getSizeAsBytes("spark.driver.maxResultSize", "1g");
    return AggregationPlan.plan(resultBytes, driverVectors, partitions, maxResultSize,
        Runtime.getRuntime().maxMemory(), config.treeDepth());
  }

  /**
   * The most one partition returns per round with sparse rows: the first-layer rows of the inputs
   * its rows use (counted on the packed rows), with their indices, per vector, plus b_0 and the
   * later layers.
   */
  private long sparseResultBytes(PackedData data, int stateVectors) {
    int vectors = config.mode() == TrainingMode.LOCAL ? 1 + stateVectors : 1;
    long touched = SparseTraining.maxInputsPerPartition(data.training(), spec.inputWidth());
    long tail = spec.parameterCount() - spec.biasOffset(0);
    return vectors * (4L * touched * spec.layer(0).width() + 4L * tail) + 4L * touched;
  }

  /**
   * Evaluates weights on the validation rows. With a local master and dense validation rows of at
   * most {@value #DRIVER_VALIDATION_VALUES} feature values, in the driver, over a copy of the blocks
   * collected once, on as many threads as the master has cores (idle between rounds): a job per epoch
   * (the weights' broadcast, scheduling, task start and result) took 60–210 ms (median ~85) on a
   * 2-core VM for 5,981 Fashion-MNIST rows, the evaluation on the driver's one thread 37–84 ms
   * (median ~45). Otherwise, and on a cluster, a Spark job.
   */
  private final class Validation {
    private final PackedData data;
    private final Evaluator evaluator;
    private final int depth;
    private final boolean onDriver;
    private List<PackedBlock> rows;

    Validation(PackedData data, Evaluator evaluator, int depth, boolean sparse) {
      this.data = data;
      this.evaluator = evaluator;
      this.depth = depth;
      this.onDriver = sc.isLocal() && !sparse
          && data.validationRows() * (long) spec.inputWidth() <= DRIVER_VALIDATION_VALUES;
    }

    EvaluationAccumulator evaluate(float[] weights, String description) {
      if (!onDriver) {
        return evaluator.evaluate(data.validation(), broadcastWeights(weights, description), depth);
      }
      if (rows == null) {
        sc.setJobDescription("validation rows to the driver (local master)");
        rows = data.validation().collect();
      }
      return evaluator.evaluateHere(rows, weights, sc.defaultParallelism()); // the local master's cores
    }
  }

  /** The most feature values of validation rows that a local master evaluates on the driver (64 MiB of floats). */
  static final long DRIVER_VALIDATION_VALUES = 16L << 20;

  private Broadcast<float[]> broadcastWeights(float[] weights, String description) {
    sc.setJobDescription(description);
    return sc.broadcast(weights.clone());
  }

  /** One epoch's metrics; the validation ones from {@code validation}, or NaN without validation rows. */
  private EpochMetrics epochMetrics(int epoch, long rows, double trainLoss, double trainAccuracy,
      EvaluationAccumulator validation, double rate, double trainSeconds, double epochSeconds, double elapsed,
      double eta, int retries) {
    double nan = Double.NaN;
    boolean regression = !task.isClassification();
    return new EpochMetrics(epoch, config.epochs(), rows, trainLoss, trainAccuracy,
        validation == null ? nan : validation.meanLoss(),
        validation == null || regression ? nan : validation.accuracy(),
        validation == null || !regression ? nan : validation.rmse(),
        validation == null || !regression ? nan : validation.mae(),
        validation == null || !regression ? nan : validation.r2(),
        rate, trainSeconds, epochSeconds, elapsed, eta, retries);
  }

  /** Why training stopped early after {@code epoch}, for the log and the model's metadata. */
  private String earlyStop(int epoch, TrainingState state, StoppingMetric metric) {
    return String.format(Locale.ROOT, "stopped early after epoch %d: %s has not improved by more than "
        + "%s (training.early-stopping.min-delta) for %d epochs; kept epoch %d (%s %.4f)", epoch,
        metric.token(), config.minDelta(), config.patience(), state.bestEpoch, metric.token(), state.bestMetric);
  }

  /** Updates the best-epoch bookkeeping; true when early stopping says stop. */
  private boolean trackBest(TrainingState state, EpochMetrics metrics, StoppingMetric metric) {
    double value = metric.of(metrics);
    if (Double.isNaN(value)) {
      return false;
    }
    boolean higherIsBetter = metric.higherIsBetter();
    boolean improved = Double.isNaN(state.bestMetric)
        || (higherIsBetter ? value > state.bestMetric + config.minDelta() : value < state.bestMetric - config.minDelta());
    if (improved) {
      state.bestMetric = value;
      state.bestEpoch = metrics.epoch();
      state.bestWeights = state.weights.clone();
      state.epochsSinceBest = 0;
    } else {
      state.epochsSinceBest++;
    }
    return config.patience() > 0 && state.epochsSinceBest >= config.patience();
  }

  private static double seconds(long since) {
    return (System.nanoTime() - since) / 1e9;
  }

  /** The mutable side of one training run: rounds, updates and recovery from divergence. */
  private final class Run {
    private final PackedData data;
    /** Evaluates the training rows to tell a row that overflows from a rate that is too high. */
    private final Evaluator evaluator;
    private final JavaRDD<PackedBlock> training;
    private final FeatureScaling scaling;
    private final TargetScaling targetScaling;
    private final boolean weightedRows;
    private final float[] classWeights;
    private final int depth;
    private final TrainingState state;
    private final Optimizer optimizer;
    private final L2Penalty l2;
    /** Weights, optimiser state and velocity before the latest update: the last good state. */
    private float[] previousWeights;
    private OptimizerState previousOptimizerState;
    private float[] previousVelocity;
    private double lbfgsValue = Double.NaN;
    /** The mean loss of this run's first round: what an exploded loss is measured against. */
    private double referenceLoss = Double.NaN;
    boolean converged;
    /** Rounds, updates and undo for sparse rows; null for dense ones. */
    private final SparseTraining sparse;
    /**
     * The weights this run started from, and their name, for the row check of the first failure: a
     * row whose loss dwarfs the rest there may have pushed the weights where every loss is huge.
     */
    private float[] startWeights;
    private final String startName;

    Run(PackedData data, Evaluator evaluator, FeatureScaling scaling, TargetScaling targetScaling, boolean weightedRows,
        float[] classWeights, int depth, TrainingState state, SparseTraining sparse, String startName) {
      this.sparse = sparse;
      // Dense only: a sparse run's first layer can hold hundreds of MB, which a copy would double.
      this.startWeights = sparse == null ? state.weights.clone() : null;
      this.startName = startName;
      this.targetScaling = targetScaling;
      this.weightedRows = weightedRows;
      this.classWeights = classWeights;
      this.data = data;
      this.evaluator = evaluator;
      this.training = data.training();
      this.scaling = scaling;
      this.depth = depth;
      this.state = state;
      this.optimizer = config.optimizer().isLbfgs() ? null : config.optimizer().optimizer(spec, config.epochs());
      this.l2 = new L2Penalty(config.optimizer().l2(), spec.weightRanges());
    }

    double learningRate(int epoch) {
      return optimizer == null ? Double.NaN
          : optimizer.schedule().rate(epoch - 1) * state.learningRateScale;
    }

    double trainLoss(LossAccumulator stats) {
      return config.optimizer().isLbfgs() ? lbfgsValue : stats.meanLoss();
    }

    LossAccumulator epoch(int epoch, String label) {
      if (config.optimizer().isLbfgs()) {
        return lbfgsEpoch(epoch, label);
      }
      LossAccumulator stats = new LossAccumulator();
      int rounds = config.roundsPerEpoch();
      for (int round = 0; round < rounds; ) {
        String where = label + " · round " + (round + 1) + "/" + rounds;
        sc.setJobDescription(where + " · " + config.mode().token());
        RoundContext context = new RoundContext(spec, task, scaling, targetScaling, weightedRows, classWeights, config.blas(),
            config.seed(), epoch, round,
            rounds);
        long roundStart = System.nanoTime();
        RoundAccumulator result = sparse != null
            ? (config.mode() == TrainingMode.SYNC
                ? sparse.syncRound(training, context, state.weights, config.engineBatchRows(), depth)
                : sparse.localRound(training, context, state, optimizer, config.batchSize(), depth))
            : config.mode() == TrainingMode.SYNC ? syncRound(context) : localRound(context);
        long roundEnd = System.nanoTime();
        String exploded = explosion(result);
        if (!result.isFinite() || exploded != null) {
          recover(result, where, exploded);
          continue;
        }
        if (sparse != null) {
          if (config.mode() == TrainingMode.SYNC) {
            sparse.applyGradient(state, result, optimizer, epoch - 1 + (round + 1.0) / rounds);
          } else {
            sparse.applyAverage(state, result, config.outerMomentum());
          }
        } else {
          remember();
          if (config.mode() == TrainingMode.SYNC) {
            applyGradient(result, epoch - 1 + (round + 1.0) / rounds);
          } else {
            applyAverage(result);
          }
        }
        stats.merge(result.lossStats());
        round++;
        if (LOG.isDebugEnabled()) {
          LOG.debug("{}: Spark job {} ms, driver update {} ms{}", where,
              (roundEnd - roundStart) / 1_000_000, (System.nanoTime() - roundEnd) / 1_000_000,
              sparse == null ? "" : ", merged result " + sparse.lastResultBytes() / 1024 + " KiB");
        }
      }
      return stats;
    }

    /** The weights are shared as they are, as in {@link #localRound}: the step comes after the job. */
    private RoundAccumulator syncRound(RoundContext context) {
      try (SharedValue<float[]> weights = SharedValue.of(sc, state.weights)) {
        return PartitionResults.aggregate(training, new SyncGradientTask(context, weights, config.engineBatchRows()),
            new RoundAccumulator(), RoundAccumulator::merge, depth);
      }
    }

    /**
     * The weights and optimiser state are shared as they are, not copied (2.8 MB for the main job's
     * Adam): nothing changes them until the job has finished and the shared value is closed.
     */
    private RoundAccumulator localRound(RoundContext context) {
      try (SharedValue<ModelState> start = SharedValue.of(sc, new ModelState(state.weights, state.optimizerState))) {
        return PartitionResults.aggregate(training, new LocalStepsTask(context, start, optimizer, config.batchSize(),
            state.learningRateScale), new RoundAccumulator(), RoundAccumulator::merge, depth);
      }
    }

    /** Sync: mean gradient, then one optimiser step at the round's point in the schedule. */
    private void applyGradient(RoundAccumulator result, double epochProgress) {
      float[] gradient = result.vector(0);
      float inverse = (float) (1 / result.weight());
      for (int i = 0; i < gradient.length; i++) {
        gradient[i] *= inverse;
      }
      optimizer.step(state.weights, gradient, state.optimizerState, epochProgress, state.learningRateScale);
    }

    /** Local: weights += row-weighted mean change (through outer momentum); state := its mean. */
    private void applyAverage(RoundAccumulator result) {
      float inverse = (float) (1 / result.weight());
      float[] delta = result.vector(0);
      float[] weights = state.weights;
      if (state.velocity != null) {
        float mu = (float) config.outerMomentum();
        for (int i = 0; i < weights.length; i++) {
          state.velocity[i] = mu * state.velocity[i] + delta[i] * inverse;
          weights[i] += state.velocity[i];
        }
      } else {
        for (int i = 0; i < weights.length; i++) {
          weights[i] += delta[i] * inverse;
        }
      }
      float[][] vectors = new float[state.optimizerState.vectorCount()][];
      for (int v = 0; v < vectors.length; v++) {
        vectors[v] = result.vector(v + 1);
        for (int i = 0; i < vectors[v].length; i++) {
          vectors[v][i] *= inverse;
        }
      }
      state.optimizerState = new OptimizerState(state.optimizerState.rule(), result.maxStep(), vectors);
    }

    private LossAccumulator lbfgsEpoch(int epoch, String label) {
      Lbfgs lbfgs = config.optimizer().lbfgs();
      LossAccumulator[] last = {new LossAccumulator()};
      int[] evaluations = {0};
      DifferentiableFunction objective = (x, gradient) -> {
        evaluations[0]++;
        sc.setJobDescription(label + " · L-BFGS evaluation " + evaluations[0]);
        RoundContext context = new RoundContext(spec, task, scaling, targetScaling, weightedRows, classWeights, config.blas(),
            config.seed(), epoch, 0,
            1);
        RoundAccumulator result;
        if (sparse != null) {
          result = sparse.syncRound(training, context, x, config.engineBatchRows(), depth);
        } else {
          try (SharedValue<float[]> weights = SharedValue.of(sc, x)) { // as the sparse route: not copied
            result = PartitionResults.aggregate(training,
                new SyncGradientTask(context, weights, config.engineBatchRows()), new RoundAccumulator(),
                RoundAccumulator::merge, depth);
          }
        }
        if (!result.isFinite()) {
          LOG.warn("{}: partitions {} produced non-finite values at a line-search point; the line "
              + "search backs off", label, Arrays.toString(result.nonFinitePartitions()));
          return Double.NaN;
        }
        last[0] = result.lossStats();
        if (sparse != null) {
          sparse.meanGradient(result, gradient);
        } else {
          float[] sum = result.vector(0);
          float inverse = (float) (1 / result.weight());
          for (int i = 0; i < gradient.length; i++) {
            gradient[i] = sum[i] * inverse;
          }
        }
        return result.lossStats().meanLoss() + l2.addGradient(x, gradient);
      };
      try {
        Lbfgs.Step step = lbfgs.iterate(state.weights, state.lbfgsState, objective);
        lbfgsValue = step.value;
        converged = step.converged;
      } catch (ArithmeticException e) {
        // thrown only at the starting point, before the weights change: a row that overflows there is the cause
        OverflowingRows.check(sc, data, evaluator, state.weights, depth, "the weights " + label + " started from");
        throw new DivergenceException(label + ": " + Causes.firstLine(e)
            + "; check the input data (scale it with data.scaling = standard)");
      }
      LossAccumulator stats = new LossAccumulator();
      stats.merge(last[0]);
      return stats;
    }

    private void remember() {
      previousWeights = state.weights.clone();
      previousOptimizerState = state.optimizerState.copy();
      previousVelocity = state.velocity == null ? null : state.velocity.clone();
    }

    /**
     * Why a finite round counts as diverged: its mean loss is more than {@value #EXPLOSION} times that
     * of this run's first round (a loss of 1e32 is finite, and poisons everything after it). Null when
     * it does not.
     */
    private String explosion(RoundAccumulator result) {
      if (!result.isFinite()) {
        return null;
      }
      double loss = result.lossStats().meanLoss();
      if (Double.isNaN(referenceLoss)) {
        referenceLoss = loss;
        return null;
      }
      double limit = EXPLOSION * Math.max(referenceLoss, 1e-3);
      return loss > limit ? String.format(Locale.ROOT, "the loss exploded to %.3g, over %.0f times the first "
          + "round's %.3g", loss, EXPLOSION, referenceLoss) : null;
    }

    /**
     * Keeps the last good weights and retries with a smaller learning rate, or stops; first names a
     * training row that overflows (or whose loss dwarfs the rest) at the weights the round started
     * from, for which no rate helps ({@link OverflowingRows}).
     */
    private void recover(RoundAccumulator result, String where, String exploded) {
      if (startWeights != null) { // once per run: where the row stands out most clearly
        float[] start = startWeights;
        startWeights = null;
        if (!Arrays.equals(start, state.weights)) {
          OverflowingRows.check(sc, data, evaluator, start, depth, startName);
        }
      }
      // The round has not touched state.weights: they are the weights it started from.
      OverflowingRows.check(sc, data, evaluator, state.weights, depth, "the weights " + where + " started from");
      int[] partitions = result.nonFinitePartitions();
      String what = exploded != null ? exploded : partitions.length > 0
          ? "partition" + (partitions.length > 1 ? "s " : " ") + joined(partitions)
              + " produced NaN or infinite values (loss " + result.lossStats().lossSum() + ")"
          : "the summed result overflowed to NaN or infinity";
      boolean firstUpdate = (sparse != null ? !sparse.canUndo() : previousWeights == null)
          && config.mode() == TrainingMode.SYNC;
      String advice = "lower training.optimizer.learning-rate (now "
          + config.optimizer().learningRate() * state.learningRateScale + " after scaling), set "
          + "training.optimizer.clip-norm, or scale the features (data.scaling = standard)";
      if (firstUpdate) {
        throw new DivergenceException(where + ": " + what + " at the starting weights, before any "
            + "update; a smaller learning rate cannot help — check the input data, and " + advice);
      }
      if (!config.retryOnDivergence() || state.retries >= config.maxRetries()) {
        throw new DivergenceException(where + ": " + what + "; stopped after " + state.retries
            + " retr" + (state.retries == 1 ? "y" : "ies") + " (training.divergence); no model was written"
            + (config.checkpointDir() != null ? " (the newest checkpoint in checkpoint.dir holds the last good "
                + "epoch's weights)" : "") + "; " + advice);
      }
      state.retries++;
      state.learningRateScale *= config.divergenceFactor();
      if (sparse != null) {
        sparse.undo(state);
      } else if (previousWeights != null) {
        state.weights = previousWeights;
        state.optimizerState = previousOptimizerState;
        state.velocity = previousVelocity;
        previousWeights = null;
      }
      LOG.warn("{}: {}; back to the last good weights, learning rate scaled by {} (retry {}/{})",
          where, what, state.learningRateScale, state.retries, config.maxRetries());
    }
  }

  private static String joined(int[] values) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < values.length; i++) {
      sb.append(i == 0 ? "" : ", ").append(values[i]);
    }
    return sb.toString();
  }
}
