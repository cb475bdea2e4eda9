package io.sparkdnn.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The input-major layout, its conversions, and the touched-input bookkeeping for sparse gradients. */
class InputMajorVectorTest {
  /** 130 × 70 crosses the 64-float tiles of the transposition in both directions. */
  private static final NetworkSpec SPEC = NetworkSpec.parse("130-70relu-3softmax");

  @Test
  void firstLayerIsTransposedAndTheRestCopied() {
    float[] canonical = random(SPEC.parameterCount(), 1);
    float[] original = canonical.clone();
    InputMajorVector v = InputMajorVector.fromCanonical(SPEC, canonical);
    float[] m = v.inputMajorValues();
    int inputs = 130;
    int outputs = 70;
    for (int o = 0; o < outputs; o++) {
      for (int i = 0; i < inputs; i++) {
        assertEquals(canonical[o * inputs + i], m[v.firstLayerRowOffset(i) + o], 0f, "W_0[" + o + "][" + i + "]");
        assertEquals(i * outputs + o, v.firstLayerRowOffset(i) + o);
      }
    }
    for (int p = SPEC.biasOffset(0); p < canonical.length; p++) {
      assertEquals(canonical[p], m[p], 0f, "b_0 and later layers keep their place, at " + p);
    }
    assertArrayEquals(original, canonical, "the canonical argument is not changed");
    assertArrayEquals(canonical, v.toCanonical(), "round trip is exact");
    assertArrayEquals(canonical, v.copy().toCanonical());
    assertFalse(v.copy().inputMajorValues() == m, "a copy has its own array");
  }

  @Test
  void wrongLengthIsRejected() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> InputMajorVector.fromCanonical(SPEC, new float[10]));
    assertTrue(e.getMessage().contains("canonical parameter vector has 10 values but network "
        + "130-70relu-3softmax needs " + SPEC.parameterCount()), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> InputMajorVector.wrapInputMajor(SPEC, new float[10]));
    e = assertThrows(IllegalArgumentException.class, () -> InputMajorVector.zeros(SPEC).firstLayerRowOffset(130));
    assertTrue(e.getMessage().contains("input index 130 is outside [0, 130)"), e.getMessage());
  }

  @Test
  void clearZeroesTouchedRowsAndLaterLayersOnly() {
    InputMajorVector v = InputMajorVector.wrapInputMajor(SPEC, random(SPEC.parameterCount(), 2));
    float[] before = v.inputMajorValues().clone();
    TouchedInputsAccumulator touched = new TouchedInputsAccumulator(130);
    for (int i : new int[] {0, 63, 64, 129}) {
      touched.add(i);
    }
    v.clear(touched);
    float[] after = v.inputMajorValues();
    for (int i = 0; i < 130; i++) {
      for (int o = 0; o < 70; o++) {
        int at = v.firstLayerRowOffset(i) + o;
        assertEquals(touched.contains(i) ? 0f : before[at], after[at], 0f, "input " + i + " output " + o);
      }
    }
    for (int p = SPEC.biasOffset(0); p < after.length; p++) {
      assertEquals(0f, after[p], 0f, "b_0 and later layers are cleared, at " + p);
    }
  }

  @Test
  void gatherAndAddFirstLayerRows() {
    InputMajorVector v = InputMajorVector.wrapInputMajor(SPEC, random(SPEC.parameterCount(), 3));
    int[] inputs = {5, 64, 129};
    float[] rows = new float[2 + 3 * 70];
    v.gatherFirstLayerRows(inputs, rows, 2);
    for (int k = 0; k < inputs.length; k++) {
      for (int o = 0; o < 70; o++) {
        assertEquals(v.inputMajorValues()[v.firstLayerRowOffset(inputs[k]) + o], rows[2 + k * 70 + o], 0f);
      }
    }
    InputMajorVector sum = InputMajorVector.zeros(SPEC);
    sum.addFirstLayerRows(inputs, rows, 2);
    sum.addFirstLayerRows(inputs, rows, 2);
    for (int i = 0; i < 130; i++) {
      boolean shipped = i == 5 || i == 64 || i == 129;
      for (int o = 0; o < 70; o++) {
        int at = v.firstLayerRowOffset(i) + o;
        assertEquals(shipped ? 2 * v.inputMajorValues()[at] : 0f, sum.inputMajorValues()[at], 1e-6f);
      }
    }
    assertThrows(IllegalArgumentException.class, () -> v.gatherFirstLayerRows(inputs, new float[3 * 70 - 1], 0));
  }

  /**
   * The workflow the aggregation will follow: batches add their inputs, partitions merge, and the
   * rows shipped reproduce the full first-layer gradient.
   */
  @Test
  void touchedInputsOfBatchesAndPartitionsCoverTheGradient() {
    NetworkSpec spec = NetworkSpec.parse("200-6tanh-2softmax");
    SplittableRandom random = new SplittableRandom(4);
    float[] canonical = Initialization.AUTO.initialize(spec, 4);
    InputMajorVector params = InputMajorVector.fromCanonical(spec, canonical);
    InputMajorVector total = InputMajorVector.zeros(spec);
    float[] expected = new float[spec.biasOffset(0)];
    TouchedInputsAccumulator merged = new TouchedInputsAccumulator(200);
    for (int partition = 0; partition < 2; partition++) {
      SparseInputNetwork net = new SparseInputNetwork(spec, Task.MULTICLASS, 8, new NaiveGemm());
      TouchedInputsAccumulator touched = new TouchedInputsAccumulator(200);
      InputMajorVector gradient = InputMajorVector.zeros(spec);
      for (int b = 0; b < 3; b++) {
        SparseRows rows = SparseRows.random(random, 8, 200, 150, 6);
        rows.fill(net.batch(), SparseRows.targets(random, spec, Task.MULTICLASS, 8), 100L * b);
        touched.add(net.batch());
        net.accumulateGradient(params, gradient, new LossAccumulator(), b);
        for (int r = 0; r < 8; r++) {
          for (int c : rows.columns[r]) {
            assertTrue(touched.contains(c));
          }
        }
      }
      // only touched rows of W_0 are non-zero, so they are all that needs shipping
      int[] shipped = touched.toSortedArray();
      assertEquals(touched.count(), shipped.length);
      for (int k = 1; k < shipped.length; k++) {
        assertTrue(shipped[k - 1] < shipped[k], "ascending, no repeats");
      }
      for (int i = 0; i < 200; i++) {
        if (!touched.contains(i)) {
          for (int o = 0; o < 6; o++) {
            assertEquals(0f, gradient.inputMajorValues()[gradient.firstLayerRowOffset(i) + o], 0f);
          }
        }
      }
      float[] rowsOut = new float[shipped.length * 6];
      gradient.gatherFirstLayerRows(shipped, rowsOut, 0);
      total.addFirstLayerRows(shipped, rowsOut, 0);
      merged.merge(touched);
      for (int p = 0; p < expected.length; p++) {
        expected[p] += gradient.inputMajorValues()[p];
      }
      gradient.clear(touched);
      assertArrayEquals(new float[spec.parameterCount()], gradient.inputMajorValues(),
          "clearing by the touched inputs leaves nothing behind");
    }
    assertArrayEquals(expected, java.util.Arrays.copyOf(total.inputMajorValues(), expected.length),
        "the shipped rows of both partitions add up to the whole first-layer gradient");
    assertTrue(merged.count() > 0 && merged.count() <= 150);
    assertFalse(merged.contains(150) || merged.contains(199) || merged.contains(-1) || merged.contains(200));
  }

  @Test
  void touchedInputsAccumulatorBasics() {
    TouchedInputsAccumulator a = new TouchedInputsAccumulator(130);
    TouchedInputsAccumulator b = new TouchedInputsAccumulator(130);
    a.add(0);
    a.add(63);
    a.add(63);
    b.add(64);
    b.add(129);
    assertArrayEquals(new int[] {0, 63}, a.toSortedArray());
    assertArrayEquals(new int[] {0, 63, 64, 129}, a.merge(b).toSortedArray());
    assertEquals(4, a.count());
    assertEquals(64, a.next(64));
    assertEquals(129, a.next(65));
    assertEquals(-1, a.next(130));
    a.clear();
    assertEquals(0, a.count());
    assertArrayEquals(new int[0], a.toSortedArray());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> a.add(130));
    assertTrue(e.getMessage().contains("input index 130 is outside [0, 130)"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> a.merge(new TouchedInputsAccumulator(12)));
    assertTrue(e.getMessage().contains("over 12 inputs into ones over 130"), e.getMessage());
  }

  private static float[] random(int n, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    float[] a = new float[n];
    for (int i = 0; i < n; i++) {
      a[i] = (float) random.nextDouble(-1, 1);
    }
    return a;
  }
}
