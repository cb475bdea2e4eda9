package io.sparkdnn.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Tier 2 for sparse input: the {@link SparseInputNetwork}'s analytic gradient (float32, CSR first
 * layer, BLAS above) against central finite differences of the double-precision
 * {@link ReferenceNetwork} on the densified rows, for each output/loss pairing, each hidden
 * activation, 0–2 hidden layers, and dropout on hidden layers. The gradient is converted to the
 * canonical layout first, so the check covers {@link InputMajorVector}'s conversion too.
 *
 * <p>The batch has an empty row, and inputs 9..11 are in no row: their W_0 gradient must be exactly
 * zero. Bound as in {@link GradientCheckTest}.
 */
class SparseGradientCheckTest {
  private static final double STEP = 1e-6;
  private static final double BOUND = 1e-4;
  private static final int ROWS = 6;
  private static final int INPUTS = 12;
  private static final int USED_INPUTS = 9;

  static Stream<Arguments> cases() {
    String[][] outputs = {
      {"3softmax", "multiclass"},
      {"1sigmoid", "binary"},
      {"3sigmoid", "multilabel"},
      {"2identity", "regression"},
      {"2sigmoid:mse", "regression"},
      {"2tanh", "regression"},
    };
    String[] hidden = {"", "5relu-", "5tanh-", "5sigmoid-", "5leakyrelu-", "5identity-", "6tanh-5relu-",
        "6relu+dropout0.3-5sigmoid+dropout0.5-", "7tanh+dropout0.4-"};
    List<Arguments> cases = new ArrayList<>();
    for (String[] out : outputs) {
      for (String h : hidden) {
        cases.add(Arguments.of(INPUTS + "-" + h + out[0], out[1]));
      }
    }
    return cases.stream();
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("cases")
  void analyticGradientMatchesFiniteDifferences(String specText, String taskName) {
    NetworkSpec spec = NetworkSpec.parse(specText);
    Task task = Task.fromToken(taskName);
    SplittableRandom random = new SplittableRandom(specText.hashCode() * 31L + taskName.hashCode());
    float[] canonical = Initialization.GLOROT_NORMAL.initialize(spec, random.nextLong());
    for (int l = 0; l < spec.layerCount(); l++) { // non-zero biases exercise their gradient
      for (int o = 0; o < spec.layer(l).width(); o++) {
        canonical[spec.biasOffset(l) + o] = (float) random.nextDouble(-0.5, 0.5);
      }
    }
    SparseInputNetwork net =
        new SparseInputNetwork(spec, task, ROWS, BlasLibrary.gemm(BlasBackend.AUTO));
    SparseRows rows = SparseRows.random(random, ROWS, INPUTS, USED_INPUTS, 5);
    float[] targets = SparseRows.targets(random, spec, task, ROWS);
    rows.fill(net.batch(), targets, 100);
    long dropoutSeed = 7L;

    InputMajorVector gradient = InputMajorVector.zeros(spec);
    net.accumulateGradient(InputMajorVector.fromCanonical(spec, canonical), gradient,
        new LossAccumulator(), dropoutSeed);
    float[] analytic = gradient.toCanonical();

    float[][] masks = masks(spec, net.batch(), dropoutSeed);
    float[] x = rows.dense();
    double[] p = new double[canonical.length];
    for (int i = 0; i < p.length; i++) {
      p[i] = canonical[i];
    }
    double[] numeric = new double[p.length];
    for (int i = 0; i < p.length; i++) {
      double saved = p[i];
      p[i] = saved + STEP;
      double plus = ReferenceNetwork.loss(spec, task, p, x, targets, ROWS, masks);
      p[i] = saved - STEP;
      double minus = ReferenceNetwork.loss(spec, task, p, x, targets, ROWS, masks);
      p[i] = saved;
      numeric[i] = (plus - minus) / (2 * STEP);
    }

    double diff = 0, sizeA = 0, sizeN = 0;
    for (int i = 0; i < p.length; i++) {
      diff += Math.pow(analytic[i] - numeric[i], 2);
      sizeA += Math.pow(analytic[i], 2);
      sizeN += Math.pow(numeric[i], 2);
      assertTrue(Math.abs(analytic[i] - numeric[i]) <= BOUND * Math.max(1, Math.abs(numeric[i])),
          "parameter " + i + ": analytic " + analytic[i] + " vs numeric " + numeric[i]);
    }
    double relative = Math.sqrt(diff) / Math.max(Math.sqrt(sizeA) + Math.sqrt(sizeN), 1e-12);
    assertTrue(relative <= BOUND, "relative gradient error " + relative);
    assertTrue(sizeN > 1e-8, "the check must not pass vacuously on a zero gradient");
    int outputs = spec.layer(0).width();
    for (int o = 0; o < outputs; o++) {
      for (int i = USED_INPUTS; i < INPUTS; i++) {
        assertEquals(0f, analytic[spec.weightOffset(0) + o * INPUTS + i], 0f,
            "input " + i + " is in no row, so W_0[" + o + "][" + i + "] gets no gradient");
      }
    }
  }

  private static float[][] masks(NetworkSpec spec, SparseMiniBatch batch, long seed) {
    float[][] masks = new float[spec.layerCount()][];
    for (int l = 0; l < spec.layerCount() - 1; l++) {
      float rate = spec.layer(l).dropout();
      if (rate > 0) {
        int width = spec.layer(l).width();
        masks[l] = new float[batch.rows() * width];
        Dropout.fillMask(masks[l], batch.rows(), width, batch.rowIds(), seed, l, rate);
      }
    }
    return masks;
  }
}
