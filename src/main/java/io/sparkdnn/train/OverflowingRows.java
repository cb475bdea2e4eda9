package io.sparkdnn.train;

import io.sparkdnn.data.DataException;
import io.sparkdnn.data.PackedData;
import io.sparkdnn.scoring.Evaluator;
import io.sparkdnn.scoring.ModelScoring;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;

/**
 * Tells a row's fault from the learning rate's when training meets NaN or infinity. A training row
 * whose output is NaN or infinite at weights that were fine for the rest — the weights a failed
 * round started from, or the initial weights of a range test — overflows whatever the rate: no
 * smaller one helps, so the failure names the row instead of advising one. Costs one evaluation
 * pass over the training blocks and, when a row is found, one job to place it; only on the failure
 * path.
 */
final class OverflowingRows {
  /** What to do about such a row, after it is named. */
  static final String REMEDY = "; no model was written, and a smaller learning rate will not help"
      + ModelScoring.NON_FINITE_REMEDY;

  private OverflowingRows() {}

  /**
   * Throws when a training row of {@code data} has a NaN or infinite output at {@code weights}
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
    long row;
    try {
      row = evaluator.evaluate(data.training(), broadcast, depth).nonFiniteRow();
    } finally {
      broadcast.destroy();
    }
    if (row >= 0) {
      throw ModelScoring.nonFiniteTrainingRow(data, row, "its features give the network a NaN or infinite output "
          + "at " + when + ", where the other training rows' outputs are finite, so training cannot go on", REMEDY);
    }
  }
}
