package io.sparkdnn.optim;

import java.io.Serializable;

/**
 * The learning rate as a function of training progress, measured in epochs (fractional: 2.5 is
 * half-way through the third epoch), so that schedules read the same whatever the batch size.
 */
@FunctionalInterface
public interface LearningRateSchedule extends Serializable {

  double rate(double epoch);

  static LearningRateSchedule constant(double rate) {
    checkPositive(rate, "learning rate");
    return epoch -> rate;
  }

  /** {@code rate · factor^floor(epoch / everyEpochs)}: drops by {@code factor} every few epochs. */
  static LearningRateSchedule step(double rate, double everyEpochs, double factor) {
    checkPositive(rate, "learning rate");
    checkPositive(everyEpochs, "step interval (epochs)");
    checkPositive(factor, "step factor");
    return epoch -> rate * Math.pow(factor, Math.floor(epoch / everyEpochs));
  }

  /** {@code rate · gamma^epoch}: smooth decay by {@code gamma} per epoch. */
  static LearningRateSchedule exponential(double rate, double gamma) {
    checkPositive(rate, "learning rate");
    checkPositive(gamma, "exponential decay per epoch");
    return epoch -> rate * Math.pow(gamma, epoch);
  }

  /** Half a cosine from {@code rate} down to {@code minRate} over {@code totalEpochs}, then flat. */
  static LearningRateSchedule cosine(double rate, double totalEpochs, double minRate) {
    checkPositive(rate, "learning rate");
    checkPositive(totalEpochs, "cosine length (epochs)");
    if (minRate < 0 || minRate > rate) {
      throw new IllegalArgumentException(
          "minimum learning rate must be in [0, " + rate + "], found " + minRate);
    }
    return epoch -> {
      double progress = Math.min(1.0, epoch / totalEpochs);
      return minRate + 0.5 * (rate - minRate) * (1 + Math.cos(Math.PI * progress));
    };
  }

  /** Ramps linearly from near zero up to {@code inner} over the first {@code warmupEpochs}. */
  static LearningRateSchedule withWarmup(LearningRateSchedule inner, double warmupEpochs) {
    if (warmupEpochs < 0) {
      throw new IllegalArgumentException("warm-up must be ≥ 0 epochs, found " + warmupEpochs);
    }
    if (warmupEpochs == 0) {
      return inner;
    }
    return epoch -> epoch >= warmupEpochs
        ? inner.rate(epoch)
        : inner.rate(epoch) * Math.max(epoch, 1e-3 * warmupEpochs) / warmupEpochs;
  }

  private static void checkPositive(double value, String what) {
    if (!(value > 0) || Double.isInfinite(value)) {
      throw new IllegalArgumentException(what + " must be a positive number, found " + value);
    }
  }
}
