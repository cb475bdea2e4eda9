package io.sparkdnn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sparkdnn.SparkTestSession;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every kind of bad input gets one clear error line naming what and where, exit status 1, and no
 * model: neither the model directory nor a leftover staging directory.
 */
class BadInputTest {
  private static final StructType ARRAYS = new StructType()
      .add("label", DataTypes.IntegerType, true)
      .add("features", DataTypes.createArrayType(DataTypes.FloatType, true), true);

  @TempDir static Path dir;
  static String good;

  @BeforeAll
  static void writeGoodData() {
    good = write("good", rows(40, -1, null));
  }

  /** 40 rows of 3 features, labels 0/1; row {@code bad} (0-based) replaced by {@code badRow}. */
  private static List<Row> rows(int n, int bad, Row badRow) {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      rows.add(i == bad ? badRow : RowFactory.create(i % 2, new float[] {i, i % 3, 1f}));
    }
    return rows;
  }

  private static String write(String name, List<Row> rows) {
    SparkSession spark = SparkTestSession.get();
    String path = dir.resolve(name + ".parquet").toString();
    spark.createDataFrame(rows, ARRAYS).coalesce(1).write().parquet(path);
    return path;
  }

  private static Cli train(String data, String... extra) {
    List<String> args = new ArrayList<>(List.of("train",
        "--set", "data.train.path=" + data,
        "--set", "network.layers=3-4relu-2softmax",
        "--set", "training.epochs=1",
        "--set", "model.path=" + dir.resolve("model")));
    for (String e : extra) {
      args.add("--set");
      args.add(e);
    }
    return Cli.run(args.toArray(new String[0]));
  }

  private static void assertRefused(Cli cli, String... expected) {
    assertOneErrorLine(cli, expected);
    assertFalse(Files.exists(dir.resolve("model")), "no model is written");
    String[] leftovers = dir.toFile().list((d, n) -> n.startsWith(".model."));
    assertEquals(0, leftovers.length, "no staging directory is left: " + Arrays.toString(leftovers));
  }

  /** Exit status 1 and one line on stderr, "error: …", holding every {@code expected} text. */
  static void assertOneErrorLine(Cli cli, String... expected) {
    assertEquals(1, cli.status, cli.toString());
    String[] lines = cli.err.strip().split("\n");
    assertEquals(1, lines.length, "one error line, no stack trace: " + cli.err);
    String error = lines[0];
    assertTrue(error.startsWith("error: "), cli.toString());
    for (String e : expected) {
      assertTrue(error.contains(e), "expected '" + e + "' in: " + error);
    }
  }

  /**
   * An option given an empty value is an unset variable in a scheduled job ({@code --run-id "$RUN_ID"}):
   * refused, not taken as the option left out (a run without id, a model outside the store).
   */
  @Test
  void emptyOptionValuesAreRefused() {
    assertOneErrorLine(Cli.run("train", "--store", dir.resolve("store").toString(), "--name", "m", "--run-id", ""),
        "error: --run-id is empty (store.run-id); give it a value, or leave the option out");
    assertOneErrorLine(Cli.run("train", "--store", " ", "--name", "m"), "error: --store is empty (store.path)");
    assertOneErrorLine(Cli.run("list", "--store", ""), "error: --store is empty (store.path)");
    assertOneErrorLine(Cli.run("export", "--model", "", "--output", dir.resolve("x.onnx").toString()),
        "error: --model is empty (export.model)");
    assertFalse(Files.exists(dir.resolve("store")));
  }

  /** A warm start that names no model says what the key takes (a trial wrote "latest" for "current"). */
  @Test
  void aWarmStartThatIsNoModelNamesTheKeyword() {
    assertRefused(train(good, "model.warm-start=latest"),
        "no model at latest (model.warm-start); model.warm-start takes a model's directory, or current");
  }

  @Test
  void nanFeature() {
    String data = write("nan", rows(40, 16, RowFactory.create(0, new float[] {1f, Float.NaN, 2f})));
    assertRefused(train(data), "row 17", "column 'features'", "NaN at position 1", "data.train.path=" + data);
  }

  @Test
  void infiniteFeature() {
    String data = write("inf", rows(40, 3, RowFactory.create(1, new float[] {1f, 2f, Float.POSITIVE_INFINITY})));
    assertRefused(train(data), "row 4", "column 'features'", "Infinity at position 2");
  }

  @Test
  void wrongWidth() {
    String data = write("width", rows(40, 25, RowFactory.create(1, new float[] {1f, 2f})));
    assertRefused(train(data), "row 26", "column 'features'", "has 2 values, expected 3");
  }

  @Test
  void nullFeatureArray() {
    String data = write("nullfeatures", rows(40, 30, RowFactory.create(1, null)));
    assertRefused(train(data), "row 31", "column 'features'", "is null");
  }

  @Test
  void nullLabel() {
    String data = write("nulllabel", rows(40, 9, RowFactory.create(null, new float[] {1f, 2f, 3f})));
    assertRefused(train(data), "row 10", "column 'label'", "no label (null)");
  }

  @Test
  void unknownLabelInValidationData() {
    List<Row> validation = rows(10, 2, RowFactory.create(7, new float[] {1f, 2f, 3f}));
    String path = write("unknownlabel", validation);
    assertRefused(train(good, "data.validation.path=" + path),
        "validation data", "row 3", "label '7'", "not one of the model's classes [0, 1]");
  }

  /**
   * A bad row in the test data stops the run before the first epoch (no checkpoint is written), not
   * after all the training; the test rows are checked against the training data's classes.
   */
  @Test
  void badTestDataIsRefusedBeforeTraining() throws IOException {
    String test = write("badtest", rows(12, 7, RowFactory.create(5, new float[] {1f, 2f, 3f})));
    Path checkpoints = dir.resolve("checkpoints-badtest");
    assertRefused(train(good, "data.test.path=" + test, "checkpoint.dir=" + checkpoints, "training.epochs=3"),
        "test data (data.test.path=" + test + ")", "row 8", "label '5'", "not one of the model's classes [0, 1]");
    assertFalse(Files.exists(checkpoints) && Files.list(checkpoints).findAny().isPresent(),
        "no epoch ran, so no checkpoint was written");
    String nan = write("nantest", rows(12, 0, RowFactory.create(1, new float[] {Float.NaN, 2f, 3f})));
    assertRefused(train(good, "data.test.path=" + nan), "test data", "row 1", "NaN at position 0");
  }

  /**
   * Two runs in one checkpoint.dir would each delete the other's checkpoints (as those of other
   * settings) or resume from them: the second is refused at its start while the first lives.
   */
  @Test
  void aCheckpointDirInUseByAnotherRunIsRefused() throws IOException {
    Path checkpoints = dir.resolve("checkpoints-shared");
    try (io.sparkdnn.files.DirectoryLock running = io.sparkdnn.train.Checkpoints.lock(checkpoints.toString(),
        new org.apache.hadoop.conf.Configuration())) {
      assertRefused(train(good, "checkpoint.dir=" + checkpoints), "error: " + checkpoints
          + " (checkpoint.dir) is in use by another run right now (pid " + ProcessHandle.current().pid(),
          "give each run its own checkpoint.dir, or wait until that run has finished");
      assertTrue(Files.exists(Path.of(running.file().toUri())), "the holder's lock is left alone");
    }
    Cli after = train(good, "checkpoint.dir=" + checkpoints, "model.path=" + dir.resolve("model-after-lock"));
    assertEquals(0, after.status, after.toString());
    assertFalse(Files.exists(checkpoints.resolve(io.sparkdnn.files.DirectoryLock.FILE)), "released at the end");
  }

  @Test
  void emptyInput() {
    String data = write("empty", new ArrayList<>());
    assertRefused(train(data), "training data", "no rows");
  }

  @Test
  void missingFile() {
    assertRefused(train(dir.resolve("nowhere.parquet").toString()),
        "training data not found", "nowhere.parquet", "data.train.path");
  }

  @Test
  void malformedFile() throws IOException {
    Path text = dir.resolve("notparquet");
    Files.createDirectories(text);
    Files.writeString(text.resolve("part-0.parquet"), "this is not parquet\n");
    Cli cli = train(text.toString());
    assertRefused(cli);
    assertTrue(cli.err.toLowerCase().contains("parquet"), cli.err);
  }

  @Test
  void missingLabelColumn() {
    assertRefused(train(good, "data.label=target"),
        "label column 'target' not found in training data", "its columns are label, features");
  }

  @Test
  void networkInputWidthDiffersFromData() {
    assertRefused(train(good, "network.layers=5-4relu-2softmax"),
        "have 3 values per row", "input layer takes 5", "start network.layers with 3");
  }

  @Test
  void moreLabelsThanOutputs() {
    List<Row> three = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      three.add(RowFactory.create(i % 3 + 10, new float[] {i, 1f, 2f}));
    }
    // Numeric labels are class indices (class k is label k), whichever labels the data holds.
    assertRefused(train(write("threeclasses", three)), "label column 'label'", "go up to 12",
        "the network needs 13 classes, not 2", "end network.layers with 13softmax, or index the labels from 0");
  }

  @Test
  void moreStringLabelsThanOutputs() {
    StructType strings = new StructType().add("label", DataTypes.StringType, true)
        .add("features", DataTypes.createArrayType(DataTypes.FloatType, true), true);
    List<Row> three = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      three.add(RowFactory.create("class-" + (i % 3), new float[] {i, 1f, 2f}));
    }
    String path = dir.resolve("threestrings.parquet").toString();
    SparkTestSession.get().createDataFrame(three, strings).coalesce(1).write().parquet(path);
    assertRefused(train(path), "3 distinct labels [class-0, class-1, class-2]", "end network.layers with 3softmax");
  }

  @Test
  void unknownConfigurationKey() {
    assertRefused(train(good, "training.epoch=3"),
        "unknown configuration key 'training.epoch'", "did you mean training.epochs?");
  }

  @Test
  void badConfigurationValue() {
    assertRefused(train(good, "training.epochs=ten"), "training.epochs must be a whole number");
    assertRefused(train(good, "training.optimizer.learning-rate=-1"), "training.optimizer.learning-rate");
    assertRefused(train(good, "training.mode=async"), "training.mode", "unknown training mode 'async'");
    assertRefused(train(good, "network.layers=3-4relu-2softmax:bce"), "network.layers", "softmax with loglik");
  }

  @Test
  void missingConfigurationFile() {
    Cli cli = Cli.run("train", "--conf", dir.resolve("absent.conf").toString());
    assertRefused(cli, "configuration file not found", "absent.conf");
  }

  @Test
  void malformedConfigurationFile() throws IOException {
    File conf = dir.resolve("broken.conf").toFile();
    Files.writeString(conf.toPath(), "training { epochs = \n");
    assertRefused(Cli.run("train", "--conf", conf.toString()), "cannot read", "broken.conf", "correct the syntax there");
    // A section left open: Typesafe Config's own words ask for a ')'.
    Files.writeString(conf.toPath(), "data {\n  train.path = \"x.parquet\"\n\ntraining.epochs = 3\n");
    Cli open = Cli.run("train", "--conf", conf.toString());
    assertRefused(open, "broken.conf line 5: the file ends before a '{' opened earlier is closed");
    assertTrue(!open.err.contains("parentheses"), open.err);
  }

  @Test
  void aFolderThatIsNotAModelIsNotReplaced() throws IOException {
    Path model = dir.resolve("kept");
    Files.createDirectories(model);
    Files.writeString(model.resolve("marker"), "old");
    Cli cli = Cli.run("train", "--set", "data.train.path=" + good, "--set", "network.layers=3-4relu-2softmax",
        "--set", "model.path=" + model);
    assertEquals(1, cli.status, cli.toString());
    assertTrue(cli.err.contains("model.path " + model + " is not a spark-dnn model"), cli.err);
    assertTrue(cli.err.contains("model.overwrite = true"), cli.err);
    assertEquals("old", Files.readString(model.resolve("marker")));
  }

  @Test
  void badRowsCanBeSkippedAndCounted() throws IOException {
    List<Row> rows = rows(40, 5, RowFactory.create(1, new float[] {Float.NaN, 1f, 1f}));
    rows.set(12, RowFactory.create(null, new float[] {1f, 1f, 1f}));
    String data = write("skip", rows);
    Path model = dir.resolve("skipped-model");
    Cli cli = Cli.run("train", "--set", "data.train.path=" + data, "--set", "network.layers=3-4relu-2softmax",
        "--set", "training.epochs=1", "--set", "data.bad-rows=skip", "--set", "data.validation-fraction=0",
        "--set", "model.path=" + model);
    assertEquals(0, cli.status, cli.toString());
    String metadata = Files.readString(model.resolve("metadata.json"));
    assertTrue(metadata.replace(" ", "").contains("\"train\":38"), metadata);
    assertTrue(metadata.replace(" ", "").contains("\"skipped\":2"), metadata);
  }

  /**
   * A network that cannot fit is refused before any data is read, saying how much it needs and what
   * to change — not an out-of-memory error an hour in, nor an index overflow.
   */
  @Test
  void aNetworkThatCannotFitIsRefusedUpFront() {
    assertRefused(train(good, "network.layers=3-65536softmax"), "65536 classes",
        "confusion matrix of 65536 × 65536 counts cannot be held");
    assertRefused(train(good, "network.layers=3-12000softmax"), "network 3-12000softmax needs at least",
        "confusion matri", "make the network smaller");
  }
}
