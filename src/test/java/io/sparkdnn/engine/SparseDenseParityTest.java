package io.sparkdnn.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Tier 3: the same rows given dense to a {@link DenseNetwork} (canonical weights) and as CSR to a
 * {@link SparseInputNetwork} (the same weights converted input-major) give the same loss, correct
 * count, outputs and gradient, up to float rounding — with BLAS and the fast CSR kernel, and with
 * the naive GEMM and the naive CSR kernel. The rows include empty ones and a full one, inputs no
 * row touches, first layers wide enough for the kernel's four-at-a-time loop, and dropout.
 */
class SparseDenseParityTest {
  private static final int ROWS = 29;

  @Test
  void denseAndSparseRowsGiveTheSameLossOutputsAndGradients() {
    String[][] cases = {
      {"300-40relu-10softmax", "multiclass"},
      {"300-40tanh+dropout0.3-17sigmoid-3sigmoid", "multilabel"},
      {"301-33leakyrelu-1sigmoid", "binary"},
      {"64-9identity-2identity", "regression"},
      {"257-5softmax", "multiclass"},
    };
    Gemm blas = BlasLibrary.gemm(BlasBackend.AUTO);
    for (String[] c : cases) {
      compare(c[0], Task.fromToken(c[1]), blas, new FastCsrProduct(), blas);
      compare(c[0], Task.fromToken(c[1]), new NaiveGemm(), new NaiveCsrProduct(), new NaiveGemm());
    }
  }

  private static void compare(String specText, Task task, Gemm sparseGemm, CsrProduct csr, Gemm denseGemm) {
    NetworkSpec spec = NetworkSpec.parse(specText);
    String what = specText + " with " + csr.description();
    SplittableRandom random = new SplittableRandom(specText.hashCode());
    float[] canonical = Initialization.AUTO.initialize(spec, 3);
    for (int l = 0; l < spec.layerCount(); l++) {
      for (int o = 0; o < spec.layer(l).width(); o++) {
        canonical[spec.biasOffset(l) + o] = (float) random.nextDouble(-0.3, 0.3);
      }
    }
    int inputs = spec.inputWidth();
    int used = inputs - 11; // the last 11 inputs are in no row
    SparseRows rows = SparseRows.random(random, ROWS, inputs, used, 60);
    // one row with every used input set
    rows.columns[ROWS - 1] = new int[used];
    rows.values[ROWS - 1] = new float[used];
    for (int i = 0; i < used; i++) {
      rows.columns[ROWS - 1][i] = i;
      rows.values[ROWS - 1][i] = (float) random.nextDouble(-0.2, 0.2);
    }
    float[] targets = SparseRows.targets(random, spec, task, ROWS);

    DenseNetwork dense = new DenseNetwork(spec, task, ROWS, denseGemm);
    SparseInputNetwork sparse = new SparseInputNetwork(spec, task, ROWS, sparseGemm, csr);
    rows.fill(dense.batch(), targets, 500);
    rows.fill(sparse.batch(), targets, 500);
    InputMajorVector params = InputMajorVector.fromCanonical(spec, canonical);

    LossAccumulator denseStats = new LossAccumulator();
    LossAccumulator sparseStats = new LossAccumulator();
    dense.evaluate(canonical, denseStats);
    sparse.evaluate(params, sparseStats);
    assertEquals(denseStats.lossSum(), sparseStats.lossSum(), 1e-5 * Math.max(1, denseStats.lossSum()), what);
    assertEquals(denseStats.correct(), sparseStats.correct(), what);
    assertEquals(ROWS, sparseStats.rows(), what);
    assertClose(dense.outputs(), sparse.outputs(), ROWS * spec.outputWidth(), 1e-5f, what + " evaluate outputs");

    dense.predict(canonical);
    sparse.predict(params);
    assertClose(dense.outputs(), sparse.outputs(), ROWS * spec.outputWidth(), 1e-5f, what + " predict outputs");

    // gradients are added to what is there: start both from the same non-zero values
    float[] start = new float[spec.parameterCount()];
    for (int i = 0; i < start.length; i++) {
      start[i] = (float) random.nextDouble(-1, 1);
    }
    float[] denseGradient = start.clone();
    InputMajorVector sparseGradient = InputMajorVector.fromCanonical(spec, start);
    denseStats.reset();
    sparseStats.reset();
    dense.accumulateGradient(canonical, denseGradient, denseStats, 99L);
    sparse.accumulateGradient(params, sparseGradient, sparseStats, 99L);
    assertEquals(denseStats.lossSum(), sparseStats.lossSum(), 1e-5 * Math.max(1, denseStats.lossSum()), what);
    float[] sparseCanonical = sparseGradient.toCanonical();
    assertClose(denseGradient, sparseCanonical, start.length, 2e-5f, what + " gradient");

    int outputs = spec.layer(0).width();
    for (int o = 0; o < outputs; o++) {
      for (int i = used; i < inputs; i++) {
        int at = spec.weightOffset(0) + o * inputs + i;
        assertEquals(start[at], sparseCanonical[at], 0f, what + ": untouched input " + i + " left as it was");
      }
    }
  }

  private static void assertClose(float[] expected, float[] actual, int n, float tolerance, String what) {
    for (int i = 0; i < n; i++) {
      assertEquals(expected[i], actual[i], tolerance * Math.max(1f, Math.abs(expected[i])), what + " at " + i);
    }
  }

  /**
   * By hand: 5 inputs, 2 identity outputs, W_0 row o = (o+1)·(1, 2, 3, 4, 5), b_0 = (0.5, −0.5). Row
   * {1: 2, 3: −1} gives z = (o+1)·(2·2 − 4) + b = (0.5, −0.5); the empty row gives b too. With
   * targets 0, J = ½Σz² = 0.25 per row, δ = z, and dW_0[o][i] = Σ_r δ[r][o]·x[r][i] touches inputs 1
   * and 3 only.
   */
  @Test
  void handComputedSparseRows() {
    NetworkSpec spec = NetworkSpec.parse("5-2identity");
    float[] canonical = {1, 2, 3, 4, 5, 2, 4, 6, 8, 10, 0.5f, -0.5f};
    SparseInputNetwork net = new SparseInputNetwork(spec, Task.REGRESSION, 2, new NaiveGemm());
    net.batch().addRow(new int[] {1, 3}, new float[] {2f, -1f}, 0, 2, new float[] {0f, 0f}, 0, 0);
    net.batch().addRow(new int[0], new float[0], 0, 0, new float[] {0f, 0f}, 0, 1);
    InputMajorVector params = InputMajorVector.fromCanonical(spec, canonical);
    InputMajorVector gradient = InputMajorVector.zeros(spec);
    LossAccumulator stats = new LossAccumulator();
    net.accumulateGradient(params, gradient, stats, 0L);
    assertEquals(0.5, stats.lossSum(), 1e-6);
    float[] expected = {
      0, 1f, 0, -0.5f, 0, // dW_0 row 0: δ_0 = 0.5 times x = (0, 2, 0, −1, 0)
      0, -1f, 0, 0.5f, 0, // row 1: δ_1 = −0.5
      1f, -1f //           db = Σ_r δ = (0.5 + 0.5, −0.5 − 0.5)
    };
    float[] actual = gradient.toCanonical();
    for (int i = 0; i < expected.length; i++) {
      assertEquals(expected[i], actual[i], 1e-6f, "gradient entry " + i);
    }
    net.predict(params);
    assertEquals(0.5f, net.outputs()[0], 1e-6f);
    assertEquals(-0.5f, net.outputs()[1], 1e-6f);
    assertEquals(0.5f, net.outputs()[2], 1e-6f, "the empty row's output is the bias");
  }
}
