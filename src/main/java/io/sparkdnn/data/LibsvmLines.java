package io.sparkdnn.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;

/**
 * Checks libsvm files before Spark's libsvm reader parses them. That reader fails inside whatever
 * job first reads the rows, with "Index 3004 out of bounds for vector of size 3000" or a
 * NumberFormatException and neither the file nor the line; this applies the same rules (lines
 * trimmed, blank and '#' lines skipped, "label index:value ...", indices 1-based and increasing,
 * at most numFeatures, numbers Java can parse) and names the line that breaks one. Values that
 * parse but are not finite (NaN, Infinity) pass here and are refused by row when rows are packed.
 */
final class LibsvmLines {
  private LibsvmLines() {}

  /**
   * What one pass over libsvm files found: the first bad line, if any, and the largest feature
   * index (1-based, so the vector width Spark's reader infers without numFeatures).
   *
   * @param badLine "line L of FILE: what is wrong; what to do", or null when every line reads
   * @param maxIndex the largest index of the lines (0 when no line has a feature)
   */
  record Scan(String badLine, long maxIndex) {}

  /**
   * Checks every line of the libsvm files at {@code path} and finds their largest index (one
   * distributed pass over the text; then, only when a bad line is found, a read of that file up to
   * it for its line number). Spark's reader, given that width as numFeatures, skips the scan it
   * would otherwise make to find it.
   *
   * @param numFeatures the vector size the reader uses (its numFeatures), or ≤ 0 if unknown
   * @param beyond what an index beyond numFeatures exceeds, and what to do: "feature index N is
   *     beyond {@code beyond}"
   */
  static Scan scan(SparkSession spark, String path, long numFeatures, String beyond) {
    // one result per partition: {file, bad line} for its first bad line, else {null, its largest index}
    List<String[]> found = spark.read().text(path).select(functions.input_file_name(), functions.col("value"))
        .javaRDD().mapPartitions(rows -> {
          long max = 0;
          while (rows.hasNext()) {
            Row r = rows.next();
            Verdict verdict = check(r.getString(1).trim(), numFeatures, beyond);
            if (verdict.problem() != null) {
              return java.util.Collections.singletonList(new String[] {r.getString(0), r.getString(1)}).iterator();
            }
            max = Math.max(max, verdict.lastIndex());
          }
          return java.util.Collections.singletonList(new String[] {null, Long.toString(max)}).iterator();
        }).collect();
    long max = 0;
    for (String[] f : found) {
      if (f[0] != null) {
        return new Scan(badLine(spark, f[0], f[1], numFeatures, beyond), max);
      }
      max = Math.max(max, Long.parseLong(f[1]));
    }
    return new Scan(null, max);
  }

  private static String badLine(SparkSession spark, String file, String content, long numFeatures, String beyond) {
    String problem = problem(content.trim(), numFeatures, beyond);
    Path p = new Path(file);
    try (BufferedReader in = new BufferedReader(new InputStreamReader(
        p.getFileSystem(spark.sparkContext().hadoopConfiguration()).open(p), StandardCharsets.UTF_8))) {
      String line;
      long number = 0;
      while ((line = in.readLine()) != null) {
        number++;
        if (line.equals(content)) {
          return "line " + number + " of " + file + ": " + problem;
        }
      }
    } catch (IOException e) {
      // fall through: the file and the problem without its number
    }
    return "a line of " + file + ": " + problem;
  }

  /**
   * What to do about a line Spark's reader cannot parse. The reader parses whole files, so such a
   * line fails the read whatever data.bad-rows says.
   */
  private static final String FIX = "; fix or remove the line (data.bad-rows = skip cannot pass over a line "
      + "Spark's libsvm reader cannot parse)";

  /**
   * One line read: what is wrong with it (null when nothing), and the index of its last feature
   * (its largest, as indices increase; 0 without features).
   */
  private record Verdict(String problem, long lastIndex) {}

  /** What is wrong with one trimmed line, or null ({@code beyond}: see {@link #scan}). */
  static String problem(String line, long numFeatures, String beyond) {
    return check(line, numFeatures, beyond).problem();
  }

  private static Verdict check(String line, long numFeatures, String beyond) {
    if (line.isEmpty() || line.startsWith("#")) {
      return new Verdict(null, 0);
    }
    String[] tokens = line.split("\\s+");
    if (!isNumber(tokens[0])) {
      return bad("the label '" + tokens[0] + "' is not a number" + FIX);
    }
    long previous = 0;
    for (int k = 1; k < tokens.length; k++) {
      String token = tokens[k];
      int colon = token.indexOf(':');
      if (colon < 0) {
        return bad("'" + token + "' is not index:value"
            + (token.startsWith("#") ? " (a comment needs a line of its own)" : "") + FIX);
      }
      long index;
      try {
        index = Long.parseLong(token.substring(0, colon));
      } catch (NumberFormatException e) {
        return bad("the index of '" + token + "' is not a whole number" + FIX);
      }
      if (index < 1) {
        return bad("feature index " + index + " in '" + token + "'; libsvm indices start at 1" + FIX);
      }
      if (index <= previous) {
        return bad("feature index " + index + " follows index " + previous + "; indices must increase along a line"
            + FIX);
      }
      if (numFeatures > 0 && index > numFeatures) {
        return bad("feature index " + index + " is beyond " + beyond);
      }
      if (!isNumber(token.substring(colon + 1))) {
        return bad("the value of '" + token + "' is not a number; leave a missing feature out (a libsvm line lists "
            + "the features it has)" + FIX.replace("; fix", ", or fix"));
      }
      previous = index;
    }
    return new Verdict(null, previous);
  }

  private static Verdict bad(String problem) {
    return new Verdict(problem, 0);
  }

  private static boolean isNumber(String s) {
    try {
      Double.parseDouble(s);
      return true;
    } catch (NumberFormatException e) {
      return false;
    }
  }
}
