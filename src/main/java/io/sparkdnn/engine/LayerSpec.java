package io.sparkdnn.engine;

import java.io.Serializable;
import java.util.Objects;

/** One fully connected layer: its width (outputs), activation and inverted-dropout rate. */
public final class LayerSpec implements Serializable {
  private static final long serialVersionUID = 1L;

  private final int width;
  private final Activation activation;
  private final float dropout;

  public LayerSpec(int width, Activation activation, float dropout) {
    this.width = width;
    this.activation = Objects.requireNonNull(activation, "activation");
    this.dropout = dropout;
  }

  public int width() {
    return width;
  }

  public Activation activation() {
    return activation;
  }

  /** Probability of zeroing each output in training; 0 means no dropout. */
  public float dropout() {
    return dropout;
  }

  /** Compact form, e.g. {@code 256relu} or {@code 256relu+dropout0.5}. */
  @Override
  public String toString() {
    String s = width + activation.token();
    return dropout > 0f ? s + "+dropout" + formatRate(dropout) : s;
  }

  static String formatRate(float rate) {
    String s = Float.toString(rate);
    return s.endsWith(".0") ? s.substring(0, s.length() - 2) : s;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof LayerSpec)) {
      return false;
    }
    LayerSpec other = (LayerSpec) o;
    return width == other.width
        && activation == other.activation
        && Float.compare(dropout, other.dropout) == 0;
  }

  @Override
  public int hashCode() {
    return Objects.hash(width, activation, dropout);
  }
}
