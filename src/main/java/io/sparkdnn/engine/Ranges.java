package io.sparkdnn.engine;

/**
 * Range checks for settings, with messages that name the setting: "training.epochs must be ≥ 1,
 * found 0". Each setting's range is checked in one place — the setter of its typed configuration —
 * and every route in (configuration files, --set, Spark ML params) goes through that setter.
 */
public final class Ranges {
  private Ranges() {}

  /** {@code value ≥ min}. */
  public static int atLeast(String key, int value, int min) {
    if (value < min) {
      throw new IllegalArgumentException(key + " must be ≥ " + min + ", found " + value);
    }
    return value;
  }

  /** {@code min ≤ value ≤ max}. */
  public static int between(String key, int value, int min, int max) {
    if (value < min || value > max) {
      throw new IllegalArgumentException(key + " must be between " + min + " and " + max + ", found " + value);
    }
    return value;
  }

  /** A finite {@code value ≥ min}. */
  public static double atLeast(String key, double value, double min) {
    if (!(value >= min) || Double.isInfinite(value)) {
      throw new IllegalArgumentException(key + " must be a number ≥ " + min + ", found " + value);
    }
    return value;
  }

  /** A finite {@code value > 0}. */
  public static double positive(String key, double value) {
    if (!(value > 0) || Double.isInfinite(value)) {
      throw new IllegalArgumentException(key + " must be a number > 0, found " + value);
    }
    return value;
  }

  /** {@code 0 ≤ value < 1}: fractions that must leave something over (momenta, hold-out shares). */
  public static double fraction(String key, double value) {
    if (!(value >= 0 && value < 1)) {
      throw new IllegalArgumentException(key + " must be in [0, 1), found " + value);
    }
    return value;
  }

  /** {@code 0 ≤ value ≤ 1}. */
  public static double unit(String key, double value) {
    if (!(value >= 0 && value <= 1)) {
      throw new IllegalArgumentException(key + " must be in [0, 1], found " + value);
    }
    return value;
  }

  /** {@code 0 < value < 1}. */
  public static double openUnit(String key, double value) {
    if (!(value > 0 && value < 1)) {
      throw new IllegalArgumentException(key + " must be in (0, 1), found " + value);
    }
    return value;
  }
}
