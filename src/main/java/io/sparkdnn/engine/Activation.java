package io.sparkdnn.engine;

/**
 * Element-wise activation functions σ and their derivatives.
 *
 * <p>Derivatives are expressed through the activation's output {@code a = σ(z)} rather than its
 * input {@code z}, so the engine keeps one buffer per layer instead of two. This works for every
 * function here: sigmoid' = a(1−a), tanh' = 1−a², and for the ReLU family the sign of {@code a}
 * equals the sign of {@code z}.
 *
 * <p>{@link #SOFTMAX} couples the outputs of a row, so it is never applied element-wise: it only
 * appears on the output layer, fused with the log-likelihood loss in {@link OutputLayer}.
 */
public enum Activation implements Token {
  IDENTITY("identity") {
    @Override
    public void apply(float[] z, int offset, int length) {}

    @Override
    public void multiplyByDerivative(float[] a, int aOffset, float[] delta, int dOffset, int length) {}
  },
  SIGMOID("sigmoid") {
    @Override
    public void apply(float[] z, int offset, int length) {
      for (int i = offset, end = offset + length; i < end; i++) {
        z[i] = sigmoid(z[i]);
      }
    }

    @Override
    public void multiplyByDerivative(float[] a, int aOffset, float[] delta, int dOffset, int length) {
      for (int i = 0; i < length; i++) {
        float ai = a[aOffset + i];
        delta[dOffset + i] *= ai * (1f - ai);
      }
    }
  },
  TANH("tanh") {
    @Override
    public void apply(float[] z, int offset, int length) {
      for (int i = offset, end = offset + length; i < end; i++) {
        z[i] = (float) Math.tanh(z[i]);
      }
    }

    @Override
    public void multiplyByDerivative(float[] a, int aOffset, float[] delta, int dOffset, int length) {
      for (int i = 0; i < length; i++) {
        float ai = a[aOffset + i];
        delta[dOffset + i] *= 1f - ai * ai;
      }
    }
  },
  RELU("relu") {
    @Override
    public void apply(float[] z, int offset, int length) {
      for (int i = offset, end = offset + length; i < end; i++) {
        z[i] = Math.max(z[i], 0f);
      }
    }

    @Override
    public void multiplyByDerivative(float[] a, int aOffset, float[] delta, int dOffset, int length) {
      // Branch-free: about half the units are zero, so `a > 0 ? delta : 0` mispredicts half the
      // time. ReLU outputs are +0 or positive (never −0), so the bits of a are 0 exactly when the
      // derivative is 0, and −bits >> 31 is an all-ones mask otherwise.
      for (int i = 0; i < length; i++) {
        int mask = -Float.floatToRawIntBits(a[aOffset + i]) >> 31;
        delta[dOffset + i] = Float.intBitsToFloat(Float.floatToRawIntBits(delta[dOffset + i]) & mask);
      }
    }
  },
  LEAKY_RELU("leakyrelu") {
    @Override
    public void apply(float[] z, int offset, int length) {
      for (int i = offset, end = offset + length; i < end; i++) {
        float zi = z[i];
        z[i] = zi > 0f ? zi : LEAKY_SLOPE * zi;
      }
    }

    @Override
    public void multiplyByDerivative(float[] a, int aOffset, float[] delta, int dOffset, int length) {
      // Branch-free, as for ReLU: the sign bit of a picks the factor (1 or the slope).
      int one = Float.floatToRawIntBits(1f);
      int slope = Float.floatToRawIntBits(LEAKY_SLOPE);
      for (int i = 0; i < length; i++) {
        int bits = Float.floatToRawIntBits(a[aOffset + i]);
        int positive = -bits >> 31 & ~(bits >> 31); // all ones for a > 0 (and NaN), else 0
        delta[dOffset + i] *= Float.intBitsToFloat((one & positive) | (slope & ~positive));
      }
    }
  },
  SOFTMAX("softmax") {
    @Override
    public void apply(float[] z, int offset, int length) {
      throw new UnsupportedOperationException("softmax is applied per row by OutputLayer");
    }

    @Override
    public void multiplyByDerivative(float[] a, int aOffset, float[] delta, int dOffset, int length) {
      throw new UnsupportedOperationException("softmax is only used fused with log-likelihood");
    }
  };

  /** Slope of {@link #LEAKY_RELU} for negative inputs. */
  public static final float LEAKY_SLOPE = 0.01f;

  private final String token;

  Activation(String token) {
    this.token = token;
  }

  /** Replaces {@code z[offset .. offset+length)} with σ(z), in place. */
  public abstract void apply(float[] z, int offset, int length);

  /** {@code delta[i] *= σ'(z[i])}, with σ' computed from the activation output {@code a}. */
  public abstract void multiplyByDerivative(
      float[] a, int aOffset, float[] delta, int dOffset, int length);

  /** The name used in compact network strings and configuration, e.g. {@code relu}. */
  @Override
  public String token() {
    return token;
  }

  /** True for ReLU and its relatives, which He initialisation is designed for. */
  public boolean isReluFamily() {
    return this == RELU || this == LEAKY_RELU;
  }

  static float sigmoid(float z) {
    return (float) (1.0 / (1.0 + Math.exp(-z)));
  }

  /** Parses a token such as {@code relu}; {@code linear} is accepted for identity. */
  public static Activation fromToken(String token) {
    return token.equalsIgnoreCase("linear") ? IDENTITY : Token.parse(Activation.class, token, "activation");
  }

}
