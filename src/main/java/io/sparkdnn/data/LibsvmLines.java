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
   * "line L of FILE: what is wrong; what to do" for a bad line of the libsvm files at {@code path}
   * (one distributed pass over the text; then, only when one is found, a read of that file up to
   * it for its line number), or null when every line reads.
   *
   * @param numFeatures the vector size the reader uses (its numFeatures), or ≤ 0 if unknown
   */
  static String firstBadLine(SparkSession spark, String path, long numFeatures) {
    List<String[]> bad = spark.read().text(path).select(functions.input_file_name(), functions.col("value"))
        .javaRDD().mapPartitions(rows -> {
          while (rows.hasNext()) {
            Row r = rows.next();
            if (problem(r.getString(1).trim(), numFeatures) != null) {
              return java.util.Collections.singletonList(new String[] {r.getString(0), r.getString(1)}).iterator();
            }
          }
          return java.util.Collections.<String[]>emptyIterator();
        }).take(1);
    if (bad.isEmpty()) {
      return null;
    }
    String file = bad.get(0)[0];
    String content = bad.get(0)[1];
    String problem = problem(content.trim(), numFeatures);
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

  /** What is wrong with one trimmed line, or null. */
  static String problem(String line, long numFeatures) {
    if (line.isEmpty() || line.startsWith("#")) {
      return null;
    }
    String[] tokens = line.split("\\s+");
    if (!isNumber(tokens[0])) {
      return "the label '" + tokens[0] + "' is not a number";
    }
    long previous = 0;
    for (int k = 1; k < tokens.length; k++) {
      String token = tokens[k];
      int colon = token.indexOf(':');
      if (colon < 0) {
        return "'" + token + "' is not index:value";
      }
      long index;
      try {
        index = Long.parseLong(token.substring(0, colon));
      } catch (NumberFormatException e) {
        return "the index of '" + token + "' is not a whole number";
      }
      if (index < 1) {
        return "feature index " + index + " in '" + token + "'; libsvm indices start at 1";
      }
      if (index <= previous) {
        return "feature index " + index + " follows index " + previous + "; indices must increase along a line";
      }
      if (numFeatures > 0 && index > numFeatures) {
        return "feature index " + index + " is beyond numFeatures = " + numFeatures + " (the reader's option "
            + "numFeatures, or the largest index of the data it was fitted to); raise numFeatures or drop the line";
      }
      if (!isNumber(token.substring(colon + 1))) {
        return "the value of '" + token + "' is not a number (write NaN or Infinity as such, which are then "
            + "refused as not finite, or leave the feature out)";
      }
      previous = index;
    }
    return null;
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
