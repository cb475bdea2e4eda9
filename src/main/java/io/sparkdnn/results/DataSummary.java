package io.sparkdnn.results;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What the training data looked like, kept with every model so that retraining can report what
 * moved: per feature mean, standard deviation (population), minimum and maximum; for classification
 * the share of each class, otherwise per target mean and standard deviation.
 *
 * @param labelDistribution class → share of training rows (sums to 1); null for other tasks
 * @param targets per output statistics; empty for multi-class and binary
 */
public record DataSummary(long rows, List<Feature> features, Map<String, Double> labelDistribution,
    List<Target> targets) implements java.io.Serializable {

  public DataSummary {
    features = List.copyOf(features);
    targets = List.copyOf(targets);
  }

  /** One feature's statistics over the training rows. */
  public record Feature(String name, double mean, double std, double min, double max) implements java.io.Serializable {}

  /** One regression target's (or multi-label output's) statistics. */
  public record Target(String name, double mean, double std) implements java.io.Serializable {}

  /** The form kept in metadata.json under "data_profile". */
  public ObjectNode toJson() {
    ObjectNode out = Json.object();
    out.put("rows", rows);
    ArrayNode f = out.putArray("features");
    for (Feature e : features) {
      f.addObject().put("name", e.name()).put("mean", e.mean()).put("std", e.std()).put("min", e.min())
          .put("max", e.max());
    }
    if (labelDistribution != null) {
      out.set("label_distribution", Json.numbers(labelDistribution));
    } else {
      ArrayNode t = out.putArray("targets");
      for (Target e : targets) {
        t.addObject().put("name", e.name()).put("mean", e.mean()).put("std", e.std());
      }
    }
    return out;
  }

  public static DataSummary fromJson(JsonNode node) {
    List<Feature> features = new ArrayList<>();
    for (JsonNode e : node.path("features")) {
      features.add(new Feature(e.path("name").asText(), Json.number(e, "mean"), Json.number(e, "std"),
          Json.number(e, "min"), Json.number(e, "max")));
    }
    List<Target> targets = new ArrayList<>();
    for (JsonNode e : node.path("targets")) {
      targets.add(new Target(e.path("name").asText(), Json.number(e, "mean"), Json.number(e, "std")));
    }
    Map<String, Double> labels = node.has("label_distribution") ? Json.numbers(node.get("label_distribution")) : null;
    return new DataSummary(node.path("rows").asLong(), features, labels, targets);
  }
}
