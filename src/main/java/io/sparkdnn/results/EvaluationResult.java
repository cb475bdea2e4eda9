package io.sparkdnn.results;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sparkdnn.engine.Task;
import java.util.ArrayList;
import java.util.List;

/**
 * The metrics of a model on labelled rows. Which fields apply depends on the task; the others are
 * NaN (numbers) or empty (lists):
 *
 * <ul>
 *   <li>every task: {@code rows}, {@code loss} (mean per row);
 *   <li>multi-class and binary: {@code accuracy}, {@code macroF1} (the mean F1 of the classes that
 *       occur in the labels or the predictions), {@code perClass} and the confusion matrix
 *       {@code confusion[actual][predicted]} (K × K) over {@code labels};
 *   <li>multi-label: {@code accuracy} (every label right), {@code hammingAccuracy} (labels right),
 *       {@code macroF1} and {@code perClass} (one entry per label);
 *   <li>regression: {@code rmse} and {@code mae} over all outputs, {@code r2} averaged over outputs,
 *       all in the targets' own units;
 *   <li>binary: {@code rocAuc} and {@code prAuc} (class 1 against class 0); multi-class with up to
 *       64 classes: their means over the classes, each against the rest.
 * </ul>
 *
 * With row weights every count is the rows' summed weight (and every mean a weighted mean).
 *
 * @param weight the rows' summed weight (equal to {@code rows} without row weights)
 * @param confusion [actual][predicted] (weighted) counts, K × K
 * @param skippedRows rows left out as bad (data.bad-rows = skip), 0 otherwise
 * @param nonFiniteRow the 0-based id (position in the data's read order, bad rows counted) of the
 *     first row whose outputs were NaN or infinite, or −1 when there was none: such a row makes the
 *     metrics wrong (see {@code ModelScoring.finite}); not part of the JSON form
 */
public record EvaluationResult(
    Task task, long rows, double weight, double loss, double accuracy, double macroF1, double hammingAccuracy,
    List<ClassMetrics> perClass, List<String> labels, double[][] confusion,
    double rmse, double mae, double r2, double rocAuc, double prAuc, long skippedRows,
    long nonFiniteRow) implements java.io.Serializable {

  public EvaluationResult {
    perClass = List.copyOf(perClass);
    labels = List.copyOf(labels);
  }

  /** The value of {@code metric}; NaN when this task does not report it. */
  public double metric(MetricName metric) {
    switch (metric) {
      case ACCURACY:
        return accuracy;
      case MACRO_F1:
        return macroF1;
      case LOSS:
        return loss;
      case RMSE:
        return rmse;
      case MAE:
        return mae;
      case R2:
        return r2;
      case ROC_AUC:
        return rocAuc;
      case PR_AUC:
        return prAuc;
      default:
        throw new AssertionError(metric);
    }
  }

  public EvaluationResult withSkippedRows(long skipped) {
    return new EvaluationResult(task, rows, weight, loss, accuracy, macroF1, hammingAccuracy, perClass, labels,
        confusion, rmse, mae, r2, rocAuc, prAuc, skipped, nonFiniteRow);
  }

  /**
   * The JSON form printed by {@code dnn evaluate} and stored in metadata.json: rows, loss, then
   * accuracy, macro_f1 and per_class/labels/confusion_matrix (hamming_accuracy and per_label for
   * multi-label), or rmse, mae and r2; skipped_rows when rows were skipped.
   */
  public ObjectNode toJson() {
    ObjectNode m = Json.object();
    m.put("rows", rows);
    if (weight != rows) {
      m.put("weight", weight);
    }
    Json.putFinite(m, "loss", loss);
    if (task == Task.REGRESSION) {
      Json.putFinite(m, "rmse", rmse);
      Json.putFinite(m, "mae", mae);
      Json.putFinite(m, "r2", r2);
    } else {
      Json.putFinite(m, "accuracy", accuracy);
      Json.putFinite(m, "macro_f1", macroF1);
      Json.putFinite(m, "roc_auc", rocAuc);
      Json.putFinite(m, "pr_auc", prAuc);
      ArrayNode classes = Json.MAPPER.createArrayNode();
      String key = task == Task.MULTILABEL ? "label" : "class";
      for (ClassMetrics c : perClass) {
        ObjectNode e = classes.addObject();
        e.put(key, c.name());
        e.put("precision", c.precision());
        e.put("recall", c.recall());
        e.put("f1", c.f1());
        putCount(e, "support", c.support());
      }
      if (task == Task.MULTILABEL) {
        Json.putFinite(m, "hamming_accuracy", hammingAccuracy);
        m.set("per_label", classes);
      } else {
        m.set("per_class", classes);
        m.set("labels", Json.strings(labels));
        ArrayNode matrix = m.putArray("confusion_matrix");
        for (double[] row : confusion) {
          ArrayNode r = matrix.addArray();
          for (double v : row) {
            if (v == Math.rint(v) && Math.abs(v) < 1e15) {
              r.add((long) v);
            } else {
              r.add(v);
            }
          }
        }
      }
    }
    if (skippedRows > 0) {
      m.put("skipped_rows", skippedRows);
    }
    return m;
  }

  /** A count as an integer when it is one (unweighted), else as a number. */
  private static void putCount(ObjectNode node, String name, double v) {
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      node.put(name, (long) v);
    } else {
      node.put(name, v);
    }
  }

  /** Reads {@link #toJson()}'s form back; {@code task} says which fields to expect. */
  public static EvaluationResult fromJson(JsonNode m, Task task) {
    List<ClassMetrics> perClass = new ArrayList<>();
    String key = task == Task.MULTILABEL ? "label" : "class";
    for (JsonNode e : m.path(task == Task.MULTILABEL ? "per_label" : "per_class")) {
      perClass.add(new ClassMetrics(e.path(key).asText(), e.path("precision").asDouble(),
          e.path("recall").asDouble(), e.path("f1").asDouble(), e.path("support").asDouble()));
    }
    JsonNode matrix = m.path("confusion_matrix");
    double[][] confusion = new double[matrix.size()][];
    for (int a = 0; a < confusion.length; a++) {
      JsonNode row = matrix.get(a);
      confusion[a] = new double[row.size()];
      for (int p = 0; p < row.size(); p++) {
        confusion[a][p] = row.get(p).asDouble();
      }
    }
    long rows = m.path("rows").asLong();
    return new EvaluationResult(task, rows, m.path("weight").asDouble(rows), Json.number(m, "loss"),
        Json.number(m, "accuracy"), Json.number(m, "macro_f1"), Json.number(m, "hamming_accuracy"), perClass,
        Json.strings(m.get("labels")), confusion, Json.number(m, "rmse"), Json.number(m, "mae"), Json.number(m, "r2"),
        Json.number(m, "roc_auc"), Json.number(m, "pr_auc"), m.path("skipped_rows").asLong(0), -1);
  }
}
