package io.sparkdnn.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkdnn.optim.Adam;
import io.sparkdnn.optim.LearningRateSchedule;
import io.sparkdnn.optim.Optimizer;
import io.sparkdnn.optim.OptimizerState;
import io.sparkdnn.optim.Sgd;
import io.sparkdnn.optim.UpdateRule;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Training without Spark: the engine and an update rule, full batch, fixed seeds. */
class ConvergenceTest {
  private static final float[][] XOR_X = {{0, 0}, {0, 1}, {1, 0}, {1, 1}};
  private static final float[] XOR_Y = {0, 1, 1, 0};

  @Test
  void xorWithSigmoidAndMeanSquaredError() {
    NetworkSpec spec = NetworkSpec.parse("2-4sigmoid-1sigmoid:mse");
    DenseNetwork net = xorNetwork(spec, Task.BINARY);
    float[] params = train(net, new Sgd(0.9, false), 0.5, 4000, 1);
    LossAccumulator stats = new LossAccumulator();
    net.evaluate(params, stats);
    assertEquals(4, stats.correct(), "all four XOR rows on the right side of 0.5");
    assertTrue(stats.meanLoss() < 0.01, "mean ½(a−y)² = " + stats.meanLoss());
  }

  @Test
  void xorWithReluAndSoftmax() {
    NetworkSpec spec = NetworkSpec.parse("2-8relu-2softmax");
    DenseNetwork net = xorNetwork(spec, Task.MULTICLASS);
    float[] params = train(net, new Adam(0.9, 0.999, 1e-8, 0), 0.05, 500, 2);
    LossAccumulator stats = new LossAccumulator();
    net.evaluate(params, stats);
    assertEquals(4, stats.correct());
    assertTrue(stats.meanLoss() < 0.05, "mean log-loss = " + stats.meanLoss());
  }

  /** y = sin(2x₁) + x₂²/2 on [-1, 1]²: a small tanh network gets the RMSE under 0.05. */
  @Test
  void smallRegressionReachesItsError() {
    NetworkSpec spec = NetworkSpec.parse("2-16tanh-16tanh-1identity");
    int n = 200;
    DenseNetwork net = new DenseNetwork(spec, Task.REGRESSION, n, BlasLibrary.gemm(BlasBackend.AUTO));
    SplittableRandom random = new SplittableRandom(9);
    double varianceOfY = 0, meanOfY = 0;
    float[] ys = new float[n];
    for (int r = 0; r < n; r++) {
      float x1 = (float) random.nextDouble(-1, 1);
      float x2 = (float) random.nextDouble(-1, 1);
      ys[r] = (float) (Math.sin(2 * x1) + 0.5 * x2 * x2);
      net.batch().setRow(r, new float[] {x1, x2}, 0, ys, r, r);
      meanOfY += ys[r] / n;
    }
    for (float y : ys) {
      varianceOfY += (y - meanOfY) * (y - meanOfY) / n;
    }
    net.batch().setRows(n);
    float[] params = train(net, new Adam(0.9, 0.999, 1e-8, 0), 0.01, 3000, 3);
    LossAccumulator stats = new LossAccumulator();
    net.evaluate(params, stats);
    double rmse = Math.sqrt(2 * stats.meanLoss()); // loss is ½(a−y)²
    assertTrue(rmse < 0.05, "RMSE " + rmse + " (std of y " + Math.sqrt(varianceOfY) + ")");
  }

  private static DenseNetwork xorNetwork(NetworkSpec spec, Task task) {
    DenseNetwork net = new DenseNetwork(spec, task, 4, BlasLibrary.gemm(BlasBackend.AUTO));
    for (int r = 0; r < 4; r++) {
      net.batch().setRow(r, XOR_X[r], 0, XOR_Y, r, r);
    }
    net.batch().setRows(4);
    return net;
  }

  private static float[] train(DenseNetwork net, UpdateRule rule, double rate, int steps, long seed) {
    NetworkSpec spec = net.spec();
    float[] params = Initialization.AUTO.initialize(spec, seed);
    Optimizer optimizer = new Optimizer(rule, LearningRateSchedule.constant(rate), 0, 0, spec.weightRanges());
    OptimizerState state = optimizer.newState(spec.parameterCount());
    float[] gradient = new float[spec.parameterCount()];
    int rows = net.batch().rows();
    for (int step = 0; step < steps; step++) {
      java.util.Arrays.fill(gradient, 0f);
      net.accumulateGradient(params, gradient, new LossAccumulator(), step);
      for (int i = 0; i < gradient.length; i++) {
        gradient[i] /= rows;
      }
      optimizer.step(params, gradient, state, step, 1.0);
    }
    return params;
  }
}
