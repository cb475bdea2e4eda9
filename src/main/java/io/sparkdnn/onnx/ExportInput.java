package io.sparkdnn.onnx;

import io.sparkdnn.engine.LayerSpec;
import io.sparkdnn.engine.NetworkSpec;
import io.sparkdnn.engine.Task;
import java.util.Objects;

/**
 * Everything {@link OnnxExporter} needs to write one trained network as a self-contained ONNX
 * model: the network, its weights, the transforms around it, and the names that go into the
 * model's metadata. Immutable and checked when built; arrays are copied in and out.
 *
 * <p>Legend: I = the network's input width, K = its output width.
 *
 * <ul>
 *   <li>{@code spec}, {@code task}: the network and what its outputs mean; the task must fit the
 *       network ({@link Task#checkCompatible}).
 *   <li>{@code weights}: the flat parameter vector in {@link NetworkSpec}'s layout, per layer l
 *       W_l (O×I, row-major) then b_l (O).
 *   <li>feature scaling: x' = x · scale + shift per feature, {@code scale} and {@code shift} of
 *       length I. Left out, it is the identity.
 *   <li>target un-scaling (regression only): y = y' · targetScale + targetShift per output, both of
 *       length K, turning the network's outputs back into the targets' units. Left out, the
 *       outputs are the predictions.
 *   <li>{@code featureNames}: the feature columns, one per feature (I names), or one name when all
 *       features come from a single vector or array column. Required.
 *   <li>{@code classNames} (classification only, optional): the classes in output order (K for
 *       multi-class, 2 for binary: [negative, positive]) or, for multi-label, the K label names.
 *   <li>{@code modelName}, {@code modelVersion}, {@code producerVersion} (the spark-dnn version):
 *       free text for the metadata; the name defaults to "spark-dnn", the versions may be absent.
 * </ul>
 */
public final class ExportInput {
  /**
   * One ONNX file is one protobuf message, which cannot exceed 2 GiB; weights, names and the graph
   * must fit in that with a margin.
   */
  static final long MAX_WEIGHT_BYTES = Integer.MAX_VALUE - (64L << 20);

  private final NetworkSpec spec;
  private final Task task;
  private final float[] weights;
  private final float[] featureScale;
  private final float[] featureShift;
  private final float[] targetScale;
  private final float[] targetShift;
  private final String[] featureNames;
  private final String[] classNames;
  private final String modelName;
  private final String modelVersion;
  private final String producerVersion;

  private ExportInput(Builder b) {
    this.spec = b.spec;
    this.task = b.task;
    this.weights = b.weights;
    this.featureScale = b.featureScale;
    this.featureShift = b.featureShift;
    this.targetScale = b.targetScale;
    this.targetShift = b.targetShift;
    this.featureNames = b.featureNames;
    this.classNames = b.classNames;
    this.modelName = b.modelName;
    this.modelVersion = b.modelVersion;
    this.producerVersion = b.producerVersion;
  }

  /**
   * Starts an input for {@code spec} and {@code task} with {@code weights} (copied when built).
   * Nothing is checked until {@link Builder#build()}.
   */
  public static Builder builder(NetworkSpec spec, Task task, float[] weights) {
    return new Builder(spec, task, weights);
  }

  public NetworkSpec spec() {
    return spec;
  }

  public Task task() {
    return task;
  }

  /** A copy of the flat parameter vector. */
  public float[] weights() {
    return weights.clone();
  }

  /** A copy of the per-feature scale (length I), or null for identity scaling. */
  public float[] featureScale() {
    return featureScale == null ? null : featureScale.clone();
  }

  /** A copy of the per-feature shift (length I), or null for identity scaling. */
  public float[] featureShift() {
    return featureShift == null ? null : featureShift.clone();
  }

  /** A copy of the per-output target scale (length K), or null when outputs are not un-scaled. */
  public float[] targetScale() {
    return targetScale == null ? null : targetScale.clone();
  }

  /** A copy of the per-output target shift (length K), or null when outputs are not un-scaled. */
  public float[] targetShift() {
    return targetShift == null ? null : targetShift.clone();
  }

  public String[] featureNames() {
    return featureNames.clone();
  }

  /** The class (or label) names, or null when not given. */
  public String[] classNames() {
    return classNames == null ? null : classNames.clone();
  }

  public String modelName() {
    return modelName;
  }

  /** May be null. */
  public String modelVersion() {
    return modelVersion;
  }

  /** May be null. */
  public String producerVersion() {
    return producerVersion;
  }

  // Package-private views without copies, for the exporter.
  float[] weightsView() {
    return weights;
  }

  float[] featureScaleView() {
    return featureScale;
  }

  float[] featureShiftView() {
    return featureShift;
  }

  float[] targetScaleView() {
    return targetScale;
  }

  float[] targetShiftView() {
    return targetShift;
  }

  /** Collects an {@link ExportInput}; {@link #build()} checks the whole. */
  public static final class Builder {
    private final NetworkSpec spec;
    private final Task task;
    private float[] weights;
    private float[] featureScale;
    private float[] featureShift;
    private float[] targetScale;
    private float[] targetShift;
    private String[] featureNames;
    private String[] classNames;
    private String modelName = "spark-dnn";
    private String modelVersion;
    private String producerVersion;

    private Builder(NetworkSpec spec, Task task, float[] weights) {
      this.spec = Objects.requireNonNull(spec, "spec");
      this.task = Objects.requireNonNull(task, "task");
      this.weights = Objects.requireNonNull(weights, "weights");
    }

    /** x' = x · scale + shift per feature (both length I); null for both means identity. */
    public Builder featureScaling(float[] scale, float[] shift) {
      if ((scale == null) != (shift == null)) {
        throw new IllegalArgumentException(
            "feature scaling needs both scale and shift, or neither; found "
                + (scale == null ? "a shift without a scale" : "a scale without a shift"));
      }
      this.featureScale = scale == null ? null : scale.clone();
      this.featureShift = shift == null ? null : shift.clone();
      return this;
    }

    /** y = y' · scale + shift per output (both length K), regression only; null for both: none. */
    public Builder targetScaling(float[] scale, float[] shift) {
      if ((scale == null) != (shift == null)) {
        throw new IllegalArgumentException(
            "target un-scaling needs both scale and shift, or neither; found "
                + (scale == null ? "a shift without a scale" : "a scale without a shift"));
      }
      this.targetScale = scale == null ? null : scale.clone();
      this.targetShift = shift == null ? null : shift.clone();
      return this;
    }

    /** One name per feature, or the one vector/array column that holds them all. */
    public Builder featureNames(String... names) {
      this.featureNames = names == null ? null : names.clone();
      return this;
    }

    /** Classes in output order (binary: [negative, positive]) or multi-label label names. */
    public Builder classNames(String... names) {
      this.classNames = names == null ? null : names.clone();
      return this;
    }

    public Builder modelName(String name) {
      this.modelName = Objects.requireNonNull(name, "model name");
      return this;
    }

    public Builder modelVersion(String version) {
      this.modelVersion = version;
      return this;
    }

    public Builder producerVersion(String version) {
      this.producerVersion = version;
      return this;
    }

    /**
     * Checks and freezes the input.
     *
     * @throws IllegalArgumentException when the task does not fit the network; when the weights
     *     would not fit in one ONNX file (2 GiB); when an array has the wrong length or a weight or
     *     scaling value is NaN or infinite; when target un-scaling is given for a classifier or
     *     class names for a regression; when the feature names are missing or have the wrong count
     */
    public ExportInput build() {
      task.checkCompatible(spec);
      long weightBytes = 4L * spec.parameterCount();
      if (weightBytes > MAX_WEIGHT_BYTES) {
        throw new IllegalArgumentException(
            "network " + spec + " has " + spec.parameterCount() + " parameters ("
                + (weightBytes >> 20) + " MiB); one ONNX file holds at most 2 GiB, so a network "
                + "this large needs ONNX external data (weights in separate files), which this "
                + "exporter does not write");
      }
      spec.checkParameters(weights, "the weight vector");
      weights = weights.clone();
      checkFiniteWeights();
      int inputs = spec.inputWidth();
      int outputs = spec.outputWidth();
      if (featureScale != null) {
        checkVector("feature scale", featureScale, inputs, "one per input feature");
        checkVector("feature shift", featureShift, inputs, "one per input feature");
      }
      if (targetScale != null) {
        if (task != Task.REGRESSION) {
          throw new IllegalArgumentException(
              "target un-scaling applies to regression outputs, but the task is "
                  + task.token() + "; leave it out for classifiers");
        }
        checkVector("target scale", targetScale, outputs, "one per output");
        checkVector("target shift", targetShift, outputs, "one per output");
      }
      if (featureNames == null) {
        throw new IllegalArgumentException(
            "feature names are required: one per feature (" + inputs
                + ") or the name of the one vector/array column that holds them");
      }
      if (featureNames.length != inputs && featureNames.length != 1) {
        throw new IllegalArgumentException(
            "expected " + inputs + " feature names (one per feature) or 1 (a vector/array "
                + "column), found " + featureNames.length);
      }
      checkNoNulls("feature names", featureNames);
      if (classNames != null) {
        if (!task.isClassification()) {
          throw new IllegalArgumentException(
              "class names apply to classifiers, but the task is " + task.token()
                  + "; leave them out for regression");
        }
        int expected = task == Task.BINARY ? 2 : outputs;
        if (classNames.length != expected) {
          throw new IllegalArgumentException(
              "expected " + expected + " class names for " + task.token() + " with " + outputs
                  + " output(s)" + (task == Task.BINARY ? " ([negative, positive])" : "")
                  + ", found " + classNames.length);
        }
        checkNoNulls("class names", classNames);
      }
      return new ExportInput(this);
    }

    private void checkFiniteWeights() {
      for (int l = 0; l < spec.layerCount(); l++) {
        LayerSpec layer = spec.layer(l);
        int in = spec.inputsOf(l);
        int w = spec.weightOffset(l);
        int b = spec.biasOffset(l);
        for (int i = w; i < b + layer.width(); i++) {
          if (!Float.isFinite(weights[i])) {
            String where = i < b
                ? "W[" + (i - w) / in + "][" + (i - w) % in + "]"
                : "b[" + (i - b) + "]";
            throw new IllegalArgumentException(
                "weight " + i + " (layer " + (l + 1) + " " + where + ") is " + weights[i]
                    + "; a model with non-finite weights cannot be exported");
          }
        }
      }
    }

    private static void checkVector(String what, float[] values, int expected, String meaning) {
      if (values.length != expected) {
        throw new IllegalArgumentException(
            what + " has " + values.length + " values, expected " + expected + " (" + meaning + ")");
      }
      for (int j = 0; j < values.length; j++) {
        if (!Float.isFinite(values[j])) {
          throw new IllegalArgumentException(what + "[" + j + "] is " + values[j] + "; expected a finite number");
        }
      }
    }

    private static void checkNoNulls(String what, String[] names) {
      for (int j = 0; j < names.length; j++) {
        if (names[j] == null) {
          throw new IllegalArgumentException(what + "[" + j + "] is null");
        }
      }
    }
  }
}
