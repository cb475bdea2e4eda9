package io.sparkdnn.results;

/**
 * One class (or, for multi-label, one label) of an evaluation: precision tp/(tp+fp), recall
 * tp/(tp+fn), their harmonic mean F1 (0 when both are 0) and support tp+fn (rows that have it).
 */
public record ClassMetrics(String name, double precision, double recall, double f1, long support) implements java.io.Serializable {

  /** From confusion counts; undefined ratios (0/0) are 0, as scikit-learn reports them. */
  public static ClassMetrics of(String name, long tp, long fp, long fn) {
    double precision = tp + fp == 0 ? 0 : (double) tp / (tp + fp);
    double recall = tp + fn == 0 ? 0 : (double) tp / (tp + fn);
    double f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
    return new ClassMetrics(name, precision, recall, f1, tp + fn);
  }
}
