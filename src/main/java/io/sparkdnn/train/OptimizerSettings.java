package io.sparkdnn.train;

import static io.sparkdnn.engine.Ranges.atLeast;
import static io.sparkdnn.engine.Ranges.between;
import static io.sparkdnn.engine.Ranges.fraction;
import static io.sparkdnn.engine.Ranges.positive;
import static io.sparkdnn.engine.Ranges.unit;

import io.sparkdnn.engine.NetworkSpec;
import io.sparkdnn.optim.Adam;
import io.sparkdnn.optim.Lbfgs;
import io.sparkdnn.optim.LearningRateSchedule;
import io.sparkdnn.optim.Optimizer;
import io.sparkdnn.optim.Sgd;
import io.sparkdnn.optim.UpdateRule;
import java.io.Serializable;
import java.util.Map;
import java.util.Objects;

/**
 * The optimiser, its learning-rate schedule and regularisation, as configured under
 * {@code training.optimizer}, {@code training.schedule} and {@code training.lbfgs}. Immutable. The
 * builder's defaults are those of conf/defaults.conf (a test holds them equal), and each setter
 * checks its value's range, naming the configuration key.
 */
public final class OptimizerSettings implements Serializable {
  private static final long serialVersionUID = 2L;

  private final OptimizerName name;
  private final double learningRate;
  private final double momentum;
  private final double beta1;
  private final double beta2;
  private final double epsilon;
  private final double weightDecay;
  private final double l2;
  private final double clipNorm;
  private final ScheduleName schedule;
  private final double stepEpochs;
  private final double stepFactor;
  private final double gamma;
  private final double minLearningRate;
  private final double warmupEpochs;
  private final int lbfgsMemory;
  private final int lbfgsMaxEvaluations;
  private final double lbfgsTolerance;

  private OptimizerSettings(Builder b) {
    this.name = b.name;
    this.learningRate = b.learningRate;
    this.momentum = b.momentum;
    this.beta1 = b.beta1;
    this.beta2 = b.beta2;
    this.epsilon = b.epsilon;
    this.weightDecay = b.weightDecay;
    this.l2 = b.l2;
    this.clipNorm = b.clipNorm;
    this.schedule = b.schedule;
    this.stepEpochs = b.stepEpochs;
    this.stepFactor = b.stepFactor;
    this.gamma = b.gamma;
    this.minLearningRate = b.minLearningRate;
    this.warmupEpochs = b.warmupEpochs;
    this.lbfgsMemory = b.lbfgsMemory;
    this.lbfgsMaxEvaluations = b.lbfgsMaxEvaluations;
    this.lbfgsTolerance = b.lbfgsTolerance;
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    Builder b = new Builder();
    b.name = name;
    b.learningRate = learningRate;
    b.momentum = momentum;
    b.beta1 = beta1;
    b.beta2 = beta2;
    b.epsilon = epsilon;
    b.weightDecay = weightDecay;
    b.l2 = l2;
    b.clipNorm = clipNorm;
    b.schedule = schedule;
    b.stepEpochs = stepEpochs;
    b.stepFactor = stepFactor;
    b.gamma = gamma;
    b.minLearningRate = minLearningRate;
    b.warmupEpochs = warmupEpochs;
    b.lbfgsMemory = lbfgsMemory;
    b.lbfgsMaxEvaluations = lbfgsMaxEvaluations;
    b.lbfgsTolerance = lbfgsTolerance;
    return b;
  }

  public OptimizerName name() { return name; }
  public boolean isLbfgs() { return name == OptimizerName.LBFGS; }
  public double learningRate() { return learningRate; }
  public double momentum() { return momentum; }
  public double beta1() { return beta1; }
  public double beta2() { return beta2; }
  public double epsilon() { return epsilon; }
  public double weightDecay() { return weightDecay; }
  public double l2() { return l2; }
  public double clipNorm() { return clipNorm; }
  public ScheduleName scheduleName() { return schedule; }
  public double stepEpochs() { return stepEpochs; }
  public double stepFactor() { return stepFactor; }
  public double gamma() { return gamma; }
  public double minLearningRate() { return minLearningRate; }
  public double warmupEpochs() { return warmupEpochs; }
  public int lbfgsMemory() { return lbfgsMemory; }
  public int lbfgsMaxEvaluations() { return lbfgsMaxEvaluations; }
  public double lbfgsTolerance() { return lbfgsTolerance; }

  /** The update rule; fails for L-BFGS, which is not a per-step rule. */
  public UpdateRule rule() {
    switch (name) {
      case SGD:
        return new Sgd(0, false);
      case MOMENTUM:
        return new Sgd(momentum, false);
      case NESTEROV:
        return new Sgd(momentum, true);
      case ADAM:
        return new Adam(beta1, beta2, epsilon, 0);
      case ADAMW:
        return new Adam(beta1, beta2, epsilon, weightDecay);
      default:
        throw new IllegalStateException(name.token() + " has no per-step update rule");
    }
  }

  /** The learning rate by (fractional) epoch, over {@code epochs} epochs (cosine needs the length). */
  public LearningRateSchedule schedule(int epochs) {
    LearningRateSchedule base;
    switch (schedule) {
      case CONSTANT:
        base = LearningRateSchedule.constant(learningRate);
        break;
      case STEP:
        base = LearningRateSchedule.step(learningRate, stepEpochs, stepFactor);
        break;
      case EXPONENTIAL:
        base = LearningRateSchedule.exponential(learningRate, gamma);
        break;
      case COSINE:
        base = LearningRateSchedule.cosine(learningRate, epochs, minLearningRate);
        break;
      default:
        throw new AssertionError(schedule);
    }
    return LearningRateSchedule.withWarmup(base, warmupEpochs);
  }

  public Optimizer optimizer(NetworkSpec spec, int epochs) {
    return new Optimizer(rule(), schedule(epochs), l2, clipNorm, spec.weightRanges());
  }

  public Lbfgs lbfgs() {
    return new Lbfgs(lbfgsMemory, lbfgsMaxEvaluations, lbfgsTolerance);
  }

  /** These settings as configuration keys and {@code --set} values. */
  void addTo(Map<String, String> c) {
    c.put("training.optimizer.name", name.token());
    c.put("training.optimizer.learning-rate", Double.toString(learningRate));
    c.put("training.optimizer.momentum", Double.toString(momentum));
    c.put("training.optimizer.beta1", Double.toString(beta1));
    c.put("training.optimizer.beta2", Double.toString(beta2));
    c.put("training.optimizer.epsilon", Double.toString(epsilon));
    c.put("training.optimizer.weight-decay", Double.toString(weightDecay));
    c.put("training.optimizer.l2", Double.toString(l2));
    c.put("training.optimizer.clip-norm", Double.toString(clipNorm));
    c.put("training.schedule.name", schedule.token());
    c.put("training.schedule.step-epochs", Double.toString(stepEpochs));
    c.put("training.schedule.step-factor", Double.toString(stepFactor));
    c.put("training.schedule.gamma", Double.toString(gamma));
    c.put("training.schedule.min-learning-rate", Double.toString(minLearningRate));
    c.put("training.schedule.warmup-epochs", Double.toString(warmupEpochs));
    c.put("training.lbfgs.memory", Integer.toString(lbfgsMemory));
    c.put("training.lbfgs.max-evaluations", Integer.toString(lbfgsMaxEvaluations));
    c.put("training.lbfgs.tolerance", Double.toString(lbfgsTolerance));
  }

  /** Defaults: those of conf/defaults.conf (Adam, learning rate 0.001, constant schedule, …). */
  public static final class Builder {
    private OptimizerName name = OptimizerName.ADAM;
    private double learningRate = 0.001;
    private double momentum = 0.9;
    private double beta1 = 0.9;
    private double beta2 = 0.999;
    private double epsilon = 1e-8;
    private double weightDecay = 0.01;
    private double l2 = 0;
    private double clipNorm = 0;
    private ScheduleName schedule = ScheduleName.CONSTANT;
    private double stepEpochs = 10;
    private double stepFactor = 0.5;
    private double gamma = 0.95;
    private double minLearningRate = 0;
    private double warmupEpochs = 0;
    private int lbfgsMemory = 10;
    private int lbfgsMaxEvaluations = 20;
    private double lbfgsTolerance = 1e-6;

    private Builder() {}

    public Builder name(OptimizerName v) { name = Objects.requireNonNull(v, "training.optimizer.name"); return this; }
    public Builder learningRate(double v) { learningRate = positive("training.optimizer.learning-rate", v); return this; }
    public Builder momentum(double v) { momentum = fraction("training.optimizer.momentum", v); return this; }
    public Builder beta1(double v) { beta1 = fraction("training.optimizer.beta1", v); return this; }
    public Builder beta2(double v) { beta2 = fraction("training.optimizer.beta2", v); return this; }
    public Builder epsilon(double v) { epsilon = positive("training.optimizer.epsilon", v); return this; }
    public Builder weightDecay(double v) { weightDecay = atLeast("training.optimizer.weight-decay", v, 0); return this; }
    public Builder l2(double v) { l2 = atLeast("training.optimizer.l2", v, 0); return this; }
    public Builder clipNorm(double v) { clipNorm = atLeast("training.optimizer.clip-norm", v, 0); return this; }
    public Builder schedule(ScheduleName v) { schedule = Objects.requireNonNull(v, "training.schedule.name"); return this; }
    public Builder stepEpochs(double v) { stepEpochs = positive("training.schedule.step-epochs", v); return this; }
    public Builder stepFactor(double v) { stepFactor = positive("training.schedule.step-factor", v); return this; }
    public Builder gamma(double v) { gamma = positive("training.schedule.gamma", v); return this; }
    public Builder minLearningRate(double v) { minLearningRate = atLeast("training.schedule.min-learning-rate", v, 0); return this; }
    public Builder warmupEpochs(double v) { warmupEpochs = atLeast("training.schedule.warmup-epochs", v, 0); return this; }
    public Builder lbfgsMemory(int v) { lbfgsMemory = between("training.lbfgs.memory", v, 1, 1000); return this; }
    public Builder lbfgsMaxEvaluations(int v) { lbfgsMaxEvaluations = between("training.lbfgs.max-evaluations", v, 1, 1000); return this; }
    public Builder lbfgsTolerance(double v) { lbfgsTolerance = unit("training.lbfgs.tolerance", v); return this; }

    /** The settings; values were checked as they were set, so only combinations are checked here. */
    public OptimizerSettings build() {
      if (schedule == ScheduleName.COSINE && minLearningRate > learningRate) {
        throw new IllegalArgumentException("training.schedule.min-learning-rate (" + minLearningRate
            + ") must not exceed training.optimizer.learning-rate (" + learningRate + ")");
      }
      return new OptimizerSettings(this);
    }
  }
}
