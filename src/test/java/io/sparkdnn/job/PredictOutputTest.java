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

  /** One clear line, no stack trace, and nothing written at {@code out}. */
  private static void assertRefused(Cli cli, Path out, String... expected) {
    assertEquals(1, cli.status, cli.toString());
    String line = cli.err.strip();
    assertTrue(line.startsWith("error: ") && !line.contains("\n") && !line.contains("\tat "), cli.err);
    for (String e : expected) {
      assertTrue(line.contains(e), "'" + e + "' in: " + line);
    }
    assertFalse(Files.exists(out), "nothing written at " + out);
  }

  /**
   * A finite feature that the model's scaling takes beyond float's range (b = 3e38, scale 2) would
   * make the network answer NaN: prediction and evaluation refuse the row like any bad row, or
   * leave it out with data.bad-rows = skip.
   */
  @Test
  void aFeatureBeyondFloatRangeOnceScaledIsABadRow() {
    SparkSession spark = SparkTestSession.get();
    String huge = dir.resolve("huge.parquet").toString();
    spark.range(0, 20, 1, 1).selectExpr("id", "CAST(id AS DOUBLE) / 10 AS a",
        "IF(id = 6, 3e38D, 1.0D) AS b", "-1.0D AS c", "IF(id % 2 = 0, 'cat', 'dog') AS animal").write().parquet(huge);
    Path out = dir.resolve("refused");
    assertRefused(predict(huge, out, false), out, "row 7", "column 'b' has 3.0E38",
        "beyond float's range", "data.bad-rows = skip");
    Cli evaluate = Cli.run("evaluate", "--set", "evaluate.model=" + MODEL, "--set", "evaluate.input.path=" + huge);
    assertRefused(evaluate, out, "row 7", "column 'b' has 3.0E38", "beyond float's range");

    Path skipped = dir.resolve("skipped");
    Cli cli = Cli.run("predict", "--set", "predict.model=" + MODEL, "--set", "predict.input.path=" + huge,
        "--set", "predict.output.path=" + skipped, "--set", "data.bad-rows=skip");
    assertEquals(0, cli.status, cli.toString());
    List<org.apache.spark.sql.Row> rows = spark.read().parquet(skipped.toString()).orderBy("id").collectAsList();
    assertEquals(20, rows.size());
    for (org.apache.spark.sql.Row r : rows) {
      assertEquals(r.getLong(0) == 6, r.isNullAt(r.fieldIndex("prediction")), r.toString());
    }

    // What predict logs after writing: the rows it left unscored, per reason, counted by the tasks.
    io.sparkdnn.data.SkippedRows counted = new io.sparkdnn.data.SkippedRows(spark.sparkContext());
    io.sparkdnn.model.DnnModel model = io.sparkdnn.model.ModelReader.read(MODEL,
        spark.sparkContext().hadoopConfiguration(), "model");
    io.sparkdnn.scoring.ModelScoring.predict(model, spark.read().parquet(huge), null,
        io.sparkdnn.data.BadRowPolicy.SKIP, "huge", "prediction", "probability", 0.5f, counted).write().format("noop").mode("overwrite").save();
    assertEquals(Map.of(io.sparkdnn.data.BadRowReason.NON_FINITE_FEATURE, 1L), counted.counts());
    assertEquals(List.of("skipped 1 row of huge with a NaN or infinite feature, or one beyond float's range "
        + "(as read or once scaled) (bad rows skipped: data.bad-rows = skip, or handleInvalid = skip or keep in Spark "
        + "ML): they are in the output with null predictions"),
        io.sparkdnn.data.SkippedRows.lines(counted.counts(), "huge", "they are in the output with null predictions"));
  }

  /**
   * Output columns that would collide are refused in one line before anything is written: a kept
   * column with the name of an added one, a column kept twice, two CSV columns of one name, and a
   * kept column CSV cannot hold; a backtick in a kept column's name is no obstacle.
   */
  @Test
  void collidingOrUnwritableOutputColumnsAreRefusedInOneLine() {
    SparkSession spark = SparkTestSession.get();
    String input = dir.resolve("named.parquet").toString();
    spark.range(0, 10, 1, 1).selectExpr("id", "0.5D AS a", "1.0D AS b", "-1.0D AS c", "'old' AS prediction",
        "id AS `odd``name`", "0.25D AS probability_cat", "array(id) AS tags").write().parquet(input);
    Path out = dir.resolve("out");
    assertRefused(predict(input, out, false), out, "column 'prediction'", "predict.keep-columns");
    assertRefused(Cli.run("predict", "--set", "predict.model=" + MODEL, "--set", "predict.input.path=" + input,
        "--set", "predict.output.path=" + out, "--set", "predict.keep-columns=[id,id]"), out, "'id' is named twice");
    assertRefused(Cli.run("predict", "--set", "predict.model=" + MODEL, "--set", "predict.input.path=" + input,
        "--set", "predict.output.path=" + out, "--set", "predict.output.format=csv",
        "--set", "predict.keep-columns=[id,probability_cat]"), out, "two columns named 'probability_cat'");
    assertRefused(Cli.run("predict", "--set", "predict.model=" + MODEL, "--set", "predict.input.path=" + input,
        "--set", "predict.output.path=" + out, "--set", "predict.output.format=csv",
        "--set", "predict.keep-columns=[id,tags]"), out, "column 'tags' (array<bigint>) cannot be written to CSV");
    Cli backtick = Cli.run("predict", "--set", "predict.model=" + MODEL, "--set", "predict.input.path=" + input,
        "--set", "predict.output.path=" + out, "--set", "predict.output.format=csv",
        "--set", "predict.keep-columns=[id,\"odd`name\"]");
    assertEquals(0, backtick.status, backtick.toString());
    assertTrue(spark.read().option("header", "true").csv(out.toString()).schema().apply("odd`name") != null);
  }

  /**
   * The probabilities (nearly every value distinct) are written without a dictionary, which parquet
   * would fill and then throw away; the labels keep theirs.
   */
  @Test
  void probabilitiesAreWrittenWithoutADictionary() throws IOException {
    Path out = dir.resolve("predictions");
    Cli cli = predict(good, out, false);
    assertEquals(0, cli.status, cli.toString());
    Map<String, String> encodings = new TreeMap<>();
    try (Stream<Path> files = Files.list(out)) {
      Path part = files.filter(f -> f.getFileName().toString().endsWith(".parquet")).findFirst().orElseThrow();
      @SuppressWarnings("deprecation")
      org.apache.parquet.hadoop.metadata.ParquetMetadata footer = org.apache.parquet.hadoop.ParquetFileReader.readFooter(
          new org.apache.hadoop.conf.Configuration(), new org.apache.hadoop.fs.Path(part.toString()));
      footer.getBlocks().get(0).getColumns().forEach(c -> encodings.put(c.getPath().toDotString(),
          c.getEncodings().toString()));
    }
    assertFalse(encodings.get("probability.list.element").contains("DICTIONARY"), encodings.toString());
    assertTrue(encodings.get("prediction").contains("DICTIONARY"), encodings.toString());
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
