package io.sparkdnn.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** Tier 3: the BLAS path against the naive reference, on shapes that catch layout mistakes. */
class GemmParityTest {
  private final Gemm blas = BlasLibrary.gemm(BlasBackend.AUTO);
  private final Gemm naive = new NaiveGemm();

  @Test
  void allTransposesOddShapesOffsetsAndBatchOne() {
    SplittableRandom random = new SplittableRandom(1);
    int[][] shapes = {{1, 1, 1}, {1, 7, 3}, {7, 1, 5}, {3, 5, 1}, {1, 784, 256}, {13, 17, 19},
        {128, 784, 256}, {33, 65, 10}, {2, 3, 4}};
    for (int[] s : shapes) {
      for (int t = 0; t < 4; t++) {
        boolean transA = (t & 1) != 0;
        boolean transB = (t & 2) != 0;
        compare(random, transA, transB, s[0], s[1], s[2]);
      }
    }
  }

  private void compare(SplittableRandom random, boolean transA, boolean transB, int m, int n, int k) {
    int padA = random.nextInt(3);
    int padB = random.nextInt(3);
    int padC = random.nextInt(3);
    int lda = (transA ? m : k) + padA;
    int ldb = (transB ? k : n) + padB;
    int ldc = n + padC;
    int aOff = random.nextInt(4);
    int bOff = random.nextInt(4);
    int cOff = random.nextInt(4);
    float[] a = randomArray(random, aOff + (transA ? k : m) * lda);
    float[] b = randomArray(random, bOff + (transB ? n : k) * ldb);
    float[] c = randomArray(random, cOff + m * ldc);
    float[] expected = c.clone();
    float[] actual = c.clone();
    float alpha = 0.75f;
    float beta = random.nextBoolean() ? 0f : 0.5f;
    naive.gemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, expected, cOff, ldc);
    blas.gemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, actual, cOff, ldc);
    for (int i = 0; i < c.length; i++) {
      // float32 sums of k products of values in [-1, 1]: error grows like sqrt(k)·ε
      assertEquals(expected[i], actual[i], 1e-5f * (1 + k),
          "m=" + m + " n=" + n + " k=" + k + " transA=" + transA + " transB=" + transB + " at " + i);
    }
  }

  /** One network, two threads each with its own workspace, calling the BLAS at once. */
  @Test
  void concurrentCallsFromTwoThreadsGiveTheSameGradient() throws Exception {
    NetworkSpec spec = NetworkSpec.parse("64-48relu-32tanh-10softmax");
    float[] params = Initialization.AUTO.initialize(spec, 3);
    float[] reference = gradient(spec, params, naive, 0);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      Future<float[]> first = pool.submit(() -> repeatedGradient(spec, params));
      Future<float[]> second = pool.submit(() -> repeatedGradient(spec, params));
      for (float[] g : new float[][] {first.get(), second.get()}) {
        for (int i = 0; i < g.length; i++) {
          assertEquals(reference[i], g[i], 1e-4f * Math.max(1f, Math.abs(reference[i])), "entry " + i);
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private float[] repeatedGradient(NetworkSpec spec, float[] params) {
    float[] last = null;
    for (int i = 0; i < 50; i++) {
      last = gradient(spec, params, blas, 0);
    }
    return last;
  }

  private static float[] gradient(NetworkSpec spec, float[] params, Gemm gemm, long seed) {
    DenseNetwork net = new DenseNetwork(spec, Task.MULTICLASS, 37, gemm);
    SplittableRandom random = new SplittableRandom(seed);
    MiniBatch batch = net.batch();
    for (int r = 0; r < 37; r++) {
      for (int i = 0; i < spec.inputWidth(); i++) {
        batch.features()[r * spec.inputWidth() + i] = (float) random.nextDouble(-1, 1);
      }
      batch.targets()[r] = random.nextInt(spec.outputWidth());
      batch.rowIds()[r] = r;
    }
    batch.setRows(37);
    float[] gradient = new float[spec.parameterCount()];
    net.accumulateGradient(params, gradient, new LossAccumulator(), 0);
    return gradient;
  }

  @Test
  void shapeErrorsNameTheOperand() {
    float[] small = new float[10];
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> blas.gemm(false, false, 4, 4, 4, 1f, small, 0, 4, new float[16], 0, 4, 0f, new float[16], 0, 4));
    assertTrue(e.getMessage().contains("A is stored 4×4"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> naive.gemm(false, false, 2, 3, 4, 1f, new float[8], 0, 4, new float[12], 0, 2, 0f, new float[6], 0, 3));
    assertTrue(e.getMessage().contains("B is stored 4×3 but its leading dimension is 2"), e.getMessage());
  }

  private static float[] randomArray(SplittableRandom random, int n) {
    float[] a = new float[n];
    for (int i = 0; i < n; i++) {
      a[i] = (float) random.nextDouble(-1, 1);
    }
    return a;
  }

  @Test
  void engineOnBlasMatchesEngineOnNaiveGemm() {
    NetworkSpec spec = NetworkSpec.parse("31-17sigmoid+dropout0.2-9leakyrelu-5softmax");
    float[] params = Initialization.AUTO.initialize(spec, 11);
    for (long seed = 0; seed < 3; seed++) {
      float[] viaNaive = gradient(spec, params, naive, seed);
      float[] viaBlas = gradient(spec, params, blas, seed);
      for (int i = 0; i < viaNaive.length; i++) {
        assertEquals(viaNaive[i], viaBlas[i], 1e-4f * Math.max(1f, Math.abs(viaNaive[i])), "entry " + i);
      }
    }
  }

  /**
   * meanGradient (1/W applied to the output deltas, products written with β = 0) equals
   * accumulateGradient's sum divided by the rows' summed weight, on both GEMMs, with row weights and
   * dropout, whatever the gradient array held before (here NaN).
   */
  @Test
  void meanGradientIsTheWeightedSumOverTheSummedWeightAndOverwrites() {
    NetworkSpec spec = NetworkSpec.parse("31-17sigmoid+dropout0.2-9leakyrelu-5softmax");
    float[] params = Initialization.AUTO.initialize(spec, 12);
    for (Gemm gemm : new Gemm[] {naive, blas}) {
      DenseNetwork net = new DenseNetwork(spec, Task.MULTICLASS, 37, gemm);
      SplittableRandom random = new SplittableRandom(5);
      MiniBatch batch = net.batch();
      batch.setWeighted(true);
      double total = 0;
      for (int r = 0; r < 29; r++) {
        for (int i = 0; i < spec.inputWidth(); i++) {
          batch.features()[r * spec.inputWidth() + i] = (float) random.nextDouble(-1, 1);
        }
        batch.targets()[r] = random.nextInt(spec.outputWidth());
        batch.rowIds()[r] = r;
        batch.weights()[r] = r % 4 == 0 ? 0f : (float) random.nextDouble(0.5, 3);
        total += batch.weights()[r];
      }
      batch.setRows(29);
      float[] sum = new float[spec.parameterCount()];
      LossAccumulator summed = new LossAccumulator();
      net.accumulateGradient(params, sum, summed, 9);
      float[] mean = new float[spec.parameterCount()];
      java.util.Arrays.fill(mean, Float.NaN);
      LossAccumulator meaned = new LossAccumulator();
      double weight = net.meanGradient(params, mean, meaned, 9);
      assertEquals(total, weight, 1e-4);
      assertEquals(summed.lossSum(), meaned.lossSum(), 1e-9);
      for (int i = 0; i < mean.length; i++) {
        float expected = (float) (sum[i] / total);
        assertEquals(expected, mean[i], 1e-5f * Math.max(1f, Math.abs(expected)), "entry " + i + " via " + gemm);
      }
      java.util.Arrays.fill(batch.weights(), 0, 29, 0f);
      float[] untouched = mean.clone();
      assertEquals(0, net.meanGradient(params, mean, new LossAccumulator(), 9), "all rows weigh 0");
      org.junit.jupiter.api.Assertions.assertArrayEquals(untouched, mean, "left as it was");
    }
  }
}
