package io.sparkdnn.scoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkdnn.engine.Task;
import org.junit.jupiter.api.Test;

/** The first row with a NaN or infinite output, as batches and partitions add up (hand-made outputs). */
class EvaluationAccumulatorTest {
  private static final float NAN = Float.NaN;
  private static final float INF = Float.POSITIVE_INFINITY;

  private static EvaluationAccumulator twoClasses() {
    return new EvaluationAccumulator(Task.MULTICLASS, 2, 2);
  }

  @Test
  void theSmallestIdOfARowWithANonFiniteOutputIsKeptAcrossBatchesAndMerges() {
    EvaluationAccumulator a = twoClasses();
    a.add(new float[] {0.3f, 0.7f, 0.9f, 0.1f}, new float[] {1, 0}, null, new long[] {10, 11}, 2);
    assertEquals(-1, a.nonFiniteRow(), "finite outputs: no row");
    a.add(new float[] {0.5f, 0.5f, NAN, NAN, 0.2f, 0.8f}, new float[] {0, 1, 1}, null, new long[] {12, 13, 14}, 3);
    assertEquals(13, a.nonFiniteRow());
    a.add(new float[] {0.1f, INF}, new float[] {0}, null, new long[] {4}, 1); // a later batch, an earlier row
    assertEquals(4, a.nonFiniteRow());
    a.add(new float[] {NAN, 0.5f}, new float[] {0}, null, new long[] {9}, 1);
    assertEquals(4, a.nonFiniteRow(), "a later row does not replace the first");
    a.add(new float[] {NAN, NAN}, new float[] {0}, null, null, 1); // no ids known: nothing to name
    assertEquals(4, a.nonFiniteRow());

    EvaluationAccumulator other = twoClasses();
    other.add(new float[] {NAN, 0.5f}, new float[] {0}, null, new long[] {2}, 1);
    EvaluationAccumulator clean = twoClasses();
    clean.add(new float[] {0.5f, 0.5f}, new float[] {0}, null, new long[] {0}, 1);
    assertEquals(4, twoClasses().merge(a).merge(clean).nonFiniteRow());
    assertEquals(2, a.merge(other).nonFiniteRow(), "merged partitions keep the smaller id");
    assertEquals(2, a.result(new String[] {"x", "y"}).nonFiniteRow());
    assertFalse(ModelScoring.finite(a.result(new String[] {"x", "y"})));
    assertEquals(-1, clean.result(new String[] {"x", "y"}).nonFiniteRow());
  }

  /**
   * Macro F1 averages the classes that occur in the targets or the predictions: a network with room
   * for 4 classes, rows of 2. By hand: class 0 F1 2/3 (1 of 2 found, no false alarm), class 1 F1 1/2
   * (1 of 2 found, one false alarm), class 2 F1 0 (predicted once, never true), class 3 left out.
   */
  @Test
  void macroF1AveragesTheClassesThatOccur() {
    EvaluationAccumulator a = new EvaluationAccumulator(Task.MULTICLASS, 4, 4);
    a.add(new float[] {
        0.7f, 0.1f, 0.1f, 0.1f, // true 0, predicted 0
        0.1f, 0.7f, 0.1f, 0.1f, // true 0, predicted 1
        0.1f, 0.7f, 0.1f, 0.1f, // true 1, predicted 1
        0.1f, 0.1f, 0.7f, 0.1f}, // true 1, predicted 2
        new float[] {0, 0, 1, 1}, null, new long[] {0, 1, 2, 3}, 4);
    io.sparkdnn.results.EvaluationResult r = a.result(new String[] {"a", "b", "c", "d"});
    assertEquals((2.0 / 3 + 0.5 + 0) / 3, r.macroF1(), 1e-12);
  }

  @Test
  void aRegressionRowWithAnInfiniteOutputIsNamedAndTheEvaluationIsNotFinite() {
    EvaluationAccumulator r = new EvaluationAccumulator(Task.REGRESSION, 2, 2);
    r.add(new float[] {1, 2, 3, -INF}, new float[] {1, 2, 3, 4}, null, new long[] {7, 8}, 2);
    assertEquals(8, r.nonFiniteRow());
    assertFalse(ModelScoring.finite(r.result(null)));
    EvaluationAccumulator fine = new EvaluationAccumulator(Task.REGRESSION, 1, 1);
    fine.loss().add(0.5, 1, 1, 0); // a finite loss, as the network would have summed it
    fine.add(new float[] {1}, new float[] {1}, null, new long[] {0}, 1);
    assertTrue(ModelScoring.finite(fine.result(null)), "finite outputs, loss and errors");
  }

  /** Skipping bad rows: rows with a NaN or infinite output are counted, left out of every metric, not named. */
  @Test
  void leavingOutNonFiniteRowsCountsThemAndMeasuresTheRest() {
    EvaluationAccumulator a = twoClasses().leavingOutNonFinite();
    a.add(new float[] {0.3f, 0.7f, NAN, NAN, 0.9f, 0.1f}, new float[] {1, 1, 1}, null, new long[] {0, 1, 2}, 3);
    EvaluationAccumulator b = twoClasses().leavingOutNonFinite();
    b.add(new float[] {INF, 0f}, new float[] {0}, null, new long[] {3}, 1);
    a.merge(b);
    assertEquals(2, a.leftOut());
    assertEquals(-1, a.nonFiniteRow(), "nothing to name: the rows are skipped");
    double[][] confusion = a.result(new String[] {"x", "y"}).confusion();
    assertEquals(2, confusion[1][0] + confusion[1][1] + confusion[0][0] + confusion[0][1], "two rows counted");
    assertEquals(1, confusion[1][1], "row 0: class 1 predicted");
    assertEquals(1, confusion[1][0], "row 2: class 0 predicted");

    EvaluationAccumulator r = new EvaluationAccumulator(Task.REGRESSION, 1, 1).leavingOutNonFinite();
    r.loss().add(0.5, 2, 2, 0); // the two finite rows, as the network sums them when leaving the third out
    r.add(new float[] {2, NAN, 4}, new float[] {1, 1, 4}, null, new long[] {0, 1, 2}, 3);
    assertEquals(1, r.leftOut());
    assertEquals(Math.sqrt(0.5), r.rmse(), 1e-12, "errors 1 and 0 over the two rows measured");
  }

  /**
   * Two softmax classes give the areas of class 1 against class 0 — what a sigmoid output over the
   * same probabilities gives, and what Spark's BinaryClassificationEvaluator computes — not the mean
   * of both classes' areas (the same for ROC, not for precision-recall).
   */
  @Test
  void twoSoftmaxClassesAreScoredAsBinary() {
    float[] p1 = {0.93f, 0.81f, 0.62f, 0.55f, 0.37f, 0.26f, 0.14f, 0.05f};
    float[] actual = {1, 0, 1, 0, 0, 1, 0, 0};
    float[] softmax = new float[2 * p1.length];
    float[] flipped = new float[p1.length];
    for (int r = 0; r < p1.length; r++) {
      softmax[2 * r] = 1 - p1[r];
      softmax[2 * r + 1] = p1[r];
      flipped[r] = 1 - actual[r];
    }
    EvaluationAccumulator two = twoClasses();
    two.add(softmax, actual, null, null, p1.length);
    EvaluationAccumulator sigmoid = new EvaluationAccumulator(Task.BINARY, 2, 1);
    sigmoid.add(p1, actual, null, null, p1.length);
    double[] expected = sigmoid.areas();
    assertEquals(expected[0], two.areas()[0], 1e-12, "ROC area");
    assertEquals(expected[1], two.areas()[1], 1e-12, "precision-recall area");
    float[] p0 = new float[p1.length];
    for (int r = 0; r < p1.length; r++) {
      p0[r] = 1 - p1[r];
    }
    EvaluationAccumulator classZero = new EvaluationAccumulator(Task.BINARY, 2, 1);
    classZero.add(p0, flipped, null, null, p1.length);
    assertTrue(Math.abs(classZero.areas()[1] - expected[1]) > 0.05,
        "class 0's PR area differs (the data tells the two readings apart): " + classZero.areas()[1] + " vs " + expected[1]);
  }
}
