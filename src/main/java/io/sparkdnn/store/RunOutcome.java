package io.sparkdnn.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sparkdnn.results.Json;

/**
 * How a scheduled run ended, recorded under its run id so that a rerun of the same id does nothing
 * and exits as the first one did.
 *
 * @param version the version the run wrote
 * @param outcome "promoted" or "kept VERSION"
 * @param exitCode the exit status the run ended with (0 promoted, 3 production kept)
 * @param finished when the outcome was recorded (ISO-8601 instant)
 */
public record RunOutcome(String version, String outcome, String reason, int exitCode, String finished) {

  ObjectNode toJson() {
    ObjectNode node = Json.object();
    node.put("version", version);
    node.put("outcome", outcome);
    node.put("reason", reason);
    node.put("exit_code", exitCode);
    node.put("finished", finished);
    return node;
  }

  static RunOutcome fromJson(JsonNode node) {
    return new RunOutcome(node.path("version").asText(), node.path("outcome").asText(), node.path("reason").asText(),
        node.path("exit_code").asInt(0), node.path("finished").asText());
  }
}
