package io.sparkdnn.onnx;

import io.sparkdnn.engine.DenseNetwork;
import io.sparkdnn.engine.MiniBatch;
import io.sparkdnn.engine.NaiveGemm;
import io.sparkdnn.engine.NetworkSpec;
import io.sparkdnn.engine.Seeds;
import io.sparkdnn.engine.Task;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * One model to export in the tests: a network with seeded random weights, feature scaling (fitted
 * on its own random raw rows, standard or min-max like the data package does, or none), optional
 * target un-scaling, and {@value #ROWS} raw rows to predict. {@link #enginePredictions()} is the
 * reference: the engine's predict (naive gemm, double accumulation) on the scaled rows, then
 * y·targetScale + targetShift.
 */
final class ExportCase {
  static final int ROWS = 50;

  enum Scaling { NONE, IDENTITY_ARRAYS, STANDARD, MIN_MAX, SHIFT_ONLY }

  final String name;
  final NetworkSpec spec;
  final Task task;
  final float[] weights;
  final float[] scale;
  final float[] shift;
  final float[] targetScale;
  final float[] targetShift;
  /** ROWS × I raw (unscaled) features, row-major. */
  final float[] raw;

  private ExportCase(String name, String spec, Task task, Scaling scaling, boolean unscaleTargets, long seed) {
    this.name = name;
    this.spec = NetworkSpec.parse(spec);
    this.task = task;
    SplittableRandom random = new SplittableRandom(seed);
    this.weights = randomWeights(this.spec, random);
    int in = this.spec.inputWidth();
    // Raw features far from N(0, 1), so that a missing or wrong scaling shows in the outputs.
    this.raw = new float[ROWS * in];
    float[] centre = new float[in];
    float[] spread = new float[in];
    for (int j = 0; j < in; j++) {
      centre[j] = (float) random.nextDouble(-50, 50);
      spread[j] = (float) random.nextDouble(0.5, 20);
    }
    for (int r = 0; r < ROWS; r++) {
      for (int j = 0; j < in; j++) {
        raw[r * in + j] = centre[j] + spread[j] * (float) Seeds.gaussian(random);
      }
    }
    float[][] fitted = fitScaling(scaling, raw, in);
    this.scale = fitted == null ? null : fitted[0];
    this.shift = fitted == null ? null : fitted[1];
    int k = this.spec.outputWidth();
    if (unscaleTargets) {
      targetScale = new float[k];
      targetShift = new float[k];
      for (int j = 0; j < k; j++) {
        targetScale[j] = (float) random.nextDouble(0.1, 30);
        targetShift[j] = (float) random.nextDouble(-100, 100);
      }
    } else {
      targetScale = null;
      targetShift = null;
    }
  }

  /** Every model kind the exporter must handle. */
  static List<ExportCase> all() {
    return List.of(
        new ExportCase("multiclass-softmax-standard", "20-16relu-8tanh-5softmax", Task.MULTICLASS, Scaling.STANDARD, false, 1),
        new ExportCase("binary-sigmoid-minmax", "12-10sigmoid-1sigmoid", Task.BINARY, Scaling.MIN_MAX, false, 2),
        new ExportCase("multilabel-sigmoid-none", "15-12leakyrelu-4sigmoid", Task.MULTILABEL, Scaling.NONE, false, 3),
        new ExportCase("regression-3-targets-unscaled", "10-16tanh-8identity-3identity", Task.REGRESSION, Scaling.STANDARD, true, 4),
        new ExportCase("regression-sigmoid-output", "8-6relu-2sigmoid:mse", Task.REGRESSION, Scaling.MIN_MAX, false, 5),
        new ExportCase("every-hidden-activation", "9-7relu-7tanh-7sigmoid-7leakyrelu-7identity-3softmax", Task.MULTICLASS, Scaling.STANDARD, false, 6),
        new ExportCase("dropout-layers", "16-12relu+dropout0.5-8tanh+dropout0.2-3softmax", Task.MULTICLASS, Scaling.STANDARD, false, 7),
        new ExportCase("identity-scaling-arrays", "6-5tanh-2softmax", Task.MULTICLASS, Scaling.IDENTITY_ARRAYS, false, 8),
        new ExportCase("shift-only-scaling", "6-5relu-1sigmoid", Task.BINARY, Scaling.SHIFT_ONLY, false, 9),
        new ExportCase("multiclass-identity-scores", "6-5relu-3identity:mse", Task.MULTICLASS, Scaling.STANDARD, false, 10),
        new ExportCase("fashion-mnist-shape", "784-256relu-128relu-10softmax", Task.MULTICLASS, Scaling.MIN_MAX, false, 11));
  }

  static ExportCase of(String name) {
    return all().stream().filter(c -> c.name.equals(name)).findFirst().orElseThrow();
  }

  ExportInput input() {
    int in = spec.inputWidth();
    String[] features = new String[in];
    Arrays.setAll(features, j -> "x" + j);
    ExportInput.Builder b = ExportInput.builder(spec, task, weights)
        .featureScaling(scale, shift)
        .targetScaling(targetScale, targetShift)
        .featureNames(features)
        .modelName(name)
        .modelVersion("7")
        .producerVersion("test");
    if (task.isClassification()) {
      String[] classes = new String[task == Task.BINARY ? 2 : spec.outputWidth()];
      Arrays.setAll(classes, j -> "class \"" + j + "\"");
      b.classNames(classes);
    }
    return b.build();
  }

  /** ROWS × K: the engine's predict on the scaled rows, then the target un-scaling if any. */
  float[] enginePredictions() {
    int in = spec.inputWidth();
    int k = spec.outputWidth();
    DenseNetwork network = new DenseNetwork(spec, task, ROWS, new NaiveGemm());
    MiniBatch batch = network.batch();
    float[] x = batch.features();
    for (int i = 0; i < ROWS * in; i++) {
      int j = i % in;
      // FeatureScaling.apply's float arithmetic
      x[i] = scale == null ? raw[i] : raw[i] * scale[j] + shift[j];
    }
    batch.setRows(ROWS);
    network.predict(weights);
    float[] y = Arrays.copyOf(network.outputs(), ROWS * k);
    if (targetScale != null) {
      for (int i = 0; i < y.length; i++) {
        y[i] = y[i] * targetScale[i % k] + targetShift[i % k];
      }
    }
    return y;
  }

  @Override
  public String toString() {
    return name + " (" + spec + ", " + task.token() + ")";
  }

  /** Uniform weights with a Glorot-like range (so that layers neither die nor saturate), biases in ±0.5. */
  private static float[] randomWeights(NetworkSpec spec, SplittableRandom random) {
    float[] w = new float[spec.parameterCount()];
    for (int l = 0; l < spec.layerCount(); l++) {
      int in = spec.inputsOf(l);
      int out = spec.layer(l).width();
      double limit = Math.sqrt(6.0 / (in + out)) * 1.5;
      for (int i = spec.weightOffset(l); i < spec.biasOffset(l); i++) {
        w[i] = (float) random.nextDouble(-limit, limit);
      }
      for (int i = spec.biasOffset(l); i < spec.biasOffset(l) + out; i++) {
        w[i] = (float) random.nextDouble(-0.5, 0.5);
      }
    }
    return w;
  }

  /** {scale, shift} as FeatureScaling.fit computes them from these rows, or null for none. */
  private static float[][] fitScaling(Scaling scaling, float[] raw, int in) {
    if (scaling == Scaling.NONE) {
      return null;
    }
    float[] scale = new float[in];
    float[] shift = new float[in];
    for (int j = 0; j < in; j++) {
      double min = Double.POSITIVE_INFINITY;
      double max = Double.NEGATIVE_INFINITY;
      double sum = 0;
      double sumSquares = 0;
      for (int r = 0; r < ROWS; r++) {
        double v = raw[r * in + j];
        min = Math.min(min, v);
        max = Math.max(max, v);
        sum += v;
        sumSquares += v * v;
      }
      double mean = sum / ROWS;
      double std = Math.sqrt(Math.max(sumSquares / ROWS - mean * mean, 0));
      double s;
      double offset;
      switch (scaling) {
        case IDENTITY_ARRAYS:
          s = 1;
          offset = 0;
          break;
        case SHIFT_ONLY:
          s = 1;
          offset = mean;
          break;
        case STANDARD:
          s = 1 / std;
          offset = mean;
          break;
        case MIN_MAX:
          s = 1 / (max - min);
          offset = min;
          break;
        default:
          throw new AssertionError(scaling);
      }
      scale[j] = (float) s;
      shift[j] = (float) (-offset * s);
    }
    return new float[][] {scale, shift};
  }
}
