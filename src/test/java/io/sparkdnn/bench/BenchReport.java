package io.sparkdnn.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sparkdnn.results.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * A benchmark's output: markdown (title, sections, tables) printed and written to
 * bench/results/NAME-yyyyMMdd-HHmm.md, and every table row as one JSON object (its section, then
 * header → cell, numbers parsed where the cell is one) in the .json beside it, so that runs can
 * be compared by a script.
 */
final class BenchReport {
  private final List<String> lines = new ArrayList<>();
  private final ArrayNode json = Json.MAPPER.createArrayNode();
  private String currentSection = "";
  private String[] currentHeaders = new String[0];

  void title(String s) {
    lines.add("# " + s);
    lines.add("");
  }

  void section(String s) {
    currentSection = s;
    lines.add("");
    lines.add("## " + s);
    lines.add("");
  }

  void line(String s) {
    lines.add(s);
  }

  void table(String... headers) {
    currentHeaders = headers;
    lines.add("| " + String.join(" | ", headers) + " |");
    String[] rule = new String[headers.length];
    Arrays.fill(rule, "---");
    lines.add("|" + String.join("|", rule) + "|");
  }

  /** A table row; its JSON object holds numbers where a cell is one once ",", " s", "×" and "%" are dropped. */
  void row(String... cells) {
    lines.add("| " + String.join(" | ", cells) + " |");
    ObjectNode o = json.addObject();
    o.put("section", currentSection);
    for (int i = 0; i < cells.length && i < currentHeaders.length; i++) {
      String cell = cells[i].replace(",", "").replace(" s", "").replace("×", "").replace("%", "").trim();
      try {
        o.put(currentHeaders[i], Double.parseDouble(cell));
      } catch (NumberFormatException e) {
        o.put(currentHeaders[i], cells[i]);
      }
    }
  }

  /**
   * Prints the markdown, then writes NAME-STAMP.md and NAME-STAMP.json under bench/results; every
   * JSON row also carries {@code common} (date, CPU, …).
   */
  void write(String name, Map<String, String> common) throws IOException {
    String text = String.join("\n", lines) + "\n";
    System.out.print(text);
    String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmm"));
    Path out = Path.of("bench/results/" + name + "-" + stamp + ".md");
    Files.createDirectories(out.getParent());
    Files.writeString(out, text);
    for (JsonNode row : json) {
      common.forEach(((ObjectNode) row)::put);
    }
    Path jsonOut = Path.of("bench/results/" + name + "-" + stamp + ".json");
    Files.writeString(jsonOut, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(json) + "\n");
    System.out.println("\nwritten to " + out + " and " + jsonOut);
  }

  /** The CPU model from /proc/cpuinfo and whether it has AVX-512; the architecture when unreadable. */
  static String cpu() {
    try {
      for (String l : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
        if (l.startsWith("model name")) {
          String flags = Files.readString(Path.of("/proc/cpuinfo")).contains("avx512f") ? "AVX-512" : "AVX2";
          return l.substring(l.indexOf(':') + 1).trim() + " (" + flags + ")";
        }
      }
    } catch (IOException e) {
      // informational
    }
    return System.getProperty("os.arch");
  }
}
