package io.sparkdnn.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkdnn.engine.NetworkSpec;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The lazy step for sparse input ({@link ParameterRanges#firstLayerRows}) against the dense step:
 * the same arithmetic where it steps, nothing where it does not, and on a small sparse problem a
 * loss as low as dense Adam's.
 */
class LazyStepTest {
  /** W_0 is 6 inputs × 4 outputs, held input-major: input i's row is [4i, 4i + 4). */
  private static final NetworkSpec SPEC = NetworkSpec.parse("6-4relu-3softmax");

  private static UpdateRule[] rules() {
    return new UpdateRule[] {new Sgd(0, false), new Sgd(0.9, false), new Sgd(0.9, true), new Adam(0.9, 0.999, 1e-8, 0),
        new Adam(0.9, 0.999, 1e-8, 0.01)};
  }

  private static float[] random(SplittableRandom random, int n) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) random.nextDouble(-1, 1);
    }
    return v;
  }

  /** A gradient that is zero in the first-layer rows of inputs not in {@code inputs}. */
  private static float[] sparseGradient(SplittableRandom random, int[] inputs) {
    float[] g = random(random, SPEC.parameterCount());
    TreeSet<Integer> used = new TreeSet<>();
    for (int i : inputs) {
      used.add(i);
    }
    int w = SPEC.layer(0).width();
    for (int i = 0; i < SPEC.inputWidth(); i++) {
      if (!used.contains(i)) {
        Arrays.fill(g, i * w, (i + 1) * w, 0f);
      }
    }
    return g;
  }

  @Test
  void everyRowInTheStepIsTheDenseStep() {
    int[] all = {0, 1, 2, 3, 4, 5};
    for (UpdateRule rule : rules()) {
      Optimizer optimizer = new Optimizer(rule, LearningRateSchedule.constant(0.05), 0.01, 1.0, SPEC.weightRanges());
      SplittableRandom random = new SplittableRandom(4);
      float[] dense = random(random, SPEC.parameterCount());
      float[] lazy = dense.clone();
      OptimizerState denseState = rule.newState(SPEC.parameterCount());
      OptimizerState lazyState = rule.newState(SPEC.parameterCount());
      for (int step = 0; step < 5; step++) {
        float[] g = random(random, SPEC.parameterCount());
        optimizer.step(dense, g.clone(), denseState, 0, 1);
        optimizer.step(lazy, g.clone(), lazyState, 0, 1, ParameterRanges.firstLayerRows(SPEC, all, all.length));
      }
      assertArrayEquals(dense, lazy, rule.name());
      for (int v = 0; v < denseState.vectorCount(); v++) {
        assertArrayEquals(denseState.vector(v), lazyState.vector(v), rule.name());
      }
      assertEquals(denseState.step(), lazyState.step());
    }
  }

  /**
   * Rows outside the step keep weights and state; rows in it get exactly the dense step's values
   * (no clipping or L2 here: those see the whole vector in a dense step).
   */
  @Test
  void rowsOutsideTheStepAreLeftAndRowsInsideMatchTheDenseStep() {
    int[] inputs = {1, 2, 4};
    int w = SPEC.layer(0).width();
    for (UpdateRule rule : rules()) {
      Optimizer optimizer = new Optimizer(rule, LearningRateSchedule.constant(0.05), 0, 0, SPEC.weightRanges());
      SplittableRandom random = new SplittableRandom(9);
      float[] start = random(random, SPEC.parameterCount());
      OptimizerState warm = rule.newState(SPEC.parameterCount());
      for (int v = 0; v < warm.vectorCount(); v++) {
        float[] filled = random(random, SPEC.parameterCount());
        for (int i = 0; i < filled.length; i++) {
          warm.vector(v)[i] = Math.abs(filled[i]); // Adam's second moment must be ≥ 0
        }
      }
      float[] g = sparseGradient(random, inputs);
      float[] dense = start.clone();
      float[] lazy = start.clone();
      OptimizerState denseState = warm.copy();
      OptimizerState lazyState = warm.copy();
      optimizer.step(dense, g.clone(), denseState, 0, 1);
      optimizer.step(lazy, g.clone(), lazyState, 0, 1, ParameterRanges.firstLayerRows(SPEC, inputs, inputs.length));
      for (int i = 0; i < SPEC.inputWidth(); i++) {
        boolean stepped = Arrays.binarySearch(inputs, i) >= 0;
        float[] expected = Arrays.copyOfRange(stepped ? dense : start, i * w, (i + 1) * w);
        assertArrayEquals(expected, Arrays.copyOfRange(lazy, i * w, (i + 1) * w), rule.name() + " row " + i);
        for (int v = 0; v < warm.vectorCount(); v++) {
          float[] expectedState = Arrays.copyOfRange((stepped ? denseState : warm).vector(v), i * w, (i + 1) * w);
          assertArrayEquals(expectedState, Arrays.copyOfRange(lazyState.vector(v), i * w, (i + 1) * w));
        }
      }
      int tail = SPEC.biasOffset(0);
      assertArrayEquals(Arrays.copyOfRange(dense, tail, dense.length), Arrays.copyOfRange(lazy, tail, lazy.length),
          rule.name() + ": b_0 and the later layers take the dense step");
    }
  }

  /** Plain SGD without a penalty moves nothing where the gradient is zero: lazy is exactly dense. */
  @Test
  void plainSgdIsExactlyLazy() {
    Optimizer optimizer = new Optimizer(new Sgd(0, false), LearningRateSchedule.constant(0.1), 0, 0,
        SPEC.weightRanges());
    SplittableRandom random = new SplittableRandom(2);
    float[] dense = random(random, SPEC.parameterCount());
    float[] lazy = dense.clone();
    OptimizerState a = optimizer.newState(SPEC.parameterCount());
    OptimizerState b = optimizer.newState(SPEC.parameterCount());
    for (int step = 0; step < 20; step++) {
      int[] inputs = step % 2 == 0 ? new int[] {0, 3} : new int[] {2, 3, 5};
      float[] g = sparseGradient(random, inputs);
      optimizer.step(dense, g.clone(), a, step, 1);
      optimizer.step(lazy, g.clone(), b, step, 1, ParameterRanges.firstLayerRows(SPEC, inputs, inputs.length));
    }
    assertArrayEquals(dense, lazy);
  }

  /**
   * Sparse linear regression, 40 features, 3 non-zero per row, mini-batches of 4 rows: lazy Adam,
   * which steps only the rows a batch used, gets the loss as low as dense Adam (within 10%), and
   * both far below the start.
   */
  @Test
  void lazyAdamFitsASparseProblemAsWellAsDenseAdam() {
    NetworkSpec linear = NetworkSpec.parse("40-1identity");
    SplittableRandom data = new SplittableRandom(5);
    float[] truth = random(data, 40);
    int rows = 400;
    int[][] columns = new int[rows][];
    float[][] values = new float[rows][];
    float[] y = new float[rows];
    for (int r = 0; r < rows; r++) {
      TreeSet<Integer> c = new TreeSet<>();
      while (c.size() < 3) {
        c.add(data.nextInt(40));
      }
      columns[r] = c.stream().mapToInt(Integer::intValue).toArray();
      values[r] = random(data, 3);
      for (int k = 0; k < 3; k++) {
        y[r] += truth[columns[r][k]] * values[r][k];
      }
    }
    double[] finalLoss = new double[2];
    double startLoss = loss(new float[linear.parameterCount()], columns, values, y);
    for (int lazy = 0; lazy < 2; lazy++) {
      Optimizer adam = new Optimizer(new Adam(0.9, 0.999, 1e-8, 0), LearningRateSchedule.constant(0.02), 0, 0,
          linear.weightRanges());
      float[] w = new float[linear.parameterCount()];
      OptimizerState state = adam.newState(w.length);
      for (int epoch = 0; epoch < 30; epoch++) {
        for (int start = 0; start < rows; start += 4) {
          float[] g = new float[w.length];
          TreeSet<Integer> used = new TreeSet<>();
          for (int r = start; r < start + 4; r++) {
            float error = predict(w, columns[r], values[r]) - y[r];
            for (int k = 0; k < 3; k++) {
              g[columns[r][k]] += error * values[r][k] / 4;
              used.add(columns[r][k]);
            }
            g[40] += error / 4;
          }
          int[] inputs = used.stream().mapToInt(Integer::intValue).toArray();
          if (lazy == 1) {
            adam.step(w, g, state, epoch, 1, ParameterRanges.firstLayerRows(linear, inputs, inputs.length));
          } else {
            adam.step(w, g, state, epoch, 1);
          }
        }
      }
      finalLoss[lazy] = loss(w, columns, values, y);
    }
    assertTrue(finalLoss[0] < startLoss / 100, "dense Adam: " + finalLoss[0] + " from " + startLoss);
    assertTrue(finalLoss[1] < 1.1 * finalLoss[0] + 1e-4, "lazy Adam " + finalLoss[1] + ", dense " + finalLoss[0]);
  }

  private static float predict(float[] w, int[] columns, float[] values) {
    float s = w[40];
    for (int k = 0; k < columns.length; k++) {
      s += w[columns[k]] * values[k];
    }
    return s;
  }

  private static double loss(float[] w, int[][] columns, float[][] values, float[] y) {
    double s = 0;
    for (int r = 0; r < y.length; r++) {
      double e = predict(w, columns[r], values[r]) - y[r];
      s += 0.5 * e * e;
    }
    return s / y.length;
  }

  @Test
  void rangesOfAdjacentRowsMerge() {
    ParameterRanges r = ParameterRanges.firstLayerRows(SPEC, new int[] {1, 2, 4}, 3);
    int w = SPEC.layer(0).width();
    assertArrayEquals(new int[] {w, 3 * w, 4 * w, 5 * w, SPEC.biasOffset(0), SPEC.parameterCount()}, r.ranges());
    assertArrayEquals(new int[] {w, 3 * w, 4 * w, 5 * w, SPEC.weightOffset(1), SPEC.biasOffset(1)}, r.weightRanges());
    assertEquals(3L * w + SPEC.parameterCount() - SPEC.biasOffset(0), r.size());
  }
}
