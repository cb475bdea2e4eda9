package io.sparkdnn.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Tier 3: the fast CSR kernels against the naive definitions, on shapes that catch layout slips. */
class CsrProductParityTest {
  private final CsrProduct fast = new FastCsrProduct();
  private final CsrProduct naive = new NaiveCsrProduct();

  /**
   * Rows with 0..9 non-zeros cover the four-at-a-time loop and each remainder; widths 1, 3, 17 and
   * 128; the weights at an offset inside a longer array, as W_0 sits in the parameter vector.
   */
  @Test
  void fastMatchesNaiveForBothProducts() {
    SplittableRandom random = new SplittableRandom(5);
    for (int outputs : new int[] {1, 3, 17, 128}) {
      int inputs = 50;
      int rows = 23;
      SparseRows x = SparseRows.random(random, rows, inputs, 45, 9);
      int[] offsets = new int[rows + 1];
      int nnz = 0;
      for (int r = 0; r < rows; r++) {
        nnz += x.columns[r].length;
        offsets[r + 1] = nnz;
      }
      int[] columns = new int[nnz];
      float[] values = new float[nnz];
      for (int r = 0; r < rows; r++) {
        System.arraycopy(x.columns[r], 0, columns, offsets[r], x.columns[r].length);
        System.arraycopy(x.values[r], 0, values, offsets[r], x.values[r].length);
      }
      int wOffset = 7;
      float[] w = random(random, wOffset + inputs * outputs + 5);

      float[] expected = new float[rows * outputs];
      float[] actual = random(random, rows * outputs); // overwritten, old contents ignored
      naive.multiply(rows, offsets, columns, values, w, wOffset, inputs, outputs, expected);
      fast.multiply(rows, offsets, columns, values, w, wOffset, inputs, outputs, actual);
      for (int i = 0; i < expected.length; i++) {
        assertEquals(expected[i], actual[i], 1e-5f, "Z at " + i + ", O=" + outputs);
      }
      for (int o = 0; o < outputs; o++) {
        assertEquals(0f, actual[o], "row 0 has no non-zeros, so Z's row 0 is 0");
      }

      float[] delta = random(random, rows * outputs);
      float[] g0 = random(random, wOffset + inputs * outputs + 5);
      float[] gNaive = g0.clone();
      float[] gFast = g0.clone();
      naive.addTransposedProduct(rows, offsets, columns, values, delta, inputs, outputs, gNaive, wOffset);
      fast.addTransposedProduct(rows, offsets, columns, values, delta, inputs, outputs, gFast, wOffset);
      for (int i = 0; i < g0.length; i++) {
        assertEquals(gNaive[i], gFast[i], 1e-5f, "G at " + i + ", O=" + outputs);
      }
      // inputs 45..49 are never touched, and nothing outside G may change: bit-identical
      for (int i = 0; i < wOffset; i++) {
        assertEquals(g0[i], gFast[i], 0f, "before G");
      }
      for (int i = wOffset + 45 * outputs; i < g0.length; i++) {
        assertEquals(g0[i], gFast[i], 0f, "untouched input rows and after G, at " + i);
      }
    }
  }

  @Test
  void shapeErrorsNameTheOperand() {
    int[] offsets = {0, 1};
    int[] columns = {0};
    float[] values = {1f};
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> fast.multiply(1, offsets, columns, values, new float[10], 0, 4, 3, new float[3]));
    assertTrue(e.getMessage().contains("W is 4×3 from offset 0, which needs 12 floats"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> naive.addTransposedProduct(1, offsets, columns, values, new float[2], 4, 3, new float[12], 0));
    assertTrue(e.getMessage().contains("Δ is 1×3"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> fast.multiply(2, offsets, columns, values, new float[12], 0, 4, 3, new float[6]));
    assertTrue(e.getMessage().contains("2 rows need 3 row offsets, found 2"), e.getMessage());
  }

  private static float[] random(SplittableRandom random, int n) {
    float[] a = new float[n];
    for (int i = 0; i < n; i++) {
      a[i] = (float) random.nextDouble(-1, 1);
    }
    return a;
  }
}
