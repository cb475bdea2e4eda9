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
 * Sums from which every evaluation metric follows, mergeable across partitions, each row counted
 * with its weight (1 without row weights): the confusion matrix (multi-class and binary), per-label
 * confusion counts (multi-label), per output sums of errors and targets (regression), plus the loss
 * — and, for binary and multi-class with up to {@value #MAX_AUC_CLASSES} classes, histograms of
 * the predicted probabilities of positive and negative rows, from which the areas under the ROC
 * and precision-recall curves follow (one class against the rest for multi-class).
 *
 * <p>The areas are computed on {@value #BINS} equal-width probability bins (binary; multi-class
 * one-vs-rest uses {@value #OVR_BINS}), with rows in one bin treated as tied: the same
 * approximation Spark's BinaryClassificationMetrics makes when it down-samples its curve.
 */
public final class EvaluationAccumulator implements Serializable {
  private static final long serialVersionUID = 5L;
  static final int BINS = 4096;
  static final int OVR_BINS = 1024;
  static final int MAX_AUC_CLASSES = 64;

  private final Task task;
  private final int classes;
  private final int outputs;
  private final float threshold;
  private final LossAccumulator loss = new LossAccumulator();
  /** Multi-class/binary: [actual × classes + predicted]. Multi-label: [label × 4 + (tp, fp, fn, tn)]. */
  private double[] counts;
  /** Regression: [output × 4 + (Σw·err², Σw·|err|, Σw·y, Σw·y²)]. */
  private double[] sums;
  /** Binary: [positive, negative] × BINS of p(class 1); multi-class: [class][positive, negative] × OVR_BINS of p(class). */
  private double[] histogram;
  /** The smallest id of a row added with a NaN or infinite output; −1 while there is none. */
  private long nonFiniteRow = -1;
  /** Rows added with a NaN or infinite output (with ids, not left out). */
  private long nonFiniteRows;
  /** Rows with a NaN or infinite output are left out of every sum (bad rows skipped), not named. */
  private boolean leaveOutNonFinite;
  /** Rows left out for a NaN or infinite output. */
  private long leftOut;
  /** The id of the row with the largest loss, and that loss, while tracked ({@link #trackingWorstRow}). */
  private long worstRow = -1;
  private double worstRowLoss = Double.NEGATIVE_INFINITY;
  /** The id of the row with the largest |logit|, and that logit, while tracked. */
  private long largestLogitRow = -1;
  private double largestLogit = Double.NEGATIVE_INFINITY;

  /**
   * @param classes number of classes (multi-class, binary) or labels (multi-label); outputs for regression
   */
  public EvaluationAccumulator(Task task, int classes, int outputs) {
    this(task, classes, outputs, 0.5f);
  }

  /**
   * @param threshold binary: the probability from which a row is predicted class 1; multi-label:
   *     from which a label is predicted present
   */
  public EvaluationAccumulator(Task task, int classes, int outputs, float threshold) {
    this.task = task;
    this.classes = classes;
    this.outputs = outputs;
    this.threshold = threshold;
  }

  /**
   * This accumulator, from now on leaving the rows with a NaN or infinite output out of the metrics
   * and the loss (counting them in {@link #leftOut()}) instead of naming the first: an evaluation
   * that skips bad rows. Set before the first row is added.
   */
  public EvaluationAccumulator leavingOutNonFinite() {
    leaveOutNonFinite = true;
    loss.leavingOutNonFinite();
    return this;
  }

  /**
   * This accumulator, from now on keeping the id and loss of the row with the largest loss
   * ({@link #worstRow()}): to find a row whose loss dwarfs the others'. Set before the first row
   * is added; rows need ids.
   */
  public EvaluationAccumulator trackingWorstRow() {
    loss.trackingWorstRow();
    return this;
  }

  /** The id of the row with the largest loss, −1 when not tracked or no row had ids. */
  public long worstRow() {
    return worstRow;
  }

  /** The id of the row with the largest |logit| (output pre-activation), −1 when not tracked. */
  public long largestLogitRow() {
    return largestLogitRow;
  }

  /** The largest |logit| of {@link #largestLogitRow()}. */
  public double largestLogit() {
    return largestLogit;
  }

  /** The loss of {@link #worstRow()} (unweighted; in the training objective's units). */
  public double worstRowLoss() {
    return worstRowLoss;
  }

  /** Rows left out for a NaN or infinite output ({@link #leavingOutNonFinite}); 0 otherwise. */
  public long leftOut() {
    return leftOut;
  }

  public Task task() {
    return task;
  }

  public LossAccumulator loss() {
    return loss;
  }

  /**
   * Adds a batch: outputs rows × outputs (activations), targets rows × target width, and the rows'
   * weights (null: 1 each); remembers the smallest of {@code rowIds} (one per row; null: none known)
   * whose outputs are NaN or infinite, the row that makes the metrics wrong, which
   * {@link #nonFiniteRow()} names. The check reads each output once, beside the products that made it.
   */
  public void add(float[] out, float[] targets, float[] weights, long[] rowIds, int rows) {
    if (loss.tracksWorstRow() && rowIds != null && loss.batchWorstRow() >= 0
        && loss.batchWorstLoss() > worstRowLoss) {
      worstRowLoss = loss.batchWorstLoss();
      worstRow = rowIds[loss.batchWorstRow()];
    }
    if (loss.tracksWorstRow() && rowIds != null && loss.batchLargestLogitRow() >= 0
        && loss.batchLargestLogit() > largestLogit) {
      largestLogit = loss.batchLargestLogit();
      largestLogitRow = rowIds[loss.batchLargestLogitRow()];
    }
    if (leaveOutNonFinite) {
      for (int r = 0; r < rows; r++) {
        leftOut += finite(out, r * outputs, outputs) ? 0 : 1;
      }
    } else if (rowIds != null) {
      for (int r = 0; r < rows; r++) {
        if (!finite(out, r * outputs, outputs)) {
          nonFiniteRows++;
          if (nonFiniteRow < 0 || rowIds[r] < nonFiniteRow) {
            nonFiniteRow = rowIds[r];
          }
        }
      }
    }
    if (task == Task.REGRESSION) {
      if (sums == null) {
        sums = new double[4 * outputs];
      }
      for (int r = 0; r < rows; r++) {
        if (leftOut(out, r)) {
          continue;
        }
        double w = weights == null ? 1 : weights[r];
        for (int j = 0; j < outputs; j++) {
          double y = targets[r * outputs + j];
          double err = out[r * outputs + j] - y;
          sums[4 * j] += w * err * err;
          sums[4 * j + 1] += w * Math.abs(err);
          sums[4 * j + 2] += w * y;
          sums[4 * j + 3] += w * y * y;
        }
      }
      return;
    }
    if (counts == null) {
      counts = new double[task == Task.MULTILABEL ? 4 * classes : classes * classes];
      if (task == Task.BINARY) {
        histogram = new double[2 * BINS];
      } else if (task == Task.MULTICLASS && classes <= MAX_AUC_CLASSES) {
        histogram = new double[2 * classes * OVR_BINS];
      }
    }
    for (int r = 0; r < rows; r++) {
      if (leftOut(out, r)) {
        continue;
      }
      double w = weights == null ? 1 : weights[r];
      switch (task) {
        case MULTICLASS: {
          int actual = (int) targets[r];
          counts[actual * classes + argMax(out, r * outputs, outputs)] += w;
          if (histogram != null) {
            for (int c = 0; c < classes; c++) {
              histogram[(2 * c + (c == actual ? 0 : 1)) * OVR_BINS + bin(out[r * outputs + c], OVR_BINS)] += w;
            }
          }
          break;
        }
        case BINARY: {
          int actual = (int) targets[r];
          counts[actual * 2 + (out[r] >= threshold ? 1 : 0)] += w;
          histogram[(actual == 1 ? 0 : BINS) + bin(out[r], BINS)] += w;
          break;
        }
        case MULTILABEL:
          for (int j = 0; j < classes; j++) {
            boolean actual = targets[r * classes + j] >= 0.5f;
            boolean predicted = out[r * classes + j] >= threshold;
            counts[4 * j + (actual ? (predicted ? 0 : 2) : (predicted ? 1 : 3))] += w;
          }
          break;
        default:
          throw new AssertionError(task);
      }
    }
  }

  private boolean leftOut(float[] out, int row) {
    return leaveOutNonFinite && !finite(out, row * outputs, outputs);
  }

  private static boolean finite(float[] a, int offset, int n) {
    for (int j = offset; j < offset + n; j++) {
      if (!Float.isFinite(a[j])) {
        return false;
      }
    }
    return true;
  }

  /** How many rows (with ids) were added with NaN or infinite outputs. */
  public long nonFiniteRows() {
    return nonFiniteRows;
  }

  /** The smallest id of the rows added whose outputs were NaN or infinite; −1 when there was none. */
  public long nonFiniteRow() {
    return nonFiniteRow;
  }

  private static int bin(float p, int bins) {
    int b = (int) (p * bins);
    return b < 0 ? 0 : Math.min(bins - 1, b);
  }

  public EvaluationAccumulator merge(EvaluationAccumulator other) {
    loss.merge(other.loss);
    counts = add(counts, other.counts);
    sums = add(sums, other.sums);
    histogram = add(histogram, other.histogram);
    if (other.nonFiniteRow >= 0 && (nonFiniteRow < 0 || other.nonFiniteRow < nonFiniteRow)) {
      nonFiniteRow = other.nonFiniteRow;
    }
    leftOut += other.leftOut;
    nonFiniteRows += other.nonFiniteRows;
    if (other.worstRowLoss > worstRowLoss) {
      worstRowLoss = other.worstRowLoss;
      worstRow = other.worstRow;
    }
    if (other.largestLogit > largestLogit) {
      largestLogit = other.largestLogit;
      largestLogitRow = other.largestLogitRow;
    }
    return this;
  }

  private static double[] add(double[] mine, double[] theirs) {
    if (theirs == null) {
      return mine;
    }
    if (mine == null) {
      return theirs.clone();
    }
    for (int i = 0; i < mine.length; i++) {
      mine[i] += theirs[i];
    }
    return mine;
  }

  public long rows() {
    return loss.rows();
  }

  public double meanLoss() {
    return loss.meanLoss();
  }

  /** Weighted share of rows predicted right (every label right, for multi-label). */
  public double accuracy() {
    return loss.accuracy();
  }

  /** Root mean squared error over all outputs (regression), weighted by rows. */
  public double rmse() {
    double total = 0;
    for (int j = 0; j < outputs; j++) {
      total += sums == null ? 0 : sums[4 * j];
    }
    return Math.sqrt(total / (loss.weight() * outputs));
  }

  public double mae() {
    double total = 0;
    for (int j = 0; j < outputs; j++) {
      total += sums == null ? 0 : sums[4 * j + 1];
    }
    return total / (loss.weight() * outputs);
  }

  /** Coefficient of determination, averaged over outputs (weighted by rows). */
  public double r2() {
    double total = 0;
    double n = loss.weight();
    for (int j = 0; j < outputs; j++) {
      double mean = sums[4 * j + 2] / n;
      double variance = sums[4 * j + 3] - n * mean * mean;
      total += variance > 0 ? 1 - sums[4 * j] / variance : Double.NaN;
    }
    return total / outputs;
  }

  /** Weighted confusion matrix [actual][predicted] (multi-class and binary). */
  public double[][] confusionMatrix() {
    int k = classes;
    double[][] m = new double[k][k];
    for (int a = 0; a < k; a++) {
      for (int p = 0; p < k; p++) {
        m[a][p] = counts == null ? 0 : counts[a * k + p];
      }
    }
    return m;
  }

  /**
   * Area under the ROC curve and under the precision-recall curve: for binary — a sigmoid output, or
   * a softmax over two classes — class 1 against class 0, as Spark's BinaryClassificationEvaluator
   * reads the probability of class 1 (averaging both classes' PR areas, as one against the rest
   * would, measured 0.638 where Spark said 0.351); for more classes, the mean over classes (each
   * against the rest) that have both positive and negative rows. NaN when not defined (regression,
   * multi-label, too many classes, one class only).
   */
  double[] areas() {
    if (histogram == null) {
      return new double[] {Double.NaN, Double.NaN};
    }
    if (task == Task.BINARY) {
      return areas(histogram, 0, BINS, BINS);
    }
    if (classes == 2) {
      return areas(histogram, 2 * OVR_BINS, 3 * OVR_BINS, OVR_BINS);
    }
    double roc = 0;
    double pr = 0;
    int n = 0;
    for (int c = 0; c < classes; c++) {
      double[] a = areas(histogram, 2 * c * OVR_BINS, (2 * c + 1) * OVR_BINS, OVR_BINS);
      if (!Double.isNaN(a[0])) {
        roc += a[0];
        pr += a[1];
        n++;
      }
    }
    return n == 0 ? new double[] {Double.NaN, Double.NaN} : new double[] {roc / n, pr / n};
  }

  /**
   * ROC and PR areas from histograms of positives (at {@code pos}) and negatives (at {@code neg}),
   * thresholds from the highest bin down; trapezoids, as Spark's BinaryClassificationMetrics. The PR
   * curve starts at recall 0 with the first point's precision.
   */
  static double[] areas(double[] h, int pos, int neg, int bins) {
    double positives = 0;
    double negatives = 0;
    for (int b = 0; b < bins; b++) {
      positives += h[pos + b];
      negatives += h[neg + b];
    }
    if (positives <= 0 || negatives <= 0) {
      return new double[] {Double.NaN, Double.NaN};
    }
    double tp = 0;
    double fp = 0;
    double roc = 0;
    double pr = 0;
    double lastTpr = 0;
    double lastFpr = 0;
    double lastRecall = 0;
    double lastPrecision = Double.NaN;
    for (int b = bins - 1; b >= 0; b--) {
      if (h[pos + b] == 0 && h[neg + b] == 0) {
        continue;
      }
      tp += h[pos + b];
      fp += h[neg + b];
      double tpr = tp / positives;
      double fpr = fp / negatives;
      roc += (fpr - lastFpr) * (tpr + lastTpr) / 2;
      double precision = tp / (tp + fp);
      if (Double.isNaN(lastPrecision)) {
        lastPrecision = precision;
      }
      pr += (tpr - lastRecall) * (precision + lastPrecision) / 2;
      lastTpr = tpr;
      lastFpr = fpr;
      lastRecall = tpr;
      lastPrecision = precision;
    }
    return new double[] {roc, pr};
  }

  /**
   * Every metric of the rows added so far.
   *
   * @param labels class or label names in output order (null for regression)
   */
  public EvaluationResult result(String[] labels) {
    if (task == Task.REGRESSION) {
      return new EvaluationResult(task, rows(), loss.weight(), meanLoss(), Double.NaN, Double.NaN, Double.NaN,
          List.of(), List.of(), new double[0][], rmse(), mae(), r2(), Double.NaN, Double.NaN, 0, nonFiniteRow);
    }
    List<ClassMetrics> perClass = new ArrayList<>();
    double f1Sum = 0;
    int averaged = 0; // classes in the macro average
    for (int c = 0; c < classes; c++) {
      double tp;
      double fp;
      double fn;
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
      // A class no row holds and none is predicted as has no F1 to average: a network with room for
      // 10 classes trained on 4 would read 0.35 for 0.88 accuracy. Averaged over the classes that
      // occur, in the targets or the predictions, as scikit-learn's f1_score(average="macro") does;
      // every label of a multi-label network counts.
      if (task == Task.MULTILABEL || tp + fp + fn > 0) {
        f1Sum += m.f1();
        averaged++;
      }
      perClass.add(m);
    }
    double hamming = Double.NaN;
    if (task == Task.MULTILABEL && counts != null) {
      double right = 0;
      for (int c = 0; c < classes; c++) {
        right += counts[4 * c] + counts[4 * c + 3];
      }
      hamming = right / (loss.weight() * classes);
    }
    double[] areas = areas();
    return new EvaluationResult(task, rows(), loss.weight(), meanLoss(), accuracy(),
        averaged > 0 ? f1Sum / averaged : f1Sum / classes, hamming,
        perClass, Arrays.asList(labels), task == Task.MULTILABEL ? new double[0][] : confusionMatrix(),
        Double.NaN, Double.NaN, Double.NaN, areas[0], areas[1], 0, nonFiniteRow);
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
