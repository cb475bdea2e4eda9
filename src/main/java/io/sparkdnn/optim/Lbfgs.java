package io.sparkdnn.optim;

import io.sparkdnn.engine.FloatArrays;
import java.io.Serializable;

/**
 * Limited-memory BFGS with a strong-Wolfe line search (Nocedal &amp; Wright, algorithms 7.4, 3.5
 * and 3.6): the full-batch optimiser Spark MLlib's perceptron uses. One {@link #iterate} is one
 * quasi-Newton step and costs one or more evaluations of the objective, i.e. passes over the data.
 */
public final class Lbfgs implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final double C1 = 1e-4;
  private static final double C2 = 0.9;

  private final int memory;
  private final int maxEvaluationsPerIteration;
  private final double tolerance;

  public Lbfgs(int memory, int maxEvaluationsPerIteration, double tolerance) {
    if (memory < 1) {
      throw new IllegalArgumentException("L-BFGS memory must be ≥ 1, found " + memory);
    }
    if (maxEvaluationsPerIteration < 1) {
      throw new IllegalArgumentException(
          "L-BFGS line search needs ≥ 1 evaluation, found " + maxEvaluationsPerIteration);
    }
    if (!(tolerance >= 0)) {
      throw new IllegalArgumentException("L-BFGS tolerance must be ≥ 0, found " + tolerance);
    }
    this.memory = memory;
    this.maxEvaluationsPerIteration = maxEvaluationsPerIteration;
    this.tolerance = tolerance;
  }

  public LbfgsState newState(int parameterCount) {
    return new LbfgsState(memory, parameterCount);
  }

  /** Outcome of one iteration. */
  public static final class Step {
    public final double value;
    public final int evaluations;
    public final boolean converged;

    Step(double value, int evaluations, boolean converged) {
      this.value = value;
      this.evaluations = evaluations;
      this.converged = converged;
    }
  }

  /** One iteration from {@code x} (updated in place); returns f at the new point. */
  public Step iterate(float[] x, LbfgsState state, DifferentiableFunction f) {
    int n = x.length;
    int evaluations = 0;
    if (!state.hasValue) {
      state.value = f.valueAndGradient(x, state.gradient);
      state.hasValue = true;
      evaluations++;
      if (!Double.isFinite(state.value)) {
        throw new ArithmeticException("objective is " + state.value + " at the starting point");
      }
    }
    float[] g = state.gradient;
    double gNorm = FloatArrays.norm(g);
    if (gNorm == 0) {
      return new Step(state.value, evaluations, true);
    }
    float[] direction = searchDirection(state, g);
    double slope = FloatArrays.dot(g, direction);
    if (!(slope < 0)) { // not a descent direction: forget the curvature and go downhill
      state.clearHistory();
      for (int i = 0; i < n; i++) {
        direction[i] = -g[i];
      }
      slope = -gNorm * gNorm;
    }
    double initialStep = state.count == 0 ? Math.min(1.0, 1.0 / gNorm) : 1.0;
    LineSearch search = new LineSearch(x, direction, state.value, slope, f);
    boolean found = search.run(initialStep, maxEvaluationsPerIteration);
    evaluations += search.evaluations;
    if (!found) {
      state.clearHistory();
      state.iterations++;
      return new Step(state.value, evaluations, true);
    }
    float[] sNew = new float[n];
    float[] yNew = new float[n];
    for (int i = 0; i < n; i++) {
      sNew[i] = (float) (search.step * direction[i]);
      yNew[i] = search.gradient[i] - g[i];
    }
    double sy = FloatArrays.dot(sNew, yNew);
    if (sy > 1e-10) {
      state.push(sNew, yNew, sy);
    }
    double previous = state.value;
    System.arraycopy(search.point, 0, x, 0, n);
    System.arraycopy(search.gradient, 0, g, 0, n);
    state.value = search.value;
    state.iterations++;
    boolean converged = Math.abs(previous - state.value)
        <= tolerance * Math.max(1.0, Math.max(Math.abs(previous), Math.abs(state.value)));
    return new Step(state.value, evaluations, converged);
  }

  /** Two-loop recursion: returns −H·g with H the L-BFGS inverse-Hessian estimate. */
  private static float[] searchDirection(LbfgsState state, float[] g) {
    int n = g.length;
    double[] q = new double[n];
    for (int i = 0; i < n; i++) {
      q[i] = g[i];
    }
    double[] alpha = new double[state.memory];
    for (int j = 0; j < state.count; j++) {
      int i = Math.floorMod(state.head - 1 - j, state.memory);
      alpha[i] = state.rho[i] * dot(state.s[i], q);
      axpy(-alpha[i], state.y[i], q);
    }
    if (state.count > 0) {
      int newest = Math.floorMod(state.head - 1, state.memory);
      double yy = FloatArrays.dot(state.y[newest], state.y[newest]);
      double gamma = 1.0 / (state.rho[newest] * yy); // sᵀy / yᵀy
      for (int i = 0; i < n; i++) {
        q[i] *= gamma;
      }
    }
    for (int j = state.count - 1; j >= 0; j--) {
      int i = Math.floorMod(state.head - 1 - j, state.memory);
      double beta = state.rho[i] * dot(state.y[i], q);
      axpy(alpha[i] - beta, state.s[i], q);
    }
    float[] direction = new float[n];
    for (int i = 0; i < n; i++) {
      direction[i] = (float) -q[i];
    }
    return direction;
  }

  private static double dot(float[] a, double[] b) {
    double sum = 0;
    for (int i = 0; i < a.length; i++) {
      sum += a[i] * b[i];
    }
    return sum;
  }

  private static void axpy(double alpha, float[] x, double[] y) {
    for (int i = 0; i < x.length; i++) {
      y[i] += alpha * x[i];
    }
  }

  /** Strong-Wolfe line search along {@code direction}: bracket, then zoom by cubic interpolation. */
  private static final class LineSearch {
    private final float[] origin;
    private final float[] direction;
    private final double value0;
    private final double slope0;
    private final DifferentiableFunction f;
    final float[] point;
    final float[] gradient;
    double step;
    double value;
    int evaluations;

    LineSearch(float[] origin, float[] direction, double value0, double slope0, DifferentiableFunction f) {
      this.origin = origin;
      this.direction = direction;
      this.value0 = value0;
      this.slope0 = slope0;
      this.f = f;
      this.point = new float[origin.length];
      this.gradient = new float[origin.length];
    }

    /** Evaluates φ(α) = f(x + α·d); returns φ'(α) = ∇f · d. */
    private double evaluate(double alpha) {
      for (int i = 0; i < origin.length; i++) {
        point[i] = (float) (origin[i] + alpha * direction[i]);
      }
      value = f.valueAndGradient(point, gradient);
      step = alpha;
      evaluations++;
      return FloatArrays.dot(gradient, direction);
    }

    private boolean armijoFails(double alpha, double phi) {
      return !(phi <= value0 + C1 * alpha * slope0); // also true for NaN
    }

    boolean run(double initialStep, int maxEvaluations) {
      double previousStep = 0;
      double previousValue = value0;
      double previousSlope = slope0;
      double alpha = initialStep;
      while (evaluations < maxEvaluations) {
        double slope = evaluate(alpha);
        if (armijoFails(alpha, value) || (evaluations > 1 && value >= previousValue)) {
          return zoom(previousStep, previousValue, previousSlope, alpha, value, slope, maxEvaluations);
        }
        if (Math.abs(slope) <= -C2 * slope0) {
          return true;
        }
        if (slope >= 0) {
          return zoom(alpha, value, slope, previousStep, previousValue, previousSlope, maxEvaluations);
        }
        previousStep = alpha;
        previousValue = value;
        previousSlope = slope;
        alpha *= 2;
      }
      return value < value0 && Double.isFinite(value);
    }

    private boolean zoom(
        double lo, double valueLo, double slopeLo, double hi, double valueHi, double slopeHi,
        int maxEvaluations) {
      while (evaluations < maxEvaluations) {
        double alpha = interpolate(lo, valueLo, slopeLo, hi, valueHi, slopeHi);
        double slope = evaluate(alpha);
        if (armijoFails(alpha, value) || value >= valueLo) {
          hi = alpha;
          valueHi = value;
          slopeHi = slope;
        } else {
          if (Math.abs(slope) <= -C2 * slope0) {
            return true;
          }
          if (slope * (hi - lo) >= 0) {
            hi = lo;
            valueHi = valueLo;
            slopeHi = slopeLo;
          }
          lo = alpha;
          valueLo = value;
          slopeLo = slope;
        }
      }
      // Out of evaluations: accept the last point only if it made progress.
      return value < value0 && Double.isFinite(value) && step == lo;
    }

    /** Minimiser of the cubic through both ends, kept inside the middle 80% of the bracket. */
    private static double interpolate(
        double a, double fa, double da, double b, double fb, double db) {
      double lower = Math.min(a, b);
      double upper = Math.max(a, b);
      double margin = 0.1 * (upper - lower);
      double d1 = da + db - 3 * (fa - fb) / (a - b);
      double discriminant = d1 * d1 - da * db;
      double candidate = Double.NaN;
      if (Double.isFinite(fb) && discriminant >= 0) {
        double d2 = Math.signum(b - a) * Math.sqrt(discriminant);
        candidate = b - (b - a) * (db + d2 - d1) / (db - da + 2 * d2);
      }
      if (!Double.isFinite(candidate) || candidate < lower + margin || candidate > upper - margin) {
        candidate = 0.5 * (lower + upper);
      }
      return candidate;
    }
  }
}
