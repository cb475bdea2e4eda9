package io.sparkdnn.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class OptimizerTest {
  private static final int N = 12;
  /** All but the last two entries are "weights", the last two "biases". */
  private static final int[] WEIGHTS = {0, N - 2};

  /** f(x) = ½ Σ a_i (x_i − c_i)², curvatures a_i in [0.5, 4]. */
  private static final class Quadratic implements DifferentiableFunction {
    final float[] a = new float[N];
    final float[] c = new float[N];

    Quadratic(long seed) {
      SplittableRandom random = new SplittableRandom(seed);
      for (int i = 0; i < N; i++) {
        a[i] = (float) random.nextDouble(0.5, 4);
        c[i] = (float) random.nextDouble(-2, 2);
      }
    }

    @Override
    public double valueAndGradient(float[] x, float[] gradient) {
      double f = 0;
      for (int i = 0; i < N; i++) {
        double d = x[i] - c[i];
        f += 0.5 * a[i] * d * d;
        gradient[i] = (float) (a[i] * d);
      }
      return f;
    }

    double distanceToMinimum(float[] x) {
      double s = 0;
      for (int i = 0; i < N; i++) {
        s += Math.pow(x[i] - c[i], 2);
      }
      return Math.sqrt(s);
    }
  }

  static Stream<Arguments> rules() {
    return Stream.of(
        Arguments.of(new Sgd(0, false), 0.2, 400),
        Arguments.of(new Sgd(0.9, false), 0.05, 400),
        Arguments.of(new Sgd(0.9, true), 0.05, 400),
        Arguments.of(new Adam(0.9, 0.999, 1e-8, 0), 0.05, 2000));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rules")
  void everyRuleMinimisesAConvexQuadratic(UpdateRule rule, double rate, int steps) {
    Quadratic f = new Quadratic(1);
    float[] x = new float[N];
    Optimizer optimizer = new Optimizer(rule, LearningRateSchedule.constant(rate), 0, 0, WEIGHTS);
    OptimizerState state = optimizer.newState(N);
    float[] g = new float[N];
    double start = f.distanceToMinimum(x);
    for (int step = 0; step < steps; step++) {
      f.valueAndGradient(x, g);
      optimizer.step(x, g, state, step, 1.0);
    }
    assertTrue(f.distanceToMinimum(x) < 1e-3 * start,
        rule.name() + ": distance " + f.distanceToMinimum(x) + " from " + start);
    assertEquals(steps, state.step());
  }

  /** AdamW shrinks weights toward zero and leaves biases alone when their gradient is zero. */
  @Test
  void adamWDecaysWeightsOnly() {
    float[] x = new float[N];
    java.util.Arrays.fill(x, 1f);
    UpdateRule adamw = new Adam(0.9, 0.999, 1e-8, 0.1);
    assertEquals("adamw", adamw.name());
    OptimizerState state = adamw.newState(N);
    adamw.apply(x, new float[N], state, 0.5f, WEIGHTS);
    assertEquals(1f - 0.5f * 0.1f, x[0], 1e-7f);
    assertEquals(1f, x[N - 1], 0f);
  }

  @Test
  void l2AddsLambdaTimesWeightToWeightsOnly() {
    float[] x = new float[N];
    java.util.Arrays.fill(x, 2f);
    float[] g = new float[N];
    Optimizer optimizer = new Optimizer(new Sgd(0, false), LearningRateSchedule.constant(1), 0.25, 0, WEIGHTS);
    double penalty = optimizer.addL2Gradient(x, g);
    assertEquals(0.5, g[0], 1e-7);
    assertEquals(0, g[N - 1], 0);
    assertEquals(0.5 * 0.25 * 4 * (N - 2), penalty, 1e-9);
  }

  @Test
  void clippingRescalesLongGradientsToTheNorm() {
    float[] x = new float[2];
    float[] g = {6f, 8f}; // norm 10
    Optimizer optimizer = new Optimizer(new Sgd(0, false), LearningRateSchedule.constant(1), 0, 1.0, new int[0]);
    optimizer.step(x, g, optimizer.newState(2), 0, 1.0);
    assertArrayEquals(new float[] {-0.6f, -0.8f}, x, 1e-6f);
    float[] shortGradient = {0.3f, 0.4f};
    float[] y = new float[2];
    optimizer.step(y, shortGradient, optimizer.newState(2), 0, 1.0);
    assertArrayEquals(new float[] {-0.3f, -0.4f}, y, 1e-6f, "short gradients are left alone");
  }

  @Test
  void schedules() {
    assertEquals(0.1, LearningRateSchedule.constant(0.1).rate(7), 0);
    LearningRateSchedule step = LearningRateSchedule.step(0.1, 2, 0.5);
    assertEquals(0.1, step.rate(1.9), 1e-12);
    assertEquals(0.05, step.rate(2.0), 1e-12);
    assertEquals(0.025, step.rate(5.5), 1e-12);
    assertEquals(0.1 * Math.pow(0.9, 3), LearningRateSchedule.exponential(0.1, 0.9).rate(3), 1e-12);
    LearningRateSchedule cosine = LearningRateSchedule.cosine(0.1, 10, 0.001);
    assertEquals(0.1, cosine.rate(0), 1e-12);
    assertEquals(0.001 + 0.5 * 0.099, cosine.rate(5), 1e-12);
    assertEquals(0.001, cosine.rate(10), 1e-12);
    assertEquals(0.001, cosine.rate(12), 1e-12);
    LearningRateSchedule warm = LearningRateSchedule.withWarmup(LearningRateSchedule.constant(0.1), 2);
    assertEquals(0.025, warm.rate(0.5), 1e-12);
    assertEquals(0.1, warm.rate(2), 1e-12);
    assertTrue(warm.rate(0) > 0, "the first step moves");
    assertThrows(IllegalArgumentException.class, () -> LearningRateSchedule.constant(-1));
    assertThrows(IllegalArgumentException.class, () -> LearningRateSchedule.cosine(0.1, 10, 0.2));
  }

  static Stream<UpdateRule> stateful() {
    return Stream.of(new Sgd(0, false), new Sgd(0.9, false), new Sgd(0.8, true),
        new Adam(0.9, 0.999, 1e-8, 0), new Adam(0.9, 0.99, 1e-7, 0.01));
  }

  /** Write the state mid-run, read it back, continue: the next steps are bit-identical. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("stateful")
  void stateRoundTripGivesBitIdenticalNextSteps(UpdateRule rule) throws IOException {
    Quadratic f = new Quadratic(2);
    Optimizer optimizer = new Optimizer(rule, LearningRateSchedule.cosine(0.05, 20, 0), 1e-3, 5, WEIGHTS);
    float[] x = new float[N];
    float[] g = new float[N];
    OptimizerState state = optimizer.newState(N);
    for (int step = 0; step < 5; step++) {
      f.valueAndGradient(x, g);
      optimizer.step(x, g, state, step, 1.0);
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    state.write(new DataOutputStream(bytes));
    float[] resumedX = x.clone();
    OptimizerState resumed = OptimizerState.read(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
    for (int step = 5; step < 8; step++) {
      f.valueAndGradient(x, g);
      optimizer.step(x, g, state, step, 1.0);
      f.valueAndGradient(resumedX, g);
      optimizer.step(resumedX, g, resumed, step, 1.0);
      assertArrayEquals(x, resumedX, "step " + step);
    }
    assertEquals(state.step(), resumed.step());
  }

  /** Rosenbrock's valley: the classic test that L-BFGS's curvature pairs and line search work. */
  @Test
  void lbfgsSolvesRosenbrock() {
    DifferentiableFunction rosenbrock = (x, g) -> {
      double f = 0;
      java.util.Arrays.fill(g, 0f);
      for (int i = 0; i + 1 < x.length; i++) {
        double a = x[i + 1] - (double) x[i] * x[i];
        double b = 1 - x[i];
        f += 100 * a * a + b * b;
        g[i] += (float) (-400 * x[i] * a - 2 * b);
        g[i + 1] += (float) (200 * a);
      }
      return f;
    };
    float[] x = {-1.2f, 1f, -1.2f, 1f};
    Lbfgs lbfgs = new Lbfgs(10, 20, 0);
    LbfgsState state = lbfgs.newState(x.length);
    int iterations = 0;
    while (iterations < 200 && state.value() > 1e-9 || iterations == 0) {
      lbfgs.iterate(x, state, rosenbrock);
      iterations++;
    }
    for (float xi : x) {
      assertEquals(1f, xi, 1e-3f, "minimum at (1, ..., 1) after " + iterations + " iterations");
    }
    assertTrue(iterations < 100, iterations + " iterations");
  }

  @Test
  void lbfgsStateRoundTripGivesBitIdenticalNextSteps() throws IOException {
    Quadratic f = new Quadratic(3);
    Lbfgs lbfgs = new Lbfgs(5, 20, 0);
    float[] x = new float[N];
    LbfgsState state = lbfgs.newState(N);
    for (int i = 0; i < 3; i++) {
      lbfgs.iterate(x, state, f);
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    state.write(new DataOutputStream(bytes));
    float[] resumedX = x.clone();
    LbfgsState resumed = LbfgsState.read(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
    for (int i = 0; i < 3; i++) {
      Lbfgs.Step a = lbfgs.iterate(x, state, f);
      Lbfgs.Step b = lbfgs.iterate(resumedX, resumed, f);
      assertArrayEquals(x, resumedX);
      assertEquals(a.value, b.value, 0);
    }
    for (int i = 6; i < 30; i++) {
      lbfgs.iterate(x, state, f);
    }
    assertTrue(f.distanceToMinimum(x) < 1e-4, "converges on a quadratic: " + f.distanceToMinimum(x));
  }

  @Test
  void badSettingsAreRejected() {
    assertThrows(IllegalArgumentException.class, () -> new Sgd(1.0, false));
    assertThrows(IllegalArgumentException.class, () -> new Sgd(0, true));
    assertThrows(IllegalArgumentException.class, () -> new Adam(1.0, 0.999, 1e-8, 0));
    assertThrows(IllegalArgumentException.class, () -> new Adam(0.9, 0.999, 0, 0));
    assertThrows(IllegalArgumentException.class, () -> new Lbfgs(0, 20, 1e-6));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new Optimizer(new Sgd(0, false), LearningRateSchedule.constant(1), -1, 0, WEIGHTS));
    assertTrue(e.getMessage().contains("L2 coefficient must be ≥ 0"));
    Optimizer adam = new Optimizer(new Adam(0.9, 0.999, 1e-8, 0), LearningRateSchedule.constant(1), 0, 0, WEIGHTS);
    OptimizerState sgdState = new Sgd(0.9, false).newState(N);
    e = assertThrows(IllegalArgumentException.class,
        () -> adam.step(new float[N], new float[N], sgdState, 0, 1));
    assertTrue(e.getMessage().contains("belongs to momentum, not adam"), e.getMessage());
  }
}
