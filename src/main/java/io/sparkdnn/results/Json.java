package io.sparkdnn.results;

import io.sparkdnn.files.Causes;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one place results become JSON and back: the files a run writes (metadata.json, metrics.jsonl,
 * checkpoints, the store's records) are the edges where typed results meet text. Absent numbers are
 * written as nothing (the field is left out), never as NaN, which JSON cannot hold.
 */
public final class Json {
  /** Shared, thread-safe once configured. */
  public static final ObjectMapper MAPPER = new ObjectMapper();

  private Json() {}

  public static ObjectNode object() {
    return MAPPER.createObjectNode();
  }

  /** Puts {@code value} under {@code name} when it is a finite number; leaves the field out otherwise. */
  static void putFinite(ObjectNode node, String name, double value) {
    if (Double.isFinite(value)) {
      node.put(name, value);
    }
  }

  /** The number at {@code name}, or NaN when absent or not a number. */
  static double number(JsonNode node, String name) {
    JsonNode v = node.get(name);
    return v != null && v.isNumber() ? v.asDouble() : Double.NaN;
  }

  /** The text at {@code name}, or null when absent or null. */
  static String text(JsonNode node, String name) {
    JsonNode v = node.get(name);
    return v == null || v.isNull() ? null : v.asText();
  }

  static ArrayNode strings(List<String> values) {
    ArrayNode a = MAPPER.createArrayNode();
    values.forEach(a::add);
    return a;
  }

  static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    if (array != null) {
      array.forEach(v -> out.add(v.asText()));
    }
    return out;
  }

  /** A JSON object of numbers as an insertion-ordered map (e.g. a label distribution). */
  static Map<String, Double> numbers(JsonNode object) {
    Map<String, Double> out = new LinkedHashMap<>();
    if (object != null) {
      object.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asDouble()));
    }
    return out;
  }

  static ObjectNode numbers(Map<String, Double> values) {
    ObjectNode o = object();
    values.forEach(o::put);
    return o;
  }

  /** Reads one line of JSON; the message of a failure names {@code what}. */
  public static JsonNode parse(String text, String what) {
    try {
      return MAPPER.readTree(text);
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException(what + " is not valid JSON " + problem(e));
    }
  }

  /**
   * What is wrong with a JSON text, from Jackson's failure, in a reader's words: where reading
   * stopped (line and column) and the problem — without Jackson's description of its source
   * ("[Source: REDACTED …]") or, for an object left open, where that object began (line 25 of a
   * file cut at line 48). Other failures: their first line.
   */
  public static String problem(java.io.IOException e) {
    if (!(e instanceof com.fasterxml.jackson.core.JsonProcessingException j)) {
      return "(" + Causes.firstLine(e) + ")";
    }
    String message = j.getOriginalMessage() == null ? "unknown problem" : j.getOriginalMessage();
    int marker = message.indexOf(" (start marker at");
    if (marker >= 0) {
      message = message.substring(0, marker);
    }
    int newline = message.indexOf('\n');
    if (newline >= 0) {
      message = message.substring(0, newline);
    }
    com.fasterxml.jackson.core.JsonLocation at = j.getLocation();
    return at != null && at.getLineNr() > 0
        ? "at line " + at.getLineNr() + ", column " + at.getColumnNr() + " (" + message + ")"
        : "(" + message + ")";
  }

  /** One line of JSON. */
  public static String line(JsonNode node) {
    try {
      return MAPPER.writeValueAsString(node);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
