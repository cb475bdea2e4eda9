package io.sparkdnn.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Tier 3: evaluating rows with some columns replaced through the first layer's update
 * Z_0 + (X'−X)_S·(W_0ᵀ)_S gives what a plain forward pass gives on the rows with those columns
 * actually replaced — for each task, one column and a group of columns, rows with and without
 * changes, and the outputs as well as the loss and correct count.
 */
class ReplacedInputParityTest {
  private static final Gemm GEMM = BlasLibrary.gemm(BlasBackend.AUTO);

  @Test
  void theFirstLayerUpdateEqualsAFullForwardPass() {
    check("12-16relu-8tanh-4softmax", Task.MULTICLASS, new int[] {3});
    check("12-16relu-8tanh-4softmax", Task.MULTICLASS, new int[] {0, 5, 11});
    check("12-10sigmoid-1sigmoid", Task.BINARY, new int[] {7});
    check("12-10relu-3sigmoid", Task.MULTILABEL, new int[] {2, 3});
    check("12-16leakyrelu-2identity", Task.REGRESSION, new int[] {1, 4, 9});
  }

  @Test
  void moreRowsThanItsCapacityIsRefused() {
    NetworkSpec spec = NetworkSpec.parse("4-3relu-2softmax");
    ReplacedInputNetwork net = new ReplacedInputNetwork(spec, Task.MULTICLASS, 8, GEMM);
    float[] w = Initialization.HE_UNIFORM.initialize(spec, 1);
    float[] x = new float[16 * 4];
    float[] z = new float[16 * 3];
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> net.evaluateReplaced(w,
        net.transposedFirstWeights(w), x, z, 0, 9, new int[] {0}, new int[16], 0, new float[16],
        new LossAccumulator()));
    assertEquals("at most 8 rows per call, asked for 9", e.getMessage());
  }

  private static void check(String layers, Task task, int[] columns) {
    NetworkSpec spec = NetworkSpec.parse(layers);
    int n = 50;
    int inputs = spec.inputWidth();
    int targetWidth = task.targetWidth(spec);
    SplittableRandom random = new SplittableRandom(layers.hashCode() + columns.length);
    float[] w = Initialization.GLOROT_UNIFORM.initialize(spec, 7);
    float[] x = new float[n * inputs];
    for (int i = 0; i < x.length; i++) {
      // many exact zeros, as in images: replacing 0 by 0 must change nothing
      x[i] = random.nextInt(3) == 0 ? 0f : (float) random.nextDouble(-2, 2);
    }
    float[] y = new float[n * targetWidth];
    for (int r = 0; r < n; r++) {
      for (int j = 0; j < targetWidth; j++) {
        y[r * targetWidth + j] = task == Task.MULTICLASS ? random.nextInt(spec.outputWidth())
            : task == Task.REGRESSION ? (float) random.nextDouble(-1, 1) : random.nextInt(2);
      }
    }
    int[] donors = new int[n];
    for (int r = 0; r < n; r++) {
      donors[r] = r % 5 == 0 ? r : random.nextInt(n); // some rows keep their own values
    }
    ReplacedInputNetwork fast = new ReplacedInputNetwork(spec, task, n, GEMM);
    float[] z = new float[n * spec.layer(0).width()];
    fast.firstLayer(w, x, 0, n, z, 0);
    LossAccumulator fastStats = new LossAccumulator();
    int from = 10;
    int rows = 30;
    float[] batchTargets = java.util.Arrays.copyOfRange(y, from * targetWidth, (from + rows) * targetWidth);
    fast.evaluateReplaced(w, fast.transposedFirstWeights(w), x, z, from, rows, columns, donors, from, batchTargets,
        fastStats);

    DenseNetwork plain = new DenseNetwork(spec, task, n, new NaiveGemm());
    for (int r = 0; r < rows; r++) {
      float[] row = java.util.Arrays.copyOfRange(x, (from + r) * inputs, (from + r + 1) * inputs);
      for (int c : columns) {
        row[c] = x[donors[from + r] * inputs + c];
      }
      plain.batch().setRow(r, row, 0, batchTargets, r * targetWidth, r);
    }
    plain.batch().setRows(rows);
    LossAccumulator plainStats = new LossAccumulator();
    plain.evaluate(w, plainStats);

    String what = layers + " columns " + java.util.Arrays.toString(columns);
    assertEquals(plainStats.lossSum(), fastStats.lossSum(), 1e-4 * (1 + Math.abs(plainStats.lossSum())), what);
    assertEquals(plainStats.correct(), fastStats.correct(), what);
    assertEquals(plainStats.rows(), fastStats.rows(), what);
    for (int i = 0; i < rows * spec.outputWidth(); i++) {
      assertEquals(plain.outputs()[i], fast.outputs()[i], 1e-5f, what + " output " + i);
    }
  }
}
