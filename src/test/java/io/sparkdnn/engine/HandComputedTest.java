package io.sparkdnn.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * Tier 1: a tiny network with fixed weights, every number checked against a hand computation.
 * Run with the naive GEMM and with the BLAS so that both paths are pinned to the same numbers.
 */
class HandComputedTest {

  /**
   * Matt Mazur, "A Step by Step Backpropagation Example" (2015): 2 inputs, 2 sigmoid hidden units,
   * 2 sigmoid outputs, loss ½Σ(a−y)². His biases are shared per layer; ours are per unit, set equal.
   * Gradients below are his published ones: (old weight − new weight) / 0.5.
   */
  @Test
  void mazurExampleForwardLossAndEveryGradient() {
    for (Gemm gemm : new Gemm[] {new NaiveGemm(), BlasLibrary.gemm(BlasBackend.AUTO)}) {
      NetworkSpec spec = NetworkSpec.parse("2-2sigmoid-2sigmoid:mse");
      float[] params = {
        0.15f, 0.20f, 0.25f, 0.30f, // W0 rows: h1 = w1·i1 + w2·i2, h2 = w3·i1 + w4·i2
        0.35f, 0.35f, //             b0
        0.40f, 0.45f, 0.50f, 0.55f, // W1 rows: o1 = w5·h1 + w6·h2, o2 = w7·h1 + w8·h2
        0.60f, 0.60f //              b1
      };
      DenseNetwork net = new DenseNetwork(spec, Task.REGRESSION, 4, gemm);
      net.batch().setRow(0, new float[] {0.05f, 0.10f}, 0, new float[] {0.01f, 0.99f}, 0, 0);
      net.batch().setRows(1);

      LossAccumulator stats = new LossAccumulator();
      net.evaluate(params, stats);
      assertArrayEquals(new float[] {0.75136507f, 0.772928465f}, slice(net.outputs(), 2), 1e-6f);
      assertEquals(0.298371109, stats.lossSum(), 1e-6);

      float[] gradient = new float[spec.parameterCount()];
      stats.reset();
      net.accumulateGradient(params, gradient, stats, 0L);
      assertEquals(0.298371109, stats.lossSum(), 1e-6);
      float[] expected = {
        0.000438568f, 0.00087714f, 0.00049772f, 0.00099544f, // ∂E/∂w1..w4
        0.00877136f, 0.0099544f, //                             δ_h1, δ_h2 (= ∂E/∂w1 / i1, ∂E/∂w3 / i1)
        0.082167041f, 0.082667628f, -0.02260254f, -0.022740242f, // ∂E/∂w5..w8
        0.138498562f, -0.038098236f //                            δ_o1, δ_o2
      };
      assertArrayEquals(expected, gradient, 2e-7f, gemm.description());
    }
  }

  /**
   * Softmax with log-likelihood, weights zero and biases (0, ln 2, ln 3): a = (1, 2, 3)/6. For class
   * 2: J = −ln(3/6) = ln 2 and δ = a − onehot = (1/6, 1/3, −1/2); ∂J/∂W = δ ⊗ x.
   */
  @Test
  void softmaxLogLikelihood() {
    NetworkSpec spec = NetworkSpec.parse("2-3softmax");
    float[] params = {0, 0, 0, 0, 0, 0, 0f, (float) Math.log(2), (float) Math.log(3)};
    DenseNetwork net = new DenseNetwork(spec, Task.MULTICLASS, 1, new NaiveGemm());
    net.batch().setRow(0, new float[] {2f, -1f}, 0, new float[] {2f}, 0, 0);
    net.batch().setRows(1);
    float[] gradient = new float[spec.parameterCount()];
    LossAccumulator stats = new LossAccumulator();
    net.accumulateGradient(params, gradient, stats, 0L);

    assertEquals(Math.log(2), stats.lossSum(), 1e-6);
    assertEquals(1, stats.correct(), "class 2 has the largest probability");
    float a0 = 1f / 6, a1 = 1f / 3, a2 = -1f / 2;
    assertArrayEquals(
        new float[] {2 * a0, -a0, 2 * a1, -a1, 2 * a2, -a2, a0, a1, a2}, gradient, 1e-6f);
  }

  /** One sigmoid output at z = 0: a = ½, J = ln 2 for either target, δ = ½ − t. */
  @Test
  void sigmoidBinaryCrossEntropy() {
    NetworkSpec spec = NetworkSpec.parse("1-1sigmoid");
    DenseNetwork net = new DenseNetwork(spec, Task.BINARY, 2, new NaiveGemm());
    net.batch().setRow(0, new float[] {3f}, 0, new float[] {1f}, 0, 0);
    net.batch().setRow(1, new float[] {-1f}, 0, new float[] {0f}, 0, 1);
    net.batch().setRows(2);
    float[] gradient = new float[2];
    LossAccumulator stats = new LossAccumulator();
    net.accumulateGradient(new float[] {0f, 0f}, gradient, stats, 0L);

    assertEquals(2 * Math.log(2), stats.lossSum(), 1e-6);
    // dW = (½−1)·3 + (½−0)·(−1) = −2, db = −½ + ½ = 0
    assertArrayEquals(new float[] {-2f, 0f}, gradient, 1e-6f);
    // a = ½ counts as class 1: right for row 0, wrong for row 1
    assertEquals(1, stats.correct());
  }

  /** Extreme logits must give finite losses: log-sum-exp and the stable BCE form, no log(0). */
  @Test
  void extremeLogitsStayFinite() {
    NetworkSpec softmax = NetworkSpec.parse("1-2softmax");
    DenseNetwork net = new DenseNetwork(softmax, Task.MULTICLASS, 1, new NaiveGemm());
    net.batch().setRow(0, new float[] {1f}, 0, new float[] {1f}, 0, 0);
    net.batch().setRows(1);
    LossAccumulator stats = new LossAccumulator();
    float[] gradient = new float[softmax.parameterCount()];
    net.accumulateGradient(new float[] {500f, -500f, 0f, 0f}, gradient, stats, 0L);
    assertEquals(1000.0, stats.lossSum(), 1e-3, "J = log(e^500 + e^-500) + 500 ≈ 1000");
    assertArrayEquals(new float[] {1f, -1f, 1f, -1f}, gradient, 1e-6f);

    NetworkSpec sigmoid = NetworkSpec.parse("1-1sigmoid");
    DenseNetwork bce = new DenseNetwork(sigmoid, Task.BINARY, 1, new NaiveGemm());
    bce.batch().setRow(0, new float[] {1f}, 0, new float[] {0f}, 0, 0);
    bce.batch().setRows(1);
    stats.reset();
    bce.accumulateGradient(new float[] {200f, 0f}, new float[2], stats, 0L);
    assertEquals(200.0, stats.lossSum(), 1e-3, "J = −log(1 − σ(200)) ≈ 200");
  }

  /**
   * A logit that overflows float (3e38 · 3 = ∞) makes σ exactly 1, a finite output, and the loss not finite:
   * the row's output is NaN so that whoever checks outputs sees it; the finite row beside it keeps
   * its σ(0) = ½.
   */
  @Test
  void aRowWhoseLossOverflowsHasNaNOutputsEvenThroughASigmoid() {
    NetworkSpec sigmoid = NetworkSpec.parse("1-1sigmoid");
    for (Task task : new Task[] {Task.BINARY, Task.MULTILABEL}) {
      DenseNetwork net = new DenseNetwork(sigmoid, task, 2, new NaiveGemm());
      net.batch().setRow(0, new float[] {3e38f}, 0, new float[] {0f}, 0, 0);
      net.batch().setRow(1, new float[] {0f}, 0, new float[] {0f}, 0, 1);
      net.batch().setRows(2);
      LossAccumulator stats = new LossAccumulator();
      net.evaluate(new float[] {3f, 0f}, stats);
      assertTrue(!Double.isFinite(stats.lossSum()), task + ": the summed loss " + stats.lossSum());
      assertTrue(Float.isNaN(net.outputs()[0]), task + ": row 0's output " + net.outputs()[0]);
      assertEquals(0.5f, net.outputs()[1], 1e-7f, task + ": row 1's output");
      // an evaluation that skips bad rows: row 0 is counted out, row 1's ln 2 summed
      LossAccumulator skipping = new LossAccumulator().leavingOutNonFinite();
      net.evaluate(new float[] {3f, 0f}, skipping);
      assertEquals(Math.log(2), skipping.lossSum(), 1e-6, task + ": the loss of the finite row");
      assertEquals(1, skipping.rows(), task::toString);
      assertEquals(1, skipping.leftOut(), task::toString);
      assertTrue(Float.isNaN(net.outputs()[0]), task + ": row 0's output is NaN still");
    }
  }

  /** Dropout off at prediction; in training it zeroes about p of the units and keeps the mean. */
  @Test
  void invertedDropoutKeepsTheExpectedActivation() {
    int rows = 400;
    int width = 100;
    float[] mask = new float[rows * width];
    long[] ids = new long[rows];
    for (int i = 0; i < rows; i++) {
      ids[i] = 1000 + i;
    }
    Dropout.fillMask(mask, rows, width, ids, 42L, 0, 0.3f);
    int zeros = 0;
    double sum = 0;
    for (float m : mask) {
      zeros += m == 0f ? 1 : 0;
      sum += m;
    }
    assertEquals(0.3, zeros / (double) mask.length, 0.01);
    assertEquals(1.0, sum / mask.length, 0.02);
    float[] again = new float[mask.length];
    Dropout.fillMask(again, rows, width, ids, 42L, 0, 0.3f);
    assertArrayEquals(mask, again, "same seed and row ids give the same mask");
  }

  private static float[] slice(float[] a, int n) {
    float[] s = new float[n];
    System.arraycopy(a, 0, s, 0, n);
    return s;
  }
}
