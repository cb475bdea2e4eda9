package io.sparkdnn.train;

import io.sparkdnn.data.DataException;
import io.sparkdnn.data.PackedData;
import io.sparkdnn.scoring.EvaluationAccumulator;
import io.sparkdnn.scoring.Evaluator;
import io.sparkdnn.scoring.ModelScoring;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;

/**
 * Tells a row's fault from the learning rate's when training meets NaN, infinity or a loss that
 * explodes. A training row whose output is NaN or infinite, or whose loss is over
 * {@value DistributedTrainer#EXPLOSION} times the other rows' mean, at weights that were fine for
 * the rest (the weights a failed round started from, or the initial weights of a range test)
 * overflows whatever the rate: no smaller one helps, so the failure names the row instead of
 * advising one. Costs one evaluation
 * pass over the training blocks and, when a row is found, one job to place it; only on the failure
 * path.
 */
final class OverflowingRows {
  /** What to do about such a row, after it is named. */
  static final String REMEDY = "; no model was written, and a smaller learning rate will not help"
      + ModelScoring.NON_FINITE_REMEDY;

  private OverflowingRows() {}

  /**
   * Throws when a training row of {@code data} has a NaN or infinite output, or a loss or a largest
   * logit over {@value DistributedTrainer#EXPLOSION} times the other rows' mean, at {@code weights}
   * (laid out as {@code evaluator} takes them); returns when none has.
   *
   * @param when the weights, in words ("the weights epoch 2/5 · round 1/8 started from")
   * @param depth the tree depth of the evaluation's aggregate
   * @throws DataException naming the first such row (by input order) and where it was read
   */
  static void check(JavaSparkContext sc, PackedData data, Evaluator evaluator, float[] weights, int depth,
      String when) {
    sc.setJobDescription("rows the network overflows on, at " + when);
    Broadcast<float[]> broadcast = sc.broadcast(weights.clone());
    EvaluationAccumulator sums;
    try {
      sums = evaluator.withWorstRowTracked().evaluate(data.training(), broadcast, depth);
    } finally {
      broadcast.destroy();
    }
    long rows = sums.loss().rows();
    if (sums.nonFiniteRow() >= 0 && sums.nonFiniteRows() * 10 <= rows) {
      // a few rows, not weights that overflow for every row (which a smaller rate can help)
      throw ModelScoring.overflowingTrainingRow(data, sums.nonFiniteRow(), "its features give the network a NaN or "
          + "infinite output at " + when + ", where " + (rows - sums.nonFiniteRows()) + " of the " + rows
          + " training rows' outputs are finite, so training cannot go on", REMEDY);
    }
    if (sums.nonFiniteRow() >= 0) {
      return; // the weights overflow for many rows: a rate, not a row
    }
    long others = rows - 1;
    double worst = sums.worstRowLoss();
    // the others' typical loss: a geometric mean of 1 + loss, which the worst row's 1e36 leaves intact
    double othersMean = others > 0 ? Math.expm1((sums.loss().lossLogSum() - Math.log1p(worst)) / others)
        : Double.NaN;
    if (sums.worstRow() >= 0 && Double.isFinite(worst) && Double.isFinite(othersMean)
        && worst > DistributedTrainer.EXPLOSION * Math.max(othersMean, 1e-3)) {
      // Finite, but a loss that dwarfs the rest (3e38 in a feature gives 1e36): its gradient swamps
      // every step, and the sums overflow or explode as NaN does.
      throw ModelScoring.overflowingTrainingRow(data, sums.worstRow(), String.format(java.util.Locale.ROOT,
          "its features give the network a loss of %.3g at %s, over %.0f times the %.3g of the other training rows "
              + "(a geometric mean; some features are far outside the others' range), so training cannot go on",
          worst, when, DistributedTrainer.EXPLOSION, othersMean), REMEDY);
    }
    // A saturated row can have a tiny loss (its class wins by 1e37) and still carry the weights away
    // once a step moves them: its logits, not its loss, dwarf the rest.
    double largest = sums.largestLogit();
    double othersLogit = others > 0 ? Math.expm1((sums.loss().logitLogSum() - Math.log1p(largest)) / others)
        : Double.NaN;
    if (sums.largestLogitRow() >= 0 && Double.isFinite(largest) && Double.isFinite(othersLogit)
        && largest > DistributedTrainer.EXPLOSION * Math.max(othersLogit, 1)) {
      throw ModelScoring.overflowingTrainingRow(data, sums.largestLogitRow(), String.format(java.util.Locale.ROOT,
          "its features give the network an output of size %.3g at %s (before the output activation), over %.0f "
              + "times the %.3g of the other training rows (a geometric mean; some features are far outside the "
              + "others' range), so training cannot go on", largest, when, DistributedTrainer.EXPLOSION, othersLogit),
          REMEDY);
    }
  }
}
