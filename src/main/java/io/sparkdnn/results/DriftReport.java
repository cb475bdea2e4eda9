package io.sparkdnn.results;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What moved between the training data of the production model and of a new one.
 *
 * @param thresholds the thresholds applied, as text for people
 * @param driftedFeatures how many features moved beyond them
 * @param features the largest of those moves, largest first (at most 50)
 * @param labels the label distribution's change; null when either model has none (regression)
 */
public record DriftReport(String thresholds, int driftedFeatures, List<FeatureDrift> features, LabelDrift labels) implements java.io.Serializable {

  public DriftReport {
    features = List.copyOf(features);
  }

  /** A feature whose mean moved by {@code meanShiftInStd} of the old standard deviations, or whose spread changed. */
  public record FeatureDrift(String name, double oldMean, double newMean, double meanShiftInStd, double oldStd,
      double newStd) implements java.io.Serializable {}

  /** Total variation distance between the two class distributions, and whether it passed the threshold. */
  public record LabelDrift(double totalVariation, boolean drifted, Map<String, Double> before, Map<String, Double> now) implements java.io.Serializable {}

  public ObjectNode toJson() {
    ObjectNode out = Json.object();
    out.put("thresholds", thresholds);
    out.put("drifted_features", driftedFeatures);
    ArrayNode f = out.putArray("features");
    for (FeatureDrift e : features) {
      f.addObject().put("name", e.name()).put("old_mean", e.oldMean()).put("new_mean", e.newMean())
          .put("mean_shift_in_std", e.meanShiftInStd()).put("old_std", e.oldStd()).put("new_std", e.newStd());
    }
    if (labels != null) {
      ObjectNode l = out.putObject("label_distribution");
      l.put("total_variation", labels.totalVariation());
      l.put("drifted", labels.drifted());
      l.set("before", Json.numbers(labels.before()));
      l.set("now", Json.numbers(labels.now()));
    }
    return out;
  }

  public static DriftReport fromJson(JsonNode node) {
    List<FeatureDrift> features = new ArrayList<>();
    for (JsonNode e : node.path("features")) {
      features.add(new FeatureDrift(e.path("name").asText(), Json.number(e, "old_mean"), Json.number(e, "new_mean"),
          Json.number(e, "mean_shift_in_std"), Json.number(e, "old_std"), Json.number(e, "new_std")));
    }
    JsonNode l = node.get("label_distribution");
    LabelDrift labels = l == null ? null : new LabelDrift(Json.number(l, "total_variation"),
        l.path("drifted").asBoolean(), Json.numbers(l.get("before")), Json.numbers(l.get("now")));
    return new DriftReport(node.path("thresholds").asText(), node.path("drifted_features").asInt(), features, labels);
  }
}
