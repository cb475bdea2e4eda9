package io.sparkdnn.results;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Whether a new model version replaced production, and why.
 *
 * @param metric the metric compared
 * @param margin how much worse than production the new version may be and still be promoted
 * @param productionVersion production's version at the time; null when there was none
 * @param newValue the new version's value of the metric; NaN when it has none (no validation data)
 * @param productionValue production's value on the same rows; NaN when it could not be evaluated
 */
public record PromotionDecision(boolean promoted, String reason, MetricName metric, double margin,
    String productionVersion, double newValue, double productionValue) implements java.io.Serializable {

  public ObjectNode toJson() {
    ObjectNode d = Json.object();
    d.put("metric", metric.token());
    d.put("margin", margin);
    d.put("production_version", productionVersion);
    Json.putFinite(d, "new_value", newValue);
    Json.putFinite(d, "production_value", productionValue);
    d.put("promoted", promoted);
    d.put("reason", reason);
    return d;
  }

  public static PromotionDecision fromJson(JsonNode d) {
    return new PromotionDecision(d.path("promoted").asBoolean(), d.path("reason").asText(),
        MetricName.fromToken(d.path("metric").asText("accuracy")), d.path("margin").asDouble(),
        Json.text(d, "production_version"), Json.number(d, "new_value"), Json.number(d, "production_value"));
  }
}
