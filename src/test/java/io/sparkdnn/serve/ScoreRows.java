package io.sparkdnn.serve;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * What a JVM service does with the scorer, as a program that {@link ScorerWithoutSparkTest} starts on
 * a classpath without Spark: {@code ScoreRows MODEL_DIR ROWS_FILE} (one row per line, values
 * separated by spaces) prints whether Spark, Scala and Hadoop classes can be loaded, the BLAS in
 * use, then one line per row ({@code row R: LABEL OUTPUT...}), scored one by one and as a batch.
 */
public final class ScoreRows {
  private ScoreRows() {}

  public static void main(String[] args) throws IOException {
    for (String[] probe : new String[][] {
        {"spark", "org.apache.spark.SparkContext"}, {"scala", "scala.Option"},
        {"hadoop", "org.apache.hadoop.conf.Configuration"}}) {
      System.out.println(probe[0] + ": " + (loadable(probe[1]) ? "present" : "absent"));
    }
    Scorer scorer = Scorer.load(Path.of(args[0]));
    System.out.println("blas: " + scorer.blasDescription());
    List<String> lines = Files.readAllLines(Path.of(args[1]));
    float[][] rows = new float[lines.size()][];
    for (int r = 0; r < rows.length; r++) {
      String[] values = lines.get(r).trim().split(" ");
      rows[r] = new float[values.length];
      for (int j = 0; j < values.length; j++) {
        rows[r][j] = Float.parseFloat(values[j]);
      }
    }
    Prediction[] batch = scorer.scoreBatch(rows);
    for (int r = 0; r < rows.length; r++) {
      Prediction single = scorer.score(rows[r]);
      StringBuilder line = new StringBuilder("row " + r + ":");
      line.append(' ').append(single instanceof Prediction.Classification c ? c.label() : "-");
      for (float v : single.outputs()) {
        line.append(' ').append(v);
      }
      System.out.println(line);
      StringBuilder batchLine = new StringBuilder("batch row " + r + ":");
      for (float v : batch[r].outputs()) {
        batchLine.append(' ').append(v);
      }
      System.out.println(batchLine);
    }
    try {
      scorer.score(new float[rows[0].length + 1]);
    } catch (IllegalArgumentException e) {
      System.out.println("refused: " + e.getMessage());
    }
  }

  private static boolean loadable(String name) {
    try {
      Class.forName(name, false, ScoreRows.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException e) {
      return false;
    }
  }
}
