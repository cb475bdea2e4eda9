package io.sparkdnn.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkdnn.SparkTestSession;
import io.sparkdnn.cli.Cli;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * predict.output.path: predictions land only when the job has succeeded, replace only what
 * predict itself wrote, and a failed job leaves the previous predictions — or nothing — behind.
 */
class PredictOutputTest {
  /** A 3-feature (a, b, c) classifier of cats, dogs and emus. */
  private static final String MODEL = Path.of("src/test/resources/golden/model-v1").toAbsolutePath().toString();
  @TempDir static Path data;
  @TempDir Path dir;
  private static String good;
  private static String bad;

  @BeforeAll
  static void writeInputs() {
    SparkSession spark = SparkTestSession.get();
    good = data.resolve("good.parquet").toString();
    bad = data.resolve("bad.parquet").toString();
    spark.range(0, 200, 1, 2).selectExpr("id", "CAST(id AS DOUBLE) / 100 AS a", "1.0D AS b", "-1.0D AS c")
        .write().parquet(good);
    // Row 151 has a NaN feature: the job fails there, after the first partition is written.
    spark.range(0, 200, 1, 2).selectExpr("id", "IF(id = 150, CAST('NaN' AS DOUBLE), CAST(id AS DOUBLE) / 100) AS a",
        "1.0D AS b", "-1.0D AS c").write().parquet(bad);
  }

  private static Cli predict(String input, Path output, boolean overwrite) {
    return Cli.run("predict", "--set", "predict.model=" + MODEL, "--set", "predict.input.path=" + input,
        "--set", "predict.output.path=" + output, "--set", "predict.overwrite=" + overwrite);
  }

  @Test
  void aFailedJobLeavesThePreviousPredictionsAsTheyWere() {
    Path out = dir.resolve("predictions");
    Cli first = predict(good, out, false);
    assertEquals(0, first.status, first.toString());
    assertTrue(Files.exists(out.resolve("_SUCCESS")));
    assertTrue(Files.exists(out.resolve("_spark-dnn.json")), "the marker that makes it replaceable by predict");
    Map<String, String> before = contents(out);

    Cli failed = predict(bad, out, true);
    assertEquals(1, failed.status, failed.toString());
    assertTrue(failed.err.contains("row 151"), failed.err);
    assertEquals(before, contents(out), "every file as it was");
    assertEquals(List.of("predictions"), names(dir), "no staging directory left");

    Cli replaced = predict(good, out, true);
    assertEquals(0, replaced.status, replaced.toString());
    assertEquals(200, SparkTestSession.get().read().parquet(out.toString()).count());
    assertEquals(List.of("predictions"), names(dir), "no staging directory or old copy left");
  }

  @Test
  void aFailedFirstJobLeavesNoDirectory() {
    Path out = dir.resolve("predictions");
    Cli failed = predict(bad, out, false);
    assertEquals(1, failed.status, failed.toString());
    assertFalse(Files.exists(out));
    assertEquals(List.of(), names(dir), "no empty directory, no staging directory");
  }

  @Test
  void aFolderThatPredictDidNotWriteIsNeverReplaced() throws IOException {
    Path users = dir.resolve("reports");
    Files.createDirectories(users);
    Files.writeString(users.resolve("q3.parquet"), "not ours");
    Cli refused = predict(good, users, true);
    assertEquals(1, refused.status, refused.toString());
    assertTrue(refused.err.contains("predict.output.path " + users + " is not the output of spark-dnn predict (it has "
        + "no _spark-dnn.json"), refused.err);
    assertEquals(Map.of("q3.parquet", "not ours"), contents(users));
    assertEquals(List.of("reports"), names(dir));
  }

  /** Every file under {@code dir} (relative path → content), to compare before and after. */
  private static Map<String, String> contents(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      Map<String, String> all = new TreeMap<>();
      for (Path f : files.filter(Files::isRegularFile).collect(Collectors.toList())) {
        all.put(dir.relativize(f).toString(), new String(Files.readAllBytes(f), java.nio.charset.StandardCharsets.ISO_8859_1));
      }
      return all;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<String> names(Path dir) {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
