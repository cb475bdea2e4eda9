package io.sparkdnn.train;

import io.sparkdnn.data.DataException;
import io.sparkdnn.data.FeatureScaling;
import io.sparkdnn.data.PackedData;
import io.sparkdnn.data.TargetScaling;
import io.sparkdnn.engine.NetworkSpec;
import io.sparkdnn.engine.Task;
import io.sparkdnn.optim.LearningRateSchedule;
import io.sparkdnn.optim.Optimizer;
import io.sparkdnn.optim.OptimizerState;
import io.sparkdnn.results.LearningRateRange;
import io.sparkdnn.scoring.Evaluator;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The learning-rate range test (L. Smith, "Cyclical learning rates", 2017; fastai's lr_find): a
 * short run from the initial weights in which the learning rate grows exponentially every
 * optimizer step, from lr-find.min-rate to lr-find.max-rate over lr-find.steps steps, recording the
 * training loss of each step's batch, until the loss diverges. The configured optimizer (rule,
 * L2, clipping, batch size, dropout) is used as training would use it; only the rate differs.
 *
 * <ul>
 *   <li>{@code local} mode (one Spark job): every partition steps through the rates on its own
 *       rows from the same starting weights — as each partition's local steps do in training — and
 *       the driver averages the partitions' batch losses per step.
 *   <li>{@code sync} mode (one Spark job per step): each step is one round of training, the global
 *       gradient over the round's rows, one optimizer step.
 * </ul>
 *
 * The loss is smoothed by an exponential moving average (bias-corrected, factor lr-find.smoothing).
 * The test has diverged at the first step whose loss is NaN or infinite, exceeds 1000 times the
 * first step's (the training divergence guard's rule), or whose smoothed loss exceeds
 * lr-find.stop-factor times its lowest so far. The suggestion is a tenth of the rate at the lowest
 * smoothed loss: at that rate the loss has stopped falling, so it is the edge of stability, and a
 * tenth of it still lies on the steep part of the descent with a margin for the rest of training
 * (Smith; fastai's lr_min / 10). The steepest-descent point is reported beside it; on a curve of
 * noisy mini-batch losses it moves more between seeds than the minimum does.
 */
public final class LearningRateFinder {
  private static final Logger LOG = LoggerFactory.getLogger(LearningRateFinder.class);

  private final JavaSparkContext sc;
  private final TrainingConfig config;
  private final RangeTestSettings settings;

  /**
   * @param config the training configuration, with training.batch-size resolved (not auto)
   * @throws IllegalArgumentException for L-BFGS, whose line search chooses its own step size
   */
  public LearningRateFinder(JavaSparkContext sc, TrainingConfig config, RangeTestSettings settings) {
    if (config.optimizer().isLbfgs()) {
      throw new IllegalArgumentException("the learning-rate range test needs a step-size optimizer "
          + "(training.optimizer.name = sgd, momentum, nesterov, adam or adamw); L-BFGS chooses its own steps "
          + "by line search");
    }
    if (config.batchSize() == TrainingConfig.AUTO) {
      throw new IllegalStateException("training.batch-size = auto must be resolved from the data first (DnnTrainer does)");
    }
    this.sc = sc;
    this.config = config;
    this.settings = settings;
  }

  /**
   * Runs the test on the training blocks of {@code data} from {@code initialWeights}.
   *
   * @throws DataException when there are no training rows, or (naming it) when a training row's
   *     output is NaN or infinite at the initial weights: the curve then ended where its batch came
   * @throws DivergenceException when the loss is not finite at the very first step (no rate can help)
   */
  public LearningRateRange run(PackedData data, FeatureScaling scaling, TargetScaling targetScaling,
      float[] initialWeights) {
    return run(data, scaling, targetScaling, null, initialWeights);
  }

  /**
   * {@link #run(PackedData, FeatureScaling, TargetScaling, float[])} with the loss weighted as
   * training weighs it: by the rows' weights (when the data has them) times {@code classWeights}
   * (per class; null for none).
   */
  public LearningRateRange run(PackedData data, FeatureScaling scaling, TargetScaling targetScaling,
      float[] classWeights, float[] initialWeights) {
    if (data.trainingRows() == 0) {
      throw new DataException(data.dataName() + " has no training rows for the learning-rate range test");
    }
    if (data.isSparse()) {
      throw new DataException("the learning-rate range test does not take sparse rows (" + data.dataName()
          + " is packed sparse); choose training.optimizer.learning-rate without it, or pack the rows dense "
          + "(data.layout = dense)");
    }
    NetworkSpec spec = config.network();
    spec.checkParameters(initialWeights, "initial weights");
    long start = System.nanoTime();
    RangeTestSettings range = settings; // the schedule travels to the executors: capture the settings alone
    LearningRateSchedule ramp = step -> range.rate((int) Math.round(step));
    Optimizer optimizer = new Optimizer(config.optimizer().rule(), ramp, config.optimizer().l2(),
        config.optimizer().clipNorm(), spec.weightRanges());
    double[] losses;
    long batchRows;
    sc.setJobGroup(DistributedTrainer.JOB_GROUP, "learning-rate range test", false);
    try {
      if (config.mode() == TrainingMode.LOCAL) {
        losses = local(data, scaling, targetScaling, classWeights, initialWeights, optimizer);
        batchRows = config.batchSize();
      } else {
        losses = sync(data, scaling, targetScaling, classWeights, initialWeights, optimizer);
        batchRows = data.trainingRows() / config.roundsPerEpoch();
      }
    } finally {
      sc.clearJobGroup();
    }
    if (endedOnOverflow(losses, settings)) {
      // A row that overflows at the initial weights (or whose loss dwarfs the rest) ends the curve
      // at whatever step its batch came: the curve then says nothing about rates, so the row is
      // named instead of a rate suggested.
      Task task = config.task();
      Evaluator evaluator = new Evaluator(spec, task, scaling, targetScaling,
          task == Task.BINARY ? 2 : spec.outputWidth(), config.engineBatchRows(), config.blas());
      OverflowingRows.check(sc, data, evaluator, initialWeights, 2, "the initial weights of the range test");
    }
    LearningRateRange result = summarise(losses, settings, config.seed(), config.mode().token(), batchRows,
        (System.nanoTime() - start) / 1e9);
    LOG.info("{}", result.oneLine());
    return result;
  }

  private double[] local(PackedData data, FeatureScaling scaling, TargetScaling targetScaling, float[] classWeights,
      float[] initial, Optimizer optimizer) {
    RoundContext context = new RoundContext(config.network(), config.task(), scaling, targetScaling, data.weighted(),
        classWeights, config.blas(), config.seed(), 1, 0, 1);
    Broadcast<float[]> weights = sc.broadcast(initial.clone());
    try {
      sc.setJobDescription("learning-rate range test · " + settings.steps() + " local steps per partition");
      RangeTestAccumulator sums = data.training()
          .mapPartitionsWithIndex(new RangeTestTask(context, weights, optimizer, settings, config.batchSize()), false)
          .treeAggregate(new RangeTestAccumulator(), RangeTestAccumulator::merge, RangeTestAccumulator::merge, 2);
      double[] losses = new double[sums.completed()];
      for (int s = 0; s < losses.length; s++) {
        losses[s] = sums.meanLoss(s);
      }
      return losses;
    } finally {
      weights.destroy();
    }
  }

  private double[] sync(PackedData data, FeatureScaling scaling, TargetScaling targetScaling, float[] classWeights,
      float[] initial, Optimizer optimizer) {
    float[] weights = initial.clone();
    OptimizerState state = optimizer.newState(weights.length);
    Smoother smoother = new Smoother(settings.smoothing());
    List<Double> losses = new ArrayList<>();
    int rounds = config.roundsPerEpoch();
    for (int s = 0; s < settings.steps(); s++) {
      RoundContext context = new RoundContext(config.network(), config.task(), scaling, targetScaling,
          data.weighted(), classWeights, config.blas(), config.seed(), 1 + s / rounds, s % rounds, rounds);
      sc.setJobDescription("learning-rate range test · step " + (s + 1) + "/" + settings.steps());
      RoundAccumulator result;
      try (SharedValue<float[]> shared = SharedValue.of(sc, weights)) { // changed only after the job
        result = data.training()
            .mapPartitionsWithIndex(new SyncGradientTask(context, shared, config.engineBatchRows()), false)
            .treeAggregate(new RoundAccumulator(), RoundAccumulator::merge, RoundAccumulator::merge, 2);
      }
      double loss = result.lossStats().meanLoss();
      if (!result.isFinite() || !Double.isFinite(loss)) {
        break;
      }
      losses.add(loss);
      if (diverged(smoother.add(loss), loss, settings) != null) {
        break;
      }
      float[] gradient = result.vector(0);
      float inverse = (float) (1 / result.weight());
      for (int i = 0; i < gradient.length; i++) {
        gradient[i] *= inverse;
      }
      optimizer.step(weights, gradient, state, s, 1.0);
    }
    return losses.stream().mapToDouble(Double::doubleValue).toArray();
  }

  /**
   * The curve, its stop and the suggestion from the per-step mean losses: smoothed again here (in
   * local mode each partition smoothed only its own), cut at the first diverged step (which is
   * kept, to show the turn).
   *
   * @throws DivergenceException when not even the first step had a finite loss
   */
  static LearningRateRange summarise(double[] losses, RangeTestSettings settings, long seed, String mode,
      long batchRows, double seconds) {
    if (losses.length == 0) {
      throw new DivergenceException("the learning-rate range test: the loss was NaN or infinite at the starting "
          + "weights, before any step; check the input data and scale it (data.scaling = standard)");
    }
    Smoother smoother = new Smoother(settings.smoothing());
    List<LearningRateRange.Point> points = new ArrayList<>();
    String stop = null;
    for (int s = 0; s < losses.length && stop == null; s++) {
      smoother.add(losses[s]);
      points.add(new LearningRateRange.Point(s, settings.rate(s), losses[s], smoother.smoothed()));
      stop = diverged(smoother, losses[s], settings);
      if (stop != null) {
        stop = String.format(Locale.ROOT, "stopped at %.3g: %s", settings.rate(s), stop);
      }
    }
    if (stop == null) {
      stop = points.size() == settings.steps()
          ? String.format(Locale.ROOT, "reached lr-find.max-rate = %.3g without diverging", settings.maxRate())
          : String.format(Locale.ROOT, "stopped at %.3g: the loss turned NaN or infinite at the next step",
              settings.rate(points.size() - 1));
    }
    int best = 0;
    for (int i = 1; i < points.size(); i++) {
      if (points.get(i).smoothed() < points.get(best).smoothed()) {
        best = i;
      }
    }
    // Slopes over a window as long as the smoothing's memory, from the end of its warm-up: on
    // neighbouring points the slope of a noisy curve is mostly noise.
    int window = (int) Math.max(3, Math.round(1 / (1 - settings.smoothing())));
    double steepest = Double.NaN;
    double steepestSlope = 0;
    for (int i = 2 * window; i <= best; i++) {
      LearningRateRange.Point a = points.get(i - window);
      LearningRateRange.Point b = points.get(i);
      double slope = (b.smoothed() - a.smoothed()) / (Math.log10(b.rate()) - Math.log10(a.rate()));
      if (slope < steepestSlope) {
        steepestSlope = slope;
        steepest = points.get(i - window / 2).rate();
      }
    }
    double minLossRate = points.get(best).rate();
    return new LearningRateRange(points, minLossRate / 10, minLossRate, points.get(best).smoothed(), steepest, stop,
        settings.minRate(), settings.maxRate(), settings.steps(), settings.smoothing(), settings.stopFactor(), seed,
        mode, batchRows, seconds);
  }

  /**
   * True when the test ended on a NaN or infinite loss (before any step, or after the last of
   * {@code losses}) or on a loss over {@value DistributedTrainer#EXPLOSION} times the first step's,
   * rather than by the smoothed loss's rule or at the last step: the endings a single row can cause.
   */
  static boolean endedOnOverflow(double[] losses, RangeTestSettings settings) {
    if (losses.length >= settings.steps()) {
      return false;
    }
    Smoother smoother = new Smoother(settings.smoothing());
    for (double loss : losses) {
      smoother.add(loss);
      if (exploded(smoother, loss)) {
        return true;
      }
      if (diverged(smoother, loss, settings) != null) {
        return false;
      }
    }
    return true;
  }

  private static boolean exploded(Smoother smoother, double loss) {
    return loss > DistributedTrainer.EXPLOSION * Math.max(smoother.first(), 1e-3);
  }

  /**
   * Why the test has diverged at the step just added to {@code smoother} with raw loss
   * {@code loss}, or null: the loss exceeds {@value DistributedTrainer#EXPLOSION} times the first
   * step's (the training divergence guard), or the smoothed loss exceeds stop-factor times its lowest.
   */
  static String diverged(Smoother smoother, double loss, RangeTestSettings settings) {
    if (exploded(smoother, loss)) {
      return String.format(Locale.ROOT, "the loss exploded to %.3g, over %.0f times the first step's %.3g", loss,
          DistributedTrainer.EXPLOSION, smoother.first());
    }
    if (smoother.count() > 1 && smoother.smoothed() > settings.stopFactor() * smoother.lowest()) {
      return String.format(Locale.ROOT, "the smoothed loss %.4g exceeded %.3g times its lowest, %.4g",
          smoother.smoothed(), settings.stopFactor(), smoother.lowest());
    }
    return null;
  }

  /** An exponential moving average with bias correction (as Adam's moments), and its lowest value. */
  static final class Smoother implements Serializable {
    private static final long serialVersionUID = 1L;
    private final double beta;
    private double average;
    private int count;
    private double smoothed = Double.NaN;
    private double lowest = Double.POSITIVE_INFINITY;
    private double first = Double.NaN;

    Smoother(double beta) {
      this.beta = beta;
    }

    Smoother add(double value) {
      count++;
      if (count == 1) {
        first = value;
      }
      average = beta * average + (1 - beta) * value;
      smoothed = average / (1 - Math.pow(beta, count));
      lowest = Math.min(lowest, smoothed);
      return this;
    }

    double smoothed() {
      return smoothed;
    }

    double lowest() {
      return lowest;
    }

    double first() {
      return first;
    }

    int count() {
      return count;
    }
  }
}
