package io.sparkdnn.model;

import io.sparkdnn.engine.LossAccumulator;
import io.sparkdnn.engine.Task;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
   * Every metric as a JSON-ready map: rows, loss and accuracy or RMSE/MAE/R², per-class (or
   * per-label) precision, recall, F1 and support, and the confusion matrix.
   *
   * @param labels class or label names in output order (null for regression)
   */
  public Map<String, Object> toMetrics(String[] labels) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("rows", rows());
    m.put("loss", meanLoss());
    if (task == Task.REGRESSION) {
      m.put("rmse", rmse());
      m.put("mae", mae());
      m.put("r2", r2());
      return m;
    }
    m.put("accuracy", accuracy());
    List<Map<String, Object>> perClass = new ArrayList<>();
    double f1Sum = 0;
    for (int c = 0; c < classes; c++) {
      long tp, fp, fn;
      if (task == Task.MULTILABEL) {
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
      double precision = tp + fp == 0 ? 0 : (double) tp / (tp + fp);
      double recall = tp + fn == 0 ? 0 : (double) tp / (tp + fn);
      double f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
      f1Sum += f1;
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put(task == Task.MULTILABEL ? "label" : "class", labels[c]);
      entry.put("precision", precision);
      entry.put("recall", recall);
      entry.put("f1", f1);
      entry.put("support", tp + fn);
      perClass.add(entry);
    }
    m.put("macro_f1", f1Sum / classes);
    if (task == Task.MULTILABEL) {
      long right = 0;
      for (int c = 0; c < classes; c++) {
        right += counts[4 * c] + counts[4 * c + 3];
      }
      m.put("hamming_accuracy", (double) right / ((double) rows() * classes));
      m.put("per_label", perClass);
    } else {
      m.put("per_class", perClass);
      m.put("labels", labels);
      m.put("confusion_matrix", confusionMatrix());
    }
    return m;
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
