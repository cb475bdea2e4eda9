package io.sparkdnn.train;

import io.sparkdnn.engine.Token;
import io.sparkdnn.results.EpochMetrics;

/** What early stopping watches ({@code training.early-stopping.metric}). */
public enum StoppingMetric implements Token {
  VAL_LOSS("val_loss", false),
  VAL_ACCURACY("val_accuracy", true),
  VAL_RMSE("val_rmse", false),
  TRAIN_LOSS("train_loss", false);

  private final String token;
  private final boolean higherIsBetter;

  StoppingMetric(String token, boolean higherIsBetter) {
    this.token = token;
    this.higherIsBetter = higherIsBetter;
  }

  @Override
  public String token() {
    return token;
  }

  public boolean higherIsBetter() {
    return higherIsBetter;
  }

  /** True when the metric needs validation rows. */
  public boolean needsValidation() {
    return this != TRAIN_LOSS;
  }

  /** This metric's value in an epoch's metrics; NaN when the epoch does not have it. */
  public double of(EpochMetrics m) {
    switch (this) {
      case VAL_LOSS:
        return m.valLoss();
      case VAL_ACCURACY:
        return m.valAccuracy();
      case VAL_RMSE:
        return m.valRmse();
      case TRAIN_LOSS:
        return m.trainLoss();
      default:
        throw new AssertionError(this);
    }
  }

  public static StoppingMetric fromToken(String token) {
    return Token.parse(StoppingMetric.class, token, "early-stopping metric");
  }
}
