package io.sparkdnn.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkdnn.engine.Task;
import io.sparkdnn.model.DnnModel;
import io.sparkdnn.model.ModelWriter;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A JVM whose classpath has no Spark, Scala or Hadoop jar — only spark-dnn's classes and the
 * libraries the {@link Scorer} documents (Jackson, slf4j-api, netlib BLAS with the f2j classes its
 * native binding needs, JavaCPP + OpenBLAS) —
 * loads a saved model and scores rows; its predictions are this JVM's, and the bundled native
 * OpenBLAS is the BLAS it uses.
 */
class ScorerWithoutSparkTest {
  /** The documented minimal dependency set of a service, by jar file name. */
  static final Pattern SERVICE_JARS = Pattern.compile(
      "(jackson-(databind|core|annotations)|slf4j-api|blas|arpack_combined_all|javacpp|openblas)-\\d.*\\.jar");

  @TempDir Path dir;

  @Test
  void aJvmWithoutSparkScoresASavedModel() throws Exception {
    DnnModel model = ServeModels.model("10-16relu-8tanh-4softmax", Task.MULTICLASS, 12);
    Path saved = dir.resolve("model");
    ModelWriter.open(saved.toString(), false, new Configuration(), "model.path").commit(model);
    float[][] rows = ServeModels.rows(model, 12, 25);
    Path rowsFile = dir.resolve("rows.txt");
    Files.write(rowsFile, Arrays.stream(rows).map(ScorerWithoutSparkTest::line).collect(Collectors.toList()));

    List<String> classpath = serviceClasspath();
    for (String entry : classpath) {
      String name = Path.of(entry).getFileName().toString();
      assertFalse(name.contains("spark") && !entry.contains("target"), entry);
      assertFalse(name.contains("hadoop") || name.contains("scala"), entry);
    }
    List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", String.join(File.pathSeparator, classpath), ScoreRows.class.getName(), saved.toString(),
        rowsFile.toString());
    Process process = new ProcessBuilder(command).redirectErrorStream(false).start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    int status = process.waitFor();
    System.out.println("child JVM classpath: " + classpath.stream().map(e -> Path.of(e).getFileName().toString())
        .collect(Collectors.joining(" ")));
    System.out.println(out.lines().limit(5).collect(Collectors.joining("\n")));
    assertEquals(0, status, "the child JVM failed:\n" + out + "\n" + err);

    List<String> lines = out.lines().collect(Collectors.toList());
    assertEquals("spark: absent", lines.get(0));
    assertEquals("scala: absent", lines.get(1));
    assertEquals("hadoop: absent", lines.get(2));
    assertTrue(lines.get(3).startsWith("blas: native OpenBLAS"), lines.get(3) + "\n" + err);
    Scorer here = Scorer.of(model);
    for (int r = 0; r < rows.length; r++) {
      Prediction.Classification expected = (Prediction.Classification) here.score(rows[r]);
      String[] single = lines.get(4 + 2 * r).split(" ");
      String[] batch = lines.get(5 + 2 * r).split(" ");
      assertEquals("row " + r + ":", single[0] + " " + single[1]);
      assertEquals(expected.label(), single[2], "row " + r);
      for (int j = 0; j < expected.probabilities().length; j++) {
        assertEquals(expected.probabilities()[j], Float.parseFloat(single[3 + j]), 1e-6f, "row " + r);
        assertEquals(expected.probabilities()[j], Float.parseFloat(batch[3 + j]), 1e-6f, "batch row " + r);
      }
    }
    assertTrue(lines.get(lines.size() - 1).startsWith("refused: row has 11 feature values, expected 10"),
        lines.get(lines.size() - 1));
  }

  /** target/classes and target/test-classes, and from the test classpath only the service's jars. */
  static List<String> serviceClasspath() throws Exception {
    List<String> entries = new ArrayList<>(List.of(Path.of("target/classes").toAbsolutePath().toString(),
        Path.of("target/test-classes").toAbsolutePath().toString()));
    String all = Files.readString(Path.of("target/test-classpath.txt")).trim();
    for (String jar : all.split(File.pathSeparator)) {
      if (SERVICE_JARS.matcher(Path.of(jar).getFileName().toString()).matches()) {
        entries.add(jar);
      }
    }
    return entries;
  }

  private static String line(float[] row) {
    StringBuilder sb = new StringBuilder();
    for (float v : row) {
      sb.append(sb.length() == 0 ? "" : " ").append(v);
    }
    return sb.toString();
  }
}
