package io.sparkdnn.results;

/**
 * One class (or, for multi-label, one label) of an evaluation: precision tp/(tp+fp), recall
 * tp/(tp+fn), their harmonic mean F1 (0 when both are 0) and support tp+fn (the weight of the rows
 * that have it: their count without row weights).
 */
public record ClassMetrics(String name, double precision, double recall, double f1, double support) implements java.io.Serializable {

  /** From (weighted) confusion counts; undefined ratios (0/0) are 0, as scikit-learn reports them. */
  public static ClassMetrics of(String name, double tp, double fp, double fn) {
    double precision = tp + fp == 0 ? 0 : tp / (tp + fp);
    double recall = tp + fn == 0 ? 0 : tp / (tp + fn);
    double f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
    return new ClassMetrics(name, precision, recall, f1, tp + fn);
  }
}
