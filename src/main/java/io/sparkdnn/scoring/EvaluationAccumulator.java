package io.sparkdnn.scoring;

import io.sparkdnn.engine.LossAccumulator;
import io.sparkdnn.engine.Task;
import io.sparkdnn.results.ClassMetrics;
import io.sparkdnn.results.EvaluationResult;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Counts from which every evaluation metric follows, mergeable across partitions:
 * the confusion matrix (multi-class and binary), per-label confusion counts (multi-label), or per
 * output sums of errors and targets (regression), plus the loss.
 */
public final class EvaluationAccumulator implements Serializable {
  private static final long serialVersionUID = 1L;

  private final Task task;
  private final int classes;
  private final int outputs;
  private final LossAccumulator loss = new LossAccumulator();
  /** Multi-class/binary: [actual × classes + predicted]. Multi-label: [label × 4 + (tp, fp, fn, tn)]. */
  private long[] counts;
  /** Regression: [output × 4 + (Σerr², Σ|err|, Σy, Σy²)]. */
  private double[] sums;

  /**
   * @param classes number of classes (multi-class, binary) or labels (multi-label); outputs for
   *     regression
   */
  public EvaluationAccumulator(Task task, int classes, int outputs) {
    this.task = task;
    this.classes = classes;
    this.outputs = outputs;
  }

  public Task task() {
    return task;
  }

  public LossAccumulator loss() {
    return loss;
  }

  /** Adds a batch: outputs rows × outputs (activations), targets rows × target width. */
  public void add(float[] out, float[] targets, int rows) {
    if (task == Task.REGRESSION) {
      if (sums == null) {
        sums = new double[4 * outputs];
      }
      for (int r = 0; r < rows; r++) {
        for (int j = 0; j < outputs; j++) {
          double y = targets[r * outputs + j];
          double err = out[r * outputs + j] - y;
          sums[4 * j] += err * err;
          sums[4 * j + 1] += Math.abs(err);
          sums[4 * j + 2] += y;
          sums[4 * j + 3] += y * y;
        }
      }
      return;
    }
    if (counts == null) {
      counts = new long[task == Task.MULTILABEL ? 4 * classes : classes * classes];
    }
    for (int r = 0; r < rows; r++) {
      switch (task) {
        case MULTICLASS: {
          int actual = (int) targets[r];
          counts[actual * classes + argMax(out, r * outputs, outputs)]++;
          break;
        }
        case BINARY: {
          int actual = (int) targets[r];
          counts[actual * 2 + (out[r] >= 0.5f ? 1 : 0)]++;
          break;
        }
        case MULTILABEL:
          for (int j = 0; j < classes; j++) {
            boolean actual = targets[r * classes + j] >= 0.5f;
            boolean predicted = out[r * classes + j] >= 0.5f;
            counts[4 * j + (actual ? (predicted ? 0 : 2) : (predicted ? 1 : 3))]++;
          }
          break;
        default:
          throw new AssertionError(task);
      }
    }
  }

  public EvaluationAccumulator merge(EvaluationAccumulator other) {
    loss.merge(other.loss);
    if (other.counts != null) {
      if (counts == null) {
        counts = other.counts.clone();
      } else {
        for (int i = 0; i < counts.length; i++) {
          counts[i] += other.counts[i];
        }
      }
    }
    if (other.sums != null) {
      if (sums == null) {
        sums = other.sums.clone();
      } else {
        for (int i = 0; i < sums.length; i++) {
          sums[i] += other.sums[i];
        }
      }
    }
    return this;
  }

  public long rows() {
    return loss.rows();
  }

  public double meanLoss() {
    return loss.meanLoss();
  }

  /** Fraction of rows predicted right (every label right, for multi-label). */
  public double accuracy() {
    return loss.accuracy();
  }

  /** Root mean squared error over all outputs (regression). */
  public double rmse() {
    double total = 0;
    for (int j = 0; j < outputs; j++) {
      total += sums == null ? 0 : sums[4 * j];
    }
    return Math.sqrt(total / ((double) rows() * outputs));
  }

  public double mae() {
    double total = 0;
    for (int j = 0; j < outputs; j++) {
      total += sums == null ? 0 : sums[4 * j + 1];
    }
    return total / ((double) rows() * outputs);
  }

  /** Coefficient of determination, averaged over outputs. */
  public double r2() {
    double total = 0;
    long n = rows();
    for (int j = 0; j < outputs; j++) {
      double mean = sums[4 * j + 2] / n;
      double variance = sums[4 * j + 3] - n * mean * mean;
      total += variance > 0 ? 1 - sums[4 * j] / variance : Double.NaN;
    }
    return total / outputs;
  }

  /** Confusion matrix [actual][predicted] (multi-class and binary). */
  public long[][] confusionMatrix() {
    int k = classes;
    long[][] m = new long[k][k];
    for (int a = 0; a < k; a++) {
      for (int p = 0; p < k; p++) {
        m[a][p] = counts == null ? 0 : counts[a * k + p];
      }
    }
    return m;
  }

  /**
   * Every metric of the rows added so far.
   *
   * @param labels class or label names in output order (null for regression)
   */
  public EvaluationResult result(String[] labels) {
    if (task == Task.REGRESSION) {
      return new EvaluationResult(task, rows(), meanLoss(), Double.NaN, Double.NaN, Double.NaN, List.of(), List.of(),
          new long[0][], rmse(), mae(), r2(), 0);
    }
    List<ClassMetrics> perClass = new ArrayList<>();
    double f1Sum = 0;
    for (int c = 0; c < classes; c++) {
      long tp, fp, fn;
      if (counts == null) {
        tp = fp = fn = 0;
      } else if (task == Task.MULTILABEL) {
        tp = counts[4 * c];
        fp = counts[4 * c + 1];
        fn = counts[4 * c + 2];
      } else {
        tp = counts[c * classes + c];
        fp = 0;
        fn = 0;
        for (int o = 0; o < classes; o++) {
          if (o != c) {
            fp += counts[o * classes + c];
            fn += counts[c * classes + o];
          }
        }
      }
      ClassMetrics m = ClassMetrics.of(labels[c], tp, fp, fn);
      f1Sum += m.f1();
      perClass.add(m);
    }
    double hamming = Double.NaN;
    if (task == Task.MULTILABEL && counts != null) {
      long right = 0;
      for (int c = 0; c < classes; c++) {
        right += counts[4 * c] + counts[4 * c + 3];
      }
      hamming = (double) right / ((double) rows() * classes);
    }
    return new EvaluationResult(task, rows(), meanLoss(), accuracy(), f1Sum / classes, hamming, perClass,
        Arrays.asList(labels), task == Task.MULTILABEL ? new long[0][] : confusionMatrix(),
        Double.NaN, Double.NaN, Double.NaN, 0);
  }

  private static int argMax(float[] a, int offset, int k) {
    int best = 0;
    for (int j = 1; j < k; j++) {
      if (a[offset + j] > a[offset + best]) {
        best = j;
      }
    }
    return best;
  }
}
