package io.sparkdnn.engine;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An immutable description of a fully connected network: input width, hidden layers, output layer
 * and loss. It also fixes the layout of the one flat parameter vector that holds every weight and
 * bias:
 *
 * <pre>
 *   [ W_0 (O_0 × I_0, row-major) | b_0 (O_0) | W_1 (O_1 × I_1) | b_1 (O_1) | ... ]
 * </pre>
 *
 * where layer {@code l} maps I_l = (l == 0 ? inputWidth : O_{l-1}) inputs to O_l outputs. Row
 * {@code o} of W_l holds the weights from every input into output {@code o}.
 *
 * <h2>Compact syntax</h2>
 *
 * <pre>
 *   spec   := input ("-" layer)+ [":" loss]
 *   input  := WIDTH                      e.g. 784
 *   layer  := WIDTH ACTIVATION ["+dropout" RATE]
 *   loss   := mse | bce | loglik         default: loglik for softmax, bce for sigmoid, else mse
 * </pre>
 *
 * Examples: {@code 784-256relu-128relu-10softmax}, {@code 2-8tanh-1sigmoid:mse},
 * {@code 784-1024relu+dropout0.3-10softmax}. The last layer is the output layer.
 */
public final class NetworkSpec implements Serializable {
  private static final long serialVersionUID = 1L;

  private static final Pattern LAYER =
      Pattern.compile("(\\d+)([a-zA-Z_]+)(?:\\+dropout([0-9]*\\.?[0-9]+))?");

  private final int inputWidth;
  private final LayerSpec[] layers;
  private final Loss loss;
  private final int[] weightOffsets;
  private final int[] biasOffsets;
  private final int parameterCount;

  private NetworkSpec(int inputWidth, LayerSpec[] layers, Loss loss) {
    this.inputWidth = inputWidth;
    this.layers = layers;
    this.loss = loss;
    this.weightOffsets = new int[layers.length];
    this.biasOffsets = new int[layers.length];
    long offset = 0;
    for (int l = 0; l < layers.length; l++) {
      weightOffsets[l] = (int) offset;
      offset += (long) inputsOf(l) * layers[l].width();
      biasOffsets[l] = (int) offset;
      offset += layers[l].width();
      if (offset > Integer.MAX_VALUE - 8) {
        throw new IllegalArgumentException(
            "network " + this + " has more than 2^31 parameters; make the layers narrower");
      }
    }
    this.parameterCount = (int) offset;
  }

  public static Builder builder(int inputWidth) {
    return new Builder(inputWidth);
  }

  /** Parses the compact syntax described in the class comment. */
  public static NetworkSpec parse(String text) {
    String s = text.trim();
    if (s.isEmpty()) {
      throw new IllegalArgumentException("network spec is empty; expected e.g. 784-256relu-10softmax");
    }
    Loss loss = null;
    int colon = s.lastIndexOf(':');
    if (colon >= 0) {
      loss = Loss.fromToken(s.substring(colon + 1).trim());
      s = s.substring(0, colon).trim();
    }
    String[] tokens = s.split("-", -1);
    if (tokens.length < 2) {
      throw new IllegalArgumentException(
          "network spec '" + text + "' needs an input width and at least an output layer, "
              + "e.g. 784-10softmax");
    }
    String first = tokens[0].trim();
    if (!first.matches("\\d+")) {
      throw new IllegalArgumentException(
          "network spec '" + text + "' must start with the input width, found '" + tokens[0] + "'");
    }
    int input = width(first, text);
    Builder b = builder(input);
    for (int i = 1; i < tokens.length; i++) {
      Matcher m = LAYER.matcher(tokens[i].trim());
      if (!m.matches()) {
        throw new IllegalArgumentException(
            "network spec '" + text + "': cannot read layer '" + tokens[i]
                + "'; expected WIDTH ACTIVATION [+dropout RATE], e.g. 256relu or 256relu+dropout0.5");
      }
      int width = width(m.group(1), text);
      Activation activation = Activation.fromToken(m.group(2));
      float dropout = m.group(3) == null ? 0f : Float.parseFloat(m.group(3));
      if (i == tokens.length - 1) {
        if (dropout > 0f) {
          throw new IllegalArgumentException(
              "network spec '" + text + "': dropout on the output layer is not supported; "
                  + "put it on a hidden layer");
        }
        b.output(width, activation);
      } else {
        b.hidden(width, activation, dropout);
      }
    }
    if (loss != null) {
      b.loss(loss);
    }
    return b.build();
  }

  /** A layer width as written; one too large for an int is refused, not wrapped around. */
  private static int width(String digits, String text) {
    try {
      return Integer.parseInt(digits);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("network spec '" + text + "': width " + digits
          + " is too large (the most is " + Integer.MAX_VALUE + ", and far less fits in memory)");
    }
  }

  public int inputWidth() {
    return inputWidth;
  }

  /** Number of weight layers (hidden layers + the output layer). */
  public int layerCount() {
    return layers.length;
  }

  public LayerSpec layer(int l) {
    return layers[l];
  }

  public LayerSpec outputLayer() {
    return layers[layers.length - 1];
  }

  public int outputWidth() {
    return outputLayer().width();
  }

  public Loss loss() {
    return loss;
  }

  /** I_l: the inputs of layer {@code l}. */
  public int inputsOf(int l) {
    return l == 0 ? inputWidth : layers[l - 1].width();
  }

  public int weightOffset(int l) {
    return weightOffsets[l];
  }

  public int biasOffset(int l) {
    return biasOffsets[l];
  }

  /** Length of the flat parameter vector. */
  public int parameterCount() {
    return parameterCount;
  }

  /**
   * The [start, end) ranges of the flat vector that hold weights (not biases), as pairs: weight
   * decay applies to these only.
   */
  public int[] weightRanges() {
    int[] ranges = new int[2 * layers.length];
    for (int l = 0; l < layers.length; l++) {
      ranges[2 * l] = weightOffsets[l];
      ranges[2 * l + 1] = biasOffsets[l];
    }
    return ranges;
  }

  public boolean hasDropout() {
    for (LayerSpec layer : layers) {
      if (layer.dropout() > 0f) {
        return true;
      }
    }
    return false;
  }

  /** Checks that a parameter vector belongs to this spec. */
  public void checkParameters(float[] parameters, String what) {
    if (parameters.length != parameterCount) {
      throw new IllegalArgumentException(
          what + " has " + parameters.length + " values but network " + this + " needs "
              + parameterCount);
    }
  }

  /** Same layer widths and activations: weights of one fit the other. Dropout may differ. */
  public boolean sameShapeAs(NetworkSpec other) {
    if (inputWidth != other.inputWidth || layers.length != other.layers.length) {
      return false;
    }
    for (int l = 0; l < layers.length; l++) {
      if (layers[l].width() != other.layers[l].width()
          || layers[l].activation() != other.layers[l].activation()) {
        return false;
      }
    }
    return true;
  }

  /** The compact form; the loss is shown only when it is not the default for the output. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder().append(inputWidth);
    for (LayerSpec layer : layers) {
      sb.append('-').append(layer);
    }
    if (loss != Loss.defaultFor(outputLayer().activation())) {
      sb.append(':').append(loss.token());
    }
    return sb.toString();
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof NetworkSpec)) {
      return false;
    }
    NetworkSpec other = (NetworkSpec) o;
    return inputWidth == other.inputWidth
        && loss == other.loss
        && Arrays.equals(layers, other.layers);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * inputWidth + Arrays.hashCode(layers)) + loss.hashCode();
  }

  /** Builds a spec layer by layer; {@link #build()} validates the whole. */
  public static final class Builder {
    private final int inputWidth;
    private final List<LayerSpec> hidden = new ArrayList<>();
    private LayerSpec output;
    private Loss loss;

    private Builder(int inputWidth) {
      this.inputWidth = inputWidth;
    }

    public Builder hidden(int width, Activation activation) {
      return hidden(width, activation, 0f);
    }

    public Builder hidden(int width, Activation activation, float dropout) {
      hidden.add(new LayerSpec(width, activation, dropout));
      return this;
    }

    public Builder output(int width, Activation activation) {
      output = new LayerSpec(width, activation, 0f);
      return this;
    }

    /** Defaults to {@link Loss#defaultFor} the output activation. */
    public Builder loss(Loss loss) {
      this.loss = loss;
      return this;
    }

    public NetworkSpec build() {
      if (inputWidth <= 0) {
        throw new IllegalArgumentException("input width must be positive, found " + inputWidth);
      }
      if (output == null) {
        throw new IllegalArgumentException("network has no output layer; call output(width, activation)");
      }
      for (int i = 0; i < hidden.size(); i++) {
        LayerSpec layer = hidden.get(i);
        String name = "hidden layer " + (i + 1);
        checkWidth(name, layer.width());
        if (layer.activation() == Activation.SOFTMAX) {
          throw new IllegalArgumentException(
              name + " uses softmax, which is only allowed on the output layer (paired with "
                  + "loglik); use relu, tanh or sigmoid for hidden layers");
        }
        if (!(layer.dropout() >= 0f && layer.dropout() < 1f)) {
          throw new IllegalArgumentException(
              name + " has dropout " + layer.dropout() + "; it must be in [0, 1)");
        }
      }
      checkWidth("output layer", output.width());
      Loss effectiveLoss = loss != null ? loss : Loss.defaultFor(output.activation());
      checkPairing(output.activation(), effectiveLoss);
      LayerSpec[] layers = new LayerSpec[hidden.size() + 1];
      hidden.toArray(layers);
      layers[layers.length - 1] = output;
      return new NetworkSpec(inputWidth, layers, effectiveLoss);
    }

    private static void checkWidth(String name, int width) {
      if (width <= 0) {
        throw new IllegalArgumentException(name + " width must be positive, found " + width);
      }
    }

    private static void checkPairing(Activation output, Loss loss) {
      switch (loss) {
        case LOG_LIKELIHOOD:
          if (output != Activation.SOFTMAX) {
            throw new IllegalArgumentException(
                "loss loglik needs a softmax output layer, found " + output.token()
                    + "; with sigmoid outputs use bce, with identity outputs use mse");
          }
          break;
        case BINARY_CROSS_ENTROPY:
          if (output != Activation.SIGMOID) {
            throw new IllegalArgumentException(
                "loss bce treats each output as an independent probability and needs sigmoid "
                    + "outputs, found " + output.token()
                    + (output == Activation.SOFTMAX
                        ? "; for one class out of many use softmax with loglik"
                        : "; for real-valued outputs use mse"));
          }
          break;
        case MSE:
          if (output == Activation.SOFTMAX) {
            throw new IllegalArgumentException(
                "softmax outputs with mse are not supported (the gradient vanishes as the "
                    + "softmax saturates); use softmax with loglik, or sigmoid outputs with mse");
          }
          break;
        default:
          throw new AssertionError(loss);
      }
    }
  }
}
