package io.sparkdnn.train;

import io.sparkdnn.engine.Ranges;
import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The learning-rate range test ({@code lr-find} section): rates from {@code minRate} to
 * {@code maxRate}, growing by the same factor every optimizer step over {@code steps} steps; the
 * per-step loss smoothed by an exponential moving average with factor {@code smoothing}; the test
 * stops early once the smoothed loss exceeds {@code stopFactor} times its lowest value. Immutable;
 * ranges are checked by the builder, which names the key.
 */
public final class RangeTestSettings implements Serializable {
  private static final long serialVersionUID = 1L;

  private final double minRate;
  private final double maxRate;
  private final int steps;
  private final double smoothing;
  private final double stopFactor;

  private RangeTestSettings(Builder b) {
    if (!(b.maxRate > b.minRate)) {
      throw new IllegalArgumentException("lr-find.max-rate (" + b.maxRate + ") must be larger than lr-find.min-rate ("
          + b.minRate + ")");
    }
    this.minRate = b.minRate;
    this.maxRate = b.maxRate;
    this.steps = b.steps;
    this.smoothing = b.smoothing;
    this.stopFactor = b.stopFactor;
  }

  public static Builder builder() {
    return new Builder();
  }

  public double minRate() { return minRate; }
  public double maxRate() { return maxRate; }
  public int steps() { return steps; }
  public double smoothing() { return smoothing; }
  public double stopFactor() { return stopFactor; }

  /** The rate of step {@code s} (0-based): minRate · (maxRate / minRate)^(s / (steps − 1)). */
  public double rate(int s) {
    return minRate * Math.pow(maxRate / minRate, (double) s / (steps - 1));
  }

  /** The keys of this section and their values, as --set takes them. */
  public Map<String, String> toConfiguration() {
    Map<String, String> c = new LinkedHashMap<>();
    c.put("lr-find.min-rate", Double.toString(minRate));
    c.put("lr-find.max-rate", Double.toString(maxRate));
    c.put("lr-find.steps", Integer.toString(steps));
    c.put("lr-find.smoothing", Double.toString(smoothing));
    c.put("lr-find.stop-factor", Double.toString(stopFactor));
    return c;
  }

  /** Defaults as conf/defaults.conf states them. */
  public static final class Builder {
    private double minRate = 1e-6;
    private double maxRate = 10;
    private int steps = 200;
    private double smoothing = 0.9;
    private double stopFactor = 4;

    public Builder minRate(double v) { minRate = Ranges.positive("lr-find.min-rate", v); return this; }
    public Builder maxRate(double v) { maxRate = Ranges.positive("lr-find.max-rate", v); return this; }
    public Builder steps(int v) { steps = Ranges.between("lr-find.steps", v, 10, 100_000); return this; }
    public Builder smoothing(double v) { smoothing = Ranges.fraction("lr-find.smoothing", v); return this; }
    public Builder stopFactor(double v) {
      stopFactor = Ranges.atLeast("lr-find.stop-factor", v, 1.5);
      return this;
    }

    /** @throws IllegalArgumentException when max-rate is not above min-rate */
    public RangeTestSettings build() {
      return new RangeTestSettings(this);
    }
  }
}
