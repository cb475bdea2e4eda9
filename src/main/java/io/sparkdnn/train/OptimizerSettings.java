package io.sparkdnn.train;

import io.sparkdnn.engine.NetworkSpec;
import io.sparkdnn.optim.Adam;
import io.sparkdnn.optim.Lbfgs;
import io.sparkdnn.optim.LearningRateSchedule;
import io.sparkdnn.optim.Optimizer;
import io.sparkdnn.optim.Sgd;
import io.sparkdnn.optim.UpdateRule;
import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The optimiser, its learning-rate schedule and regularisation, as configured. Immutable. */
public final class OptimizerSettings implements Serializable {
  private static final long serialVersionUID = 1L;

  public static final List<String> NAMES = List.of("sgd", "momentum", "nesterov", "adam", "adamw", "lbfgs");
  public static final List<String> SCHEDULES = List.of("constant", "step", "exponential", "cosine");

  final String name;
  final double learningRate;
  final double momentum;
  final double beta1;
  final double beta2;
  final double epsilon;
  final double weightDecay;
  final double l2;
  final double clipNorm;
  final String schedule;
  final double stepEpochs;
  final double stepFactor;
  final double gamma;
  final double minLearningRate;
  final double warmupEpochs;
  final int lbfgsMemory;
  final int lbfgsMaxEvaluations;
  final double lbfgsTolerance;

  private OptimizerSettings(Builder b) {
    this.name = b.name.toLowerCase(Locale.ROOT);
    this.learningRate = b.learningRate;
    this.momentum = b.momentum;
    this.beta1 = b.beta1;
    this.beta2 = b.beta2;
    this.epsilon = b.epsilon;
    this.weightDecay = b.weightDecay;
    this.l2 = b.l2;
    this.clipNorm = b.clipNorm;
    this.schedule = b.schedule.toLowerCase(Locale.ROOT);
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

  public String name() {
    return name;
  }

  public boolean isLbfgs() {
    return name.equals("lbfgs");
  }

  public double learningRate() {
    return learningRate;
  }

  public double l2() {
    return l2;
  }

  /** The update rule; fails for L-BFGS, which is not a per-step rule. */
  public UpdateRule rule() {
    switch (name) {
      case "sgd":
        return new Sgd(0, false);
      case "momentum":
        return new Sgd(momentum, false);
      case "nesterov":
        return new Sgd(momentum, true);
      case "adam":
        return new Adam(beta1, beta2, epsilon, 0);
      case "adamw":
        return new Adam(beta1, beta2, epsilon, weightDecay);
      default:
        throw new IllegalStateException(name + " has no per-step update rule");
    }
  }

  public LearningRateSchedule schedule(int epochs) {
    LearningRateSchedule base;
    switch (schedule) {
      case "constant":
        base = LearningRateSchedule.constant(learningRate);
        break;
      case "step":
        base = LearningRateSchedule.step(learningRate, stepEpochs, stepFactor);
        break;
      case "exponential":
        base = LearningRateSchedule.exponential(learningRate, gamma);
        break;
      case "cosine":
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

  /** Configuration keys (under {@code training.optimizer}) and values, for metadata. */
  public Map<String, Object> toProperties() {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("name", name);
    p.put("learning-rate", learningRate);
    p.put("momentum", momentum);
    p.put("beta1", beta1);
    p.put("beta2", beta2);
    p.put("epsilon", epsilon);
    p.put("weight-decay", weightDecay);
    p.put("l2", l2);
    p.put("clip-norm", clipNorm);
    p.put("schedule", schedule);
    p.put("step-epochs", stepEpochs);
    p.put("step-factor", stepFactor);
    p.put("gamma", gamma);
    p.put("min-learning-rate", minLearningRate);
    p.put("warmup-epochs", warmupEpochs);
    p.put("lbfgs-memory", lbfgsMemory);
    p.put("lbfgs-max-evaluations", lbfgsMaxEvaluations);
    p.put("lbfgs-tolerance", lbfgsTolerance);
    return p;
  }

  /** Defaults: Adam, learning rate 0.001, constant schedule, no regularisation. */
  public static final class Builder {
    private String name = "adam";
    private double learningRate = 0.001;
    private double momentum = 0.9;
    private double beta1 = 0.9;
    private double beta2 = 0.999;
    private double epsilon = 1e-8;
    private double weightDecay = 0.01;
    private double l2 = 0;
    private double clipNorm = 0;
    private String schedule = "constant";
    private double stepEpochs = 10;
    private double stepFactor = 0.5;
    private double gamma = 0.95;
    private double minLearningRate = 0;
    private double warmupEpochs = 0;
    private int lbfgsMemory = 10;
    private int lbfgsMaxEvaluations = 20;
    private double lbfgsTolerance = 1e-6;

    public Builder name(String v) { name = v; return this; }
    public Builder learningRate(double v) { learningRate = v; return this; }
    public Builder momentum(double v) { momentum = v; return this; }
    public Builder beta1(double v) { beta1 = v; return this; }
    public Builder beta2(double v) { beta2 = v; return this; }
    public Builder epsilon(double v) { epsilon = v; return this; }
    public Builder weightDecay(double v) { weightDecay = v; return this; }
    public Builder l2(double v) { l2 = v; return this; }
    public Builder clipNorm(double v) { clipNorm = v; return this; }
    public Builder schedule(String v) { schedule = v; return this; }
    public Builder stepEpochs(double v) { stepEpochs = v; return this; }
    public Builder stepFactor(double v) { stepFactor = v; return this; }
    public Builder gamma(double v) { gamma = v; return this; }
    public Builder minLearningRate(double v) { minLearningRate = v; return this; }
    public Builder warmupEpochs(double v) { warmupEpochs = v; return this; }
    public Builder lbfgsMemory(int v) { lbfgsMemory = v; return this; }
    public Builder lbfgsMaxEvaluations(int v) { lbfgsMaxEvaluations = v; return this; }
    public Builder lbfgsTolerance(double v) { lbfgsTolerance = v; return this; }

    /** Validates every value by building what it configures; messages name the setting. */
    public OptimizerSettings build() {
      if (!NAMES.contains(name.toLowerCase(Locale.ROOT))) {
        throw new IllegalArgumentException(
            "training.optimizer.name: unknown optimizer '" + name + "'; expected one of " + NAMES);
      }
      if (!SCHEDULES.contains(schedule.toLowerCase(Locale.ROOT))) {
        throw new IllegalArgumentException(
            "training.schedule.name: unknown schedule '" + schedule + "'; expected one of " + SCHEDULES);
      }
      OptimizerSettings settings = new OptimizerSettings(this);
      if (settings.isLbfgs()) {
        settings.lbfgs();
      } else {
        settings.rule();
        settings.schedule(1);
        new Optimizer(settings.rule(), settings.schedule(1), l2, clipNorm, new int[0]);
      }
      return settings;
    }
  }
}
