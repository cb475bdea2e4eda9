package io.sparkdnn.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sparkdnn.results.Json;

/**
 * One change of a model's production pointer, as history.jsonl records it.
 *
 * @param time when (ISO-8601 instant)
 * @param action promote, force-promote, manual-promote or rollback
 * @param from the version production pointed to before; null when there was none
 * @param to the version it points to since
 */
public record PointerChange(String time, String action, String from, String to, String reason) {

  ObjectNode toJson() {
    ObjectNode node = Json.object();
    node.put("time", time);
    node.put("action", action);
    node.put("from", from);
    node.put("to", to);
    node.put("reason", reason);
    return node;
  }

  static PointerChange fromJson(JsonNode node) {
    JsonNode from = node.get("from");
    return new PointerChange(node.path("time").asText(), node.path("action").asText(),
        from == null || from.isNull() ? null : from.asText(), node.path("to").asText(), node.path("reason").asText());
  }
}
